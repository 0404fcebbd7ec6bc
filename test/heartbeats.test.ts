import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { markLate } from "../src/heartbeats/lateness";
import { heartbeatTimer } from "../src/heartbeats/timer";
import { runScheduled } from "../src/scheduled";
import { api, createKey, createUser, db, problem, type TestKey, type TestUser } from "./helpers";

/**
 * Issue 17, part 2: heartbeats. A silent sensor becomes a High alert, raised by the system
 * through the ingest statement (silences and grouping apply), resolved when beats return; the
 * deadline is a Durable Object alarm, exercised here for real.
 */
const HOOKS = "hooks.example.com";
let admin: TestUser;
let analyst: TestUser;
let sensor: TestKey;
let other: TestKey;
let hookId: number;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
  [sensor, other] = await Promise.all([
    createKey(admin, { scopes: ["ingest"] }),
    createKey(admin, { scopes: ["ingest"] }),
  ]);
  // Deliveries to the test's own receiver are answered here and go nowhere.
  const realFetch = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(new Request(input, init).url);
    return url.hostname === HOOKS ? new Response("", { status: 204 }) : realFetch(input, init);
  });
  const hook = await api("/api/webhooks/", {
    token: admin.token,
    json: {
      url: `https://${HOOKS}/heartbeats/${crypto.randomUUID()}`,
      events: ["heartbeat.late", "heartbeat.ok", "silence.created", "silence.ended"],
    },
  });
  expect(hook.status).toBe(201);
  hookId = ((await hook.json()) as { id: number }).id;
});
afterAll(async () => {
  await db().execute(sql`delete from webhooks where id = ${hookId}`);
  vi.restoreAllMocks();
});

type Heartbeat = {
  name: string;
  timeout_seconds: number;
  status: string;
  last_beat_at: string | null;
  due_at: string;
  owner: { type: string; name: string } | null;
  alert: { id: number; status: string } | null;
  tags: string[];
};
const uniqueName = () => `hb-${crypto.randomUUID().slice(0, 13)}`;
async function create(body: Record<string, unknown>): Promise<Heartbeat> {
  const res = await api("/api/heartbeats/", { token: admin.token, json: body });
  if (res.status !== 201) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as Heartbeat;
}
const beat = (name: string, key: TestKey, json: unknown = {}) =>
  api(`/api/heartbeats/${name}/`, { token: key.key, json });
const stored = async (name: string) =>
  (
    await db().execute<{ id: number; status: string; late_since: string | null; lateness_ms: number | null }>(sql`
      select id, status, late_since,
             (extract(epoch from late_since - due_at) * 1000)::float8 as lateness_ms
      from heartbeats where name = ${name}`)
  ).rows[0];
/** As if its deadline were `seconds` from now (negative: past). */
const dueIn = (name: string, seconds: number) =>
  db().execute(sql`update heartbeats set due_at = now() + make_interval(secs => ${seconds}) where name = ${name}`);
const alertsOf = async (name: string) =>
  (
    await db().execute<{ id: string; status: string; severity: string; event_count: number }>(sql`
      select id, status, severity, event_count from alerts where dedup_key = ${`heartbeat:${name}`} order by id`)
  ).rows;
