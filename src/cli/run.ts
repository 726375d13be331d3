import { engineByName } from "../engines/index.js";
import { allMet, type EngineName } from "../engines/result.js";
import { colour, plain, resultText } from "../report/text.js";
import { loadLabs } from "./load.js";

export interface RunFlags {
  engine: EngineName;
  json?: boolean;
  pcap?: string;
  quiet?: boolean;
}

export function progress(quiet?: boolean): (line: string) => void {
  const t0 = Date.now();
  return quiet ? () => {} : (line) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  const [result] = await engineByName(flags.engine).runMany([lab!], { onProgress: progress(flags.quiet), pcapDir: flags.pcap });
  if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else process.stdout.write(resultText(result!, process.stdout.isTTY ? colour : plain));
  return allMet(result!) ? 0 : 1;
}
