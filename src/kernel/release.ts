// Which Linux the simulator behaves as. It models 6.1 (the kernel the golden
// files are recorded on); where a later release answers differently and the
// difference is known, it follows the release it is compared with.

/** The release every golden file is recorded on, and the simulator's default. */
export const MODELLED_RELEASE = "6.1.176";

export interface KernelRelease {
  readonly major: number;
  readonly minor: number;
}

/** `uname -r` text ("6.18.44-fc-v669") to major.minor; anything unreadable is the modelled release. */
export function parseRelease(text: string): KernelRelease {
  const m = /^(\d+)\.(\d+)/.exec(text) ?? /^(\d+)\.(\d+)/.exec(MODELLED_RELEASE)!;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function releaseAtLeast(r: KernelRelease, major: number, minor: number): boolean {
  return r.major > major || (r.major === major && r.minor >= minor);
}
