import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// One throw-away PostgreSQL for the whole run (test/global-setup.ts). Two projects:
// `workers` runs inside workerd through the Worker's own fetch; `node` runs the command-line
// tools as a user would. Test-only secrets come from here, never from .dev.vars.
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
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
                // Generous, so feature tests never trip over each other's budgets; the throttling
                // tests pass their own small limits in a modified env.
                RATE_LIMIT_INGEST: "100000/60s",
                RATE_LIMIT_READ: "100000/60s",
                RATE_LIMIT_WRITE: "100000/60s",
                RATE_LIMIT_AUTH: "100000/60s",
              },
            },
          })),
        ],
        test: { name: "workers", include: ["test/**/*.test.ts"], exclude: ["test/node/**"] },
      },
      { extends: true, test: { name: "node", environment: "node", include: ["test/node/**/*.test.ts"] } },
    ],
  },
});
