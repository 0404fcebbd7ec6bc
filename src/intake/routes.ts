import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { idempotencyClaim, markReplay } from "../events/idempotency";
import { batchResponses, idempotencyHeader } from "../events/routes";
import { readBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, routeResponses } from "../http/openapi";
import { publish } from "../push/publisher";
import { alertmanager } from "./alertmanager";
import { ecs } from "./ecs";
import { ocsf } from "./ocsf";
import type { Receiver } from "./receiver";
import { AlertmanagerPayloadSchema, eventsBodySchemas, IntakeCatalogSchema, IntakeResultSchema } from "./schemas";
import { storeIntake } from "./store";

const tags = ["Intake"];
const security = [{ bearerAuth: [] }];

const pathOf = (receiver: Receiver) => `/api/intake/${receiver.name}/`;

/**
 * Reads a receiver's body before any handler runs, as the batch route reads its own: 415 for
 * another media type, 413 past MAX_BATCH_BODY_BYTES, 400 for a body that is not the format.
 */
function intakeBody(receiver: Receiver): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { mediaType, text } = await readBody(c, {
      accepted: receiver.mediaTypes,
      maxBytes: getConfig(c.env).MAX_BATCH_BODY_BYTES,
      refusal: `The ${receiver.title} receiver takes ${receiver.mediaTypes.join(" or ")}, in UTF-8.`,
    });
    c.set("intake", receiver.parse(text, mediaType));
    await next();
  };
}

const COMMON =
  `${whoMay("events:create")} Each item becomes an event through the one ingest path (grouping, silences, ` +
  "history, the stream and webhooks), all in one statement, atomically; a malformed item fails alone, named by the " +
  "sender's field; a body that is not the format at all is 400 with a pointer to its documentation. N items spend " +
  "N of the ingest budget at once (429 when it cannot cover them now, 413 when it never could). Honours " +
  "Idempotency-Key as the batch route does. How fields map: GET /api/intake/.";

const exampleOcsf = {
  class_uid: 3002,
  class_name: "Authentication",
  activity_id: 1,
  activity_name: "Logon",
  severity_id: 4,
  time: 1764000000000,
  message: "50 failed logons for Administrator",
  metadata: { version: "1.1.0", product: { name: "Microsoft Windows", vendor_name: "Microsoft" } },
  device: { hostname: "dc-1" },
};

const exampleEcs = {
  "@timestamp": "2026-11-24T10:15:00.000Z",
  event: { action: "ssh_login", category: ["authentication"], outcome: "failure", severity: 73 },
  host: { name: "bastion-1" },
  message: "Failed password for root from 203.0.113.7 port 52113 ssh2",
};

type RequestBody = NonNullable<RouteConfig["request"]>["body"];

/** The receivers, in the order `GET /api/intake/` lists them, with their bodies as the document shows them. */
const RECEIVERS: [Receiver, RequestBody][] = [
  [alertmanager, jsonRequestBody(AlertmanagerPayloadSchema)],
  [ocsf, { required: true, content: eventsBodySchemas("OCSF event", "metadata.uid", exampleOcsf) }],
  [ecs, { required: true, content: eventsBodySchemas("ECS document", "event.id", exampleEcs) }],
];

function receiverRoute(receiver: Receiver, body: RequestBody) {
  return createRoute({
    method: "post",
    path: pathOf(receiver),
    operationId: `ingest${receiver.name.charAt(0).toUpperCase()}${receiver.name.slice(1)}`,
    tags,
    security,
    summary: `Receive ${receiver.title}`,
    description: `${receiver.body} ${COMMON} ${receiver.notes.join(" ")} Format: ${receiver.documentation}`,
    request: { headers: idempotencyHeader, body },
    responses: batchResponses(IntakeResultSchema),
  });
}

const catalogRoute = createRoute({
  method: "get",
  path: "/api/intake/",
  operationId: "listIntakeReceivers",
  tags,
  security,
  summary: "List the native receivers and how their fields map",
  description:
    `${whoMay("intake:read")} Each receiver's path, media types, format documentation and mapping table: ` +
    "which of the sender's fields fill each event field, and the severity table. Throttled (scope `read`).",
  middleware: [authenticate(), authorize("intake:read")] as const,
  responses: routeResponses(
    { 200: jsonResponse("The receivers", IntakeCatalogSchema) },
    { problems: [401, 403, 503], throttle: "read" },
  ),
});

const CATALOG = {
  receivers: RECEIVERS.map(([r]) => ({
    name: r.name,
    title: r.title,
    path: pathOf(r),
    media_types: r.mediaTypes,
    documentation: r.documentation,
    body: r.body,
    fields: r.fields.map(({ field, from, rule }) => ({ field, from, rule })),
    severities: r.severities,
    notes: r.notes,
  })),
};

/** Native intake: Alertmanager, OCSF and ECS as their tools send them (issue 19). */
export function registerIntake(app: OpenAPIHono<AppEnv>): void {
  app.openapi(catalogRoute, (c) => c.json(CATALOG, 200));

  for (const [receiver, body] of RECEIVERS) {
    // Items are checked one by one (a malformed one fails alone), so the body schema is the
    // document's; the receiver's parse() and mapping table do the checking.
    app.openAPIRegistry.registerPath(receiverRoute(receiver, body));
    app.post(
      pathOf(receiver),
      authenticate(),
      intakeBody(receiver),
      authorize("events:create", { cost: (c) => c.get("intake").count }),
      async (c) => {
        const body = c.get("intake");
        const claim = await idempotencyClaim(c, () => body.fingerprint);
        const outcomes = body.outcomes();
        const result = await storeIntake(database(c.env), outcomes, c.get("principal"), claim);
        if (!result) {
          const results = outcomes.map((o) => ({ index: o.index, status: 400, errors: "errors" in o ? o.errors : {} }));
          return c.json({ created: 0, failed: results.length, results }, 200);
        }
        if (result.outcome === "stored") publish(c, result.out);
        markReplay(c, result, claim);
        return c.json(result.body, 200);
      },
    );
  }
}
