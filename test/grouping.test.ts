import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories";
import { api, createKey, createUser, db, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

type Alert = {
  id: number;
  severity: string;
  status: string;
  dedup_key: string | null;
  event_count: number;
  last_event_at: string;
  updated_at: string;
  event: { id: number };
};
type Event = { id: number; created_at: string; alert: { id: number; status: string } | null };

const newKey = () => `dedup-${crypto.randomUUID()}`;
const event = (fields: Record<string, unknown>) =>
  api("/api/events/", {
    token: admin.token,
    json: { source_name: uniqueSource(), event_type: "brute_force", severity: "High", ...fields },
  }).then(async (r) => {
    if (r.status !== 201) throw new Error(`${r.status} ${await r.text()}`);
    return (await r.json()) as Event;
  });
const alert = async (id: number) => (await (await api(`/api/alerts/${id}/`, { token: admin.token })).json()) as Alert;

async function alertsWithKey(key: string) {
  const { rows } = await db().execute<{ id: number; status: string; event_count: number }>(
    sql`select id::int, status, event_count from alerts where dedup_key = ${key} order by id`,
  );
  return rows;
}

describe("alert grouping by dedup_key (contract section 11)", () => {
  it("30 concurrent alerting events with one new key give exactly one unresolved alert with event_count 30", async () => {
    const key = newKey();
    const events = await Promise.all(Array.from({ length: 30 }, () => event({ dedup_key: key })));
    expect(await alertsWithKey(key)).toEqual(
      [{ id: events[0]?.alert?.id, status: "Open", event_count: 30 }].map((a) => ({ ...a, id: expect.any(Number) })),
    );
    expect(new Set(events.map((e) => e.alert?.id)).size).toBe(1);
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from events where dedup_key = ${key} and alert_id = ${events[0]?.alert?.id ?? 0}`,
    );
    expect(rows[0]?.n).toBe(30);
  });

  it("joining raises event_count, moves last_event_at to the event's created_at, keeps the status and the opening event", async () => {
    const key = newKey();
    const first = await event({ dedup_key: key });
    const alertId = first.alert?.id ?? 0;
    await api(`/api/alerts/${alertId}/`, { method: "PATCH", token: admin.token, json: { status: "Investigating" } });
    const before = await alert(alertId);
    const second = await event({ dedup_key: key });
    expect(second.alert).toEqual({ id: alertId, status: "Investigating" });
    const after = await alert(alertId);
    expect(after).toMatchObject({
      status: "Investigating",
      event_count: 2,
      dedup_key: key,
      last_event_at: second.created_at,
    });
    expect(after.event.id).toBe(first.id);
    expect(after.updated_at > before.updated_at).toBe(true);
  });

  it("severity rises to the highest seen and never falls", async () => {
    const key = newKey();
    const alertId = (await event({ dedup_key: key, severity: "High" })).alert?.id ?? 0;
    await event({ dedup_key: key, severity: "Critical", description: "Ransomware note found on a file server" });
    expect((await alert(alertId)).severity).toBe("Critical");
    await event({ dedup_key: key, severity: "High" });
    expect(await alert(alertId)).toMatchObject({ severity: "Critical", event_count: 3 });
  });

  it("after the alert is resolved, the next event with the key opens a new one", async () => {
    const key = newKey();
    const firstAlert = (await event({ dedup_key: key })).alert?.id ?? 0;
    await api(`/api/alerts/${firstAlert}/`, { method: "PATCH", token: admin.token, json: { status: "Resolved" } });
    const next = await event({ dedup_key: key });
    expect(next.alert?.id).not.toBe(firstAlert);
    expect(await alertsWithKey(key)).toEqual([
      { id: firstAlert, status: "Resolved", event_count: 1 },
      { id: next.alert?.id, status: "Open", event_count: 1 },
    ]);
  });

  it("Low and Medium events never open or join alerts, key or not", async () => {
    const key = newKey();
    const alertId = (await event({ dedup_key: key })).alert?.id ?? 0;
    expect((await event({ dedup_key: key, severity: "Low" })).alert).toBeNull();
    expect((await event({ dedup_key: newKey(), severity: "Medium" })).alert).toBeNull();
    expect((await alert(alertId)).event_count).toBe(1);
  });

  it("events without a key each raise their own alert, as before grouping", async () => {
    const [a, b] = [await event({}), await event({})];
    expect(a.alert?.id).not.toBe(b.alert?.id);
    expect(await alert(a.alert?.id ?? 0)).toMatchObject({ dedup_key: null, event_count: 1 });
  });

  it("a batch groups too, several items with one key included", async () => {
    const [k1, k2] = [newKey(), newKey()];
    const existing = (await event({ dedup_key: k2 })).alert?.id;
    const sensor = await createKey(admin, { scopes: ["ingest"] });
    const item = (fields: Record<string, unknown>) => ({
      source_name: "batch",
      event_type: "t",
      severity: "High",
      ...fields,
    });
    const res = await api("/api/events/batch/", {
      token: sensor.key,
      json: [
        item({ dedup_key: k1 }),
        item({ dedup_key: k2 }),
        item({ dedup_key: k1 }),
        item({}),
        item({ dedup_key: k1, severity: "Low" }),
      ],
    });
    const body = (await res.json()) as { results: { alert: { id: number } | null }[] };
    const ids = body.results.map((r) => r.alert?.id ?? null);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[1]).toBe(existing);
    expect(ids[3]).not.toBe(ids[0]);
    expect(ids[4]).toBeNull();
    expect(await alertsWithKey(k1)).toEqual([{ id: ids[0], status: "Open", event_count: 2 }]);
    expect(await alertsWithKey(k2)).toEqual([{ id: existing, status: "Open", event_count: 2 }]);
  });

  it("dedup_key is 1..255 characters; filter the alert list by it", async () => {
    const bad = await api("/api/events/", {
      token: admin.token,
      json: { source_name: "s", event_type: "t", severity: "High", dedup_key: "k".repeat(256) },
    });
    expect(bad.status).toBe(400);
    const key = newKey();
    const id = (await event({ dedup_key: key })).alert?.id;
    const list = (await (await api(`/api/alerts/?dedup_key=${key}`, { token: admin.token })).json()) as {
      count: number;
      results: Alert[];
    };
    expect(list.count).toBe(1);
    expect(list.results[0]?.id).toBe(id);
  });
});
