import { env, exports } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bucketCount, MAX_STATS_BUCKETS } from "../src/alerts/stats";
import { SEVERITIES } from "../src/db/schema";
import { textProblem } from "../src/http/text";
import type { Matcher } from "../src/matchers/language";
import { MAX_ENABLED_RULES, type RuleActions, ruleProblems, type Threshold } from "../src/rules/schemas";
import { RESERVED_KEY_PREFIXES } from "../src/rules/template";
import { silenceWindowProblem } from "../src/silences/schemas";
import { USERNAME_PATTERN } from "../src/users/rules";
import { webhookUrlProblem } from "../src/webhooks/url-rules";
import { HOSTILE_PARAMETERS, HUGE_NUMBER, HUGE_NUMBER_MARK, mutated, valid } from "./fuzz/arbitraries";
import { type Document, onlyFiniteNumbers, resolve, type Schema, validate } from "./fuzz/json-schema";
import { api, BASE, createUser, db } from "./helpers";

/**
 * Issue 8, item 12: the app's own OpenAPI document drives a property-based fuzz of every
 * operation in it, so a new route is fuzzed without anyone writing a case for it. For each
 * operation, fast-check generates requests from the documented schemas (valid ones, and
 * mutations: wrong types, missing and unknown fields, boundary lengths, NUL, lone surrogates,
 * bidi overrides, deep nesting, huge numbers, odd timestamps, prototype-named keys, undeclared
 * media types, bad ids, missing or forged credentials) and sends them through the Worker.
 * Every response must be: no 5xx; a documented status; a body valid against the documented
 * schema, with the documented required headers; errors as problem+json carrying the request id;
 * valid input not refused (400/413/415), invalid input not accepted; no valid token, 401.
 *
 * Protected operations are called with an admin's token (admins may do everything); which other
 * principals may call what is auth-matrix.test.ts's table. Ids in paths are those of resources
 * the fuzz created itself (followed through the document's `links`), or ids that cannot exist,
 * so no other test's rows are touched. Deliveries to the webhooks it subscribes never leave the
 * test, and it unsubscribes them at the end. Rules the document states in prose are in
 * PROSE_RULES.
 *
 * Fixed seed, FUZZ_RUNS cases per operation (default 200); for a long local run:
 *   FUZZ_RUNS=5000 FUZZ_SEED=$RANDOM npm test -- test/fuzz.security.test.ts
 * A failure prints the seed and the shrunk counterexample.
 */
type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema: Schema };
type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, DocumentedResponse & Schema>;
};
type DocumentedResponse = {
  headers?: Record<string, Schema>;
  content?: Record<string, { schema: Schema }>;
  links?: Record<string, { operationId: string; parameters: Record<string, string> }>;
};
type Op = { method: string; path: string; op: Operation };

const doc = (await (await exports.default.fetch(`${BASE}/api/openapi.json`)).json()) as Document & {
  paths: Record<string, Record<string, Operation>>;
};
// Operations whose responses link to others go first: what they create feeds the others' ids.
// Deletions go last, so that the others still find what the links led to.
const operations: Op[] = Object.entries(doc.paths)
  .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method, path, op })))
  .sort((a, b) => rank(a) - rank(b));

const RUNS = Number(env.FUZZ_RUNS || 200);
const SEED = Number(env.FUZZ_SEED || 20261125);
const MAX_BODY_BYTES = Number(env.MAX_BODY_BYTES);

function rank({ method, op }: Op): number {
  if (method === "delete") return 2;
  return Object.values(op.responses).some((r) => r.links && Object.keys(r.links).length > 0) ? 0 : 1;
}

const isProtected = (op: Operation) => (op.security ?? []).some((requirement) => "bearerAuth" in requirement);
const isJson = (mediaType: string) => /^application\/(?:[\w.-]+\+)?json$/.test(mediaType);

/** Ids of resources the fuzz created itself (found through the document's links), by path and parameter. */
const pools = new Map<string, unknown[]>();
let adminToken = "";
let adminName = "";
let adminId = 0;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

