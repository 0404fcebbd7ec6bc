import { describe, expect, it } from "vitest";
import { formatDuration, labelEvery, niceMax } from "./scale";

describe("chart scales", () => {
  it("round an axis up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 1, 3, 7, 10, 11, 42, 180, 999].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 50, 200, 1000]);
  });

  it("draw as many labels as fit", () => {
    expect(labelEvery(24, 720, 60)).toBe(2);
    expect(labelEvery(720, 350, 60)).toBe(144);
    expect(labelEvery(5, 1000, 60)).toBe(1);
  });

  it("say durations in the unit a person would", () => {
    expect([null, 42, 720, 5400, 86_400, 259_200].map(formatDuration)).toEqual([
      "—",
      "42 s",
      "12 min",
      "1.5 h",
      "24 h",
      "3 d",
    ]);
  });
});
