// The engines' names and defaults, apart from the engines themselves: the CLI's
// options and --help need them without loading a kernel or a simulator.

export const ENGINE_NAMES = ["uml", "host", "sim"] as const;
/** The simulator answers in milliseconds and needs no kernel; the real engines prove it. */
export const DEFAULT_ENGINE = "sim";
/** Where a lab goes when the default engine cannot simulate it yet. */
export const FALLBACK_ENGINE = "uml";