beforeAll(async () => {
  const admin = await createUser("admin");
  adminToken = admin.token;
  adminName = admin.username;
  adminId = admin.id;
  // The webhooks the fuzz subscribes get deliveries (pings, its alerts), sent from this isolate:
  // answered here, never sent out. Only the database, on loopback, is really fetched.
  const realFetch = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const { hostname } = new URL(input instanceof Request ? input.url : String(input));
    return LOOPBACK.has(hostname) ? realFetch(input, init) : new Response(null, { status: 204 });
  });
});

// Subscriptions left behind would get deliveries of other test files' alerts.
afterAll(async () => {
  for (const id of new Set(pools.get("/api/webhooks/{id}/ id"))) {
    await api(`/api/webhooks/${id}/`, { method: "DELETE", token: adminToken });
  }
  // Silences left running would silence other test files' events.
  for (const id of new Set(pools.get("/api/silences/{id}/ id"))) {
    await api(`/api/silences/${id}/`, { method: "DELETE", token: adminToken });
  }
  // Rules left enabled would change other test files' events (an empty condition list matches all).
  await db().execute(sql`delete from rules where created_by_id = ${adminId}`);
  // Heartbeats it made would go late, raising alerts, for the rest of the run.
  await db().execute(sql`
    delete from heartbeats where created_by_id = ${adminId} or (owner_type = 'user' and owner_id = ${adminId})`);
  vi.restoreAllMocks();
});

/**
 * Rules the document can state only in prose (a description), by operationId: a request that
 * breaks one is invalid however valid its parts. `body` is the parsed JSON body, if any; `sent`
 * the body as sent.
 */
type ProseRequest = {
  path: Map<string, string>;
  query: Map<string, string>;
  headers: Map<string, string>;
  body: unknown;
  sent?: Body;
};
const PROSE_RULES: Record<string, (request: ProseRequest) => string | null | Promise<string | null>> = {
  listAlerts: ({ query }) => severityProblem(query) ?? cursorProblem(query),
  getAlertStats: ({ query }) => seriesProblem(query),
  listEvents: ({ query }) => cursorProblem(query),
  // `refresh` may be left out only in the browser mode, where the cookie carries it.
  refreshToken: ({ headers, body }) => refreshProblem(headers, body),
  revokeToken: ({ headers, body }) => refreshProblem(headers, body),
  updateAlert: async ({ body }) => (await assigneeProblem(body)) ?? snoozeProblem(body),
  bulkUpdateAlerts: async ({ body }) => (await assigneeProblem(body)) ?? snoozeProblem(body),
  // Django's username rule needs a Unicode-aware pattern, so the document states it in words.
  createUser: ({ body }) => {
    const username = (body as { username?: unknown } | undefined)?.username;
    return typeof username === "string" && !USERNAME_PATTERN.test(username) ? "not a Django username" : null;
  },
  createEvent: ({ body }) => reservedKeyProblem(body),
  // The limit on enabled rules, and what a change means for the rule as stored, only the server knows: asked now.
  createRule: ({ body }) => severityMatcherProblem(matchersOf(body, "conditions")) ?? enabledRuleProblem(body, null),
  updateRule: async ({ path, body }) =>
    severityMatcherProblem(matchersOf(body, "conditions")) ??
    (await storedRuleProblem(path.get("id"), body)) ??
    enabledRuleProblem(body, path.get("id")),
  testRule: ({ body }) =>
    severityMatcherProblem(matchersOf(matchersOf(body, "rule"), "conditions")) ?? ruleTestProblem(body),
  // An owner must be an active ingest key, which other test files create and revoke: asked now.
  createHeartbeat: async ({ body }) => {
    const keyId = (body as { key_id?: unknown } | undefined)?.key_id;
    if (typeof keyId !== "number" || !Number.isInteger(keyId) || keyId < 1 || keyId > 2 ** 31 - 1) return null;
    const { rows } = await db().execute(sql`
      select 1 from api_keys where id = ${keyId} and revoked_at is null and 'ingest' = any(scopes)
        and (expires_at is null or expires_at > now())`);
    return rows.length ? null : "key_id names no active ingest key";
  },
  createEventBatch: ({ sent }) => ndjsonLimitProblem(sent),
  ingestOcsf: ({ sent }) => ndjsonLimitProblem(sent),
  ingestEcs: ({ sent }) => ndjsonLimitProblem(sent),
  // The URL rules are url-rules.ts's, pinned by webhooks.test.ts; here, that the route applies them.
  createWebhook: ({ body }) => {
    const url = (body as { url?: unknown } | undefined)?.url;
    return typeof url === "string" && webhookUrlProblem(url, false) ? "url not https to a public host" : null;
  },
  // The window rule is silenceWindowProblem()'s (silences.test.ts pins it); an update is judged
  // against the stored window too, which only the server knows, so only a given pair is checked.
  createSilence: ({ body }) =>
    windowProblem(body, new Date().toISOString()) ?? severityMatcherProblem(matchersOf(body, "matchers")),
  updateSilence: ({ body }) => windowProblem(body, null) ?? severityMatcherProblem(matchersOf(body, "matchers")),
  streamAlerts: ({ query }) => (query.has("ticket") ? "a stream ticket the server did not issue" : null),
};

