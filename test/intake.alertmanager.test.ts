import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { BatchBody } from "./factories";
import { api, apiWith, createKey, createUser, db, problem, roundTrips, type TestKey, type TestUser } from "./helpers";
import { alertmanagerProbeFailure } from "./intake-samples";

/**
 * Issue 19, item 1: POST /api/intake/alertmanager/ as Alertmanager's webhook_config sends it, with
 * an ingest key (`http_config.authorization`). Firing alerts are events grouped by
 * `am:<fingerprint>`, repeats join, `resolved` resolves (by the key, with history), in one
 * statement per notification.
 */
let admin: TestUser;
let sensor: TestKey;
beforeAll(async () => {
  admin = await createUser("admin");
  sensor = await createKey(admin, { scopes: ["ingest"], name: "alertmanager-test" });
});

type Body = BatchBody;

const PATH = "/api/intake/alertmanager/";
const post = (body: unknown, init: { token?: string; headers?: Record<string, string> } = {}) =>
  api(PATH, {
    method: "POST",
    token: init.token ?? sensor.key,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...init.headers },
  });

/** A notification of `alerts` (status, fingerprint, severity), each with its own alertname and instance. */
function notification(alerts: { status?: string; fingerprint: string; severity?: string }[]) {
  return {
    ...alertmanagerProbeFailure,
    status: alerts.every((a) => a.status === "resolved") ? "resolved" : "firing",
    alerts: alerts.map(({ status = "firing", fingerprint, severity = "critical" }) => ({
      ...alertmanagerProbeFailure.alerts[0],
      status,
      labels: { alertname: `Probe-${fingerprint}`, instance: `node-${fingerprint}:9100`, job: "node", severity },
      fingerprint,
    })),
  };
}

const fingerprint = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);

async function alertsOf(fp: string) {
  const { rows } = await db().execute<{ id: number; status: string; event_count: number; resolved: boolean }>(sql`
    select id::int, status, event_count, resolved_at is not null as resolved from alerts
    where dedup_key = ${`am:${fp}`} order by id`);
  return rows;
}

async function historyOf(alertId: number) {
  const { rows } = await db().execute<{
    action: string;
    actor_type: string;
    actor_name: string;
    from_value: string | null;
    to_value: string | null;
    published: boolean;
  }>(sql`
    select action, actor_type, actor_name, from_value, to_value, published_at is not null as published
    from alert_history where alert_id = ${alertId} order by id`);
  return rows;
}

