import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ExpiringEntries } from "../src/guard/expiring";

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

describe("ExpiringEntries: ended sessions and trusted addresses", () => {
  const entriesIn = async <T>(fn: (storage: DurableObjectStorage) => Promise<T>) =>
    runInDurableObject(limiter(), (_instance, state) => fn(state.storage));

  it("ending a session again never shortens it", async () => {
    const kept = await entriesIn(async (storage) => {
      const ended = new ExpiringEntries(storage, "sid:");
      await ended.set("s1", 2_000);
      await ended.set("s1", 1_000);
      return { holds: ended.holds("s1", 1_500), stored: await storage.get("sid:s1") };
    });
    expect(kept).toEqual({ holds: true, stored: 2_000 });
  });

  it("over the cap, forgets the entries that expire soonest, also after a restart reloads them in key order", async () => {
    const left = await entriesIn(async (storage) => {
      const first = new ExpiringEntries(storage, "ip:");
      await first.set("9.9.9.9", 100); // trusted first: expires first
      await first.set("10.0.0.1", 200);
      // A restart: the object reloads its entries from storage, which lists them by key ("10..." < "9...").
      const reloaded = new ExpiringEntries(storage, "ip:");
      for (const [key, value] of await storage.list({ prefix: "ip:" })) reloaded.load(key, value);
      await reloaded.dropSoonest(1);
      return [...(await storage.list({ prefix: "ip:" })).keys()];
    });
    expect(left).toEqual(["ip:10.0.0.1"]);
  });
});
