// A capture entry of a step, `host[/netns]:dev [filter]`: the target up to
// the first blank, and the tcpdump filter after it (its blanks made single,
// as tcpdump joins its arguments).

export function splitCapture(spec: string): { target: string; filter: string | null } {
  const t = spec.trim();
  const blank = t.search(/\s/);
  if (blank < 0) return { target: t, filter: null };
  return { target: t.slice(0, blank), filter: t.slice(blank).trim().replace(/\s+/g, " ") };
}

/** A capture as a tcpdump command line names it: `vm02:ens34`, or `vm02:ens34 'icmp or arp'`. */
export function captureTitle(captureId: string): string {
  const { target, filter } = splitCapture(captureId);
  return filter === null ? target : `${target} '${filter.replace(/'/g, `'\\''`)}'`;
}
