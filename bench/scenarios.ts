import { startPushProbe } from "./push-probe";
import { SEEDED_ALERTS } from "./stack";

/** What a scenario's requests look like; `next` varies them per call (ids, statuses). */
export type RequestSpec = {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  next?: (i: number) => { path: string; body?: unknown };
};

/** What a scenario's setup can use: the running Worker, signed in as the bench's admin. */
export type ScenarioContext = {
  url: string;
  /** `Authorization` header of the bench's admin user. */
  adminAuth: Record<string, string>;
  databaseUrl: string;
  credentials: { username: string; password: string };
};

/**
 * What setup hands back: anything that overrides the scenario's request (an API key header, say),
 * figures to report beside the load's once it is over (e.g. a push delay measured by a stream
 * client opened in setup), and what to undo afterwards.
 */
export type ScenarioSetup = Partial<RequestSpec> & {
  collect?(): Promise<Record<string, number>>;
  teardown?(): Promise<void>;
};

export type Scenario = RequestSpec & {
  name: string;
  describe: string;
  /** Send the bench admin's access token (scenarios with their own credentials set headers in setup). */
  auth: boolean;
  /** At most this many requests, for a scenario slow by design (login), whatever --requests says. */
  requests?: number;
  /** When a request carries several units of work (events in a batch): reported as units/s. */
  units?: { name: string; perRequest: number };
  /** Runs once per mode, against the running Worker, before the scenario's requests. */
  setup?(ctx: ScenarioContext): Promise<ScenarioSetup>;
};

const event = (severity: string) => ({
  source_name: "bench-fw-01",
  event_type: "brute_force",
  severity,
  description: "50 failed SSH logins for root from 203.0.113.7 in 60 s",
  metadata: { src_ip: "203.0.113.7", user: "root" },
});

/**
 * An Alertmanager notification of 20 firing alerts, as its webhook sends one: severity `warning`
 * (Medium, events only), so that it compares with ingest-batch's Low events.
 */
const alertmanagerNotification = {
  version: "4",
  groupKey: '{}:{alertname="NodeFilesystemAlmostFull"}',
  truncatedAlerts: 0,
  status: "firing",
  receiver: "vigil",
  groupLabels: { alertname: "NodeFilesystemAlmostFull" },
  commonLabels: { alertname: "NodeFilesystemAlmostFull", job: "node", severity: "warning" },
  commonAnnotations: {},
  externalURL: "http://alertmanager.example.org:9093",
  alerts: Array.from({ length: 20 }, (_, i) => ({
    status: "firing",
    labels: { alertname: "NodeFilesystemAlmostFull", instance: `node-${i}:9100`, job: "node", severity: "warning" },
    annotations: {
      summary: `Filesystem on node-${i}:9100 has less than 10% space left`,
      description: `Filesystem /var on node-${i}:9100 has 8.5% available space left.`,
    },
    startsAt: "2026-11-24T10:15:00.000Z",
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus.example.org:9090/graph?g0.expr=node_filesystem_avail_bytes",
    fingerprint: `1a30ba71cca292${i.toString(16).padStart(2, "0")}`,
  })),
};

/** 1,000 ECS documents, as a log shipper batches them (event.severity 15: Low, no alerts). */
const ecsDocs = (ids?: string) =>
  Array.from({ length: 1000 }, (_, i) => ({
    "@timestamp": "2026-11-24T10:15:00.000Z",
    event: {
      ...(ids === undefined ? {} : { id: `${ids}-${i}` }),
      action: "ssh_login",
      category: ["authentication"],
      outcome: "failure",
      severity: 15,
    },
    host: { name: "bench-bastion-1" },
    source: { ip: `203.0.113.${i % 250}` },
    user: { name: "root" },
    message: `Failed password for root from 203.0.113.${i % 250} port ${40_000 + i} ssh2`,
  }));
const ndjson = (docs: unknown[]) => docs.map((doc) => JSON.stringify(doc)).join("\n");
const ecsLines = ndjson(ecsDocs());
/** Each request's documents carry event.ids never sent before (this process and run's own). */
const ecsRun = crypto.randomUUID().slice(0, 8);
let ecsBatches = 0;
const ecsLinesWithIds = () => ndjson(ecsDocs(`${ecsRun}-${ecsBatches++}`));

/** Alert ids spread over the seeded ones (1..SEEDED_ALERTS), so reads and PATCHes do not hit one row. */
const alertId = (i: number) => 1 + ((i * 7919) % SEEDED_ALERTS);

