import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";

/**
 * The production defaults in wrangler.toml that the contract fixes (sections 10 and 13). The
 * Worker tests run with their own values for some of these, so only this test reads the file.
 */
const config = unstable_readConfig(
  { config: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) },
  { hideWarnings: true },
);
const vars = config.vars as Record<string, string>;

describe("wrangler.toml defaults (contract sections 10 and 13)", () => {
  it("retries a webhook at least 5 times with growing delays spanning at least an hour", () => {
    const delays = (vars.WEBHOOK_RETRY_SECONDS ?? "").split(",").map(Number);
    expect(delays.length).toBeGreaterThanOrEqual(5);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(delays.reduce((sum, d) => sum + d, 0)).toBeGreaterThanOrEqual(3600);
  });

  it("refuses plain-http and private webhook targets unless a deployment says otherwise", () => {
    expect(vars.WEBHOOK_ALLOW_INSECURE).toBe("off");
  });

  it("takes batches of up to 1 MiB", () => {
    expect(vars.MAX_BATCH_BODY_BYTES).toBe(String(1024 * 1024));
  });
});
