import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { keyHash } from "../src/keys/format";
import { api, createKey, createUser, db, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const event = { source_name: "fw-edge-01", event_type: "port_scan", severity: "High" };

describe("API keys (contract section 9)", () => {
  it("create answers 201 with Location and the key, once; the database holds only its hash", async () => {
    const res = await api("/api/keys/", { token: admin.token, json: { name: "fw-edge-01", scopes: ["ingest"] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown> & { id: number; key: string };
    expect(res.headers.get("Location")).toBe(`/api/keys/${created.id}/`);
    expect(created).toMatchObject({
      name: "fw-edge-01",
      prefix: created.key.slice(0, 12),
      scopes: ["ingest"],
      rate_limit: null,
      created_by: admin.username,
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
    });
    expect(created.key).toMatch(/^vgl_[0-9A-Za-z]{49}$/);
    const { rows } = await db().execute<{ key_hash: string; row: string }>(
      sql`select key_hash, row_to_json(k)::text as row from api_keys k where id = ${created.id}`,
    );
    expect(rows[0]?.key_hash).toBe(await keyHash(created.key));
    expect(rows[0]?.row).not.toContain(created.key.slice(12));

    const read = (await (await api(`/api/keys/${created.id}/`, { token: admin.token })).json()) as object;
    expect(read).not.toHaveProperty("key");
    const list = (await (await api("/api/keys/?page_size=100", { token: admin.token })).json()) as {
      results: { id: number }[];
    };
    expect(list.results[0]).toMatchObject({ id: created.id });
    expect(JSON.stringify(list)).not.toContain(created.key);
  });

  it("a sensor ingests with its key; the event records who sent it", async () => {
    const key = await createKey(admin, { scopes: ["ingest"] });
    const res = await api("/api/events/", { token: key.key, json: event });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number; ingested_by: unknown };
    expect(body.ingested_by).toEqual({ type: "key", id: key.id, name: key.name });
    const byUser = (await (await api("/api/events/", { token: admin.token, json: event })).json()) as {
      ingested_by: unknown;
    };
    expect(byUser.ingested_by).toEqual({ type: "user", id: admin.id, name: admin.username });
    const { rows } = await db().execute(
      sql`select ingested_by_type, ingested_by_id, ingested_by_name from events where id = ${body.id}`,
    );
    expect(rows[0]).toEqual({ ingested_by_type: "key", ingested_by_id: key.id, ingested_by_name: key.name });
  });

  it("checking a key costs no database round trip once it is known: an ingest stays one round trip", async () => {
    const key = await createKey(admin, { scopes: ["ingest", "read"] });
    const first = await api("/api/events/", { token: key.key, json: event });
    expect(roundTrips(first)).toBe(2); // the key's first use reads its row, once
    for (let i = 0; i < 3; i++) {
      expect(roundTrips(await api("/api/events/", { token: key.key, json: event }))).toBe(1);
      expect(roundTrips(await api("/api/alerts/?page_size=1", { token: key.key }))).toBe(1);
    }
  });

  it("last_used_at is recorded off the response path", async () => {
    const key = await createKey(admin, { scopes: ["read"] });
    expect((await api("/api/alerts/", { token: key.key })).status).toBe(200);
    await vi.waitFor(
      async () => {
        const read = (await (await api(`/api/keys/${key.id}/`, { token: admin.token })).json()) as {
          last_used_at: string | null;
        };
        expect(read.last_used_at).not.toBeNull();
      },
      { timeout: 5000, interval: 100 },
    );
  });

  it("a key is throttled on its own budget: its rate_limit for ingest", async () => {
    const limited = await createKey(admin, { scopes: ["ingest"], rate_limit: "2/60s" });
    const other = await createKey(admin, { scopes: ["ingest"] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api("/api/events/", { token: limited.key, json: event })).status);
    expect(statuses).toEqual([201, 201, 429]);
    const refused = await api("/api/events/", { token: limited.key, json: event });
    expect(refused.headers.get("RateLimit-Policy")).toBe('"ingest";q=2;w=60');
    expect((await api("/api/events/", { token: other.key, json: event })).headers.get("RateLimit-Policy")).toBe(
      `"ingest";q=${env.RATE_LIMIT_INGEST.split("/")[0]};w=60`,
    );
  });
});