/** An NDJSON body's items are its lines that are not blank: 1,000 at most (said in prose). */
function ndjsonLimitProblem(sent: Body | undefined): string | null {
  return sent?.contentType === "application/x-ndjson" && sent.text.split("\n").filter((l) => l.trim()).length > 1000
    ? "more than 1,000 NDJSON items"
    : null;
}

/** `severity` (a list) and `event__severity` (one) must name the same one severity when both are given. */
function severityProblem(query: Map<string, string>): string | null {
  const list = query.get("severity");
  const one = query.get("event__severity");
  if (list === undefined || one === undefined) return null;
  return new Set(list.split(",")).size === 1 && list.split(",")[0] === one
    ? null
    : "severity contradicts event__severity";
}

/** The milliseconds a valid RFC 3339 timestamp names (JavaScript reads at most 3 fraction digits). */
const instant = (value: string) => Date.parse(value.toUpperCase().replace(/(\.\d{3})\d+/, "$1"));

/** A series needs its start, and at most 1,000 buckets (bucketCount() is the rule's own arithmetic). */
function seriesProblem(query: Map<string, string>): string | null {
  const bucket = query.get("bucket");
  if (bucket !== "hour" && bucket !== "day") return null;
  const after = query.get("created_after");
  if (after === undefined) return "bucket without created_after";
  const before = query.get("created_before");
  const [start, end] = [instant(after), before === undefined ? Date.now() : instant(before)];
  // Not timestamps at all: the parameters' own schemas already say so.
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  const count = bucketCount(bucket, new Date(start).toISOString(), new Date(end).toISOString(), Date.now());
  return count > MAX_STATS_BUCKETS ? "more than 1,000 buckets" : null;
}

/** The Matcher schema's prose: `severity` takes eq, ne or in, with severity names. */
function severityMatcherProblem(matchers: unknown): string | null {
  if (!Array.isArray(matchers)) return null;
  const names: readonly unknown[] = SEVERITIES;
  const bad = matchers.some((m: { field?: unknown; op?: unknown; value?: unknown }) => {
    if (m?.field !== "severity") return false;
    const values = Array.isArray(m.value) ? m.value : [m.value];
    return m.op === "glob" || m.op === "exists" || values.some((v) => !names.includes(v));
  });
  return bad ? "a severity matcher without severity names" : null;
}

const matchersOf = (body: unknown, list: string) => (body as Record<string, unknown> | undefined)?.[list];

function windowProblem(body: unknown, defaultStart: string | null): string | null {
  const { starts_at, ends_at } = (body ?? {}) as { starts_at?: unknown; ends_at?: unknown };
  const start = typeof starts_at === "string" ? starts_at : defaultStart;
  if (typeof ends_at !== "string" || start === null) return null;
  return silenceWindowProblem(start, ends_at, Date.now()) ? "ends_at outside the window rules" : null;
}

