// The command that would change a cause, as iproute2 and sysctl spell it,
// on the host (and in the namespace) where the cause is, with what it does
// there: the tail of a verdict's sentence about that cause.

import { formatIpv4, networkOf, parseIpv4 } from "../../wire/ipv4-addr.js";

type At = { host: string; netns: string; dev: string };

/** A command, the host it runs on, and what it does there. */
export interface Fix {
  host: string;
  command: string;
  does: string;
}

/** A command in a namespace of its host, as the matrix runs its pings. */
const inNetns = (netns: string, cmd: string): string => (netns ? `ip netns exec ${netns} ${cmd}` : cmd);

/** "`ip link set ens34 up` on vm01 brings it up". */
export const fixClause = (f: Fix): string => `\`${f.command}\` on ${f.host} ${f.does}`;

/** The clause in parentheses, as it follows the cause it changes. */
export const fixText = (f: Fix): string => `(${fixClause(f)})`;

export const subnetOf = (addr: string, len: number): string => `${formatIpv4(networkOf(parseIpv4(addr)!, len))}/${len}`;

export const linkUp = (p: At): Fix => ({ host: p.host, command: inNetns(p.netns, `ip link set ${p.dev} up`), does: "brings it up" });

export const arpOn = (p: At): Fix => ({ host: p.host, command: inNetns(p.netns, `ip link set ${p.dev} arp on`), does: "turns ARP back on" });

/** An ipvlan port's mode and flags belong to every slave of the parent, and any slave can change them. */
export const ipvlanMode = (p: At, mode: string): Fix => ({ host: p.host, command: inNetns(p.netns, `ip link set ${p.dev} type ipvlan mode ${mode}`), does: `makes the whole port ${mode}` });

/** A macvlan switches locally only between two bridge-mode macvlans: each one that is not gets the mode. */
export const macvlanMode = (ps: readonly At[], mode: string): Fix => ({
  host: ps[0]!.host,
  command: ps.map((p) => inNetns(p.netns, `ip link set ${p.dev} type macvlan mode ${mode}`)).join("; "),
  does: ps.length === 1 ? `makes it a ${mode}-mode macvlan` : `makes them ${mode}-mode macvlans`,
});

/** sysctl keys as a trace names them ("net.ipv4.conf.all.rp_filter=1"), each set to `value`. */
export const sysctl = (host: string, netns: string, keys: readonly string[], value: number, does: string): Fix => ({
  host,
  command: inNetns(netns, `sysctl -w ${keys.map((k) => `${k.replace(/=\d+$/, "")}=${value}`).join(" ")}`),
  does,
});

export const neighReplace = (p: At, addr: string, mac: string): Fix => ({ host: p.host, command: inNetns(p.netns, `ip neigh replace ${addr} lladdr ${mac} dev ${p.dev}`), does: "corrects the entry" });

export const routeAdd = (p: At, subnet: string): Fix => ({ host: p.host, command: inNetns(p.netns, `ip route add ${subnet} dev ${p.dev}`), does: "adds the route" });

/** A new prefix for an address: it cannot be changed in place, and an ipvlan port refuses the same address twice. */
export const readdress = (p: At, addr: string, from: number, to: number): Fix => ({
  host: p.host,
  command: `${inNetns(p.netns, `ip addr del ${addr}/${from} dev ${p.dev}`)}; ${inNetns(p.netns, `ip addr add ${addr}/${to} dev ${p.dev}`)}`,
  does: `gives it the /${to} of that network`,
});

export const addrAdd = (p: At, addr: string, len: number): Fix => ({ host: p.host, command: inNetns(p.netns, `ip addr add ${addr}/${len} dev ${p.dev}`), does: "gives it the address" });

export const netnsAdd = (host: string, netns: string): Fix => ({ host, command: `ip netns add ${netns}`, does: "makes it, before the commands that use it" });

/** A slave made again on another parent: `type ipvlan mode l2`, `type macvlan mode bridge`. */
export const linkAddOn = (p: At, parent: string, type: string): Fix => ({
  host: p.host,
  command: `ip link add link ${parent} ${p.dev} type ${type}`,
  does: `makes it again on ${parent}, once \`${inNetns(p.netns, `ip link del ${p.dev}`)}\` has deleted it (then move, address and set it up as before)`,
});
