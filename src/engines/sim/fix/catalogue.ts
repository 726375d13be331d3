// Every kind of change `ipvlab fix` tries, in the order it reports them.

import { addrMissing, addrMove, addrOnBare, addrPrefix } from "./addresses.js";
import type { ChangeGenerator } from "./change.js";
import { arpOn, linkUp, mtu } from "./links.js";
import { connectedRoute, defaultRoute, hostRoute } from "./routes.js";
import { hostSideSlave, ipvlanMode, macvlanMode, slaveReparent } from "./slaves.js";
import { hairpin, neighEntry } from "./switch.js";
import { arpAnnounce, arpFilter, arpIgnore, ipForward, proxyArp, rpFilter } from "./sysctls.js";

export const CATALOGUE: readonly ChangeGenerator[] = [
  linkUp,
  arpOn,
  addrMissing,
  addrOnBare,
  addrPrefix,
  connectedRoute,
  hostRoute,
  defaultRoute,
  hostSideSlave,
  addrMove,
  ipvlanMode,
  macvlanMode,
  slaveReparent,
  rpFilter,
  arpIgnore,
  arpAnnounce,
  arpFilter,
  proxyArp,
  ipForward,
  hairpin,
  neighEntry,
  mtu,
];
