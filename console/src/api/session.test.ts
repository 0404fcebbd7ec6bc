import { describe, expect, it } from "vitest";
import { refreshDelaySeconds } from "./session";

describe("when the console renews its access token", () => {
  it("a minute before expiry for the default 15 minutes", () => {
    expect(refreshDelaySeconds(900)).toBe(840);
  });

  it("at 80% of a short life, never after it has expired", () => {
    expect(refreshDelaySeconds(60)).toBe(48);
    expect(refreshDelaySeconds(10)).toBe(8);
  });
});
