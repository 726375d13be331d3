import type { Engine } from "./engine.js";
import { HostEngine } from "./host.js";
import { SimEngine } from "./sim.js";
import type { EngineName } from "./result.js";
import { UmlEngine } from "./uml.js";

export const ENGINE_NAMES = ["uml", "host", "sim"] as const;
/** The simulator answers in milliseconds and needs no kernel; the real engines prove it. */
export const DEFAULT_ENGINE = "sim";
/** Where a lab goes when the default engine cannot simulate it yet. */
export const FALLBACK_ENGINE = "uml";

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
