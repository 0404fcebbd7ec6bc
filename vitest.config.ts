import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd against a throw-away PostgreSQL that test/global-setup.ts starts;
// the Worker's env gets its address and test-only secrets here (never from .dev.vars).
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          DEAD_DATABASE_URL: inject("deadDatabaseUrl"),
          JWT_SECRET: inject("jwtSecret"),
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
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
