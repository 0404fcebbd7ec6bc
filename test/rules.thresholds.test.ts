import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../src/scheduled";
import { api, createUser, db, roundTrips, type TestUser } from "./helpers";
import { alertOf, alertsFrom, bySource, createRule, deleteRulesOf, type Event, send, source } from "./rules.fixtures";

/** Issue 18: threshold rules (counted inside the ingest statement, race-free), batches, rule-set atomicity. */
let admin: TestUser;
let builtinId: number;
beforeAll(async () => {
  admin = await createUser("admin");
  builtinId = (await db().execute<{ id: number }>(sql`select id from rules where builtin`)).rows[0]?.id ?? 0;
});
afterAll(() => deleteRulesOf(admin));

type BatchResult = {
  created: number;
  results: { index: number; status: number; id: number; alert: { id: number } | null }[];
};

async function batch(events: Record<string, unknown>[]): Promise<{ res: Response; body: BatchResult }> {
  const res = await api("/api/events/batch/", { token: admin.token, json: events });
  if (res.status !== 200) throw new Error(`batch: ${res.status} ${await res.text()}`);
  return { res, body: (await res.json()) as BatchResult };
}

const thresholdRule = (s: string, count: number, extra: Record<string, unknown> = {}) =>
  createRule(admin, {
    name: `${count} failed admin logins in 5 minutes`,
    conditions: [bySource(s), { field: "event_type", op: "eq", value: "admin_login_failed" }],
    actions: { set_severity: "High" },
    threshold: { count, within_seconds: 300, group_by: ["source_name"] },
    ...extra,
  });
const failedLogin = (s: string, fields: Record<string, unknown> = {}) =>
  send(admin, { source_name: s, event_type: "admin_login_failed", severity: "Low", ...fields });

