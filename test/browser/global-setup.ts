import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { createTestHarness } from "wrangler";
import { wranglerEnv } from "../../scripts/wrangler-env";
import { CHROMIUM_ARGS, findChromium } from "./chromium";

declare module "vitest" {
  export interface ProvidedContext {
    consoleUrl: string;
    browserEndpoint: string;
  }
}

const root = new URL("../../", import.meta.url);

/**
 * The whole pipeline a browser meets: the Worker with its static assets (wrangler's test
 * harness serves them, the SPA fallback and WebSockets on a real port), on this project's own
 * throw-away database, and one headless Chromium that every browser test file connects to.
 */
export default async function setup(project: TestProject) {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("the browser project runs only where Chromium exists (see vitest.config.ts)");
  Object.assign(process.env, wranglerEnv(root.pathname));

  const { databaseUrl, jwtSecret, webhookKey } = project.getProvidedContext();
  const harness = createTestHarness({
    root: root.pathname,
    workers: [
      {
        configPath: "./wrangler.toml",
        // Every secret and var a developer's .dev.vars could set is pinned here.
        secrets: { DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret, WEBHOOK_ENCRYPTION_KEY: webhookKey },
        // Browser tests sign in a lot, from one address: keep throttling out of their way.
        vars: {
          RATE_LIMIT_INGEST: "100000/60s",
          RATE_LIMIT_READ: "100000/60s",
          RATE_LIMIT_WRITE: "100000/60s",
          RATE_LIMIT_AUTH: "100000/60s",
          RATE_LIMIT_AUTH_USERNAME: "100000/60s",
          RATE_LIMIT_REFRESH: "100000/60s",
          RATE_LIMIT_REFRESH_INVALID: "100000/60s",
          RATE_LIMIT_UNKNOWN_KEY: "100000/60s",
          WEBHOOK_ALLOW_INSECURE: "off",
        },
      },
    ],
  });
  const [{ url }, browser] = await Promise.all([
    harness.listen(),
    chromium.launchServer({ executablePath, headless: true, args: CHROMIUM_ARGS }),
  ]);
  project.provide("consoleUrl", url.origin);
  project.provide("browserEndpoint", browser.wsEndpoint());

  return async () => {
    await browser.close();
    await harness.close();
  };
}
