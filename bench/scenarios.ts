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

/** Alert ids spread over the seeded ones (1..SEEDED_ALERTS), so reads and PATCHes do not hit one row. */
const alertId = (i: number) => 1 + ((i * 7919) % SEEDED_ALERTS);

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
  ];
}
