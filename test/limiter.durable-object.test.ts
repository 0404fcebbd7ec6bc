import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const rule = { limit: 3, periodSeconds: 60 };
const limiter = () => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${crypto.randomUUID()}`));

describe("RateLimiter Durable Object", () => {
  it("admits exactly the limit among concurrent calls", async () => {
    const stub = limiter();
    const decisions = await Promise.all(Array.from({ length: 20 }, () => stub.consume("read", rule)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
  });

  it("keeps one budget per scope", async () => {
    const stub = limiter();
    for (let i = 0; i < 3; i++) await stub.consume("read", rule);
    expect((await stub.consume("read", rule)).allowed).toBe(false);
    expect((await stub.consume("write", rule)).allowed).toBe(true);
  });

  it("keeps its state when the object is evicted from memory", async () => {
    const stub = limiter();
    for (let i = 0; i < 3; i++) await stub.consume("read", rule);
    await evictDurableObject(stub);
    expect((await stub.consume("read", rule)).allowed).toBe(false);
  });

  it("refund gives one attempt back", async () => {
    const stub = limiter();
    for (let i = 0; i < 3; i++) await stub.consume("auth", rule);
    await stub.refund("auth", rule);
    expect((await stub.consume("auth", rule)).allowed).toBe(true);
    expect((await stub.consume("auth", rule)).allowed).toBe(false);
  });
});
