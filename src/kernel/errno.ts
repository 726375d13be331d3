// Control-plane results. Like netlink, a failed request returns an errno and,
// where the kernel sets one, the extack message iproute2 prints after "Error: ".

export type Errno =
  | "EEXIST"
  | "ENOENT"
  | "ENODEV"
  | "EINVAL"
  | "EBUSY"
  | "ENETDOWN"
  | "ENETUNREACH"
  | "EHOSTUNREACH"
  | "EADDRNOTAVAIL"
  | "EOPNOTSUPP"
  | "ESRCH"
  | "EACCES"
  | "EPERM"
  | "ELOOP"
  | "EXDEV"
  | "ENOBUFS"
  | "EADDRINUSE"
  | "ENOTCONN"
  | "ERANGE"
  | "EPROTONOSUPPORT"
  | "EIO";

export type KResult<T = void> = { ok: true; value: T } | { ok: false; errno: Errno; msg?: string };

export const ok = <T>(value: T): KResult<T> => ({ ok: true, value });
export const okVoid: KResult<void> = { ok: true, value: undefined };
export function fail(errno: Errno, msg?: string): { ok: false; errno: Errno; msg?: string } {
  return msg === undefined ? { ok: false, errno } : { ok: false, errno, msg };
}

/** The text strerror() gives, as iproute2 prints it after "RTNETLINK answers: ". */
export const STRERROR: Record<Errno, string> = {
  EEXIST: "File exists",
  ENOENT: "No such file or directory",
  ENODEV: "No such device",
  EINVAL: "Invalid argument",
  EBUSY: "Device or resource busy",
  EXDEV: "Invalid cross-device link",
  ENETDOWN: "Network is down",
  ENETUNREACH: "Network is unreachable",
  EHOSTUNREACH: "No route to host",
  EADDRNOTAVAIL: "Cannot assign requested address",
  EOPNOTSUPP: "Operation not supported",
  ESRCH: "No such process",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  ELOOP: "Too many levels of symbolic links",
  ENOBUFS: "No buffer space available",
  EADDRINUSE: "Address already in use",
  ENOTCONN: "Transport endpoint is not connected",
  ERANGE: "Numerical result out of range",
  EPROTONOSUPPORT: "Protocol not supported",
  EIO: "Input/output error",
};