describe("threshold rules", () => {
  it("a single event before the threshold is stored with no alert, counted", async () => {
    const s = source();
    const rule = await thresholdRule(s, 3);
    const event = await failedLogin(s);
    expect(event).toMatchObject({ severity: "Low", alert: null, rules_applied: [] });
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from rule_hits where rule_id = ${rule.id} and event_id = ${event.id}`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("5 parallel events against a threshold of 3 give exactly one alert, with event_count 3, saying which rule opened it", async () => {
    const s = source();
    const rule = await thresholdRule(s, 3);
    const events = await Promise.all(Array.from({ length: 5 }, () => failedLogin(s)));
    const alerting = events.filter((e) => e.alert);
    expect(alerting).toHaveLength(3);
    expect(new Set(alerting.map((e) => e.alert?.id)).size).toBe(1);
    // Raised to High by the threshold rule, they match the built-in rule too (which adds nothing).
    for (const e of alerting) expect(e).toMatchObject({ severity: "High", rules_applied: [rule.id, builtinId] });
    for (const e of events.filter((x) => !x.alert)) expect(e.severity).toBe("Low");
    const [stored] = await alertsFrom(s);
    expect(await alertsFrom(s)).toHaveLength(1);
    expect(stored).toMatchObject({ event_count: 3, dedup_key: `rule:${rule.id}:${s}` });
    const alert = await alertOf(admin, stored?.id ?? 0);
    expect(alert.opened_by_rule).toEqual({
      id: rule.id,
      name: rule.name,
      threshold: { count: 3, within_seconds: 300, group_by: ["source_name"] },
    });
    const { rows } = await db().execute<{ reason: string }>(
      sql`select reason from alert_history where alert_id = ${alert.id} and action = 'created'`,
    );
    expect(rows[0]?.reason).toBe(`Opened by threshold rule ${rule.id} (${rule.name}): 3 events within 300 s.`);
  });

  it("50 parallel events against a threshold of 10: one alert, never two and never none (event_count 41)", async () => {
    const s = source();
    await thresholdRule(s, 10);
    const events = await Promise.all(Array.from({ length: 50 }, () => failedLogin(s)));
    expect(events.filter((e) => e.alert)).toHaveLength(41);
    const alerts = await alertsFrom(s);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.event_count).toBe(41);
  });

  it("groups count apart", async () => {
    const s = source();
    await thresholdRule(s, 3, { threshold: { count: 3, within_seconds: 300, group_by: ["metadata.user"] } });
    for (const user of ["alice", "bob", "alice", "bob", "alice"]) await failedLogin(s, { metadata: { user } });
    const alerts = await alertsFrom(s);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.dedup_key).toMatch(/^rule:\d+:alice$/);
  });

  it("group values are escaped, so two groups never share a key", async () => {
    const s = source();
    const rule = await thresholdRule(s, 2, {
      threshold: { count: 2, within_seconds: 300, group_by: ["metadata.a", "metadata.b"] },
    });
    await failedLogin(s, { metadata: { a: "x:y", b: "z" } });
    const crossed = await failedLogin(s, { metadata: { a: "x", b: "y:z" } });
    expect(crossed.alert).toBeNull();
    const second = await failedLogin(s, { metadata: { a: "x:y", b: "z" } });
    expect(second.dedup_key).toBe(`rule:${rule.id}:x%3Ay:z`);
  });

  it("after its alert is resolved, the group counts afresh: a new crossing opens a new alert", async () => {
    const s = source();
    await thresholdRule(s, 2);
    await failedLogin(s);
    const opened = await failedLogin(s);
    const id = opened.alert?.id ?? 0;
    const resolved = await api(`/api/alerts/${id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { status: "Resolved" },
    });
    expect(resolved.status).toBe(200);
    expect((await failedLogin(s)).alert).toBeNull();
    const reopened = await failedLogin(s);
    expect(reopened.alert?.id).toBeDefined();
    expect(reopened.alert?.id).not.toBe(id);
    expect((await alertsFrom(s)).map((a) => [a.status, a.event_count])).toEqual([
      ["Resolved", 1],
      ["Open", 1],
    ]);
  });

  it("events older than the window do not count", async () => {
    const s = source();
    const rule = await thresholdRule(s, 2);
    await failedLogin(s);
    await db().execute(
      sql`update rule_hits set created_at = now() - interval '301 seconds' where rule_id = ${rule.id}`,
    );
    expect((await failedLogin(s)).alert).toBeNull();
    expect((await failedLogin(s)).alert).not.toBeNull();
  });

  it("the sweep forgets hits older than the longest window, and only those", async () => {
    const s = source();
    const rule = await thresholdRule(s, 5);
    await failedLogin(s);
    await failedLogin(s);
    await db().execute(sql`
      update rule_hits set created_at = now() - interval '86401 seconds'
      where rule_id = ${rule.id} and event_id = (select min(event_id) from rule_hits where rule_id = ${rule.id})`);
    expect((await runScheduled(env)).hitsPurged).toBeGreaterThanOrEqual(1);
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from rule_hits where rule_id = ${rule.id}`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("a batch counts its own events in order, in one statement", async () => {
    const s = source();
    await thresholdRule(s, 3);
    const { res, body } = await batch(
      Array.from({ length: 5 }, () => ({ source_name: s, event_type: "admin_login_failed", severity: "Low" })),
    );
    expect(roundTrips(res)).toBe(1);
    expect(body.results.map((r) => r.alert !== null)).toEqual([false, false, true, true, true]);
    expect((await alertsFrom(s))[0]?.event_count).toBe(3);
  });
});

describe("rules and batches", () => {
  it("a batch of 1,000 events against 50 enabled rules (5 of them thresholds) is still one statement", async () => {
    const s = source();
    for (let i = 0; i < 50; i++) {
      await createRule(admin, {
        conditions: [bySource(s), { field: "metadata.n", op: "eq", value: String(i % 10) }],
        ...(i % 10 === 0
          ? { actions: {}, threshold: { count: 50, within_seconds: 60, group_by: ["metadata.n"] } }
          : { actions: { add_tags: [`r${i}`] } }),
      });
    }
    const { res, body } = await batch(
      Array.from({ length: 1000 }, (_, i) => ({
        source_name: s,
        event_type: "scan",
        severity: "Low",
        metadata: { n: i % 10 },
      })),
    );
    expect(roundTrips(res)).toBe(1);
    expect(body.created).toBe(1000);
    const { rows } = await db().execute<{ n: number; tagged: number }>(sql`
      select count(*)::int as n, count(*) filter (where cardinality(tags) = 5)::int as tagged
      from events where source_name = ${s}`);
    // Each event's n matches 5 of the 45 tagging rules (n, n+10, ...), and the n = 0 events' threshold.
    expect(rows[0]).toEqual({ n: 1000, tagged: 900 });
    expect((await alertsFrom(s)).map((a) => a.event_count)).toEqual([51]);
  });

  it("a rule change never half-applies: every batch in flight sees the rules before or after it", async () => {
    const s = source();
    const first = await createRule(admin, { conditions: [bySource(s)], actions: { add_tags: ["first"], stop: true } });
    const second = await createRule(admin, {
      conditions: [bySource(s)],
      actions: { add_tags: ["second"], stop: true },
    });
    const events = Array.from({ length: 200 }, () => ({ source_name: s, event_type: "x", severity: "Low" }));
    const batches: Promise<{ body: BatchResult }>[] = [];
    for (let round = 0; round < 8; round++) {
      batches.push(batch(events));
      // Swapping the two moves both rows in one statement: a reader seeing one moved and not the
      // other would give some events "first" and others "second", or neither.
      const moved = round % 2 ? first : second;
      await api(`/api/rules/${moved.id}/`, { method: "PATCH", token: admin.token, json: { position: first.position } });
    }
    const done = await Promise.all(batches);
    const seen = new Set<string>();
    for (const { body } of done) {
      const ids = body.results.map((r) => r.id);
      const { rows } = await db().execute<{ tags: string[] }>(sql`
        select distinct tags from events where id = any(${`{${ids.join(",")}}`}::bigint[])`);
      expect(rows).toHaveLength(1);
      seen.add(JSON.stringify(rows[0]?.tags));
    }
    expect([...seen].every((t) => t === '["first"]' || t === '["second"]')).toBe(true);
  });
});

describe("rule tests (POST /api/rules/test/)", () => {
  type TestResult = {
    results: {
      index: number;
      matched: boolean;
      outcome: string;
      alert: { id: number | null; dedup_key: string | null } | null;
      event: Pick<Event, "severity" | "dedup_key" | "tags" | "rules_applied" | "suppressed_by_rule" | "silenced_by">;
    }[];
  };
  const trial = async (body: Record<string, unknown>) => {
    const res = await api("/api/rules/test/", { token: admin.token, json: body });
    return { res, body: res.status === 200 ? ((await res.json()) as TestResult) : null };
  };
  const stored = async () =>
    (
      await db().execute<{ events: number; alerts: number; hits: number; rules: number }>(sql`
        select (select count(*) from events)::int as events, (select count(*) from alerts)::int as alerts,
               (select count(*) from rule_hits)::int as hits, (select count(*) from rules)::int as rules`)
    ).rows[0];

  it("says what a new rule, a saved one and a change to it would do, and stores nothing", async () => {
    const s = source();
    const before = await stored();
    const suppressing = await trial({
      rule: { name: "mute the lab", conditions: [bySource(s)], actions: { suppress: true } },
      events: [
        { source_name: s, event_type: "x", severity: "High" },
        { source_name: "elsewhere", event_type: "x", severity: "Low" },
      ],
    });
    expect(suppressing.res.status).toBe(200);
    expect(suppressing.body?.results).toEqual([
      expect.objectContaining({ index: 0, matched: true, outcome: "suppressed", alert: null }),
      expect.objectContaining({ index: 1, matched: false, outcome: "no_alert" }),
    ]);
    // The built-in rule matched too; its alert is what suppress overrides.
    expect(suppressing.body?.results[0]?.event).toMatchObject({ suppressed_by_rule: 0, rules_applied: [0, builtinId] });
    expect(await stored()).toEqual(before);

    const saved = await thresholdRule(s, 3);
    const login = { source_name: s, event_type: "admin_login_failed", severity: "Low" };
    const asSaved = await trial({ rule_id: saved.id, events: [login, login, login, login] });
    expect(asSaved.body?.results.map((r) => r.outcome)).toEqual(["no_alert", "no_alert", "opens_alert", "joins_alert"]);
    expect(asSaved.body?.results[2]?.alert).toEqual({ id: null, dedup_key: `rule:${saved.id}:${s}` });

    const changed = await trial({
      rule_id: saved.id,
      rule: { threshold: null, actions: { set_severity: "Low" } },
      events: [login],
    });
    expect(changed.body?.results[0]).toMatchObject({ matched: true, outcome: "no_alert", event: { severity: "Low" } });
    // The saved rule did not change, and still nothing was stored.
    expect(
      ((await (await api(`/api/rules/${saved.id}/`, { token: admin.token })).json()) as { threshold: unknown })
        .threshold,
    ).not.toBeNull();
    expect((await stored())?.events).toBe(before?.events ?? 0);
  });

  it("says which open alert a sample would join", async () => {
    const s = source();
    const key = `trial-${crypto.randomUUID()}`;
    const open = await send(admin, { source_name: s, dedup_key: key });
    const { body } = await trial({
      rule: { name: "tag it", conditions: [bySource(s)], actions: { add_tags: ["t"] } },
      events: [{ source_name: s, event_type: "x", severity: "High", dedup_key: key }],
    });
    expect(body?.results[0]).toMatchObject({ outcome: "joins_alert", alert: { id: open.alert?.id, dedup_key: key } });
  });

  it("refuses what it cannot test, naming the field", async () => {
    const sample = [{ source_name: "s", event_type: "x", severity: "Low" }];
    const cases: [Record<string, unknown>, string][] = [
      [{ events: sample }, "rule"],
      [{ rule_id: 2147483647, events: sample }, "rule_id"],
      [{ rule: { conditions: [], actions: { stop: true } }, events: sample }, "rule.name"],
      [
        { rule: { name: "x", conditions: [], actions: { suppress: true, alert: true } }, events: sample },
        "rule.actions.alert",
      ],
      [{ rule: { name: "x", conditions: [], actions: { stop: true } }, events: [] }, "events"],
      [
        { rule: { name: "x", conditions: [], actions: { stop: true } }, events: [{ source_name: "s" }] },
        "events.0.event_type",
      ],
    ];
    for (const [body, field] of cases) {
      const { res } = await trial(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(((await res.json()) as { errors: object }).errors), JSON.stringify(body)).toContain(field);
    }
  });
});