describe("Alertmanager receiver (issue 19)", () => {
  it("firing alerts become events, sent by the key, each High or Critical one opening an alert keyed am:<fingerprint>, in one round trip", async () => {
    const [a, b, c] = [fingerprint(), fingerprint(), fingerprint()];
    const res = await post(
      notification([
        { fingerprint: a },
        { fingerprint: b, severity: "warning" },
        { fingerprint: c, severity: "error" },
      ]),
    );
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBeLessThanOrEqual(2); // the key's first use may read its row
    const body = (await res.json()) as Body;
    expect(body).toMatchObject({ created: 3, failed: 0 });
    expect(body.results.map((r) => [r.index, r.status, r.alert?.status ?? null])).toEqual([
      [0, 201, "Open"],
      [1, 201, null],
      [2, 201, "Open"],
    ]);
    const event = (await (await api(`/api/events/${body.results[0]?.id}/`, { token: admin.token })).json()) as Record<
      string,
      unknown
    >;
    expect(event).toMatchObject({
      source_name: `node-${a}:9100`,
      event_type: `Probe-${a}`,
      severity: "Critical",
      dedup_key: `am:${a}`,
      occurred_at: "2023-02-06T13:08:45.828000Z",
      ingested_by: { type: "key", id: sensor.id, name: "alertmanager-test" },
      metadata: { labels: { severity: "critical" }, alertmanager: { receiver: "sms", fingerprint: a } },
    });
    expect(await alertsOf(a)).toMatchObject([{ status: "Open", event_count: 1 }]);
    expect(await alertsOf(b)).toEqual([]);
  });

  it("a repeat notification groups into the alerts it opened: no second alert, event_count grows, history says so", async () => {
    const fp = fingerprint();
    const first = (await (await post(notification([{ fingerprint: fp }]))).json()) as Body;
    const res = await post(notification([{ fingerprint: fp }]));
    expect(roundTrips(res)).toBe(1);
    const again = (await res.json()) as Body;
    expect(again.results[0]?.alert?.id).toBe(first.results[0]?.alert?.id);
    expect(await alertsOf(fp)).toMatchObject([{ status: "Open", event_count: 2 }]);
    const history = await historyOf(first.results[0]?.alert?.id ?? 0);
    expect(history.map((h) => [h.action, h.actor_type])).toEqual([
      ["created", "key"],
      ["event_grouped", "system"],
    ]);
  });

  it("concurrent deliveries of one notification (Alertmanager's retries, HA peers) give one alert with every event", async () => {
    const fp = fingerprint();
    const responses = await Promise.all(Array.from({ length: 8 }, () => post(notification([{ fingerprint: fp }]))));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await alertsOf(fp)).toMatchObject([{ status: "Open", event_count: 8 }]);
  });

  it("status resolved resolves the matching unresolved alert, by the key, with history that is published; no event", async () => {
    const [fp, other] = [fingerprint(), fingerprint()];
    const opened = (await (await post(notification([{ fingerprint: fp }, { fingerprint: other }]))).json()) as Body;
    const alertId = opened.results[0]?.alert?.id ?? 0;
    const { rows: before } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from events where dedup_key = ${`am:${fp}`}`,
    );
    // apiWith awaits the work done after the response: the publisher claims the history (the outbox).
    const res = await apiWith({})(PATH, {
      method: "POST",
      token: sensor.key,
      json: notification([{ fingerprint: fp, status: "resolved" }]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      created: 0,
      failed: 0,
      results: [{ index: 0, status: 200, alert: { id: alertId, status: "Resolved" } }],
    });
    expect(await alertsOf(fp)).toMatchObject([{ id: alertId, status: "Resolved", resolved: true }]);
    expect(await alertsOf(other)).toMatchObject([{ status: "Open" }]);
    const { rows: after } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from events where dedup_key = ${`am:${fp}`}`,
    );
    expect(after).toEqual(before);
    const history = await historyOf(alertId);
    expect(history.at(-1)).toEqual({
      action: "status_changed",
      actor_type: "key",
      actor_name: "alertmanager-test",
      from_value: "Open",
      to_value: "Resolved",
      published: true,
    });
    const alert = (await (await api(`/api/alerts/${alertId}/`, { token: admin.token })).json()) as Record<
      string,
      unknown
    >;
    expect(alert).toMatchObject({ status: "Resolved", resolved_at: expect.any(String) });
  });

  it("resolved again, or for an alert never opened, changes nothing (alert null); firing after resolved opens a new alert", async () => {
    const fp = fingerprint();
    await post(notification([{ fingerprint: fp }]));
    await post(notification([{ fingerprint: fp, status: "resolved" }]));
    const again = (await (await post(notification([{ fingerprint: fp, status: "resolved" }]))).json()) as Body;
    expect(again.results).toEqual([{ index: 0, status: 200, alert: null }]);
    const never = (await (
      await post(notification([{ fingerprint: fingerprint(), status: "resolved" }]))
    ).json()) as Body;
    expect(never.results).toEqual([{ index: 0, status: 200, alert: null }]);
    await post(notification([{ fingerprint: fp }]));
    expect((await alertsOf(fp)).map((a) => a.status)).toEqual(["Resolved", "Open"]);
  });

  it("resolving a snoozed alert ends its snooze, recorded in its history", async () => {
    const fp = fingerprint();
    const opened = (await (await post(notification([{ fingerprint: fp }]))).json()) as Body;
    const alertId = opened.results[0]?.alert?.id ?? 0;
    const snoozed = await api(`/api/alerts/${alertId}/`, {
      method: "PATCH",
      token: admin.token,
      json: { snoozed_until: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(snoozed.status).toBe(200);
    await post(notification([{ fingerprint: fp, status: "resolved" }]));
    const alert = (await (await api(`/api/alerts/${alertId}/`, { token: admin.token })).json()) as Record<
      string,
      unknown
    >;
    expect(alert).toMatchObject({ status: "Resolved", snoozed_until: null });
    expect((await historyOf(alertId)).slice(-2).map((h) => [h.action, h.actor_type])).toEqual([
      ["status_changed", "key"],
      ["unsnoozed", "key"],
    ]);
  });

  it("firing and resolved alerts in one notification: both in the one statement, results in input order", async () => {
    const [old, fresh] = [fingerprint(), fingerprint()];
    await post(notification([{ fingerprint: old }]));
    const res = await post(notification([{ fingerprint: fresh }, { fingerprint: old, status: "resolved" }]));
    expect(roundTrips(res)).toBe(1);
    const body = (await res.json()) as Body;
    expect(body.results.map((r) => [r.index, r.status, r.alert?.status])).toEqual([
      [0, 201, "Open"],
      [1, 200, "Resolved"],
    ]);
  });

  it("a malformed alert fails alone (400 naming its field), the rest are stored; all malformed stores nothing", async () => {
    const fp = fingerprint();
    const good = notification([{ fingerprint: fp }]).alerts[0];
    const res = await post({ ...alertmanagerProbeFailure, alerts: [{ ...good, labels: { job: "x" } }, good] });
    const body = (await res.json()) as Body;
    expect(body).toMatchObject({ created: 1, failed: 1 });
    expect(body.results[0]).toEqual({
      index: 0,
      status: 400,
      errors: { "labels.alertname": ["This field is required."] },
    });
    const none = await post({ alerts: [{ status: "firing" }] }, { headers: { "Idempotency-Key": `none-${fp}` } });
    expect(await none.json()).toMatchObject({ created: 0, failed: 1, results: [{ index: 0, status: 400 }] });
    // Nothing was stored, so the key was not used: the same key with another body is not a 422.
    expect(
      (await post(notification([{ fingerprint: fp }]), { headers: { "Idempotency-Key": `none-${fp}` } })).status,
    ).toBe(200);
  });

  it("a body that is not a notification is 400 pointing at Alertmanager's documentation, and stores nothing", async () => {
    for (const body of ['{"alerts": []}', "[1]", '{"text": "hello"}', '{"alerts":[{}],"groupLabels":{"a":1}}']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect((await problem(res)).detail).toContain("prometheus.io/docs/alerting/latest/configuration/#webhook_config");
    }
    const named = await problem(await post({ alerts: [{}], receiver: "a\u0000b" }));
    expect(named.errors).toEqual({ receiver: ["Null characters are not allowed."] });
    const unknown = await problem(await post({ alerts: [{}], extra: { deep: "\ud800" } }));
    expect(unknown.errors).toEqual({ "extra.deep": ["Surrogate characters are not allowed: U+D800."] });
  });

  it("other media types are 415; past MAX_BATCH_BODY_BYTES 413; at the limit it is read", async () => {
    const text = await post(JSON.stringify(notification([{ fingerprint: fingerprint() }])), {
      headers: { "Content-Type": "text/plain" },
    });
    expect(text.status).toBe(415);
    const small = apiWith({ MAX_BATCH_BODY_BYTES: "2048" });
    const fp = fingerprint();
    const base = JSON.stringify(notification([{ fingerprint: fp }]));
    const padded = (n: number) => `${base.slice(0, -1)},"padding":"${"x".repeat(n)}"}`;
    const atLimit = padded(2048 - padded(0).length);
    expect(new TextEncoder().encode(atLimit).byteLength).toBe(2048);
    const send = (body: string) =>
      small(PATH, { method: "POST", token: sensor.key, body, headers: { "Content-Type": "application/json" } });
    expect((await send(atLimit)).status).toBe(200);
    expect((await send(padded(2048 - padded(0).length + 1))).status).toBe(413);
    expect(await alertsOf(fp)).toMatchObject([{ event_count: 1 }]);
  });

  it("N alerts spend N of the ingest budget at once: a notification the budget cannot cover is 429 and stores nothing", async () => {
    const key = await createKey(admin, { scopes: ["ingest"], rate_limit: "3/60s" });
    const [a, b] = [fingerprint(), fingerprint()];
    const first = await post(notification([{ fingerprint: a }, { fingerprint: fingerprint() }]), { token: key.key });
    expect(first.status).toBe(200);
    const second = await post(notification([{ fingerprint: b }, { fingerprint: fingerprint() }]), { token: key.key });
    expect(second.status).toBe(429);
    expect(await alertsOf(b)).toEqual([]);
  });

  it("Idempotency-Key: a retry answers the first response again and stores nothing; another body is 422", async () => {
    const fp = fingerprint();
    const key = `am-${fp}`;
    const body = notification([{ fingerprint: fp }]);
    const first = await post(body, { headers: { "Idempotency-Key": key } });
    const replay = await post(body, { headers: { "Idempotency-Key": key } });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.json()).toEqual(await first.json());
    expect(await alertsOf(fp)).toMatchObject([{ event_count: 1 }]);
    const other = await post(notification([{ fingerprint: fp, status: "resolved" }]), {
      headers: { "Idempotency-Key": key },
    });
    expect(other.status).toBe(422);
    expect(await alertsOf(fp)).toMatchObject([{ status: "Open" }]);
  });

  it("a replayed resolution resolves nothing again: an alert opened since stays open", async () => {
    const fp = fingerprint();
    const key = `am-resolve-${fp}`;
    await post(notification([{ fingerprint: fp }]));
    const resolve = notification([{ fingerprint: fp, status: "resolved" }]);
    const first = (await (await post(resolve, { headers: { "Idempotency-Key": key } })).json()) as Body;
    await post(notification([{ fingerprint: fp }]));
    const replay = await post(resolve, { headers: { "Idempotency-Key": key } });
    expect(await replay.json()).toEqual(first);
    expect((await alertsOf(fp)).map((a) => a.status)).toEqual(["Resolved", "Open"]);
  });
});