const deliveries = async (type: string, name: string) =>
  (
    await db().execute<{
      payload: { type: string; data: { heartbeat: Heartbeat; alert: { status: string } | null } };
    }>(sql`
      select payload from webhook_deliveries
      where webhook_id = ${hookId} and event_type = ${type}::delivery_event_type
        and payload::jsonb -> 'data' -> 'heartbeat' ->> 'name' = ${name} order by id`)
  ).rows.map((r) => r.payload);
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("heartbeats", () => {
  it("admins create them, for one key; bad input is 400 naming the field; analysts read only", async () => {
    const name = uniqueName();
    const hb = await create({ name, timeout_seconds: 120, tags: ["pci", "dc:1"], key_id: sensor.id });
    expect(hb).toMatchObject({ name, timeout_seconds: 120, status: "unknown", last_beat_at: null, alert: null });
    expect(hb.owner).toEqual({ type: "key", name: sensor.name });
    expect(Date.parse(hb.due_at) - Date.now()).toBeGreaterThan(110_000);
    expect((await api("/api/heartbeats/", { token: admin.token, json: { name, timeout_seconds: 60 } })).status).toBe(
      409,
    );
    for (const [body, field] of [
      [{ name: uniqueName(), timeout_seconds: 59 }, "timeout_seconds"],
      [{ name: uniqueName(), timeout_seconds: 86_401 }, "timeout_seconds"],
      [{ name: uniqueName(), timeout_seconds: 60.5 }, "timeout_seconds"],
      [{ name: "no spaces", timeout_seconds: 60 }, "name"],
      [{ name: uniqueName(), timeout_seconds: 60, tags: ["UPPER"] }, "tags"],
      [{ name: uniqueName(), timeout_seconds: 60, key_id: 2_000_000_000 }, "key_id"],
    ] as const) {
      const res = await api("/api/heartbeats/", { token: admin.token, json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const fields = Object.keys((await problem(res)).errors as object);
      expect(
        fields.some((f) => f === field || f.startsWith(`${field}.`)),
        `${JSON.stringify(body)}: ${fields}`,
      ).toBe(true);
    }
    expect(
      (await api("/api/heartbeats/", { token: analyst.token, json: { name: uniqueName(), timeout_seconds: 60 } }))
        .status,
    ).toBe(403);
    const list = await api(`/api/heartbeats/?status=unknown&page_size=100`, { token: analyst.token });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { results: Heartbeat[] }).results.map((h) => h.name)).toContain(name);
    expect((await api(`/api/heartbeats/${name}/`, { token: analyst.token })).status).toBe(200);
    expect((await api(`/api/heartbeats/${uniqueName()}/`, { token: analyst.token })).status).toBe(404);
    // Nothing half-written by the refusals.
    const count = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from heartbeats where name = ${name}`,
    );
    expect(count.rows[0]?.n).toBe(1);
  });

  it("only the owner's beats count; a first beat creates one owned by its sender", async () => {
    const name = uniqueName();
    await create({ name, timeout_seconds: 300, key_id: sensor.id });
    const beaten = await beat(name, sensor);
    expect(beaten.status).toBe(200);
    const body = (await beaten.json()) as Heartbeat;
    expect(body.status).toBe("ok");
    expect(Date.parse(body.due_at) - Date.parse(body.last_beat_at ?? "")).toBe(300_000);
    const foreign = await beat(name, other);
    expect(foreign.status).toBe(403);
    // An analyst holds no beat permission; a read key neither.
    expect((await api(`/api/heartbeats/${name}/`, { token: analyst.token, json: {} })).status).toBe(403);

    const fresh = uniqueName();
    const first = await beat(fresh, other, { timeout_seconds: 90, tags: ["edge"] });
    expect(first.status).toBe(201);
    expect(first.headers.get("Location")).toBe(`/api/heartbeats/${fresh}/`);
    expect(await first.json()).toMatchObject({
      status: "ok",
      timeout_seconds: 90,
      tags: ["edge"],
      owner: { name: other.name },
    });
    const again = await beat(fresh, other, { timeout_seconds: 600 });
    expect(((await again.json()) as Heartbeat).timeout_seconds).toBe(90);
    const byDefault = await beat(uniqueName(), other);
    expect(((await byDefault.json()) as Heartbeat).timeout_seconds).toBe(Number(env.HEARTBEAT_DEFAULT_TIMEOUT_SECONDS));
    expect((await beat(fresh, sensor)).status).toBe(403);
  });

  it("goes late by its Durable Object's alarm within 5 s of the deadline: a High alert by system; beats resolve it", async () => {
    const name = uniqueName();
    await create({ name, timeout_seconds: 60, key_id: sensor.id });
    await beat(name, sensor);
    const row = await stored(name);
    if (!row) throw new Error("not stored");
    // The deadline two seconds away, and the timer told (as at creation): the real alarm rings.
    await dueIn(name, 2);
    await heartbeatTimer(env, Number(row.id)).watch(Number(row.id));
    const late = await until(
      () => stored(name),
      (r) => r?.status === "late",
      12_000,
    );
    expect(late?.status).toBe("late");
    expect(late?.lateness_ms).toBeGreaterThanOrEqual(0);
    expect(late?.lateness_ms).toBeLessThan(5000);

    const [alert] = await alertsOf(name);
    expect(alert).toMatchObject({ status: "Open", severity: "High", event_count: 1 });
    const event = await db().execute<{ event_type: string; source_name: string; ingested_by_type: string | null }>(sql`
      select e.event_type, e.source_name, e.ingested_by_type from events e join alerts a on a.event_id = e.id
      where a.id = ${alert?.id}`);
    expect(event.rows[0]).toEqual({ event_type: "heartbeat_missed", source_name: name, ingested_by_type: null });
    const history = await db().execute<{ actor_type: string; action: string }>(
      sql`select actor_type, action from alert_history where alert_id = ${alert?.id} order by id`,
    );
    expect(history.rows).toEqual([{ actor_type: "system", action: "created" }]);
    const [lateHook] = await deliveries("heartbeat.late", name);
    expect(lateHook?.data.heartbeat).toMatchObject({ name, status: "late" });
    expect(lateHook?.data.heartbeat.alert).toEqual({ id: Number(alert?.id), status: "Open" });
    const shown = (await (await api(`/api/heartbeats/${name}/`, { token: analyst.token })).json()) as Heartbeat;
    expect(shown.alert).toEqual({ id: Number(alert?.id), status: "Open" });

    // Any event its owner ingests from that source is a beat: shown at once as the last beat;
    // the timer, looking again (every minute while late), brings it back and resolves the alert.
    const ingested = await api("/api/events/", {
      token: sensor.key,
      json: { source_name: name, event_type: "syslog", severity: "Low" },
    });
    expect(ingested.status).toBe(201);
    const { created_at } = (await ingested.json()) as { created_at: string };
    const meanwhile = (await (await api(`/api/heartbeats/${name}/`, { token: analyst.token })).json()) as Heartbeat;
    expect(meanwhile).toMatchObject({ status: "late", last_beat_at: created_at });
    await heartbeatTimer(env, Number(row.id)).watch(Number(row.id));
    expect((await stored(name))?.status).toBe("ok");
    expect((await alertsOf(name)).map((a) => a.status)).toEqual(["Resolved"]);
    const resolved = await db().execute<{ actor_type: string; from_value: string; reason: string }>(sql`
      select actor_type, from_value, reason from alert_history
      where alert_id = ${alert?.id} and action = 'status_changed'`);
    expect(resolved.rows).toEqual([
      { actor_type: "system", from_value: "Open", reason: `Heartbeat ${name} beat again.` },
    ]);
    const [okHook] = await deliveries("heartbeat.ok", name);
    expect(okHook?.data).toMatchObject({ heartbeat: { name, status: "ok" }, alert: { status: "Resolved" } });
  });

  it("an explicit beat brings a late heartbeat back at once; the sweep finishes a recovery that was lost", async () => {
    const [name, lost] = [uniqueName(), uniqueName()];
    for (const n of [name, lost]) {
      await create({ name: n, timeout_seconds: 60, key_id: sensor.id });
      await dueIn(n, -1);
      await markLate(db(), [Number((await stored(n))?.id)]);
      expect((await stored(n))?.status).toBe("late");
    }
    const res = await beat(name, sensor);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", late_since: null, alert: null });
    expect((await alertsOf(name)).map((a) => a.status)).toEqual(["Resolved"]);
    // As if the Worker died between the beat and its recovery: beaten, still late.
    await db().execute(sql`update heartbeats set last_beat_at = now() where name = ${lost}`);
    expect((await runScheduled(env)).heartbeatsRecovered).toBeGreaterThanOrEqual(1);
    expect((await stored(lost))?.status).toBe("ok");
    expect((await alertsOf(lost)).map((a) => a.status)).toEqual(["Resolved"]);
  });

  it("an owner's event keeps it ok past the old deadline; an unowned one is claimed by its first sender", async () => {
    const [owned, unowned] = [uniqueName(), uniqueName()];
    await create({ name: owned, timeout_seconds: 60, key_id: sensor.id });
    await create({ name: unowned, timeout_seconds: 60 });
    for (const n of [owned, unowned]) {
      await api("/api/events/", { token: sensor.key, json: { source_name: n, event_type: "x", severity: "Low" } });
      await dueIn(n, -1);
      const id = Number((await stored(n))?.id);
      expect((await markLate(db(), [id])).historyIds).toEqual([]);
      await heartbeatTimer(env, id).watch(id);
      const shown = (await (await api(`/api/heartbeats/${n}/`, { token: analyst.token })).json()) as Heartbeat;
      expect(shown.status, n).toBe("ok");
      expect(Date.parse(shown.due_at) - Date.now(), n).toBeGreaterThan(50_000);
      expect(shown.owner, n).toEqual({ type: "key", name: sensor.name });
    }
    expect(await alertsOf(owned)).toEqual([]);
  });

  it("another principal's events beat nothing; late twice at once is one event, one alert", async () => {
    const name = uniqueName();
    await create({ name, timeout_seconds: 60, key_id: sensor.id });
    await api("/api/events/", { token: other.key, json: { source_name: name, event_type: "x", severity: "Low" } });
    expect((await stored(name))?.status).toBe("unknown");
    const shown = (await (await api(`/api/heartbeats/${name}/`, { token: analyst.token })).json()) as Heartbeat;
    expect(shown).toMatchObject({ status: "unknown", last_beat_at: null });
    await dueIn(name, -1);
    const id = Number((await stored(name))?.id);
    // The timer and the sweep's repair racing: the row lock lets one of them mark it.
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => markLate(db(), [id])));
    expect(outcomes.filter((o) => (o.notices?.length ?? 0) > 0)).toHaveLength(1);
    expect(await alertsOf(name)).toHaveLength(1);
    const events = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from events where source_name = ${name} and event_type = 'heartbeat_missed'`,
    );
    expect(events.rows[0]?.n).toBe(1);
  });

  it("silences apply: a silenced miss is stored, alerts no one, sends no heartbeat.late", async () => {
    const name = uniqueName();
    await create({ name, timeout_seconds: 60 });
    const silence = await api("/api/silences/", {
      token: admin.token,
      json: {
        matchers: [
          { field: "source_name", op: "eq", value: name },
          { field: "event_type", op: "eq", value: "heartbeat_missed" },
        ],
        ends_at: new Date(Date.now() + 3_600_000).toISOString(),
        comment: "sensor being replaced",
      },
    });
    expect(silence.status).toBe(201);
    const silenceId = ((await silence.json()) as { id: number }).id;
    await dueIn(name, -1);
    await markLate(db(), [Number((await stored(name))?.id)]);
    expect((await stored(name))?.status).toBe("late");
    expect(await alertsOf(name)).toEqual([]);
    const event = await db().execute<{ silenced_by: number; alert_id: string | null }>(
      sql`select silenced_by, alert_id from events where source_name = ${name}`,
    );
    expect(event.rows).toEqual([{ silenced_by: silenceId, alert_id: null }]);
    expect(await deliveries("heartbeat.late", name)).toEqual([]);
    // silence.created went out when it was made; ending it sends silence.ended.
    expect((await api(`/api/silences/${silenceId}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    const sent = await db().execute<{ event_type: string; state: string }>(sql`
      select event_type, payload::jsonb -> 'data' -> 'silence' ->> 'state' as state from webhook_deliveries
      where webhook_id = ${hookId} and (payload::jsonb -> 'data' -> 'silence' ->> 'id')::int = ${silenceId} order by id`);
    expect(sent.rows).toEqual([
      { event_type: "silence.created", state: "active" },
      { event_type: "silence.ended", state: "expired" },
    ]);
  });

  it("the sweep announces silences that ran out by themselves, once", async () => {
    const res = await api("/api/silences/", {
      token: admin.token,
      json: {
        matchers: [{ field: "source_name", op: "eq", value: uniqueName() }],
        ends_at: new Date(Date.now() + 3_600_000).toISOString(),
        comment: "short window",
      },
    });
    const id = ((await res.json()) as { id: number }).id;
    await db().execute(
      sql`update silences set ends_at = now(), starts_at = now() - interval '1 hour' where id = ${id}`,
    );
    expect((await runScheduled(env)).silencesEnded).toBeGreaterThanOrEqual(1);
    await runScheduled(env);
    const ended = await db().execute<{ n: number }>(sql`
      select count(*)::int as n from webhook_deliveries where webhook_id = ${hookId} and event_type = 'silence.ended'
        and (payload::jsonb -> 'data' -> 'silence' ->> 'id')::int = ${id}`);
    expect(ended.rows[0]?.n).toBe(1);
  });

  it("the sweep repairs a heartbeat whose timer was lost; deleting one stops it and keeps its alert", async () => {
    const name = uniqueName();
    await create({ name, timeout_seconds: 60 });
    await dueIn(name, -120);
    expect((await runScheduled(env)).heartbeatsRepaired).toBeGreaterThanOrEqual(1);
    expect((await stored(name))?.status).toBe("late");
    expect(await alertsOf(name)).toHaveLength(1);
    expect((await api(`/api/heartbeats/${name}/`, { method: "DELETE", token: analyst.token })).status).toBe(403);
    expect((await api(`/api/heartbeats/${name}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    expect(await stored(name)).toBeUndefined();
    expect((await alertsOf(name)).map((a) => a.status)).toEqual(["Open"]);
    expect((await api(`/api/heartbeats/${name}/`, { method: "DELETE", token: admin.token })).status).toBe(404);
  });

  it("sensors cannot send heartbeat dedup keys", async () => {
    const res = await api("/api/events/", {
      token: sensor.key,
      json: { source_name: "x", event_type: "y", severity: "High", dedup_key: "heartbeat:fw-1" },
    });
    expect(res.status).toBe(400);
    expect(((await problem(res)).errors as Record<string, string[]>).dedup_key?.[0]).toMatch(/reserved/);
  });
});
