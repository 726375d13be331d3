// The lab an import writes, as YAML text: comments carry where each part
// came from, scripts are literal blocks a person can read and edit.

export interface LabHostText {
  name: string;
  comment: string[];
  interfaces: Array<{ name: string; network: string; mac?: string }>;
  run: string[];
}

export interface LabText {
  header: string[];
  name: string;
  /** IPv6 on in the lab's hosts (an import with IPv6 addresses). */
  ipv6?: boolean;
  networks: string[];
  hosts: LabHostText[];
  steps: string[];
}

const yamlKey = (s: string) => (/^[A-Za-z0-9_.-]+$/.test(s) ? s : JSON.stringify(s));

export function writeLab(lab: LabText): string {
  const out: string[] = [...lab.header.map((h) => `# ${h}`.trimEnd()), `name: ${yamlKey(lab.name)}`, ...(lab.ipv6 ? ["ipv6: true"] : []), lab.networks.length ? "networks:" : "networks: {}"];
  for (const n of lab.networks) out.push(`  ${yamlKey(n)}: {}`);
  out.push("hosts:");
  for (const h of lab.hosts) {
    for (const c of h.comment) out.push(`  # ${c}`.trimEnd());
    out.push(`  ${yamlKey(h.name)}:`);
    if (h.interfaces.length === 0) out.push("    interfaces: {}");
    else {
      out.push("    interfaces:");
      for (const i of h.interfaces) out.push(`      ${yamlKey(i.name)}: { network: ${yamlKey(i.network)}${i.mac ? `, mac: "${i.mac}"` : ""} }`);
    }
    out.push("    run: |");
    for (const l of h.run) out.push(l === "" ? "" : `      ${l}`);
  }
  out.push("steps:");
  for (const s of lab.steps) out.push(`  ${s}`);
  return `${out.join("\n")}\n`;
}