/** Cursors are signed: the fuzz can only send the first page's, the empty one, and not with `page`. */
function cursorProblem(query: Map<string, string>): string | null {
  const cursor = query.get("cursor");
  if (cursor === undefined) return null;
  if (cursor !== "") return "a cursor the server did not issue";
  return query.has("page") ? "cursor and page together" : null;
}

/** The snooze rule's prose: at most 7 days ahead, and not together with resolving. */
function snoozeProblem(body: unknown): string | null {
  const { snoozed_until, status } = (body ?? {}) as { snoozed_until?: unknown; status?: unknown };
  if (typeof snoozed_until !== "string") return null;
  if (status === "Resolved") return "snoozed while resolving";
  return Date.parse(snoozed_until.toUpperCase()) > Date.now() + 7 * 86_400_000 ? "snoozed past 7 days" : null;
}

/** Dedup keys in `heartbeat:` and `rule:` are the system's own. */
function reservedKeyProblem(body: unknown): string | null {
  const key = (body as { dedup_key?: unknown } | undefined)?.dedup_key;
  return typeof key === "string" && RESERVED_KEY_PREFIXES.some((prefix) => key.trim().startsWith(prefix))
    ? "a dedup key in Vigil's own space"
    : null;
}

/** At most MAX_ENABLED_RULES enabled rules: a new enabled rule (or one enabled now) needs room. */
async function enabledRuleProblem(body: unknown, id: string | undefined | null): Promise<string | null> {
  const enabled = (body as { enabled?: unknown } | undefined)?.enabled;
  if (id === null ? enabled === false : enabled !== true || !isRuleId(id)) return null;
  const { rows } = await db().execute<{ full: boolean; was: boolean | null }>(sql`
    select count(*) >= ${MAX_ENABLED_RULES} as full,
           (select enabled from rules where id::text = ${id ?? ""}) as was
    from rules where enabled`);
  const row = rows[0];
  return row?.full && !row.was ? "no room for another enabled rule" : null;
}

/** A path id that can name a rule (anything else is 404 before any rule is judged). */
const isRuleId = (id: string | undefined): id is string =>
  id !== undefined && /^[1-9][0-9]{0,9}$/.test(id) && Number(id) <= 2 ** 31 - 1;

type StoredRuleRow = { builtin: boolean; conditions: Matcher[]; actions: RuleActions; threshold: Threshold | null };

/** A change is judged with the rule as stored: its actions and threshold together, the built-in rule's position. */
async function storedRuleProblem(id: string | undefined, body: unknown, prefix = ""): Promise<string | null> {
  if (!isRuleId(id)) return null;
  const { rows } = await db().execute<StoredRuleRow>(sql`
    select builtin, conditions, actions, threshold from rules where id = ${Number(id)}`);
  const stored = rows[0];
  const change = (body ?? {}) as Partial<StoredRuleRow> & { position?: unknown };
  if (!stored) return null;
  if (stored.builtin && change.position !== undefined) return `${prefix}moves the built-in rule`;
  const merged = {
    actions: change.actions ?? stored.actions,
    threshold: change.threshold !== undefined ? change.threshold : stored.threshold,
  };
  const problems = Object.keys(ruleProblems(merged));
  return problems.length ? `${prefix}${problems.join(", ")} with the rule as stored` : null;
}

/** A test names a saved rule, or gives a whole new one; its samples are events as createEvent takes them. */
async function ruleTestProblem(body: unknown): Promise<string | null> {
  const { rule_id, rule, events } = (body ?? {}) as {
    rule_id?: unknown;
    rule?: Record<string, unknown>;
    events?: unknown;
  };
  const sample = Array.isArray(events) ? events.map(reservedKeyProblem).find(Boolean) : null;
  if (sample) return `a sample with ${sample}`;
  if (rule_id === undefined) {
    const missing = ["name", "conditions", "actions"].filter((field) => rule?.[field] === undefined);
    if (missing.length) return `a new rule without ${missing.join(", ")}`;
    const problems = Object.keys(
      ruleProblems({ actions: rule?.actions as RuleActions, threshold: (rule?.threshold ?? null) as Threshold | null }),
    );
    return problems.length ? `rule.${problems.join(", ")}` : null;
  }
  if (!isRuleId(String(rule_id))) return null;
  const { rows } = await db().execute(sql`select 1 from rules where id::text = ${String(rule_id)}`);
  if (!rows.length) return "rule_id names no rule";
  return storedRuleProblem(String(rule_id), rule, "rule.");
}

