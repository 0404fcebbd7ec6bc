import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createUser, db, problem, type TestUser } from "./helpers";
import { alertOf, bySource, createRule, deleteRulesOf, type Event, type Rule, send, source } from "./rules.fixtures";

/** Issue 18, part 1: the rules API, and each condition and action at ingest. */
let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});
afterAll(() => deleteRulesOf(admin));

const BUILTIN_NAME = "High and Critical events raise an alert";

async function builtin(): Promise<Rule> {
  const { rows } = await db().execute<{ id: number }>(sql`select id from rules where builtin`);
  const res = await api(`/api/rules/${rows[0]?.id}/`, { token: analyst.token });
  return (await res.json()) as Rule;
}

const positions = async (ids: number[]) =>
  (
    await db().execute<{ id: number; position: number }>(sql`
      select id, position from rules where id = any(${`{${ids.join(",")}}`}::int[]) order by position`)
  ).rows.map((r) => [r.id, r.position]);

const ruleCount = async () =>
  Number((await db().execute<{ n: string }>(sql`select count(*) as n from rules`)).rows[0]?.n);

describe("rules: the API", () => {
  it("the built-in rule is listed last, readable by analysts, editable, never moved or deleted", async () => {
    const rule = await builtin();
    expect(rule).toMatchObject({
      builtin: true,
      enabled: true,
      name: BUILTIN_NAME,
      conditions: [{ field: "severity", op: "in", value: ["High", "Critical"] }],
      actions: { alert: true },
      threshold: null,
    });
    const list = await api("/api/rules/?page_size=100", { token: analyst.token });
    expect(list.status).toBe(200);
    const page = (await list.json()) as { count: number; results: Rule[] };
    if (page.count <= 100) expect(page.results.at(-1)?.id).toBe(rule.id);
    const custom = Number(
      (await db().execute<{ n: string }>(sql`select count(*) as n from rules where not builtin`)).rows[0]?.n,
    );
    expect(rule.position).toBe(custom + 1);

    const move = await api(`/api/rules/${rule.id}/`, { method: "PATCH", token: admin.token, json: { position: 1 } });
    expect(move.status).toBe(400);
    expect((await problem(move)).errors).toHaveProperty("position");
    const del = await api(`/api/rules/${rule.id}/`, { method: "DELETE", token: admin.token });
    expect(del.status).toBe(409);
    expect((await builtin()).id).toBe(rule.id);

    const renamed = await api(`/api/rules/${rule.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { description: "Edited by a test" },
    });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { description: string }).description).toBe("Edited by a test");
    await api(`/api/rules/${rule.id}/`, { method: "PATCH", token: admin.token, json: { description: "" } });
  });

  it("editing the built-in rule's conditions changes what alerts (here: not one source's High events)", async () => {
    const rule = await builtin();
    const quiet = source();
    const edited = await api(`/api/rules/${rule.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { conditions: [...rule.conditions, { field: "source_name", op: "ne", value: quiet }] },
    });
    expect(edited.status).toBe(200);
    try {
      const event = await send(admin, { source_name: quiet });
      expect(event.alert).toBeNull();
      expect(event.rules_applied).toEqual([]);
      expect((await send(admin, { source_name: source() })).alert).not.toBeNull();
    } finally {
      const restored = await api(`/api/rules/${rule.id}/`, {
        method: "PATCH",
        token: admin.token,
        json: { conditions: rule.conditions },
      });
      expect(restored.status).toBe(200);
    }
    expect((await send(admin, { source_name: quiet })).alert).not.toBeNull();
  });

  it("a rule takes its position and the others move down; moves and deletes leave no gap", async () => {
    const s = source();
    const [a, b, c] = [
      await createRule(admin, { conditions: [bySource(s)], actions: { add_tags: ["a"] } }),
      await createRule(admin, { conditions: [bySource(s)], actions: { add_tags: ["b"] } }),
      await createRule(admin, { conditions: [bySource(s)], actions: { add_tags: ["c"] } }),
    ] as [Rule, Rule, Rule];
    expect([b.position, c.position]).toEqual([a.position + 1, a.position + 2]);
    const d = await createRule(admin, {
      conditions: [bySource(s)],
      actions: { add_tags: ["d"] },
      position: a.position,
    });
    expect(d.position).toBe(a.position);
    const p = a.position;
    expect(await positions([a.id, b.id, c.id, d.id])).toEqual([
      [d.id, p],
      [a.id, p + 1],
      [b.id, p + 2],
      [c.id, p + 3],
    ]);
    const moved = await api(`/api/rules/${c.id}/`, { method: "PATCH", token: admin.token, json: { position: p } });
    expect(moved.status).toBe(200);
    expect(await positions([a.id, b.id, c.id, d.id])).toEqual([
      [c.id, p],
      [d.id, p + 1],
      [a.id, p + 2],
      [b.id, p + 3],
    ]);
    const down = await api(`/api/rules/${c.id}/`, { method: "PATCH", token: admin.token, json: { position: p + 3 } });
    expect(down.status).toBe(200);
    expect(await positions([a.id, b.id, c.id, d.id])).toEqual([
      [d.id, p],
      [a.id, p + 1],
      [b.id, p + 2],
      [c.id, p + 3],
    ]);
    expect((await api(`/api/rules/${d.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    expect(await positions([a.id, b.id, c.id])).toEqual([
      [a.id, p],
      [b.id, p + 1],
      [c.id, p + 2],
    ]);
    expect((await api(`/api/rules/${d.id}/`, { method: "GET", token: admin.token })).status).toBe(404);
    // Evaluation follows positions: every matching rule added its tag.
    expect((await send(admin, { source_name: s })).tags).toEqual(["a", "b", "c"]);
  });

  it("concurrent moves keep positions a permutation: no two rules share one, none is skipped", async () => {
    const s = source();
    const rules: Rule[] = [];
    for (let i = 0; i < 6; i++)
      rules.push(await createRule(admin, { conditions: [bySource(s)], actions: { stop: true } }));
    const first = rules[0]?.position ?? 0;
    const moves = await Promise.all(
      rules.map((rule, i) =>
        api(`/api/rules/${rule.id}/`, {
          method: "PATCH",
          token: admin.token,
          json: { position: first + ((i * 7) % 6) },
        }),
      ),
    );
    for (const res of moves) expect([200, 409]).toContain(res.status);
    const { rows } = await db().execute<{ position: number }>(
      sql`select position from rules where not builtin order by position`,
    );
    expect(rows.map((r) => r.position)).toEqual(rows.map((_, i) => i + 1));
  });

  it("at most 200 rules are enabled: past that 400 naming enabled, exactly one of concurrent creations gets the last place", async () => {
    const s = source();
    const { rows } = await db().execute<{ enabled: number; custom: number }>(sql`
      select count(*) filter (where enabled)::int as enabled, count(*) filter (where not builtin)::int as custom from rules`);
    const { enabled, custom } = rows[0] ?? { enabled: 0, custom: 0 };
    const filler = 199 - enabled;
    // Made directly (a factory): 190-odd API calls would only be slower. They never match.
    await db().execute(sql`
      insert into rules (position, name, conditions, actions, compiled, created_by_id)
      select ${custom} + g, 'filler', ${JSON.stringify([bySource(s)])}::jsonb, '{"stop": true}',
             ${JSON.stringify({ c: [{ f: "source_name", op: "eq", v: s }], a: { stop: true }, t: null })}::jsonb, ${admin.id}
      from generate_series(1, ${filler}) g`);
    try {
      const body = { conditions: [bySource(s)], actions: { stop: true } };
      const tries = await Promise.all(
        Array.from({ length: 5 }, () =>
          api("/api/rules/", { token: admin.token, json: { name: "one more", ...body } }),
        ),
      );
      expect(tries.map((r) => r.status).sort()).toEqual([201, 400, 400, 400, 400]);
      const refused = tries.find((r) => r.status === 400) as Response;
      expect((await problem(refused)).errors).toEqual({ enabled: [expect.stringContaining("At most 200")] });
      const off = await createRule(admin, { ...body, enabled: false });
      expect(off.enabled).toBe(false);
      const on = await api(`/api/rules/${off.id}/`, { method: "PATCH", token: admin.token, json: { enabled: true } });
      expect(on.status).toBe(400);
      expect((await problem(on)).errors).toHaveProperty("enabled");
      const count = await db().execute<{ n: number }>(sql`select count(*)::int as n from rules where enabled`);
      expect(count.rows[0]?.n).toBe(200);
    } finally {
      await db().execute(sql`delete from rules where created_by_id = ${admin.id} and name = 'filler'`);
      await db().execute(sql`
        with ordered as (select id, row_number() over (order by position, id) as n from rules where not builtin)
        update rules r set position = o.n from ordered o where r.id = o.id and r.position <> o.n`);
    }
  });

  it("bad input is 400 naming the field, and stores nothing", async () => {
    const s = source();
    const before = await ruleCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ conditions: [bySource(s)], actions: { stop: true }, id: 7 }, "id"],
      [{ conditions: [{ field: "hostname", op: "eq", value: "x" }], actions: { stop: true } }, "conditions.0.field"],
      [{ conditions: [{ field: "severity", op: "glob", value: "H*" }], actions: { stop: true } }, "conditions.0.op"],
      [
        { conditions: [{ field: "severity", op: "eq", value: "Urgent" }], actions: { stop: true } },
        "conditions.0.value",
      ],
      [{ conditions: [bySource(s)], actions: { set_dedup_key: "{host}" } }, "actions.set_dedup_key"],
      [{ conditions: [bySource(s)], actions: { set_dedup_key: "{source_name" } }, "actions.set_dedup_key"],
      [{ conditions: [bySource(s)], actions: { set_dedup_key: "rule:{source_name}" } }, "actions.set_dedup_key"],
      [{ conditions: [bySource(s)], actions: { add_tags: ["PCI"] } }, "actions.add_tags.0"],
      [{ conditions: [bySource(s)], actions: { add_tags: [] } }, "actions.add_tags"],
      [{ conditions: [bySource(s)], actions: { set_severity: "Urgent" } }, "actions.set_severity"],
      [{ conditions: [bySource(s)], actions: {} }, "actions"],
      [{ conditions: [bySource(s)], actions: { suppress: true, alert: true } }, "actions.alert"],
      [{ conditions: [bySource(s)], actions: { stop: false } }, "actions.stop"],
      [{ conditions: [bySource(s)], actions: { drop: true } }, "actions.drop"],
      [{ conditions: [bySource(s)], actions: {}, threshold: { count: 1, within_seconds: 60 } }, "threshold.count"],
      [{ conditions: [bySource(s)], actions: {}, threshold: { count: 10001, within_seconds: 60 } }, "threshold.count"],
      [
        { conditions: [bySource(s)], actions: {}, threshold: { count: 3, within_seconds: 5 } },
        "threshold.within_seconds",
      ],
      [
        { conditions: [bySource(s)], actions: {}, threshold: { count: 3, within_seconds: 86401 } },
        "threshold.within_seconds",
      ],
      [
        { conditions: [bySource(s)], actions: {}, threshold: { count: 3, within_seconds: 60, group_by: ["tags"] } },
        "threshold.group_by.0",
      ],
      [
        {
          conditions: [bySource(s)],
          actions: { set_dedup_key: "{source_name}" },
          threshold: { count: 3, within_seconds: 60 },
        },
        "actions.set_dedup_key",
      ],
      [
        { conditions: [bySource(s)], actions: { alert: true }, threshold: { count: 3, within_seconds: 60 } },
        "actions.alert",
      ],
      [{ conditions: [bySource(s)], actions: { stop: true }, position: 0 }, "position"],
    ];
    for (const [body, field] of cases) {
      const res = await api("/api/rules/", { token: admin.token, json: { name: "bad", ...body } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys((await problem(res)).errors as object), JSON.stringify(body)).toContain(field);
    }
    expect(await ruleCount()).toBe(before);
  });

  it("a change the rule as stored makes invalid is 400 naming the field, and changes nothing", async () => {
    const s = source();
    const rule = await createRule(admin, {
      conditions: [bySource(s)],
      actions: {},
      threshold: { count: 3, within_seconds: 60 },
    });
    const res = await api(`/api/rules/${rule.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { actions: { alert: true } },
    });
    expect(res.status).toBe(400);
    expect((await problem(res)).errors).toHaveProperty(["actions.alert"]);
    const again = await api(`/api/rules/${rule.id}/`, { token: admin.token });
    expect(((await again.json()) as Rule).actions).toEqual({});
    // Dropping the threshold in the same change makes it valid.
    const ok = await api(`/api/rules/${rule.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { actions: { alert: true }, threshold: null },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ actions: { alert: true }, threshold: null });
  });

  it("analysts read rules and may not write them; API keys may do neither", async () => {
    const s = source();
    const res = await api("/api/rules/", {
      token: analyst.token,
      json: { name: "x", conditions: [bySource(s)], actions: { stop: true } },
    });
    expect(res.status).toBe(403);
    expect((await api("/api/rules/", { token: analyst.token })).status).toBe(200);
  });

  it("rule.created, rule.updated and rule.deleted go to subscribed webhooks, written with the change", async () => {
    const hook = await api("/api/webhooks/", {
      token: admin.token,
      json: { url: "https://hooks.example.com/rules", events: ["rule.created", "rule.updated", "rule.deleted"] },
    });
    expect(hook.status).toBe(201);
    const { id: webhookId } = (await hook.json()) as { id: number };
    try {
      const rule = await createRule(admin, { conditions: [bySource(source())], actions: { stop: true } });
      await api(`/api/rules/${rule.id}/`, { method: "PATCH", token: admin.token, json: { enabled: false } });
      await api(`/api/rules/${rule.id}/`, { method: "DELETE", token: admin.token });
      const { rows } = await db().execute<{ event_type: string; payload: { type: string; data: { rule: Rule } } }>(sql`
        select event_type, payload from webhook_deliveries where webhook_id = ${webhookId} order by id`);
      expect(rows.map((r) => r.event_type)).toEqual(["rule.created", "rule.updated", "rule.deleted"]);
      expect(rows.map((r) => [r.payload.type, r.payload.data.rule.id, r.payload.data.rule.enabled])).toEqual([
        ["rule.created", rule.id, true],
        ["rule.updated", rule.id, false],
        ["rule.deleted", rule.id, false],
      ]);
    } finally {
      await api(`/api/webhooks/${webhookId}/`, { method: "DELETE", token: admin.token });
    }
  });
});

describe("rules: at ingest", () => {
  it("set_severity lowers: the scanner's port scans become Low and raise nothing; stop keeps the built-in rule out", async () => {
    const scanner = source("vuln-scanner");
    const rule = await createRule(admin, {
      name: "Scanner port scans are Low",
      conditions: [bySource(scanner), { field: "event_type", op: "eq", value: "port_scan" }],
      actions: { set_severity: "Low", stop: true },
    });
    const scan = await send(admin, {
      source_name: scanner,
      event_type: "port_scan",
      severity: "Critical",
      description: "x".repeat(30),
    });
    expect(scan).toMatchObject({ severity: "Low", alert: null, rules_applied: [rule.id], suppressed_by_rule: null });
    const other = await send(admin, { source_name: scanner, event_type: "brute_force" });
    expect(other.alert).not.toBeNull();
    expect(other.rules_applied).toEqual([(await builtin()).id]);
    const { rows } = await db().execute<{ severity: string; rules_applied: number[] }>(
      sql`select severity, rules_applied from events where id = ${scan.id}`,
    );
    expect(rows[0]).toEqual({ severity: "Low", rules_applied: [rule.id] });
  });

  it("set_severity raises: a Medium event becomes High and alerts; its alert says which rule opened it", async () => {
    const s = source();
    const rule = await createRule(admin, { conditions: [bySource(s)], actions: { set_severity: "High" } });
    const base = await builtin();
    const event = await send(admin, { source_name: s, severity: "Medium" });
    expect(event.severity).toBe("High");
    expect(event.rules_applied).toEqual([rule.id, base.id]);
    if (!event.alert) throw new Error("no alert");
    const alert = await alertOf(admin, event.alert.id);
    expect(alert.severity).toBe("High");
    expect(alert.opened_by_rule).toEqual({ id: base.id, name: BUILTIN_NAME, threshold: null });
    const { rows } = await db().execute<{ reason: string }>(
      sql`select reason from alert_history where alert_id = ${alert.id} and action = 'created'`,
    );
    expect(rows[0]?.reason).toBe(`Opened by rule ${base.id} (${BUILTIN_NAME}).`);
  });

  it("alert: a rule makes a Low event alert, as High (alerts are High or Critical)", async () => {
    const s = source();
    const rule = await createRule(admin, {
      name: "PCI segment alerts",
      conditions: [bySource(s)],
      actions: { alert: true },
    });
    const event = await send(admin, { source_name: s, severity: "Low" });
    expect(event.severity).toBe("High");
    if (!event.alert) throw new Error("no alert");
    expect((await alertOf(admin, event.alert.id)).opened_by_rule).toMatchObject({
      id: rule.id,
      name: "PCI segment alerts",
    });
  });

  it("add_tags: an event keeps its sensor's tags and the rules', sorted, once; its alert the union of its events'", async () => {
    const s = source();
    await createRule(admin, { conditions: [bySource(s)], actions: { add_tags: ["pci", "env:prod"] } });
    const key = `tags-${crypto.randomUUID()}`;
    const first = await send(admin, { source_name: s, dedup_key: key, tags: ["zone.b", "pci", "zone.b"] });
    expect(first.tags).toEqual(["env:prod", "pci", "zone.b"]);
    const second = await send(admin, { source_name: s, dedup_key: key, tags: ["host:web-1"] });
    expect(second.alert?.id).toBe(first.alert?.id);
    const alert = await alertOf(admin, first.alert?.id ?? 0);
    expect(alert.tags).toEqual(["env:prod", "host:web-1", "pci", "zone.b"]);
    const ids = async (path: string) =>
      ((await (await api(path, { token: admin.token })).json()) as { results: { id: number }[] }).results.map(
        (r) => r.id,
      );
    expect(await ids("/api/alerts/?tag=pci&tag=host:web-1")).toContain(alert.id);
    expect(await ids("/api/alerts/?tag=pci&tag=host:web-2")).not.toContain(alert.id);
    expect(await ids(`/api/events/?source_name=${s}&tag=host:web-1`)).toEqual([second.id]);
    expect(await ids(`/api/events/?source_name=${s}&tag=pci`)).toEqual([second.id, first.id]);
    const bad = await api("/api/alerts/?tag=PCI", { token: analyst.token });
    expect(bad.status).toBe(400);
  });

  it("set_dedup_key renders its template (a missing field renders empty), so events group by it", async () => {
    const s = source();
    await createRule(admin, {
      conditions: [bySource(s)],
      actions: { set_dedup_key: "{source_name}:{event_type}:{metadata.host}" },
    });
    const a = await send(admin, { source_name: s, metadata: { host: "web-1" } });
    const b = await send(admin, { source_name: s, metadata: { host: "web-1" }, dedup_key: "the sensor's own" });
    const c = await send(admin, { source_name: s });
    expect(a.dedup_key).toBe(`${s}:brute_force:web-1`);
    expect(b.dedup_key).toBe(`${s}:brute_force:web-1`);
    expect(c.dedup_key).toBe(`${s}:brute_force:`);
    expect(b.alert?.id).toBe(a.alert?.id);
    expect(c.alert?.id).not.toBe(a.alert?.id);
    expect((await alertOf(admin, a.alert?.id ?? 0)).event_count).toBe(2);
  });

  it("a rendered key in Vigil's own namespaces is moved out of them, so it joins no heartbeat or threshold alert", async () => {
    const s = source();
    await createRule(admin, { conditions: [bySource(s)], actions: { set_dedup_key: "{metadata.k}" } });
    expect((await send(admin, { source_name: s, metadata: { k: "heartbeat:fw-1" } })).dedup_key).toBe(
      "key:heartbeat:fw-1",
    );
  });

  it("suppress: the event is stored, raises nothing, and names the rule", async () => {
    const s = source();
    const rule = await createRule(admin, {
      conditions: [bySource(s)],
      actions: { suppress: true, add_tags: ["noise"] },
    });
    const event = await send(admin, { source_name: s, severity: "Critical", description: "x".repeat(30) });
    expect(event).toMatchObject({ alert: null, suppressed_by_rule: rule.id, tags: ["noise"] });
    const { rows } = await db().execute<{ alert_id: number | null; suppressed_by_rule: number }>(
      sql`select alert_id, suppressed_by_rule from events where id = ${event.id}`,
    );
    expect(rows[0]).toEqual({ alert_id: null, suppressed_by_rule: rule.id });
    const listed = await api(`/api/events/?source_name=${s}&suppressed=true`, { token: admin.token });
    expect(((await listed.json()) as { results: Event[] }).results.map((e) => e.id)).toEqual([event.id]);
  });

  it("stop: no later rule is evaluated", async () => {
    const s = source();
    const first = await createRule(admin, { conditions: [bySource(s)], actions: { add_tags: ["first"], stop: true } });
    await createRule(admin, { conditions: [bySource(s)], actions: { add_tags: ["second"] } });
    const event = await send(admin, { source_name: s });
    expect(event).toMatchObject({ tags: ["first"], rules_applied: [first.id], alert: null });
  });

  it("conditions see what earlier rules did: severity, tags and the key as they are by then", async () => {
    const s = source();
    await createRule(admin, { conditions: [bySource(s)], actions: { set_severity: "Critical", add_tags: ["raised"] } });
    const second = await createRule(admin, {
      conditions: [
        bySource(s),
        { field: "severity", op: "eq", value: "Critical" },
        { field: "tags", op: "eq", value: "raised" },
      ],
      actions: { add_tags: ["seen"] },
    });
    const event = await send(admin, { source_name: s, severity: "Low" });
    expect(event.tags).toEqual(["raised", "seen"]);
    expect(event.rules_applied).toContain(second.id);
  });

  it("the matcher language: eq, ne, in, glob and exists on columns, metadata and tags", async () => {
    const s = source();
    const tagged = async (fields: Record<string, unknown>) =>
      (await send(admin, { source_name: s, severity: "Low", ...fields })).tags;
    const rule = (tag: string, condition: Record<string, unknown>) =>
      createRule(admin, { conditions: [bySource(s), condition], actions: { add_tags: [tag] } });
    // The tag rules first: later ones see the tags earlier ones added.
    await rule("t-glob", { field: "tags", op: "glob", value: "env:*" });
    await rule("t-in", { field: "tags", op: "in", value: ["x", "y"] });
    await rule("t-none", { field: "tags", op: "exists", value: false });
    await rule("m-eq", { field: "metadata.port", op: "eq", value: "22" });
    await rule("m-in", { field: "metadata.user", op: "in", value: ["root", "admin"] });
    await rule("m-glob", { field: "event_type", op: "glob", value: "login_?ail*" });
    await rule("m-ne", { field: "dedup_key", op: "ne", value: "k1" });
    await rule("m-exists", { field: "metadata.host", op: "exists" });
    await rule("m-absent", { field: "metadata.host", op: "exists", value: false });
    expect(await tagged({ metadata: { port: 22, user: "root" }, event_type: "login_failure" })).toEqual([
      "m-absent",
      "m-eq",
      "m-glob",
      "m-in",
      "m-ne",
      "t-none",
    ]);
    expect(await tagged({ dedup_key: "k1", metadata: { host: "h" }, tags: ["env:prod", "y"] })).toEqual([
      "env:prod",
      "m-exists",
      "t-glob",
      "t-in",
      "y",
    ]);
    // `_` and `%` in a glob are literal: only `*` and `?` are wild.
    await rule("literal", { field: "metadata.path", op: "glob", value: "C:\\%_*" });
    expect(await tagged({ metadata: { path: "C:\\%_x" } })).toContain("literal");
    expect(await tagged({ metadata: { path: "C:\\ab" } })).not.toContain("literal");
  });

  it("hostile values in every matcher are data, never SQL: they match themselves exactly and nothing breaks", async () => {
    const s = source();
    const hostile = [
      "'; drop table events; --",
      "%",
      "_",
      "\\",
      "$1",
      "' or '1'='1",
      '"); select pg_sleep(5); --',
      "🛡️\u202e",
    ];
    for (const [i, value] of hostile.entries()) {
      await createRule(admin, {
        conditions: [
          bySource(s),
          { field: "event_type", op: "eq", value },
          { field: "metadata.q", op: "in", value: [value, "other"] },
          { field: "tags", op: "ne", value: "never" },
          { field: "dedup_key", op: "glob", value: `${value}*` },
        ],
        actions: { add_tags: [`hit-${i}`] },
      });
    }
    for (const [i, value] of hostile.entries()) {
      const hit = await send(admin, {
        source_name: s,
        severity: "Low",
        event_type: value,
        metadata: { q: value },
        dedup_key: `${value}-key`,
      });
      expect(hit.tags, value).toEqual([`hit-${i}`]);
    }
    const miss = await send(admin, {
      source_name: s,
      severity: "Low",
      event_type: "x",
      metadata: { q: "x" },
      dedup_key: "x",
    });
    expect(miss.tags).toEqual([]);
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from events where source_name = ${s}`,
    );
    expect(rows[0]?.n).toBe(hostile.length + 1);
  });

  it("a sensor may not send a dedup key in the threshold rules' space (rule:)", async () => {
    const bad = await api("/api/events/", {
      token: admin.token,
      json: { source_name: source(), event_type: "x", severity: "High", dedup_key: "rule:7:x" },
    });
    expect(bad.status).toBe(400);
    expect((await problem(bad)).errors).toHaveProperty("dedup_key");
  });
});
