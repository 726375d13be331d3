// --kernel 6.1|6.12: which Linux release a command runs or is held to. On uml
// it is the kernel booted; in sim, the release the simulator behaves as where
// releases differ; the host engine has only this machine's own.

import { Option } from "commander";
import type { RunOptions } from "../engines/engine.js";
import { DEFAULT_KERNEL, KERNEL_RELEASES, type KernelName } from "../engines/real/kernels.js";
import type { EngineName } from "../engines/result.js";
import { UsageError } from "./errors.js";

export const kernelOption = () =>
  new Option(
    "-k, --kernel <release>",
    `the Linux release: on uml the kernel booted (\`ipvlab kernels\` lists those installed), in sim the one it behaves as (default ${DEFAULT_KERNEL})`,
  ).choices([...KERNEL_RELEASES]);

/** The RunOptions that make ENGINE run (or behave as) KERNEL; a usage error for the host engine, whose kernel is the machine's. */
export function kernelRunOptions(engine: EngineName, kernel: KernelName | undefined): Pick<RunOptions, "kernel" | "kernelRelease"> {
  if (!kernel) return {};
  if (engine === "host") throw new UsageError(`--kernel picks a User-Mode Linux release; --engine host runs this machine's own kernel: drop --kernel ${kernel}, or use --engine uml`);
  return engine === "uml" ? { kernel } : { kernelRelease: kernel };
}
