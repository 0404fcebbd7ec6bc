import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createKey, createUser, type TestUser } from "./helpers";

/**
 * Contract sections 3 and 9 (and the routes sections 10-13 add), generated from one table: every protected route refuses a missing
 * credential (401 + WWW-Authenticate), refuses every kind of caller it does not allow (403), and
 * lets the allowed ones in. Callers are the two roles and API keys with each set of scopes.
 */
const CALLERS = ["admin", "analyst", "key:ingest", "key:read", "key:ingest+read"] as const;
type Caller = (typeof CALLERS)[number];
type Route = {
  method: string;
  path: (alertId: number) => string;
  body?: unknown;
  allowed: Caller[];
  /** What an allowed caller gets, when it is not a success or 404 (e.g. the stream without its upgrade). */
  ok?: number[];
};

const event = { source_name: "m", event_type: "m", severity: "Low" };
const ADMIN_ONLY: Caller[] = ["admin"];
const PEOPLE: Caller[] = ["admin", "analyst"];
const INGEST: Caller[] = ["admin", "key:ingest", "key:ingest+read"];
const ALERT_READERS: Caller[] = ["admin", "analyst", "key:read", "key:ingest+read"];

const routes: Route[] = [
  { method: "POST", path: () => "/api/events/", body: event, allowed: INGEST },
  { method: "GET", path: () => "/api/events/", allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/events/1/", allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/alerts/", allowed: ALERT_READERS },
  { method: "GET", path: (id) => `/api/alerts/${id}/`, allowed: ALERT_READERS },
  { method: "PATCH", path: (id) => `/api/alerts/${id}/`, body: { status: "Acknowledged" }, allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/auth/me/", allowed: PEOPLE },
  { method: "POST", path: () => "/api/keys/", body: { name: "k", scopes: ["read"] }, allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/keys/", allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/keys/1/", allowed: ADMIN_ONLY },
  { method: "DELETE", path: () => "/api/keys/999999/", allowed: ADMIN_ONLY },
  { method: "POST", path: () => "/api/events/batch/", body: [event], allowed: INGEST },
  { method: "GET", path: (id) => `/api/alerts/${id}/events/`, allowed: ALERT_READERS },
  { method: "GET", path: () => "/api/alerts/stats/", allowed: ALERT_READERS },
  { method: "GET", path: (id) => `/api/alerts/${id}/notes/`, allowed: PEOPLE },
  { method: "POST", path: (id) => `/api/alerts/${id}/notes/`, body: { body: "matrix" }, allowed: PEOPLE },
  { method: "GET", path: (id) => `/api/alerts/${id}/history/`, allowed: PEOPLE },
  {
    method: "POST",
    path: () => "/api/alerts/bulk/",
    body: { ids: [999999], status: "Acknowledged" },
    allowed: ADMIN_ONLY,
  },
  { method: "POST", path: () => "/api/auth/stream-ticket/", body: {}, allowed: ALERT_READERS },
  // Without `Upgrade: websocket` an allowed caller is told 426; credentials and permission come first.
  { method: "GET", path: () => "/api/alerts/stream/", allowed: ALERT_READERS, ok: [426] },
  // An invalid body: authorization is decided before validation, and nothing is subscribed.
  { method: "POST", path: () => "/api/webhooks/", body: {}, allowed: ADMIN_ONLY, ok: [400] },
  { method: "GET", path: () => "/api/webhooks/", allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/webhooks/999999/", allowed: ADMIN_ONLY },
  { method: "DELETE", path: () => "/api/webhooks/999999/", allowed: ADMIN_ONLY },
  { method: "POST", path: () => "/api/webhooks/999999/test/", body: {}, allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/webhooks/999999/deliveries/", allowed: ADMIN_ONLY },
  // An invalid body, so nothing is silenced; reads are for people, writes for admins, keys never.
  { method: "POST", path: () => "/api/silences/", body: {}, allowed: ADMIN_ONLY, ok: [400] },
  { method: "GET", path: () => "/api/silences/", allowed: PEOPLE },
  { method: "GET", path: () => "/api/silences/999999/", allowed: PEOPLE },
  { method: "PATCH", path: () => "/api/silences/999999/", body: { comment: "m" }, allowed: ADMIN_ONLY },
  { method: "DELETE", path: () => "/api/silences/999999/", allowed: ADMIN_ONLY },
  { method: "POST", path: () => "/api/rules/", body: {}, allowed: ADMIN_ONLY, ok: [400] },
  { method: "GET", path: () => "/api/rules/", allowed: PEOPLE },
  { method: "GET", path: () => "/api/rules/999999/", allowed: PEOPLE },
  { method: "PATCH", path: () => "/api/rules/999999/", body: { name: "m" }, allowed: ADMIN_ONLY },
  { method: "DELETE", path: () => "/api/rules/999999/", allowed: ADMIN_ONLY },
  { method: "POST", path: () => "/api/rules/test/", body: {}, allowed: ADMIN_ONLY, ok: [400] },
  // Snoozing is triage (analysts too); the lifecycle stays the admins'.
  {
    method: "PATCH",
    path: (id) => `/api/alerts/${id}/`,
    body: { snoozed_until: new Date(Date.now() + 3_600_000).toISOString() },
    allowed: PEOPLE,
  },
  {
    method: "POST",
    path: () => "/api/alerts/bulk/",
    body: { ids: [999999], snoozed_until: new Date(Date.now() + 3_600_000).toISOString() },
    allowed: PEOPLE,
  },
  { method: "POST", path: () => "/api/heartbeats/", body: {}, allowed: ADMIN_ONLY, ok: [400] },
  { method: "GET", path: () => "/api/heartbeats/", allowed: PEOPLE },
  { method: "GET", path: () => "/api/heartbeats/matrix-none/", allowed: PEOPLE },
  // Beats are ingest: sensors' keys (and admins); an invalid body, so nothing is created.
  { method: "POST", path: () => "/api/heartbeats/matrix-none/", body: { tags: "x" }, allowed: INGEST, ok: [400] },
  { method: "DELETE", path: () => "/api/heartbeats/matrix-none/", allowed: ADMIN_ONLY },
  // The native receivers are ingest; bodies whose one item fails, so nothing is stored.
  { method: "POST", path: () => "/api/intake/alertmanager/", body: { alerts: [{}] }, allowed: INGEST },
  { method: "POST", path: () => "/api/intake/ocsf/", body: {}, allowed: INGEST },
  { method: "POST", path: () => "/api/intake/ecs/", body: [{}], allowed: INGEST },
  // How fields map is no secret from anyone the API knows.
  { method: "GET", path: () => "/api/intake/", allowed: [...CALLERS] },
  // Users and the audit log: admins only; invalid bodies and unknown ids, so nothing changes.
  { method: "POST", path: () => "/api/users/", body: {}, allowed: ADMIN_ONLY, ok: [400] },
  { method: "GET", path: () => "/api/users/", allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/users/999999999/", allowed: ADMIN_ONLY },
  { method: "PATCH", path: () => "/api/users/999999999/", body: { is_active: true }, allowed: ADMIN_ONLY },
  { method: "POST", path: () => "/api/users/999999999/password/", body: {}, allowed: ADMIN_ONLY },
  { method: "GET", path: () => "/api/audit/", allowed: ADMIN_ONLY },
  { method: "POST", path: () => "/api/webhooks/999999/deliveries/1/retry/", body: {}, allowed: ADMIN_ONLY },
];

const tokens = {} as Record<Caller, string>;
let alertId = 0;
beforeAll(async () => {
  const [admin, analyst]: TestUser[] = await Promise.all([createUser("admin"), createUser("analyst")]);
  if (!admin || !analyst) throw new Error("users");
  tokens.admin = admin.token;
  tokens.analyst = analyst.token;
  tokens["key:ingest"] = (await createKey(admin, { scopes: ["ingest"] })).key;
  tokens["key:read"] = (await createKey(admin, { scopes: ["read"] })).key;
  tokens["key:ingest+read"] = (await createKey(admin, { scopes: ["ingest", "read"] })).key;
  alertId = await openAlert(admin);
});

const call = (r: Route, token?: string) =>
  api(r.path(alertId), { method: r.method, token, ...(r.body ? { json: r.body } : {}) });

describe.each(routes)("$method $path", (route) => {
  it("without a credential -> 401 with WWW-Authenticate", async () => {
    const res = await call(route);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="vigil"/);
  });

  for (const caller of CALLERS) {
    const allowed = route.allowed.includes(caller);
    it(`${caller} -> ${allowed ? "allowed" : "403"}`, async () => {
      const res = await call(route, tokens[caller]);
      if (allowed) expect(route.ok ?? [200, 201, 204, 404]).toContain(res.status);
      else expect(res.status).toBe(403);
    });
  }
});