/** The alert queue as analysts open it: the filter every list scenario shares. */
const QUEUE = "status=Open&event__severity=High";
/** How deep the deep-page scenarios read. */
const DEEP_ROWS = 5000;

async function postJson(url: string, auth: Record<string, string>, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** An API key for a scenario that sends as a sensor would. */
async function sensorKey(ctx: ScenarioContext, scopes: string[]): Promise<Record<string, string>> {
  const { key } = (await postJson(`${ctx.url}/api/keys/`, ctx.adminAuth, {
    name: `bench-${crypto.randomUUID().slice(0, 8)}`,
    scopes,
  })) as { key: string };
  return { Authorization: `Bearer ${key}` };
}

/** The path of the cursor page DEEP_ROWS rows into the queue (walked there 100 rows at a time). */
async function deepCursorPath(ctx: ScenarioContext): Promise<string> {
  let next: string | null = `${ctx.url}/api/alerts/?${QUEUE}&cursor=&page_size=100`;
  for (let seen = 0; seen < DEEP_ROWS && next; seen += 100) {
    const res: Response = await fetch(next, { headers: ctx.adminAuth });
    next = ((await res.json()) as { next: string | null }).next;
  }
  if (!next) throw new Error(`the queue has fewer than ${DEEP_ROWS} rows`);
  const url = new URL(next);
  url.searchParams.set("page_size", "20");
  return `${url.pathname}${url.search}`;
}

/** `baseline` first: every scenario's `x baseline` is against it, in the same run and mode. */
export function scenarios(credentials: { username: string; password: string }): Scenario[] {
  return [
    {
      name: "baseline",
      describe: "GET /api/health/live/ (no database, no limiter)",
      method: "GET",
      path: "/api/health/live/",
      auth: false,
    },
    {
      name: "me",
      describe: "GET /api/auth/me/ (token check + limiter, no database)",
      method: "GET",
      path: "/api/auth/me/",
      auth: true,
    },
    {
      name: "login",
      describe: "POST /api/auth/token/ (PBKDF2, 100k iterations)",
      method: "POST",
      path: "/api/auth/token/",
      body: credentials,
      auth: false,
      requests: 300,
    },
    {
      name: "ingest-low",
      describe: "POST /api/events/ Low",
      method: "POST",
      path: "/api/events/",
      body: event("Low"),
      auth: true,
    },
    {
      name: "ingest-high",
      describe: "POST /api/events/ High (+ alert)",
      method: "POST",
      path: "/api/events/",
      body: event("High"),
      auth: true,
    },
    {
      name: "alerts-list",
      describe: `GET /api/alerts/?status=Open&event__severity=High&page_size=20 (${SEEDED_ALERTS / 1000}k alerts)`,
      method: "GET",
      path: "/api/alerts/?status=Open&event__severity=High&page_size=20",
      auth: true,
    },
    {
      name: "alert-detail",
      describe: "GET /api/alerts/{id}/",
      method: "GET",
      path: "/api/alerts/1/",
      auth: true,
      next: (i) => ({ path: `/api/alerts/${alertId(i)}/` }),
    },
    {
      name: "alert-patch",
      describe: "PATCH /api/alerts/{id}/ Acknowledged <-> Investigating",
      method: "PATCH",
      path: "/api/alerts/1/",
      body: { status: "Acknowledged" },
      auth: true,
      next: (i) => ({ path: `/api/alerts/${alertId(i)}/`, body: { status: i % 2 ? "Acknowledged" : "Investigating" } }),
    },
    {
      name: "events-list",
      describe: "GET /api/events/?severity=High&page_size=20",
      method: "GET",
      path: "/api/events/?severity=High&page_size=20",
      auth: true,
    },
    {
      name: "ingest-key",
      describe: "POST /api/events/ Low with an API key (the key checked by its Durable Object)",
      method: "POST",
      path: "/api/events/",
      body: event("Low"),
      auth: false,
      setup: async (ctx) => ({ headers: await sensorKey(ctx, ["ingest"]) }),
    },
    {
      name: "ingest-batch",
      describe: "POST /api/events/batch/ 100 Low events a request, with an API key",
      method: "POST",
      path: "/api/events/batch/",
      body: Array.from({ length: 100 }, () => event("Low")),
      auth: false,
      units: { name: "events", perRequest: 100 },
      setup: async (ctx) => ({ headers: await sensorKey(ctx, ["ingest"]) }),
    },
    {
      name: "ingest-batch-20",
      describe:
        "POST /api/events/batch/ 20 Low events a request (an Alertmanager notification's size), with an API key",
      method: "POST",
      path: "/api/events/batch/",
      body: Array.from({ length: 20 }, () => event("Low")),
      auth: false,
      units: { name: "events", perRequest: 20 },
      setup: async (ctx) => ({ headers: await sensorKey(ctx, ["ingest"]) }),
    },
    {
      name: "intake-alertmanager",
      describe: "POST /api/intake/alertmanager/ a 20-alert notification (warning: events only), with an API key",
      method: "POST",
      path: "/api/intake/alertmanager/",
      body: alertmanagerNotification,
      auth: false,
      units: { name: "events", perRequest: 20 },
      setup: async (ctx) => ({ headers: await sensorKey(ctx, ["ingest"]) }),
    },
    {
      name: "intake-ecs",
      describe: "POST /api/intake/ecs/ 1,000 ECS lines of NDJSON a request (Low), with an API key",
      method: "POST",
      path: "/api/intake/ecs/",
      body: ecsLines,
      auth: false,
      units: { name: "events", perRequest: 1000 },
      setup: async (ctx) => ({
        headers: { ...(await sensorKey(ctx, ["ingest"])), "Content-Type": "application/x-ndjson" },
      }),
    },
    {
      name: "intake-ecs-ids",
      describe: "POST /api/intake/ecs/ as intake-ecs, each document with a new event.id (claimed once per key)",
      method: "POST",
      path: "/api/intake/ecs/",
      body: ecsLinesWithIds(),
      next: () => ({ path: "/api/intake/ecs/", body: ecsLinesWithIds() }),
      auth: false,
      units: { name: "events", perRequest: 1000 },
      setup: async (ctx) => ({
        headers: { ...(await sensorKey(ctx, ["ingest"])), "Content-Type": "application/x-ndjson" },
      }),
    },
    {
      name: "ingest-grouped",
      describe: "POST /api/events/ High, all with one dedup_key (each joins the same alert)",
      method: "POST",
      path: "/api/events/",
      body: { ...event("High"), dedup_key: "bench:ssh-bruteforce:203.0.113.7" },
      auth: true,
    },
    {
      name: "alerts-cursor",
      describe: `GET /api/alerts/?${QUEUE}&cursor=&page_size=20 (first cursor page, no count)`,
      method: "GET",
      path: `/api/alerts/?${QUEUE}&cursor=&page_size=20`,
      auth: true,
    },
    {
      name: "alerts-cursor-deep",
      describe: `the same, a cursor page ${DEEP_ROWS} rows deep`,
      method: "GET",
      path: "/api/alerts/",
      auth: true,
      setup: async (ctx) => ({ path: await deepCursorPath(ctx) }),
    },
    {
      name: "alerts-page-deep",
      describe: `GET /api/alerts/?${QUEUE}&page=${DEEP_ROWS / 20 + 1}&page_size=20 (the same depth by page number)`,
      method: "GET",
      path: `/api/alerts/?${QUEUE}&page=${DEEP_ROWS / 20 + 1}&page_size=20`,
      auth: true,
    },
    {
      name: "alert-bulk",
      describe: "POST /api/alerts/bulk/ 100 ids a request, Acknowledged <-> Investigating",
      method: "POST",
      path: "/api/alerts/bulk/",
      body: { ids: [1], status: "Acknowledged" },
      auth: true,
      units: { name: "alerts", perRequest: 100 },
      next: (i) => ({
        path: "/api/alerts/bulk/",
        body: {
          ids: Array.from({ length: 100 }, (_, k) => alertId(i * 100 + k)).filter(
            (id, k, all) => all.indexOf(id) === k,
          ),
          status: i % 2 ? "Acknowledged" : "Investigating",
        },
      }),
    },
    {
      name: "alerts-search",
      describe: "GET /api/alerts/?q=seed-7&page_size=20 (trigram index; 1 in 50 seeded alerts match)",
      method: "GET",
      path: "/api/alerts/?q=seed-7&page_size=20",
      auth: true,
    },
    {
      name: "stats-dashboard",
      describe:
        "GET /api/alerts/stats/ over the last 24 h, bucket=hour, group_by=source_name,event_type (the dashboard)",
      method: "GET",
      path: "/api/alerts/stats/",
      auth: true,
      setup: async () => {
        const since = new Date(Date.now() - 86_400_000).toISOString();
        return { path: `/api/alerts/stats/?created_after=${since}&bucket=hour&group_by=source_name,event_type` };
      },
    },
    {
      name: "ingest-silenced",
      describe: "ingest-high with 100 active silences to match against (none matching: it still alerts)",
      method: "POST",
      path: "/api/events/",
      body: event("High"),
      auth: true,
      setup: async (ctx) => {
        const ends_at = new Date(Date.now() + 3_600_000).toISOString();
        const ids: number[] = [];
        for (let i = 0; i < 100; i++) {
          const silence = (await postJson(`${ctx.url}/api/silences/`, ctx.adminAuth, {
            matchers: [
              { field: "source_name", op: "glob", value: `maint-${i}-*` },
              { field: "event_type", op: "in", value: ["brute_force", "port_scan", "malware"] },
              { field: "metadata.site", op: "eq", value: `site-${i}` },
            ],
            ends_at,
            comment: "bench",
          })) as { id: number };
          ids.push(silence.id);
        }
        return {
          // The next mode shares the database: it must not find them still active.
          teardown: async () => {
            for (const id of ids) {
              await fetch(`${ctx.url}/api/silences/${id}/`, { method: "DELETE", headers: ctx.adminAuth });
            }
          },
        };
      },
    },
    {
      name: "ingest-rules-50",
      describe:
        "ingest-high with 50 enabled rules: 40 that never match, 5 that tag it, 5 thresholds counting it per user (1,000 users)",
      method: "POST",
      path: "/api/events/",
      body: event("High"),
      next: (i) => ({
        path: "/api/events/",
        body: { ...event("High"), metadata: { src_ip: "203.0.113.7", user: `u${i % 1000}` } },
      }),
      auth: true,
      setup: async (ctx) => {
        const ids: number[] = [];
        const rule = async (body: Record<string, unknown>) =>
          ids.push(((await postJson(`${ctx.url}/api/rules/`, ctx.adminAuth, body)) as { id: number }).id);
        for (let i = 0; i < 40; i++) {
          await rule({
            name: `bench elsewhere ${i}`,
            conditions: [
              { field: "source_name", op: "eq", value: `elsewhere-${i}` },
              { field: "event_type", op: "in", value: ["port_scan", "brute_force"] },
            ],
            actions: i % 2 ? { set_severity: "Low", stop: true } : { add_tags: [`elsewhere-${i}`] },
          });
        }
        for (let i = 0; i < 5; i++) {
          await rule({
            name: `bench tag ${i}`,
            conditions: [
              { field: "event_type", op: "eq", value: "brute_force" },
              { field: "metadata.src_ip", op: "glob", value: "203.0.113.*" },
            ],
            actions: { add_tags: [`bench-${i}`] },
          });
        }
        for (let i = 0; i < 5; i++) {
          await rule({
            name: `bench threshold ${i}`,
            conditions: [{ field: "event_type", op: "eq", value: "brute_force" }],
            actions: {},
            threshold: { count: 10_000, within_seconds: 60, group_by: ["metadata.user"] },
          });
        }
        return {
          // The next mode shares the database: it must not find them still enabled.
          teardown: async () => {
            for (const id of ids) {
              await fetch(`${ctx.url}/api/rules/${id}/`, { method: "DELETE", headers: ctx.adminAuth });
            }
          },
        };
      },
    },
    {
      name: "ingest-high-push",
      describe: "ingest-high with a webhook registered and a stream client connected; then push delays over 200 alerts",
      method: "POST",
      path: "/api/events/",
      body: event("High"),
      auth: true,
      setup: async (ctx) => {
        const probe = await startPushProbe();
        const hook = (await postJson(`${ctx.url}/api/webhooks/`, ctx.adminAuth, {
          url: probe.webhookUrl,
          events: ["alert.created", "alert.updated"],
        })) as { id: number };
        await probe.connectStream(ctx.url, ctx.adminAuth);
        return {
          collect: () => probe.measure(ctx.url, ctx.adminAuth, 200),
          // The next mode shares the database: it must not find this webhook still subscribed.
          teardown: async () => {
            await fetch(`${ctx.url}/api/webhooks/${hook.id}/`, { method: "DELETE", headers: ctx.adminAuth });
            await probe.close();
          },
        };
      },
    },
  ];
}