/** An assignee is an active user's username: its admin's, or one of the users it created (asked now). */
async function assigneeProblem(body: unknown): Promise<string | null> {
  const assignee = (body as { assignee?: unknown } | undefined)?.assignee;
  // Text the database cannot hold is refused by the schema already (and cannot be asked about).
  if (typeof assignee !== "string" || assignee === adminName || textProblem(assignee)) return null;
  const { rows } = await db().execute(sql`select 1 from users where username = ${assignee} and is_active`);
  return rows.length ? null : "assignee is no active user";
}

function refreshProblem(headers: Map<string, string>, body: unknown): string | null {
  const cookieMode = headers.get("X-Vigil-Session") === "cookie";
  const refresh = (body as { refresh?: unknown } | undefined)?.refresh;
  return refresh === undefined && !cookieMode ? "refresh missing without X-Vigil-Session: cookie" : null;
}

type Credentials = "token" | "none" | "forged";
type PathValue = { pool: number } | { raw: string };
type Body = { text: string; contentType: string };
type Case = {
  credentials: Credentials;
  path: Record<string, PathValue>;
  query: [string, string][];
  headers: [string, string][];
  body?: Body;
};

const serialize = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** A parameter that takes a list: repeated, one value each (`style: form`, `explode: true`). */
const isList = (p: Parameter) => resolve(doc, p.schema).type === "array";

/** Optional parameters of one location, each left out, valid, or hostile. */
function parametersArbitrary(parameters: Parameter[]): fc.Arbitrary<[string, string][]> {
  return fc
    .tuple(
      ...parameters.map((p) => {
        const validValues = valid(doc, p.schema).map((v) =>
          isList(p) ? (v as unknown[]).map(serialize) : [serialize(v)],
        );
        const value = fc.oneof(
          { weight: 5, arbitrary: validValues },
          HOSTILE_PARAMETERS.map((h) => [h]),
        );
        return p.required ? value : fc.option(value, { freq: 2 });
      }),
    )
    .map((values) =>
      values.flatMap((value, i): [string, string][] =>
        value === null ? [] : value.map((v): [string, string] => [parameters[i]?.name ?? "", v]),
      ),
    );
}

function caseArbitrary({ op }: Op): fc.Arbitrary<Case> {
  const credentials: fc.Arbitrary<Credentials> = isProtected(op)
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constant("token" as const) },
        fc.constantFrom("none" as const, "forged" as const),
      )
    : fc.constant("none");
  const parameters = op.parameters ?? [];
  const path = fc.record(
    Object.fromEntries(
      parameters
        .filter((p) => p.in === "path")
        .map((p) => [
          p.name,
          fc.oneof<fc.Arbitrary<PathValue>[]>(
            fc.nat().map((pool) => ({ pool })),
            // Far past any id this test database hands out: a resource that cannot exist.
            fc.integer({ min: 10 ** 12, max: Number.MAX_SAFE_INTEGER }).map((id) => ({ raw: String(id) })),
            HOSTILE_PARAMETERS.map((raw) => ({ raw })),
          ),
        ]),
    ),
  );
  const query = parametersArbitrary(parameters.filter((p) => p.in === "query"));
  // A header can carry only visible ASCII and spaces; anything else never leaves the client.
  const headers = parametersArbitrary(parameters.filter((p) => p.in === "header")).map((pairs) =>
    pairs.filter(([, value]) => /^[\x20-\x7e]*$/.test(value)),
  );
  const content = op.requestBody?.content ?? {};
  const body = Object.keys(content).length ? bodyArbitrary(content) : fc.constant(undefined);
  return fc.record(
    { credentials, path, query, headers, body },
    { requiredKeys: ["credentials", "path", "query", "headers"] },
  );
}

