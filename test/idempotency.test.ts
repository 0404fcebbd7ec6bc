import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories";
import { api, apiWith, createKey, createUser, db, problem, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const send = (token: string, key: string, body: unknown, path = "/api/events/") =>
  api(path, { token, json: body, headers: { "Idempotency-Key": key } });

async function count(source: string): Promise<number> {
  const { rows } = await db().execute<{ n: number }>(
    sql`select count(*)::int as n from events where source_name = ${source}`,
  );
  return rows[0]?.n ?? -1;
}

describe("Idempotency-Key (contract section 10)", () => {
  it("a retry with the same key and body gets the first response again and stores nothing", async () => {
    const source = uniqueSource();
    const body = { source_name: source, event_type: "t", severity: "High" };
    const key = crypto.randomUUID();
    const first = await send(admin.token, key, body);
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const again = await send(admin.token, key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(await again.text()).toBe(await first.text());
    expect(await count(source)).toBe(1);
  });

  it("the same key with another body is 422, and stores nothing", async () => {
    const source = uniqueSource();
    const key = crypto.randomUUID();
    expect((await send(admin.token, key, { source_name: source, event_type: "t", severity: "Low" })).status).toBe(201);
    const other = await send(admin.token, key, { source_name: source, event_type: "u", severity: "Low" });
    expect(other.status).toBe(422);
    expect(await problem(other)).toMatchObject({ status: 422, type: "urn:vigil:problem:idempotency-key-reused" });
    expect(await count(source)).toBe(1);
  });

  it("20 concurrent requests with one key store exactly one event and all get its response", async () => {
    const source = uniqueSource();
    const body = { source_name: source, event_type: "t", severity: "High" };
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(admin.token, key, body)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: number }).id)));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers.get("Idempotent-Replayed") === "true")).toHaveLength(19);
    expect(await count(source)).toBe(1);
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from alerts a join events e on e.alert_id = a.id where e.source_name = ${source}`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("keys are per caller: two callers may use the same key", async () => {
    const other = await createUser("admin");
    const key = crypto.randomUUID();
    const source = uniqueSource();
    const body = { source_name: source, event_type: "t", severity: "Low" };
    expect((await send(admin.token, key, body)).headers.get("Idempotent-Replayed")).toBeNull();
    expect((await send(other.token, key, body)).headers.get("Idempotent-Replayed")).toBeNull();
    expect(await count(source)).toBe(2);
  });

  it("a request refused before storing (400, 401, 403, 413, 415, 429) does not use up its key", async () => {
    const source = uniqueSource();
    const key = crypto.randomUUID();
    const good = { source_name: source, event_type: "t", severity: "Low" };
    const reader = await createKey(admin, { scopes: ["read"] });
    expect((await send(admin.token, key, { ...good, severity: "Loud" })).status).toBe(400);
    expect((await send("not-a-token", key, good)).status).toBe(401);
    expect((await send(reader.key, key, good)).status).toBe(403);
    const asText = await api("/api/events/", {
      method: "POST",
      token: admin.token,
      headers: { "Content-Type": "text/plain", "Idempotency-Key": key },
      body: JSON.stringify(good),
    });
    expect(asText.status).toBe(415);
    const tooLarge = await api("/api/events/", {
      token: admin.token,
      json: { ...good, description: "x".repeat(70_000) },
      headers: { "Idempotency-Key": key },
    });
    expect(tooLarge.status).toBe(413);
    const throttled = apiWith({ RATE_LIMIT_INGEST: "1/60s" });
    const user = await createUser("admin");
    await throttled("/api/events/", { token: user.token, json: good });
    const refused = await throttled("/api/events/", {
      token: user.token,
      json: good,
      headers: { "Idempotency-Key": key },
    });
    expect(refused.status).toBe(429);
    // The key is still fresh for this caller: the first real use stores.
    const first = await send(admin.token, key, good);
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("a malformed key is 400", async () => {
    for (const key of ["", "x".repeat(256), "has space", "ünïcode"]) {
      const res = await send(admin.token, key, { source_name: "s", event_type: "t", severity: "Low" });
      expect(res.status, JSON.stringify(key)).toBe(400);
      await problem(res);
    }
  });

  it("batches are idempotent too: the same per-item results again", async () => {
    const source = uniqueSource();
    const sensor = await createKey(admin, { scopes: ["ingest"] });
    const batch = [
      { source_name: source, event_type: "a", severity: "High" },
      { source_name: source, event_type: "b", severity: "nope" },
    ];
    const key = crypto.randomUUID();
    const first = await send(sensor.key, key, batch, "/api/events/batch/");
    const again = await send(sensor.key, key, batch, "/api/events/batch/");
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
    expect(await count(source)).toBe(1);
    const different = await send(sensor.key, key, [batch[0]], "/api/events/batch/");
    expect(different.status).toBe(422);
  });

  it("the replay answers the first response even after the alert changed", async () => {
    const source = uniqueSource();
    const key = crypto.randomUUID();
    const body = { source_name: source, event_type: "t", severity: "High" };
    const first = (await (await send(admin.token, key, body)).json()) as { alert: { id: number; status: string } };
    await api(`/api/alerts/${first.alert.id}/`, { method: "PATCH", token: admin.token, json: { status: "Resolved" } });
    const again = (await (await send(admin.token, key, body)).json()) as { alert: { status: string } };
    expect(again.alert.status).toBe("Open");
  });
});
