import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../src/db/schema";
import { openAlert } from "./factories";
import { api, createUser, type TestUser } from "./helpers";

/**
 * Contract section 3, generated from one table: every protected route refuses a missing token
 * (401 + WWW-Authenticate), refuses roles it does not allow (403), and lets allowed roles in.
 */
type Route = { method: string; path: (alertId: number) => string; body?: unknown; roles: Role[] };

const routes: Route[] = [
  {
    method: "POST",
    path: () => "/api/events/",
    body: { source_name: "m", event_type: "m", severity: "Low" },
    roles: ["admin"],
  },
  { method: "GET", path: () => "/api/events/", roles: ["admin"] },
  { method: "GET", path: () => "/api/events/1/", roles: ["admin"] },
  { method: "GET", path: () => "/api/alerts/", roles: ["admin", "analyst"] },
  { method: "GET", path: (id) => `/api/alerts/${id}/`, roles: ["admin", "analyst"] },
  { method: "PATCH", path: (id) => `/api/alerts/${id}/`, body: { status: "Acknowledged" }, roles: ["admin"] },
  { method: "GET", path: () => "/api/auth/me/", roles: ["admin", "analyst"] },
];

const users = {} as Record<Role, TestUser>;
let alertId = 0;
beforeAll(async () => {
  [users.admin, users.analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
  alertId = await openAlert(users.admin);
});

const call = (r: Route, token?: string) =>
  api(r.path(alertId), { method: r.method, token, ...(r.body ? { json: r.body } : {}) });

describe.each(routes)("$method $path", (route) => {
  it("without a token -> 401 with WWW-Authenticate", async () => {
    const res = await call(route);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="vigil"/);
  });

  for (const role of ["admin", "analyst"] as const) {
    const allowed = route.roles.includes(role);
    it(`${role} -> ${allowed ? "allowed" : "403"}`, async () => {
      const res = await call(route, users[role].token);
      if (allowed) expect([200, 201, 404]).toContain(res.status);
      else expect(res.status).toBe(403);
    });
  }
});
