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

/** An IPv4 address a lab's commands add to a device: in which namespace ("" for the host's own), on which device. */
export interface AddressAdded {
  netns: string;
  dev: string;
  addr: string;
  prefixlen: number;
}

const IPV4_PREFIX = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/;

/**
 * The addresses `ip addr add` (and `replace`) gives, in `ip netns exec NS`,
 * `ip -n NS` or the host's own namespace: what a lab meant each device to
 * hold, to compare with what it holds.
 */
export function addressesAdded(scripts: readonly string[]): AddressAdded[] {
  const out: AddressAdded[] = [];
  for (const s of scripts) {
    for (const line of s.replace(/#.*$/gm, "").split(/[\n;&|]+/)) {
      let t = line.trim().split(/\s+/);
      let netns = "";
      if (t[0] === "ip" && /^net(ns?)?$|^ne$/.test(t[1] ?? "") && t[2] === "exec" && t[3]) {
        netns = t[3];
        t = t.slice(4);
      }
      if (t[0] !== "ip") continue;
      let j = 1;
      for (; t[j]?.startsWith("-"); j++) if ((t[j] === "-n" || t[j] === "-netns") && t[j + 1]) netns = t[++j]!;
      const verb = t[j + 1] ?? "";
      if (!t[j] || !"address".startsWith(t[j]!) || !verb || !("add".startsWith(verb) || verb === "replace")) continue;
      const dev = t.indexOf("dev", j + 2);
      const addr = t.slice(j + 2).map((w) => IPV4_PREFIX.exec(w)).find(Boolean);
      if (dev > 0 && t[dev + 1] && addr) out.push({ netns, dev: t[dev + 1]!, addr: addr[1]!, prefixlen: addr[2] ? Number(addr[2]) : 32 });
    }
  }
  return out;
}
