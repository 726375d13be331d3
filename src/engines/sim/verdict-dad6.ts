// What duplicate address detection did to the addresses a traced IPv6
// command names: a source or target address that is dadfailed (a duplicate
// answered addrconf_dad_begin's probe) or still tentative is never used or
// answered for (ipv6_chk_addr and ndisc_recv_ns leave out IFA_F_TENTATIVE,
// which a dadfailed address keeps), so the verdict says which device holds
// it so and who else in the lab holds it.

import type { PlacedDevice } from "./topology.js";
import { where } from "./trace-read.js";

/** A device holding an address duplicate address detection has not passed. */
export interface Stuck6 {
  place: PlacedDevice;
  addr: string;
  state: "tentative" | "dadfailed";
}

const name = (p: PlacedDevice): string => `${where(p)}'s ${p.dev}`;

/** The devices holding `addr` in a DAD state other than passed; those in `netns` of `host` first when given. */
export function stuck6(places: readonly PlacedDevice[], addr: string): Stuck6[] {
  const out: Stuck6[] = [];
  for (const p of places) {
    (p.addrs6 ?? []).forEach((a, i) => {
      const state = p.dad6?.[i];
      if (a === addr && (state === "tentative" || state === "dadfailed")) out.push({ place: p, addr, state });
    });
  }
  return out;
}

/** The devices holding `addr` with DAD passed, besides `but`. */
function usableHolders(places: readonly PlacedDevice[], addr: string, but: PlacedDevice): PlacedDevice[] {
  return places.filter((p) => p !== but && (p.addrs6 ?? []).some((a, i) => a === addr && (p.dad6?.[i] ?? "ok") === "ok"));
}

/** One sentence: the device, the address, its state, and the other holder(s) the lab shows. */
export function stuckSentence(places: readonly PlacedDevice[], s: Stuck6): string {
  const others = usableHolders(places, s.addr, s.place).map(name);
  const also = others.length ? `${others.join(" and ")} hold${others.length > 1 ? "" : "s"} it too` : "";
  if (s.state === "dadfailed") return `${name(s.place)} holds ${s.addr} but duplicate address detection failed on it (dadfailed)${also ? `: ${also}` : ", though no other device in the lab holds it"}, so it is never used or answered for`;
  return `${name(s.place)} holds ${s.addr} but it is still tentative (duplicate address detection has not ended)${also ? `, and ${also}` : ""}, so it is not used or answered for yet`;
}

/** The -I source of a ping, when it is an IPv6 address (its %DEV dropped). */
export function pingSource6(command: string): string | null {
  const m = /(?:^|\s)-I\s*(\S+)/.exec(command);
  if (!m || !m[1]!.includes(":")) return null;
  return m[1]!.split("%")[0]!.toLowerCase();
}
