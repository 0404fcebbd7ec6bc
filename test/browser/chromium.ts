import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

/** How to get a browser for the console's tests, printed wherever they cannot run. */
export const ENABLE_BROWSER_TESTS =
  "install Chromium (`sudo apt-get install -y chromium` on Debian/Ubuntu) or set CHROMIUM_PATH";

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`,
 * else the one Playwright would have downloaded. Undefined when none exists on this machine.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", chromium.executablePath()];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
}

/** Flags that let Chromium run as root, headless and offline, and never phone home. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