function bodyArbitrary(content: Record<string, { schema: Schema }>): fc.Arbitrary<Body> {
  const declared = Object.keys(content);
  const declaredBody = fc.constantFrom(...declared).chain((contentType) => {
    const schema = (content[contentType] as { schema: Schema }).schema;
    const value = valid(doc, schema);
    // A body that is not JSON (NDJSON, say) is text its own schema describes.
    if (!isJson(contentType)) return value.map((text) => ({ text: String(text), contentType }));
    const text = fc.oneof(
      { weight: 5, arbitrary: value.map((v) => JSON.stringify(v)) },
      {
        weight: 5,
        arbitrary: value
          .chain((v) => mutated(doc, schema, v))
          .map((v) => JSON.stringify(v).replaceAll(JSON.stringify(HUGE_NUMBER_MARK), HUGE_NUMBER)),
      },
      { weight: 1, arbitrary: value.map((v) => `\uFEFF${JSON.stringify(v)}`) },
      { weight: 1, arbitrary: fc.constantFrom("{", "", "[1,", '{"a":1}}', "nul", "{'single': 1}") },
    );
    return text.map((t) => ({ text: t, contentType }));
  });
  const jsonSchema = Object.entries(content).find(([type]) => isJson(type))?.[1].schema ?? {};
  const undeclared = fc
    .tuple(
      valid(doc, jsonSchema).map((v) => JSON.stringify(v)),
      fc.constantFrom(
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/vnd.api+json",
        "application/merge-patch+json",
        "application/json; charset=iso-8859-1",
      ),
    )
    .map(([text, contentType]) => ({ text, contentType }));
  return fc.oneof({ weight: 8, arbitrary: declaredBody }, undeclared);
}

/**
 * What a URL can carry: UTF-8, so a lone surrogate travels as U+FFFD (URLSearchParams and
 * encodeURIComponent's rule; the latter throws instead). The document judges what arrives.
 */
const wellFormed = (value: string) =>
  value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

/** What a header value arrives as: Fetch strips leading and trailing whitespace from it. */
const sentHeader = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, "");

/**
 * The concrete request of a case, and why it is invalid by the document (nothing: it is valid).
 * `routed` is false when a path parameter is empty: the URL is then no longer this operation's.
 */
async function resolveCase({ op, path: template }: Op, c: Case) {
  const invalid: string[] = [];
  const parameters = op.parameters ?? [];
  let path = template;
  let routed = true;
  const pathValues = new Map<string, string>();
  for (const p of parameters.filter((q) => q.in === "path")) {
    const pathValue = c.path[p.name] as PathValue;
    const pool = pools.get(`${template} ${p.name}`) ?? [];
    const raw = wellFormed(
      "pool" in pathValue ? String(pool.length ? pool[pathValue.pool % pool.length] : 10 ** 13) : pathValue.raw,
    );
    routed &&= raw !== "";
    pathValues.set(p.name, raw);
    path = path.replace(`{${p.name}}`, encodeURIComponent(raw));
    invalid.push(...parameterProblems(p.schema, raw, `path ${p.name}`));
  }
  const sentQuery = c.query.map(([name, value]): [string, string] => [name, wellFormed(value)]);
  const query = new Map(sentQuery);
  const headers = new Map(c.headers.map(([name, value]) => [name, sentHeader(value)]));
  for (const p of parameters.filter((q) => q.in !== "path")) {
    const value = (p.in === "query" ? query : headers).get(p.name);
    if (value === undefined) {
      if (p.required) invalid.push(`${p.in} ${p.name} missing`);
    } else if (isList(p)) {
      const values = sentQuery.filter(([name]) => name === p.name).map(([, v]) => v);
      invalid.push(...listProblems(p.schema, values, `${p.in} ${p.name}`));
    } else invalid.push(...parameterProblems(p.schema, value, `${p.in} ${p.name}`));
  }
  if (c.body) invalid.push(...bodyProblems(op, c.body));
  else if (op.requestBody) invalid.push("no body");
  const prose = await PROSE_RULES[op.operationId]?.({
    path: pathValues,
    query,
    headers,
    body: parsedBody(c.body),
    sent: c.body,
  });
  if (prose) invalid.push(prose);
  // Past MAX_BODY_BYTES a body may be refused (413) whatever it holds: some routes take more.
  const oversize = c.body !== undefined && new TextEncoder().encode(c.body.text).byteLength > MAX_BODY_BYTES;
  return { path, query, sentQuery, headers, invalid, routed, oversize };
}

