import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { ENABLE_BROWSER_TESTS, findChromium } from "./test/browser/chromium.ts";
import { BrowserTestsNotRun } from "./test/browser/not-run-notice.ts";

// The console's browser tests need a Chromium. Without one, everything else runs and the
// summary says loudly that they did not; CI sets VIGIL_BROWSER_TESTS=required to fail instead.
const chromium = findChromium();
if (!chromium && process.env.VIGIL_BROWSER_TESTS === "required") {
  throw new Error(`VIGIL_BROWSER_TESTS=required but no Chromium was found: ${ENABLE_BROWSER_TESTS}.`);
}

// One throw-away PostgreSQL for the whole run (test/global-setup.ts). Projects: `workers` runs
// inside workerd through the Worker's own fetch; `node` runs the command-line tools as a user
// would; `browser` drives the console in Chromium against the Worker with its static assets.
// Test-only secrets come from here, never from .dev.vars.
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: chromium ? ["default"] : ["default", new BrowserTestsNotRun()],
    projects: [
      {
        extends: true,
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                DATABASE_URL: inject("databaseUrl"),
                DEAD_DATABASE_URL: inject("deadDatabaseUrl"),
                JWT_SECRET: inject("jwtSecret"),
                // test/fuzz.security.test.ts: cases per operation and seed, for long local runs.
                FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
                FUZZ_SEED: process.env.FUZZ_SEED ?? "",
                SERVER_TIMING: "on",
                WEBHOOK_ENCRYPTION_KEY: inject("webhookKey"),
                // Retries in seconds, so the tests of the retry schedule run in seconds too.
                WEBHOOK_RETRY_SECONDS: "1,1,1",
                // Pinned, whatever a developer's .dev.vars says (npm run dev turns it on locally).
                WEBHOOK_ALLOW_INSECURE: "off",
                // Generous, so feature tests never trip over each other's budgets; the throttling
                // tests pass their own small limits in a modified env.
                RATE_LIMIT_INGEST: "100000/60s",
                RATE_LIMIT_READ: "100000/60s",
                RATE_LIMIT_WRITE: "100000/60s",
                RATE_LIMIT_AUTH: "100000/60s",
                RATE_LIMIT_AUTH_USERNAME: "100000/60s",
                RATE_LIMIT_REFRESH: "100000/60s",
                RATE_LIMIT_REFRESH_INVALID: "100000/60s",
                RATE_LIMIT_UNKNOWN_KEY: "100000/60s",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**", "test/browser/**"],
          // One runtime for every file (4 min -> 1.3 min here): files never share users, keys or
          // alerts, and the few that spy on globals restore them after.
          isolate: false,
        },
      },
      // The CLIs are whole processes (tsx, Node start-up): a test runs several, slowly on a busy box.
      {
        extends: true,
        test: { name: "node", environment: "node", include: ["test/node/**/*.test.ts"], testTimeout: 120_000 },
      },
      { extends: true, test: { name: "console", environment: "node", include: ["console/src/**/*.test.ts"] } },
      ...(chromium
        ? [
            {
              extends: true,
              test: {
                name: "browser",
                environment: "node",
                include: ["test/browser/**/*.test.ts"],
                // One file at a time: the queue is shared, and a page of it must not shift under a
                // test because another file is ingesting.
                fileParallelism: false,
                // Its own database (so the queue holds only what these tests put there), then the
                // Worker with its assets and a shared Chromium.
                globalSetup: ["./test/global-setup.ts", "./test/browser/global-setup.ts"],
              },
            },
          ]
        : []),
    ],
  },
});
