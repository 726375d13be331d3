import type { Lab } from "../lab/types.js";
import type { KernelName } from "./real/kernels.js";
import type { EngineName, LabResult } from "./result.js";

export interface RunOptions {
  /** Progress lines for a person watching (stderr in the CLI). */
  onProgress?: (line: string) => void;
  /** Write each capture as DIR/<lab>/<step>-<host>-<dev>.pcap. */
  pcapDir?: string;
  /** sim only: behave as this Linux release (`uname -r` text) where releases differ. */
  kernelRelease?: string;
  /** uml only: the User-Mode Linux release to boot (default 6.1). */
  kernel?: KernelName;
  /** sim only: what a step costs before its command runs, in virtual ms (default 300, as measured on uml). */
  stepStartMs?: number;
  /** sim only: every failed matrix cell gets the reason its ping, traced alone, gives. */
  reasons?: boolean;
}

export interface Engine {
  readonly name: EngineName;
  /** Runs labs in order; a real engine may share one kernel boot between them. */
  runMany(labs: Lab[], opts?: RunOptions): Promise<LabResult[]>;
}

/** A reason the engine cannot run here, said in one sentence for the user. */
export class EngineUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineUnavailable";
  }
}

/** A real engine that started but could not finish the run here (the kernel stopped, the sandbox refused): said in one sentence. */
export class EngineFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineFailed";
  }
}
