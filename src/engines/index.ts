import type { Engine } from "./engine.js";
import { HostEngine } from "./host.js";
import { SimEngine } from "./sim.js";
import type { EngineName } from "./result.js";
import { UmlEngine } from "./uml.js";

export { DEFAULT_ENGINE, ENGINE_NAMES, FALLBACK_ENGINE } from "./names.js";

export function engineByName(name: EngineName): Engine {
  switch (name) {
    case "uml":
      return new UmlEngine();
    case "host":
      return new HostEngine();
    case "sim":
      return new SimEngine();
    default:
      throw new Error(`engine ${name} is not available yet`);
  }
}
