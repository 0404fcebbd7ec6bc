import { describe, expect, it } from "vitest";
import { gcra, refund } from "../src/limiter/gcra";

const rule = { limit: 5, periodSeconds: 2 };

/** Runs n requests at `now`, threading the TAT through, as the Durable Object does. */
function burst(n: number, now: number, tat?: number) {
  const decisions = [];
  let state = tat;
  for (let i = 0; i < n; i++) {
    const r = gcra(rule, state, now);
    state = r.tat;
    decisions.push(r.decision);
  }
  return { decisions, tat: state };
}

describe("GCRA", () => {
  it("admits exactly `limit` at once, then refuses with the time until one request refills", () => {
    const { decisions } = burst(6, 0);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    // One request every 400 ms refills: retry after 0.4 s, rounded up to whole seconds.
    expect(decisions[5]?.retryAfterSeconds).toBe(1);
    expect(decisions[4]?.resetSeconds).toBe(2);
  });

  it("a cost above the whole limit is never allowed, never promised a retry, and spends nothing", () => {
    const whole = gcra(rule, undefined, 0, 5);
    expect(whole.decision).toMatchObject({ allowed: true, exceedsLimit: false });
    const over = gcra(rule, undefined, 0, 6);
    expect(over.decision).toMatchObject({ allowed: false, exceedsLimit: true, retryAfterSeconds: 0, remaining: 5 });
    // However long one waits.
    expect(gcra(rule, over.tat, 10 ** 9, 6).decision.allowed).toBe(false);
    // A cost within the limit on a spent budget gets a wait that comes true.
    const spent = gcra(rule, whole.tat, 0, 5);
    expect(spent.decision).toMatchObject({ allowed: false, exceedsLimit: false, retryAfterSeconds: 2 });
    expect(gcra(rule, whole.tat, 2000, 5).decision.allowed).toBe(true);
  });

  it("refills smoothly: one request per period/limit", () => {
    const { tat } = burst(5, 0);
    expect(gcra(rule, tat, 399).decision.allowed).toBe(false);
    const at400 = gcra(rule, tat, 400);
    expect(at400.decision.allowed).toBe(true);
    expect(gcra(rule, at400.tat, 400).decision.allowed).toBe(false);
  });

  it("is whole again after a full period", () => {
    const { tat } = burst(5, 0);
    expect(burst(6, 2000, tat).decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
  });

  it("a refused request does not consume capacity", () => {
    const { tat } = burst(5, 0);
    const refused = gcra(rule, tat, 100);
    expect(refused.tat).toBe(tat);
  });

  it("a refund gives one request back, never more than a fresh bucket", () => {
    const { tat } = burst(5, 0);
    const back = refund(rule, tat, 0);
    expect(gcra(rule, back, 0).decision.allowed).toBe(true);
    expect(refund(rule, 0, 1000)).toBe(1000);
  });
});
