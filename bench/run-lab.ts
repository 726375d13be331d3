// One `ipvlab run -q LAB` (the simulator, reasons and all), its report
// written to stdout as the command writes it; then, on stderr, one JSON line
// with this process's CPU time and peak RSS, start-up included.
//
//   node dist/bench/run-lab.js LAB

import { runCommand } from "../src/cli/run.js";

const file = process.argv[2];
if (!file) throw new Error("usage: run-lab.js LAB");
const code = await runCommand(file, { engine: "sim", quiet: true });
const ru = process.resourceUsage();
process.stderr.write(`${JSON.stringify({ code, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000, maxRss: ru.maxRSS * 1024 })}\n`);
