import { createTwoFilesPatch } from "diff";
import { stepTitle, type LabResult } from "../engines/result.js";
import { normalizeResult } from "./normalize.js";

export interface StepDiff {
  /** Its place in the LabResult's steps, from 1 (the hosts' setup scripts first). */
  step: number;
  name: string;
  /** As every command names it: "step 4: its name" (the lab file's numbering), or a setup's own name. */
  title: string;
  /** A unified diff, expected (the real kernel) first; empty when the step agrees. */
  patch: string;
}

/** Compares two runs of one lab step by step after normalisation. */
export function diffResults(expected: LabResult, actual: LabResult, labMacs: Iterable<string>): StepDiff[] {
  const macs = [...labMacs];
  // A recording made before failures were kept has none to hold the simulator to.
  const failures = expected.steps.some((s) => s.kind !== "matrix" && Array.isArray(s.failures));
  const a = normalizeResult(withoutUnstable(expected, expected), macs, failures);
  const b = normalizeResult(withoutUnstable(actual, expected), macs, failures);
  const out: StepDiff[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const ea = a[i] ?? "";
    const eb = b[i] ?? "";
    if (ea === eb) continue;
    const name = (expected.steps[i] ?? actual.steps[i])!.name;
    const title = stepTitle(expected.steps[i] ? expected.steps : actual.steps, i);
    out.push({
      step: i + 1,
      name,
      title,
      patch: createTwoFilesPatch(`${expected.engine}: ${title}`, `${actual.engine}: ${title}`, ea, eb, undefined, undefined, { context: 3 }),
    });
  }
  return out;
}

/** Drops what the real kernel itself answered differently between recorded runs. */
function withoutUnstable(r: LabResult, golden: LabResult): LabResult {
  const steps = r.steps.map((s, i) => {
    const g = golden.steps[i];
    if (!g) return s;
    if (g.kind === "matrix" && s.kind === "matrix") {
      const unstable = new Set(g.cells.filter((c) => c.unstable).map((c) => `${c.from}\n${c.to}`));
      return unstable.size ? { ...s, cells: s.cells.filter((c) => !unstable.has(`${c.from}\n${c.to}`)) } : s;
    }
    if (g.kind !== "matrix" && s.kind !== "matrix" && g.unstable) return { ...s, exitCode: 0, stdout: "(unstable)\n", stderr: "", captures: {}, failures: [] };
    return s;
  });
  return { ...r, steps };
}
