// Where golden files live, apart from reading them: the CLI's --help names the folder.

import { join } from "node:path";
import { DEFAULT_KERNEL, type KernelName } from "../engines/real/kernels.js";

export const GOLDEN_DIR = join("test", "golden");

/** Where a release's golden files live: the default release's at test/golden, another's in a folder named after it (test/golden/6.12). */
export function goldenDirFor(kernel: KernelName = DEFAULT_KERNEL): string {
  return kernel === DEFAULT_KERNEL ? GOLDEN_DIR : join(GOLDEN_DIR, kernel);
}
