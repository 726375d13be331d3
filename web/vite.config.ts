// The page is built into dist/web, which ships in the npm package and which
// `ipvlab serve` hands out; relative URLs so it works under any path.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    // The simulator (and the bash parser it uses) is most of the bundle, in the worker.
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  worker: { format: "es" },
});
