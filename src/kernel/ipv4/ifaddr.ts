// __inet_insert_ifa / __inet_del_ifa (net/ipv4/devinet.c): primaries and
// secondaries, and the FIB work fib_inetaddr_event does for each change.

import { fail, okVoid, type KResult } from "../errno.js";
import { neighIfdown } from "../neigh/neighbour.js";
import { IN_DEV_PROMOTE_SECONDARIES, inetHashInsert, inetHashRemove, inetIfaMatch, type InDevice, type InIfaddr } from "./devinet.js";
import { fibAddIfaddr, fibDelIfaddr, fibDisableIp } from "./fib-frontend.js";

export function inetInsertIfa(inDev: InDevice, ifa: InIfaddr): KResult {
  if (!ifa.local) return fail("EINVAL");
  let lastPrimary = 0;
  for (let i = 0; i < inDev.ifaList.length; i++) {
    const ifa1 = inDev.ifaList[i]!;
    if (!ifa1.secondary && ifa.scope <= ifa1.scope) lastPrimary = i + 1;
    if (ifa1.mask === ifa.mask && inetIfaMatch(ifa1.local, ifa)) {
      if (ifa1.local === ifa.local) return fail("EEXIST");
      if (ifa1.scope !== ifa.scope) return fail("EINVAL");
      ifa.secondary = true;
    }
  }
  // inetaddr_validator_chain: devices weigh in after the duplicate checks, before anything is committed.
  const v = inDev.dev.inetaddrValidate(ifa.local);
  if (!v.ok) return v;
  if (ifa.secondary) inDev.ifaList.push(ifa);
  else inDev.ifaList.splice(lastPrimary, 0, ifa);
  inetHashInsert(inDev.dev, ifa);
  fibAddIfaddr(inDev, ifa);
  inDev.dev.inetaddrEvent("up", ifa.local);
  const net = inDev.net;
  if (net.tracing) net.trace(inDev.dev, "fib_add_ifaddr", `address added${ifa.secondary ? " (secondary)" : ""}`);
  return okVoid;
}

/** fib_inetaddr_event NETDEV_DOWN: routes of the address go; the last address takes every route of the device with it. */
function inetaddrDown(inDev: InDevice, ifa: InIfaddr): void {
  fibDelIfaddr(inDev, ifa, null);
  inDev.dev.inetaddrEvent("down", ifa.local);
  if (inDev.ifaList.length === 0) {
    fibDisableIp(inDev.dev, true);
    neighIfdown(inDev.dev);
  }
}

/** __inet_del_ifa: deleting a primary deletes its secondaries unless promote_secondaries. */
export function inetDelIfa(inDev: InDevice, ifa1: InIfaddr): void {
  const list = inDev.ifaList;
  const idx = list.indexOf(ifa1);
  if (idx < 0) return;
  const sameSubnet = (ifa: InIfaddr) => ifa.secondary && ifa.mask === ifa1.mask && inetIfaMatch(ifa1.local, ifa);
  let promote: InIfaddr | null = null;
  if (!ifa1.secondary) {
    const doPromote = IN_DEV_PROMOTE_SECONDARIES(inDev);
    for (const ifa of [...list.slice(idx + 1)]) {
      if (!sameSubnet(ifa)) continue;
      if (doPromote) {
        promote = ifa;
        break;
      }
      list.splice(list.indexOf(ifa), 1);
      inetHashRemove(inDev.dev, ifa);
      inetaddrDown(inDev, ifa);
    }
  }
  if (promote) for (const ifa of list.slice(list.indexOf(promote))) if (ifa.mask === ifa1.mask && inetIfaMatch(ifa1.local, ifa)) fibDelIfaddr(inDev, ifa, ifa1);
  list.splice(list.indexOf(ifa1), 1);
  inetHashRemove(inDev.dev, ifa1);
  inetaddrDown(inDev, ifa1);
  if (promote) {
    // The promoted address moves to where the primary was, then its routes and its siblings' come back with the new prefsrc.
    list.splice(list.indexOf(promote), 1);
    promote.secondary = false;
    list.splice(Math.min(idx, list.length), 0, promote);
    fibAddIfaddr(inDev, promote);
    for (const ifa of list) if (ifa !== promote && ifa.mask === ifa1.mask && inetIfaMatch(ifa1.local, ifa)) fibAddIfaddr(inDev, ifa);
  }
}

/** inetdev_destroy: every address, as RTM_DELADDR each. */
export function inetDelAll(inDev: InDevice): void {
  while (inDev.ifaList.length > 0) inetDelIfa(inDev, inDev.ifaList[inDev.ifaList.length - 1]!);
}
