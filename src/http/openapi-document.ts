import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { RESPONSE_HEADERS } from "./openapi";

/**
 * The parts of the OpenAPI document that belong to no single route. A new feature's tag goes
 * in TAGS (the CI lint refuses operations with undefined tags).
 */
const TAGS = [
  { name: "Authentication", description: "Log in, rotate and revoke tokens; who am I." },
  {
    name: "Events",
    description: "What sensors saw. Append-only; High and Critical events raise alerts (the built-in rule).",
  },
  {
    name: "Alerts",
    description: "Raised by the rules (by default High and Critical events); triaged by analysts, moved on by admins.",
  },
  { name: "Push", description: "The live alert stream (WebSocket) and its tickets." },
  {
    name: "Webhooks",
    description: "Signed deliveries of alert changes to other systems, through a queue, with retries.",
  },
  {
    name: "Silences",
    description: "Maintenance windows: matching events are stored but raise, escalate and notify nothing.",
  },
  {
    name: "Heartbeats",
    description: "Sensors that must keep reporting: a silent one becomes a High alert, resolved when it beats again.",
  },
  {
    name: "Rules",
    description:
      "What becomes an alert: ordered rules (conditions, actions, thresholds) evaluated by the ingest statement itself.",
  },
  {
    name: "Intake",
    description:
      "Native receivers: what Alertmanager, OCSF and ECS producers send, unchanged, mapped onto the one ingest path.",
  },
  { name: "Triage", description: "Assignment, notes, history, bulk actions and figures: how a SOC works its queue." },
  {
    name: "API keys",
    description: "Machine credentials for sensors: scoped, throttled on their own, revocable at once.",
  },
  { name: "Users", description: "People's accounts: create, change role, (de)activate, reset password; audited." },
  { name: "Audit", description: "Who changed users, API keys and webhooks, and when: written with the change." },
  { name: "Operations", description: "Liveness and readiness, for probes and monitors." },
];

export const DOCUMENT_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Vigil API",
    version: "1.0.0",
    description:
      "Threat-alert monitoring: sensors push events, High and Critical events raise alerts, analysts triage them. " +
      "Errors are RFC 9457 problem+json with a `request_id`; every response carries `X-Request-Id`. " +
      "Request bodies are UTF-8 JSON; text never holds NUL or a lone surrogate; lengths count characters as sent. " +
      "Paths end with a slash; the same path without it works too.",
    contact: { name: "Vigil maintainers" },
  },
  servers: [
    {
      url: "/",
      description:
        "This deployment, production or local alike: the API is served from the origin of this document " +
        "(absolute links in responses use PUBLIC_BASE_URL when it is configured).",
      "x-internal": false,
    },
  ],
  tags: TAGS,
};

/** Components that routes refer to by name: the bearer scheme and the response headers. */
export function registerComponents(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT or API key",
    description:
      "People: an access token from POST /api/auth/token/. JWTs follow RFC8725: the algorithm is pinned (HS256; " +
      "`none` and any other is refused), `iss`, `aud`, `exp`, `iat` and `jti` are required, and a `token_type` claim " +
      "keeps access and refresh tokens apart. Access tokens live 15 minutes by default and stop working at once on " +
      "logout, deactivation or a role change. Sensors: an API key `vgl_...` from POST /api/keys/, whose scopes " +
      "(`ingest`, `read`) stand in for a role.",
  });
  for (const [name, header] of Object.entries(RESPONSE_HEADERS)) {
    app.openAPIRegistry.registerComponent("headers", name, header);
  }
}
