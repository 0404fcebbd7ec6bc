import type { Request as CannonRequest } from "autocannon";

/** What one scenario sends; `next` varies the request per call (ids, statuses). */
export type Scenario = {
  name: string;
  describe: string;
  method: "GET" | "POST" | "PATCH";
  path: string;
  body?: unknown;
  auth: boolean;
  /** Vary path/body per request, e.g. to spread PATCHes over many alerts. */
  next?: (i: number) => { path: string; body?: unknown };
};

export function scenarios(alertIds: number[], credentials: { username: string; password: string }): Scenario[] {
  const event = (severity: string) => ({
    source_name: "bench-fw-01",
    event_type: "brute_force",
    severity,
    description: "50 failed SSH logins for root from 203.0.113.7 in 60 s",
    metadata: { src_ip: "203.0.113.7", user: "root" },
  });
  const alert = (i: number) => alertIds[i % alertIds.length] ?? 1;
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
      describe: "GET /api/alerts/?status=Open&event__severity=High&page_size=20 (10k alerts)",
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
      next: (i) => ({ path: `/api/alerts/${alert(i)}/` }),
    },
    {
      name: "alert-patch",
      describe: "PATCH /api/alerts/{id}/ Acknowledged <-> Investigating",
      method: "PATCH",
      path: "/api/alerts/1/",
      body: { status: "Acknowledged" },
      auth: true,
      next: (i) => ({ path: `/api/alerts/${alert(i)}/`, body: { status: i % 2 ? "Acknowledged" : "Investigating" } }),
    },
    {
      name: "events-list",
      describe: "GET /api/events/?severity=High&page_size=20",
      method: "GET",
      path: "/api/events/?severity=High&page_size=20",
      auth: true,
    },
  ];
}

/** autocannon's per-request hook, for a scenario that varies its requests. */
export function requestVariator(scenario: Scenario): { setupRequest?: (req: CannonRequest) => CannonRequest } {
  const { next } = scenario;
  if (!next) return {};
  let i = 0;
  return {
    setupRequest: (req) => {
      const { path, body } = next(i++);
      return { ...req, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    },
  };
}
