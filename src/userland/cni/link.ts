// What the link plugins (ipvlan, macvlan, vlan) share, from plugins v1.1.1:
// the master looked up by name, the device made in the container's
// namespace under a temporary name and renamed (ip.RenameLink), the
// addresses and routes of the result put on it (ipam.ConfigureIface), and
// CHECK's comparisons (ip.ValidateExpectedInterfaceIPs, ValidateExpectedRoute).

import {
  addrAdd,
  addrList,
  linkDel,
  linkSetName,
  linkSetUp,
  randomEtherAddr,
  routeAdd,
  routeList,
  RT_SCOPE_UNIVERSE,
  sysctlWrite,
  STRERROR,
  type Errno,
  type Net,
  type NetDevice,
} from "../../kernel/index.js";
import { formatIpv4, parseIpv4, prefixMask } from "../../wire/ipv4-addr.js";
import { NotSimulated } from "../../shell/index.js";
import { GoError, unmarshal } from "./gojson.js";
import { resultFrom, type CniIpConfig, type CniResult, type CniRoute } from "./result.js";

/** syscall.Errno's text: strerror, lower case. */
export function goErrno(errno: Errno): string {
  const s = STRERROR[errno];
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** netlink.LinkByName's error for a missing link. */
export function linkByName(net: Net, name: string): NetDevice {
  const dev = net.devByName(name);
  if (!dev) throw new GoError("Link not found");
  return dev;
}

export function lookupMaster(net: Net, name: string): NetDevice {
  const dev = net.devByName(name);
  if (!dev) throw new GoError(`failed to lookup master ${JSON.stringify(name)}: Link not found`);
  return dev;
}

/** ip.RandomVethName: "veth" and 4 random bytes in hex. */
export function randomVethName(net: Net): string {
  return `veth${randomEtherAddr(net).replace(/:/g, "").slice(0, 8)}`;
}

/** The first route without a destination (the default), as getDefaultRouteInterfaceName walks RouteList. */
export function defaultRouteInterface(net: Net): string {
  for (const r of routeList(net)) {
    if (r.len === 0 && r.nh.dev) return r.nh.dev.name;
  }
  throw new GoError("no default route interface found");
}

/** ip.DelLinkByName in `net`: false when there was no such link (ErrLinkNotFound). */
export function delLinkByName(net: Net, name: string): boolean {
  const dev = net.devByName(name);
  if (!dev) return false;
  const r = linkDel(dev);
  if (!r.ok) throw new GoError(`failed to delete ${JSON.stringify(name)}: ${goErrno(r.errno)}`);
  return true;
}

/**
 * The plugins build netlink.LinkAttrs literally, so TxQLen 0 goes out as
 * IFLA_TXQLEN: their devices have no queue length.
 */
export function netlinkLinkAttrs(dev: NetDevice): void {
  dev.txQueueLen = 0;
}

/** Renames the new device in its namespace (it is still down there). */
export function renameLink(net: Net, from: string, to: string): KResultText {
  const dev = net.devByName(from);
  if (!dev) return "Link not found";
  const r = linkSetName(dev, to);
  return r.ok ? null : goErrno(r.errno);
}
type KResultText = string | null;

function parseAddress(text: string): { ip: number; len: number } {
  const m = /^([^/]+)\/(\d+)$/.exec(text);
  const ip = m ? parseIpv4(m[1]!) : null;
  if (!m || ip === null) {
    if (text.includes(":")) throw NotSimulated.what(`an IPv6 address in a CNI result (${text})`);
    throw new GoError(`invalid CIDR address: ${text}`);
  }
  return { ip, len: Number(m[2]) };
}

/** ipam.ConfigureIface(ifName, result) run in `net`. */
export function configureIface(net: Net, ifName: string, res: CniResult): void {
  if (res.interfaces.length === 0) throw new GoError("no interfaces to configure");
  const link = net.devByName(ifName);
  if (!link) throw new GoError(`failed to lookup ${JSON.stringify(ifName)}: Link not found`);
  let v4gw: number | null = null;
  for (const ipc of res.ips) {
    if (ipc.interface === undefined) continue;
    if (ipc.interface < 0 || ipc.interface >= res.interfaces.length || res.interfaces[ipc.interface]!.name !== ifName) {
      throw NotSimulated.what("a CNI result whose address names another interface");
    }
    const a = parseAddress(ipc.address);
    // netlink.AddrAdd fills in the broadcast address below /31.
    const brd = a.len < 31 ? ((a.ip | ~prefixMask(a.len)) >>> 0) : undefined;
    const r = addrAdd(link, { local: a.ip, prefixlen: a.len, label: ifName, ...(brd !== undefined ? { broadcast: brd } : {}) });
    // The real message prints the IPConfig with a pointer in it: the text is not repeatable.
    if (!r.ok) throw NotSimulated.what(`an address the kernel refuses in a CNI result (${ipc.address}: ${goErrno(r.errno)})`);
    const gw = ipc.gateway ? parseIpv4(ipc.gateway) : null;
    if (gw !== null && v4gw === null) v4gw = gw;
  }
  const up = linkSetUp(link);
  if (!up.ok) throw new GoError(`failed to set ${JSON.stringify(ifName)} UP: ${goErrno(up.errno)}`);
  for (const route of res.routes) {
    const d = parseAddress(route.dst);
    const gw = route.gw ? parseIpv4(route.gw) : v4gw;
    // netlink.RouteAddEcmp: NLM_F_CREATE alone, scope universe, protocol boot.
    // types.Route keeps the address as written (host bits and all): the kernel judges it.
    const r = routeAdd(net, { dst: d.ip, len: d.len, dev: link, ...(gw !== null ? { gw } : {}), scope: RT_SCOPE_UNIVERSE }, "prepend");
    // `%v` of a net.IPNet value prints the struct: {IP MASK}.
    if (!r.ok) throw new GoError(`failed to add route '{${formatIpv4(d.ip)} ${prefixMask(d.len).toString(16).padStart(8, "0")}} via ${gw === null ? "<nil>" : formatIpv4(gw)} dev ${ifName}': ${goErrno(r.errno)}`);
  }
}

/** The sysctl the link plugins set before configuring (errors ignored, as there). */
export function setArpNotify(net: Net, ifName: string): void {
  sysctlWrite(net, `net/ipv4/conf/${ifName}/arp_notify`, 1);
}

/** netlink.Addr's String(): the IPNet, then the label (empty), trimmed. */
function addrString(ip: CniIpConfig): string {
  return ip.address;
}

/** ip.ValidateExpectedInterfaceIPs. */
export function validateExpectedInterfaceIps(net: Net, ifName: string, ips: CniIpConfig[]): void {
  for (const ip of ips) {
    const link = net.devByName(ifName);
    if (!link) throw new GoError(`Cannot find container link ${ifName}`);
    const a = parseAddress(ip.address);
    const match = addrList(link).some((x) => x.local === a.ip && x.prefixlen === a.len);
    if (!match) throw new GoError(`Failed to match addr ${addrString(ip)} on interface ${ifName}`);
    const dst = (a.ip & prefixMask(a.len)) >>> 0;
    if (!routeList(net).some((r) => r.dst === dst && r.len === a.len)) throw new GoError(`Failed to find Gateway ${ip.gateway ?? "<nil>"} for interface ${ifName}`);
  }
}

/** ip.ValidateExpectedRoute: `%v` of a types.Route is "{Dst:{IP:... Mask:...} GW:...}". */
export function validateExpectedRoutes(net: Net, routes: CniRoute[]): void {
  for (const route of routes) {
    const d = parseAddress(route.dst);
    const gw = route.gw ? parseIpv4(route.gw) : null;
    const dst = (d.ip & prefixMask(d.len)) >>> 0;
    const found = routeList(net).some((r) => (d.len === 0 ? r.len === 0 : r.dst === dst && r.len === d.len && (r.nh.gw === 0 ? null : r.nh.gw) === gw));
    if (!found) throw new GoError(`Expected Route ${routeString(route, d)} not found in routing table`);
  }
}

function routeString(route: CniRoute, d: { ip: number; len: number }): string {
  const mask = prefixMask(d.len).toString(16).padStart(8, "0");
  return `{Dst:{IP:${formatIpv4((d.ip & prefixMask(d.len)) >>> 0)} Mask:${mask}} GW:${route.gw ?? "<nil>"}}`;
}

/** The prevResult a CHECK needs (version.ParsePrevResult, then conversion to the current version). */
export function prevResult(conf: Record<string, unknown>, version: string, missing: string): CniResult {
  const raw = conf.prevResult;
  if (raw === undefined || raw === null) throw new GoError(missing);
  if (typeof raw !== "object" || Array.isArray(raw)) throw new GoError(`json: cannot unmarshal into prevResult`);
  return resultFrom(version, unmarshal(JSON.stringify(raw), "map[string]interface {}"));
}
