import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { SCALAR_BUNDLE_PATH, SCALAR_CONFIGURATION, SCALAR_START_PATH } from "../src/docs/assets.ts";
import { consoleHeadersFile } from "../src/http/content-policy.ts";
import { CONSOLE_JS_BUDGET_BYTES, measureConsole } from "./build/size.ts";

const outDir = fileURLToPath(new URL("./dist", import.meta.url));

// Not in the package's `exports` (neither is its package.json), so it is read by path.
const SCALAR_STANDALONE = new URL("../node_modules/@scalar/api-reference/dist/browser/standalone.js", import.meta.url);

const assetFile = (path: string) => path.replace(/^\//, "");

/**
 * `/api/docs/` must render offline and run no inline script, so Scalar's standalone bundle and
 * the script that starts it are served from our own assets.
 */
function scalarStandalone(): Plugin {
  return {
    name: "vigil-scalar-standalone",
    generateBundle() {
      const source = readFileSync(SCALAR_STANDALONE);
      this.emitFile({ type: "asset", fileName: assetFile(SCALAR_BUNDLE_PATH), source });
      const start = `Scalar.createApiReference("#app", ${JSON.stringify(SCALAR_CONFIGURATION)});\n`;
      this.emitFile({ type: "asset", fileName: assetFile(SCALAR_START_PATH), source: start });
    },
  };
}

/** The console's Content-Security-Policy and framing rules, as Static Assets' `_headers` file. */
function securityHeaders(): Plugin {
  return {
    name: "vigil-console-headers",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "_headers", source: consoleHeadersFile() });
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
  plugins: [scalarStandalone(), securityHeaders(), budget()],
});
