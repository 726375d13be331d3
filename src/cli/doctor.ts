// `ipvlab doctor`: what this machine can run, and the commands that install what is missing.

import { diagnose, machineFacts, type DoctorReport, type EngineStatus } from "../engines/doctor.js";
import { EXIT } from "./errors.js";

const mark = (ok: boolean) => (ok ? "ok " : "NO ");

function engineName(e: EngineStatus): string {
  return e.engine === "uml" ? `uml --kernel ${e.kernel}` : e.engine;
}

function engineLine(e: EngineStatus): string {
  const what =
    e.engine === "sim"
      ? "the simulator, in-process"
      : e.engine === "uml"
        ? e.version
          ? `Linux ${e.version} in User-Mode Linux`
          : "User-Mode Linux"
        : `this machine's kernel, Linux ${e.version}, in namespaces`;
  const why = e.works ? "" : `: ${e.problems.join("; ")}${e.fix.length ? `; run \`${e.fix.join(" && ")}\`` : ""}`;
  return `  ${mark(e.works)} ${engineName(e).padEnd(18)} ${what}${e.default ? " [default]" : ""}${why}`;
}

export function doctorText(r: DoctorReport): string {
  const out: string[] = ["Engines:", ...r.engines.map(engineLine), ""];
  const fix = r.xstateFix;
  out.push(
    `User-Mode Linux's FPU-state fix (for Intel AMX): ${fix.needed ? "needed on this CPU" : "not needed on this CPU"}; ${fix.builds ? `builds (${"library" in fix ? fix.library : ""})` : `does not build: ${fix.error}`}`,
  );
  out.push(`Root: ${r.root ? "yes" : "no (the host engine needs it; sim and uml do not)"}`);
  const types = r.deviceTypes.map((d) => `${d.type} ${d.available ? "yes" : "no"}`).join(", ");
  out.push(`This machine's kernel (${r.hostKernel}), for --engine host: ${types}`);
  const missing = r.tools.filter((t) => !t.present);
  out.push(missing.length ? `Missing tools: ${missing.map((t) => `${t.tool} (${t.package}; ${t.for.join(", ")})`).join(", ")}` : "Missing tools: none");
  out.push("");
  if (r.install.length) out.push("To install what is missing:", ...r.install.map((c) => `  ${c}`), "");
  const real = r.engines.filter((e) => e.engine !== "sim" && e.works).map(engineName);
  out.push(
    r.ok
      ? `Ready: the default engine works, and ${real.length > 1 ? "real kernels" : "a real kernel"} too (${real.join(", ")}).`
      : `Not ready: ${r.engines.find((e) => e.default)?.works ? "no real kernel works here (uml or host)" : "the default engine does not work"}; see above.`,
  );
  return out.join("\n") + "\n";
}

export async function doctorCommand(flags: { json?: boolean }): Promise<number> {
  const report = diagnose(machineFacts());
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + "\n" : doctorText(report));
  return report.ok ? EXIT.ok : EXIT.failed;
}