/** A repeated parameter's values, judged as the list its schema describes. */
function listProblems(schema: Schema, values: string[], where: string): string[] {
  const s = resolve(doc, schema);
  const items = (s.items ?? {}) as Schema;
  return [
    ...validate(doc, { ...s, items: {} }, values, where),
    ...values.flatMap((v, i) => parameterProblems(items, v, `${where}[${i}]`)),
  ];
}

function parameterProblems(schema: Schema, raw: string, where: string): string[] {
  const s = resolve(doc, schema);
  if (s.type === "integer") {
    if (!/^-?(0|[1-9]\d*)$/.test(raw)) return [`${where}: not an integer`];
    return validate(doc, s, Number(raw), where);
  }
  return validate(doc, s, raw, where);
}

function bodyProblems(op: Operation, body: Body): string[] {
  const content = op.requestBody?.content ?? {};
  const essence = body.contentType.split(";")[0]?.trim() ?? "";
  if (!(essence in content) || /charset=(?!utf-8)/i.test(body.contentType)) return ["undeclared media type"];
  const schema = (content[essence] as { schema: Schema }).schema;
  // workerd sends a string body as WTF-8: a lone surrogate arrives as bytes that are not UTF-8
  // (JSON.stringify escapes them instead, so this is about other media types).
  if (!isJson(essence)) {
    return wellFormed(body.text) === body.text ? validate(doc, schema, body.text, "body") : ["not UTF-8"];
  }
  if (body.text.startsWith("\uFEFF")) return ["byte order mark"];
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    return ["not JSON"];
  }
  // JSON can write numbers no double holds; the document refuses them (they parse as Infinity).
  if (!onlyFiniteNumbers(value)) return ["number beyond a double"];
  return validate(doc, schema, value, "body");
}

function parsedBody(body: Body | undefined): unknown {
  try {
    return body && isJson(body.contentType.split(";")[0] ?? "") ? JSON.parse(body.text) : undefined;
  } catch {
    return undefined;
  }
}

function requestHeaders(c: Case, headers: Map<string, string>): Headers {
  const out = new Headers([...headers]);
  if (c.credentials === "token") out.set("Authorization", `Bearer ${adminToken}`);
  // Signed with no key at all (`alg: none`): the oldest trick in jwt_tool's book.
  if (c.credentials === "forged") out.set("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.");
  if (c.body) out.set("Content-Type", c.body.contentType);
  return out;
}

/** What the document promises about any response of this operation. */
async function checkResponse(o: Op, res: Response): Promise<unknown> {
  const status = String(res.status);
  expect(res.status, "no server error").toBeLessThan(500);
  const documented = o.op.responses[status];
  expect(documented, `status ${status} is documented`).toBeDefined();
  const response = resolve(doc, documented as Schema) as DocumentedResponse;
  for (const [name, ref] of Object.entries(response.headers ?? {})) {
    const header = resolve(doc, ref);
    const value = res.headers.get(name);
    if (header.required) expect(value, `required header ${name}`).not.toBeNull();
    if (value !== null && header.schema) {
      const schema = resolve(doc, header.schema as Schema);
      const typed = schema.type === "integer" ? Number(value) : value;
      expect(validate(doc, schema, typed, name), `header ${name}: ${value}`).toEqual([]);
    }
  }
  const text = await res.text();
  const mediaType = res.headers.get("Content-Type")?.split(";")[0] ?? "";
  if (!response.content) {
    expect(text, "no body where none is documented").toBe("");
    return undefined;
  }
  expect(Object.keys(response.content), "documented media type").toContain(mediaType);
  const body = JSON.parse(text) as Record<string, unknown>;
  const schema = (response.content[mediaType] as { schema: Schema }).schema;
  expect(validate(doc, schema, body, "response"), "body matches the documented schema").toEqual([]);
  if (res.status >= 400) {
    expect(mediaType).toBe("application/problem+json");
    expect(body.status).toBe(res.status);
    expect(body.request_id, "request_id in the problem").toBe(res.headers.get("X-Request-Id"));
  }
  return body;
}

