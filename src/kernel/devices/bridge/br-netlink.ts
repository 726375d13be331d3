// net/bridge/br_netlink.c: a port's options as `ip link set DEV type
// bridge_slave ...` (br_port_slave_changelink) and `bridge link set dev DEV
// ...` (br_setlink) both reach them, through br_setport. Only a bridge port
// has them: anything else is refused before (rtnl_newlink, rtnl_bridge_setlink).

import { fail, okVoid, type KResult } from "../../errno.js";
import type { NetDevice } from "../net-device.js";
import { BridgeDevice } from "./bridge.js";

/** The IFLA_BRPORT_* attributes the simulator models, each null when not sent. */
export interface BrportOptions {
  hairpin: boolean | null;
  learning: boolean | null;
  flood: boolean | null;
  mcastFlood: boolean | null;
  bcastFlood: boolean | null;
  isolated: boolean | null;
  cost: number | null;
  priority: number | null;
}

/**
 * br_setport: the flags first (br_set_port_flag each), then the path cost,
 * then the priority; a cost or priority out of range (ERANGE) leaves what
 * came before it applied.
 */
export function brSetport(dev: NetDevice, o: BrportOptions): KResult {
  const br = dev.master;
  const p = br instanceof BridgeDevice ? br.ports.get(dev) : undefined;
  if (!p) return fail("EOPNOTSUPP");
  if (o.hairpin !== null) p.hairpin = o.hairpin;
  if (o.learning !== null) p.learning = o.learning;
  if (o.flood !== null) p.flood = o.flood;
  if (o.mcastFlood !== null) p.mcastFlood = o.mcastFlood;
  if (o.bcastFlood !== null) p.bcastFlood = o.bcastFlood;
  if (o.isolated !== null) p.isolated = o.isolated;
  if (o.cost !== null) {
    const r = p.setPathCost(o.cost);
    if (!r.ok) return r;
  }
  if (o.priority !== null) {
    const r = p.setPriority(o.priority);
    if (!r.ok) return r;
  }
  return okVoid;
}
