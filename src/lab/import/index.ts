// `ipvlab import`: what a file is, and the lab it becomes.

import { importCni, cniKind, type CniImportOptions } from "./cni.js";
import { importCompose } from "./compose.js";
import { get, ImportSource } from "./source.js";

export type ImportKind = "compose" | "conf" | "conflist" | "nad";

export function importFile(file: string, text: string, opts: CniImportOptions = {}): { kind: ImportKind; lab: string } {
  const src = new ImportSource(file, text);
  const root = src.root();
  const cni = cniKind(src);
  if (cni) return { kind: cni, lab: importCni(src, opts) };
  if (get(root, "services") !== undefined || get(root, "networks") !== undefined) return { kind: "compose", lab: importCompose(src) };
  throw src.error(root, "not a Compose file (services, networks), a CNI configuration (type, plugins) nor a Multus NetworkAttachmentDefinition (kind)");
}
