import type { Reporter } from "vitest/node";
import { ENABLE_BROWSER_TESTS } from "./chromium.ts";

/**
 * Printed after the summary when no Chromium was found: a green run without the console's
 * browser tests must not pass for a full one.
 */
export class BrowserTestsNotRun implements Reporter {
  onTestRunEnd(): void {
    const line = "!".repeat(78);
    console.log(
      [
        "",
        line,
        "!! BROWSER TESTS DID NOT RUN: no Chromium found (CHROMIUM_PATH, /usr/bin/chromium,",
        "!! or Playwright's download). The console at / and /api/docs/ went untested.",
        `!! To run them, ${ENABLE_BROWSER_TESTS}, then \`npm test\` again.`,
        line,
        "",
      ].join("\n"),
    );
  }
}