/** Ids a created resource's links point at, kept for the operations they name. */
function remember(o: Op, status: string, body: unknown): void {
  const links = o.op.responses[status]?.links ?? {};
  for (const link of Object.values(links)) {
    const target = operations.find((t) => t.op.operationId === link.operationId);
    if (!target) continue;
    for (const [name, expression] of Object.entries(link.parameters)) {
      const pointer = /^\$response\.body#(\/.*)$/.exec(expression)?.[1] ?? "";
      const value = pointer
        .split("/")
        .slice(1)
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | null)?.[key], body);
      if (value === null || value === undefined) continue;
      const key = `${target.path} ${name}`;
      pools.set(key, [...(pools.get(key) ?? []), value]);
    }
  }
}

describe("schema-driven fuzz of every operation in the OpenAPI document", () => {
  it("finds the operations to fuzz", () => {
    expect(operations.length).toBeGreaterThanOrEqual(12);
  });

  operations.forEach((o, index) => {
    it(
      `${o.op.operationId} (${o.method.toUpperCase()} ${o.path})`,
      async () => {
        const seen = { valid: 0, invalid: 0 };
        await fc.assert(
          fc.asyncProperty(caseArbitrary(o), async (c) => {
            const { path, sentQuery, headers, invalid, routed, oversize } = await resolveCase(o, c);
            const search = new URLSearchParams(sentQuery).toString();
            const request = new Request(`${BASE}${path}${search ? `?${search}` : ""}`, {
              method: o.method.toUpperCase(),
              headers: requestHeaders(c, headers),
              body: c.body?.text,
            });
            const res = await exports.default.fetch(request);
            // An upgrade (101) opened a socket, which nobody here listens to.
            res.webSocket?.accept();
            res.webSocket?.close(1000);
            const body = await checkResponse(o, res);
            if (!routed) {
              expect(res.status, "a URL that is not the operation's").toBe(404);
            } else if (c.credentials !== "token" && isProtected(o.op)) {
              expect(res.status, "without a valid token").toBe(401);
            } else if (oversize && res.status === 413) {
              // Refused for its size alone, which is the server's right past MAX_BODY_BYTES.
            } else if (invalid.length) {
              seen.invalid++;
              expect(res.status, `invalid input is not accepted (${invalid.join("; ")})`).toBeGreaterThanOrEqual(400);
            } else {
              seen.valid++;
              expect([400, 413, 415], "valid input is not refused").not.toContain(res.status);
              if (res.status < 300) remember(o, String(res.status), body);
              // A silence the fuzz makes (`ne` anything, say) would silence other tests' events:
              // ended at once, it stays for the operations on silences to find.
              if (o.op.operationId === "createSilence" && res.status === 201) {
                const { id } = body as { id: number };
                expect((await api(`/api/silences/${id}/`, { method: "DELETE", token: adminToken })).status).toBe(204);
              }
              // Likewise a rule (an empty condition list matches every event): disabled at once.
              if (["createRule", "updateRule"].includes(o.op.operationId) && (body as { enabled?: boolean }).enabled) {
                const { id } = body as { id: number };
                const off = await api(`/api/rules/${id}/`, {
                  method: "PATCH",
                  token: adminToken,
                  json: { enabled: false },
                });
                expect(off.status).toBe(200);
              }
            }
          }),
          { seed: SEED + index, numRuns: RUNS },
        );
        // A generator that only ever made one kind of request would test half of what it claims.
        const takesInput = (o.op.parameters?.length ?? 0) > 0 || o.op.requestBody !== undefined;
        expect(seen.valid, "valid requests were generated").toBeGreaterThan(0);
        if (takesInput) expect(seen.invalid, "invalid requests were generated").toBeGreaterThan(0);
      },
      60_000 + RUNS * 500,
    );
  });
});
