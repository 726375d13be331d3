/**
 * What a host's scripts name, found by words rather than by running them: enough
 * to tell a typo in a capture target from a device the scripts create.
 */
const WORD = /[A-Za-z0-9_.@-]+/g;

/** Every word that could be an interface name (a real parse comes with the simulator's shell). */
export function mentionedDevices(scripts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const s of scripts) {
    for (const w of s.replace(/#.*$/gm, "").match(WORD) ?? []) {
      const name = w.split("@")[0]!;
      if (name.length >= 1 && name.length <= 15 && /[A-Za-z]/.test(name) && !/^-/.test(name)) out.add(name);
    }
  }
  return out;
}

/** Names given to `ip netns add` / `ip net add` (and any `ip -n NAME` / `netns exec NAME`). */
export function mentionedNetns(scripts: readonly string[]): Set<string> {
  const out = new Set<string>();
  const re = /\bip\s+(?:-\S+\s+)*(?:netns|netn|net|ne)\s+(?:add|a)\s+([A-Za-z0-9_.-]+)/g;
  for (const s of scripts) {
    for (const m of s.matchAll(re)) out.add(m[1]!);
  }
  return out;
}

const LINK_ADD_ARGS = new Set(["link", "address", "mtu", "netns", "txqueuelen", "numtxqueues", "numrxqueues", "group", "index", "broadcast", "brd", "alias"]);

/** Names that `ip link add` creates (the device, a veth peer) or `ip link set ... name` gives, for listing in messages. */
export function createdDevices(scripts: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of scripts) {
    for (const line of s.replace(/#.*$/gm, "").split(/[\n;&|]+/)) {
      const t = line.trim().split(/\s+/);
      for (let i = 0; i < t.length - 2; i++) {
        if (t[i] !== "ip") continue;
        let j = i + 1;
        while (t[j]?.startsWith("-")) j += t[j] === "-n" || t[j] === "-netns" ? 2 : 1;
        if (!"link".startsWith(t[j] ?? "x")) continue;
        const verb = t[j + 1] ?? "";
        if ("add".startsWith(verb) && verb) {
          for (let k = j + 2; k < t.length && t[k] !== "type"; k++) {
            if (t[k] === "name" || t[k] === "dev") {
              out.push(t[k + 1]!);
              break;
            }
            if (LINK_ADD_ARGS.has(t[k]!)) k++;
            else {
              out.push(t[k]!);
              break;
            }
          }
          const peer = t.indexOf("peer", j);
          if (peer > 0) out.push(t[peer + 1] === "name" ? t[peer + 2]! : t[peer + 1]!);
        } else if ("set".startsWith(verb) && verb) {
          const n = t.indexOf("name", j + 2);
          if (n > 0 && t[n + 1]) out.push(t[n + 1]!);
        }
      }
    }
  }
  return [...new Set(out.filter(Boolean))];
}
