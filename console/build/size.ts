import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The console's JavaScript budget, gzipped: the page must stay light on a laptop and on an
 * on-call phone (50 KiB in issue 12; 80 KiB since the dashboard and admin pages of issue 20).
 */
export const CONSOLE_JS_BUDGET_BYTES = 80 * 1024;

export type ConsoleSize = { jsFiles: number; jsBytes: number; jsGzipBytes: number };

/**
 * What a browser downloads to run the console: every built script under `assets/`, gzipped one
 * by one as a server would. Scalar's bundle (`vendor/`) is not part of the console.
 */
export function measureConsole(distDir: string): ConsoleSize {
  const dir = join(distDir, "assets");
  const scripts = readdirSync(dir).filter((name) => name.endsWith(".js"));
  let jsBytes = 0;
  let jsGzipBytes = 0;
  for (const name of scripts) {
    const source = readFileSync(join(dir, name));
    jsBytes += source.byteLength;
    jsGzipBytes += gzipSync(source, { level: 9 }).byteLength;
  }
  return { jsFiles: scripts.length, jsBytes, jsGzipBytes };
}
