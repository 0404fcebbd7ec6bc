import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const rule = { limit: 3, periodSeconds: 60 };
const limiter = () => env.GUARD.get(env.GUARD.idFromName(`test:${crypto.randomUUID()}`));

describe("PrincipalGuard Durable Object: budgets", () => {
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

  it("a successful login gives its attempt back and exempts its address from the username budget", async () => {
    const stub = limiter();
    for (let i = 0; i < 3; i++) expect((await stub.attemptLogin("198.51.100.1", rule))?.allowed).toBe(true);
    expect((await stub.attemptLogin("198.51.100.2", rule))?.allowed).toBe(false);
    await stub.loginSucceeded("198.51.100.1", rule);
    // The trusted address is not held to the username's budget at all...
    for (let i = 0; i < 5; i++) expect(await stub.attemptLogin("198.51.100.1", rule)).toBeNull();
    // ...and the attempt given back lets one more through from elsewhere.
    expect((await stub.attemptLogin("198.51.100.2", rule))?.allowed).toBe(true);
    expect((await stub.attemptLogin("198.51.100.2", rule))?.allowed).toBe(false);
  });
});
