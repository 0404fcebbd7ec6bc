import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { guardNamed } from "../src/guard/stub";
import { generateKey, keyHash } from "../src/keys/format";
import { api, apiWith, createKey, createUser, db, problem, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const event = { source_name: "ids-01", event_type: "exploit_attempt", severity: "Low" };
const ingest = (token: string) => api("/api/events/", { token, json: event });

async function expect401(res: Response, detail: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="vigil", error="invalid_token"/);
  expect((await problem(res)).detail).toMatch(detail);
}

describe("API key security (contract section 9)", () => {
  it("a revoked key is refused from the very next request on; DELETE is idempotent", async () => {
    const key = await createKey(admin, { scopes: ["ingest"] });
    expect((await ingest(key.key)).status).toBe(201);
    expect((await api(`/api/keys/${key.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    await expect401(await ingest(key.key), /revoked/);
    expect((await api(`/api/keys/${key.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    const read = (await (await api(`/api/keys/${key.id}/`, { token: admin.token })).json()) as { revoked_at: string };
    expect(read.revoked_at).not.toBeNull();
  });

  it("a key revoked before its first use is refused too", async () => {
    const key = await createKey(admin, { scopes: ["ingest"] });
    expect((await api(`/api/keys/${key.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    await expect401(await ingest(key.key), /revoked/);
  });

  it("an expired key is refused, whether or not it was used before", async () => {
    const soon = () => new Date(Date.now() + 1500).toISOString();
    const used = await createKey(admin, { scopes: ["ingest"], expires_at: soon() });
    const unused = await createKey(admin, { scopes: ["ingest"], expires_at: soon() });
    expect((await ingest(used.key)).status).toBe(201);
    // Expiry is the subject here: let the clock pass it.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect401(await ingest(used.key), /expired/);
    await expect401(await ingest(unused.key), /expired/);
  });

  it("an unknown key, and a mistyped one (bad checksum), are 401; nothing is stored", async () => {
    await expect401(
      await api("/api/events/", { token: generateKey(), json: { ...event, source_name: "ghost-1" } }),
      /Invalid API key/,
    );
    const key = await createKey(admin, { scopes: ["ingest"] });
    const typo = `${key.key.slice(0, 20)}${key.key[20] === "a" ? "b" : "a"}${key.key.slice(21)}`;
    await expect401(
      await api("/api/events/", { token: typo, json: { ...event, source_name: "ghost-1" } }),
      /Invalid API key/,
    );
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from events where source_name = 'ghost-1'`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("validation: name, scopes, expiry and rate limit; unknown fields named", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ scopes: ["ingest"] }, "name"],
      [{ name: "  ", scopes: ["ingest"] }, "name"],
      [{ name: "x".repeat(101), scopes: ["ingest"] }, "name"],
      [{ name: "s", scopes: [] }, "scopes"],
      [{ name: "s", scopes: ["admin"] }, "scopes.0"],
      [{ name: "s", scopes: ["read", "read"] }, "scopes"],
      [{ name: "s", scopes: ["read"], expires_at: "2001-01-01T00:00:00Z" }, "expires_at"],
      [{ name: "s", scopes: ["read"], rate_limit: "10 per minute" }, "rate_limit"],
      [{ name: "s", scopes: ["read"], key: "vgl_mine" }, "key"],
      [{ name: "s", scopes: ["read"], revoked_at: null }, "revoked_at"],
    ];
    for (const [body, field] of cases) {
      const res = await api("/api/keys/", { token: admin.token, json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(((await problem(res)) as { errors: object }).errors)).toContain(field);
    }
  });

  it("unknown key ids are 404; PUT and PATCH are 405", async () => {
    expect((await api("/api/keys/999999/", { token: admin.token })).status).toBe(404);
    expect((await api("/api/keys/999999/", { method: "DELETE", token: admin.token })).status).toBe(404);
    const res = await api("/api/keys/1/", { method: "PATCH", token: admin.token, json: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("DELETE, GET, HEAD");
  });
});

describe("guessing API keys (issue 21, item 2)", () => {
  const budget = apiWith({ RATE_LIMIT_UNKNOWN_KEY: "5/60s" });
  const from = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 4)}`;
  const send = (key: string, ip: string) => budget("/api/events/", { token: key, ip, json: event });

  it("300 invented keys from one address cost at most the budget's look-ups, then 429 before the database", async () => {
    const ip = from();
    const known = await createKey(admin, { scopes: ["ingest"] });
    expect((await send(known.key, ip)).status).toBe(201);

    const statuses: number[] = [];
    let lookups = 0;
    for (let i = 0; i < 300; i++) {
      const res = await send(generateKey(), ip);
      statuses.push(res.status);
      lookups += roundTrips(res);
      if (res.status === 429) {
        expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
        expect(res.headers.get("RateLimit-Policy")).toBe('"unknown-key";q=5;w=60');
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(lookups).toBe(5);

    // The key this address already used is answered from memory, unhindered.
    expect((await send(known.key, ip)).status).toBe(201);
    // Another address has its own budget.
    expect((await send(generateKey(), from())).status).toBe(401);
  });

  it("the same invented key again costs no look-up at all; keys that exist never spend the budget", async () => {
    const ip = from();
    const invented = generateKey();
    const first = await send(invented, ip);
    expect(first.status).toBe(401);
    expect(roundTrips(first)).toBe(1);
    for (let i = 0; i < 20; i++) {
      const again = await send(invented, ip);
      expect(again.status).toBe(401);
      expect(roundTrips(again)).toBe(0);
    }

    // Eight real keys, each used for the first time from this address: the budget of 5 is given back each time.
    for (let i = 0; i < 8; i++) {
      const key = await createKey(admin, { scopes: ["ingest"] });
      expect((await send(key.key, ip)).status).toBe(201);
    }
    const left = [];
    for (let i = 0; i < 5; i++) left.push((await send(generateKey(), ip)).status);
    expect(left).toEqual([401, 401, 401, 401, 429]);
  });

  it("a burst of a real key's first uses, and its uses after its guard was evicted, spend nothing", async () => {
    const ip = from();
    const key = await createKey(admin, { scopes: ["ingest"] });
    // Concurrent first uses share one look-up (past the budget of 5 if each took one).
    const burst = await Promise.all(Array.from({ length: 20 }, () => send(key.key, ip)));
    expect(burst.map((r) => r.status)).toEqual(Array(20).fill(201));
    // Out of memory and back: the guard remembers having found its key.
    await evictDurableObject(guardNamed(env, { type: "key", hash: await keyHash(key.key) }));
    const after = await Promise.all(Array.from({ length: 20 }, () => send(key.key, ip)));
    expect(after.map((r) => r.status)).toEqual(Array(20).fill(201));
    // The address's budget is whole.
    const left = [];
    for (let i = 0; i < 6; i++) left.push((await send(generateKey(), ip)).status);
    expect(left).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
