// --watch: run a command again each time one of its lab files changes, until
// Ctrl-C. The folder is watched, not the file: editors that save by writing a
// new file and renaming it over the old one (vim, most IDEs) replace the inode
// a watch on the file would hold.

import { existsSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { Option } from "commander";
import { EXIT, exitFor, UsageError } from "./errors.js";

/** The option, for `run`, `matrix` and `trace`. */
export const watchOption = () => new Option("-w, --watch", "run again each time the lab file changes (the screen is cleared first on a terminal); Ctrl-C ends, exit 0");

/** Saves come as bursts of events (truncate, write, rename, chmod): one run per burst. */
export const DEBOUNCE_MS = 150;

/** Clears the terminal and its scrollback, as `tsc --watch` does; nothing when stdout is not a terminal. */
const CLEAR = "\x1b[2J\x1b[3J\x1b[H";

const say = (line: string) => process.stderr.write(`ipvlab: ${line}\n`);

/** The command, run once, or watched when --watch is given. */
export function watching(files: string[], watch: boolean | undefined, once: () => Promise<number>): Promise<number> {
  return watch ? watchFiles(files, once) : once();
}

/**
 * Runs `once`, then again after each change to one of `files`, until SIGINT
 * or SIGTERM, which end it with 0. A run's error (a bad edit, at its
 * file:line) is printed and the watch goes on.
 */
export function watchFiles(files: string[], once: () => Promise<number>): Promise<number> {
  const wanted = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = dirname(resolve(f));
    if (!existsSync(dir)) throw new UsageError(`--watch ${f}: no folder ${dirname(f)} to watch`);
    wanted.set(dir, (wanted.get(dir) ?? new Set()).add(basename(f)));
  }
  const shown = new Map(files.map((f) => [resolve(f), f]));
  const watched = files.length === 1 ? files[0]! : `${files.length} files`;

  return new Promise<number>((done) => {
    const watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let changed = new Set<string>();

    const stop = (code: number) => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      process.off("SIGINT", interrupted);
      process.off("SIGTERM", interrupted);
      done(code);
    };
    function interrupted() {
      process.stderr.write("\n");
      // A run cannot be stopped halfway in this process; a real kernel's run cleans up after itself when ipvlab goes.
      if (running) process.exit(EXIT.ok);
      stop(EXIT.ok);
    }
    process.on("SIGINT", interrupted);
    process.on("SIGTERM", interrupted);

    const run = async (why: string | null) => {
      running = true;
      if (why !== null) {
        if (process.stdout.isTTY) process.stdout.write(CLEAR);
        say(`${why} changed (${new Date().toLocaleTimeString()}): running again`);
      }
      let code: number;
      try {
        code = await once();
      } catch (e) {
        const r = exitFor(e);
        if (r.message) process.stderr.write(r.message + "\n");
        code = r.code;
      }
      running = false;
      say(`exit ${code}; watching ${watched} for changes, Ctrl-C ends`);
      if (changed.size) fire();
    };

    const fire = () => {
      timer = undefined;
      if (running) return;
      const now = [...changed];
      changed = new Set();
      const gone = now.filter((p) => !existsSync(p));
      if (gone.length === now.length) {
        for (const p of gone) say(`${shown.get(p)} is gone; waiting for it to come back`);
        return;
      }
      void run(now.map((p) => shown.get(p)!).join(", "));
    };

    for (const [dir, names] of wanted) {
      const w = watch(dir, (_event, name) => {
        // Some platforms do not name the file: then any change in the folder counts.
        const hits = name === null ? [...names] : names.has(name.toString()) ? [name.toString()] : [];
        if (!hits.length) return;
        for (const n of hits) changed.add(resolve(dir, n));
        clearTimeout(timer);
        timer = setTimeout(fire, DEBOUNCE_MS);
      });
      w.on("error", (e) => {
        say(`cannot watch ${dir} any longer: ${e.message}`);
        stop(EXIT.usage);
      });
      watchers.push(w);
    }
    void run(null);
  });
}
