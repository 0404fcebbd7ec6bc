import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { CONSOLE_JS_BUDGET_BYTES, measureConsole } from "./build/size.ts";

const outDir = fileURLToPath(new URL("./dist", import.meta.url));

// Not in the package's `exports` (neither is its package.json), so it is read by path.
const SCALAR_STANDALONE = new URL("../node_modules/@scalar/api-reference/dist/browser/standalone.js", import.meta.url);

/** `/api/docs/` must render offline, so Scalar's standalone bundle is served from our own assets. */
function scalarStandalone(): Plugin {
  return {
    name: "vigil-scalar-standalone",
    generateBundle() {
      const source = readFileSync(SCALAR_STANDALONE);
      this.emitFile({ type: "asset", fileName: "vendor/scalar/standalone.js", source });
    },
  };
}

/** Fails the build when the console's JavaScript outgrows its budget, and prints its size. */
function budget(): Plugin {
  return {
    name: "vigil-console-budget",
    apply: "build",
    writeBundle() {
      const size = measureConsole(outDir);
      const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      const line = `console JS: ${kib(size.jsGzipBytes)} gzipped (${kib(size.jsBytes)} raw, budget ${kib(CONSOLE_JS_BUDGET_BYTES)})`;
      if (size.jsGzipBytes > CONSOLE_JS_BUDGET_BYTES) throw new Error(`${line}: over budget`);
      console.log(line);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // No public dir: everything served comes from the build, so nothing stale can linger.
  publicDir: false,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "hono/jsx/dom" } },
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2023",
    sourcemap: false,
    reportCompressedSize: false,
  },
  plugins: [scalarStandalone(), budget()],
});
