// The `ipvlab fix` command line that a failure shown elsewhere points to.

/** A word for a POSIX shell: as it is when safe, else single-quoted. */
export const shellWord = (s: string): string => (/^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command line that asks `ipvlab fix` about one check of a lab. */
export const fixCommandLine = (file: string, check: string): string => `ipvlab fix ${shellWord(file)} --check ${shellWord(check)}`;
