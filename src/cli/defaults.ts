// Option defaults that --help prints, kept apart from the commands that use
// them: `ipvlab --help` (and every tab press) loads no command's code.

/** ipvlab fix --budget: pairs of changes tried at most when no single change works. */
export const DEFAULT_BUDGET = 2000;
/** ipvlab serve --port. */
export const DEFAULT_PORT = 5178;
