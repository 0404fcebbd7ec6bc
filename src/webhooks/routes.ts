import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { auditActorOf } from "../audit/store";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, linkTo, routeResponses } from "../http/openapi";
import { PageQuerySchema, pageRequest, paginate } from "../http/pagination";
import { DeliveryParamSchema, Int32IdParamSchema } from "../http/params";
import { fieldError } from "../http/validation";
import { enqueueDeliveries } from "./queue";
import {
  CreatedWebhookSchema,
  DeliveryPageSchema,
  DeliverySchema,
  WebhookCreateSchema,
  WebhookPageSchema,
  WebhookSchema,
} from "./schemas";
import { encryptSecret, newWebhookSecret } from "./secrets";
import {
  deleteWebhook,
  findWebhook,
  insertPing,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
} from "./store";
import { webhookUrlProblem } from "./url-rules";

const tags = ["Webhooks"];
const security = [{ bearerAuth: [] }];
const noSuchWebhook = () => new ApiError("NOT_FOUND", "No webhook with this id.");

const createRouteDef = createRoute({
  method: "post",
  path: "/api/webhooks/",
  operationId: "createWebhook",
  tags,
  security,
  summary: "Subscribe a URL to alert changes",
  description:
    `${whoMay("webhooks:manage")} ` +
    "Deliveries are POSTs signed as Standard Webhooks (`webhook-id`, `webhook-timestamp`, " +
    "`webhook-signature`) with the `secret` returned here, once. `url` must be https:// to a public host unless " +
    "WEBHOOK_ALLOW_INSECURE=on. Throttled per principal (scope `write`).",
  middleware: [authenticate(), authorize("webhooks:manage"), jsonBody()] as const,
  request: { body: jsonRequestBody(WebhookCreateSchema) },
  responses: routeResponses(
    {
      201: jsonResponse("Subscribed; `Location` names it", CreatedWebhookSchema, {
        links: {
          webhook: linkTo("getWebhook", "The webhook just created"),
          test: linkTo("testWebhook", "Send it a ping"),
          deliveries: linkTo("listWebhookDeliveries", "Its deliveries"),
          retry: linkTo("retryWebhookDelivery", "Retry one of its failed deliveries"),
          unsubscribe: linkTo("deleteWebhook", "How to delete it"),
        },
      }),
    },
    { problems: [400, 401, 403, 413, 415, 503], throttle: "write" },
  ),
});

const listRouteDef = createRoute({
  method: "get",
  path: "/api/webhooks/",
  operationId: "listWebhooks",
  tags,
  security,
  summary: "List webhooks, newest first",
  description: `${whoMay("webhooks:manage")} Page-number pagination; secrets are never shown again.`,
  middleware: [authenticate(), authorize("webhooks:manage")] as const,
  request: { query: PageQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of webhooks", WebhookPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getRouteDef = createRoute({
  method: "get",
  path: "/api/webhooks/{id}/",
  operationId: "getWebhook",
  tags,
  security,
  summary: "Read one webhook",
  description: `${whoMay("webhooks:manage")} A malformed or unknown id is 404.`,
  middleware: [authenticate(), authorize("webhooks:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The webhook", WebhookSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const deleteRouteDef = createRoute({
  method: "delete",
  path: "/api/webhooks/{id}/",
  operationId: "deleteWebhook",
  tags,
  security,
  summary: "Unsubscribe",
  description: `${whoMay("webhooks:manage")} Deletes the webhook and its delivery log; pending deliveries are not attempted.`,
  middleware: [authenticate(), authorize("webhooks:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses({ 204: { description: "Deleted" } }, { problems: [401, 403, 404, 503], throttle: "write" }),
});

const testRouteDef = createRoute({
  method: "post",
  path: "/api/webhooks/{id}/test/",
  operationId: "testWebhook",
  tags,
  security,
  summary: "Send a ping",
  description:
    `${whoMay("webhooks:manage")} ` +
    'Queues a signed `ping` delivery (`{"type": "ping", "timestamp", "data": {"webhook_id"}}`); ' +
    "its outcome shows in the deliveries log. Answers 202 with the delivery.",
  middleware: [authenticate(), authorize("webhooks:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses(
    { 202: jsonResponse("Queued", DeliverySchema) },
    { problems: [401, 403, 404, 503], throttle: "write" },
  ),
});

const deliveriesRouteDef = createRoute({
  method: "get",
  path: "/api/webhooks/{id}/deliveries/",
  operationId: "listWebhookDeliveries",
  tags,
  security,
  summary: "A webhook's deliveries, newest first",
  description:
    `${whoMay("webhooks:manage")} ` +
    "Each delivery with its attempts, last status code or error, and status: `pending` (retrying on " +
    "WEBHOOK_RETRY_SECONDS), `delivered` (a 2xx within 15 s), or `failed` (out of retries).",
  middleware: [authenticate(), authorize("webhooks:manage")] as const,
  request: { params: Int32IdParamSchema, query: PageQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of deliveries", DeliveryPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const retryRouteDef = createRoute({
  method: "post",
  path: "/api/webhooks/{id}/deliveries/{delivery_id}/retry/",
  operationId: "retryWebhookDelivery",
  tags,
  security,
  summary: "Retry a failed delivery",
  description:
    `${whoMay("webhooks:manage")} ` +
    "Puts a `failed` delivery back to `pending` and queues it: the same `webhook-id` and body, signed anew. The " +
    "retry schedule resumes where it stopped, so a delivery that used up its retries gets one more attempt, and " +
    "is `failed` again if that fails. A delivery that is not `failed` is 409; one that is not this webhook's, 404. " +
    "Audited. Answers 202 with the delivery.",
  middleware: [authenticate(), authorize("webhooks:manage")] as const,
  request: { params: DeliveryParamSchema },
  responses: routeResponses(
    { 202: jsonResponse("Queued again", DeliverySchema) },
    { problems: [401, 403, 404, 409, 503], throttle: "write" },
  ),
});

export function registerWebhooks(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createRouteDef, async (c) => {
    const config = getConfig(c.env);
    const input = c.req.valid("json");
    const problem = webhookUrlProblem(input.url, config.WEBHOOK_ALLOW_INSECURE);
    if (problem) {
      throw fieldError("json", "url", problem);
    }
    const secret = newWebhookSecret();
    const hook = await insertWebhook(
      database(c.env),
      {
        url: input.url,
        events: input.events,
        minSeverity: input.min_severity ?? null,
        description: input.description ?? "",
        secretCiphertext: await encryptSecret(config.WEBHOOK_ENCRYPTION_KEY, secret),
      },
      auditActorOf(c.get("principal")),
    );
    c.header("Location", `/api/webhooks/${hook.id}/`);
    return c.json({ ...hook, secret }, 201);
  });

  app.openapi(listRouteDef, async (c) => {
    const page = pageRequest(c.req.valid("query"));
    const { count, results } = await listWebhooks(database(c.env), page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getRouteDef, async (c) => {
    const hook = await findWebhook(database(c.env), c.req.valid("param").id);
    if (!hook) throw noSuchWebhook();
    return c.json(hook, 200);
  });

  app.openapi(deleteRouteDef, async (c) => {
    if (!(await deleteWebhook(database(c.env), c.req.valid("param").id, auditActorOf(c.get("principal"))))) {
      throw noSuchWebhook();
    }
    return c.body(null, 204);
  });

  app.openapi(testRouteDef, async (c) => {
    const delivery = await insertPing(database(c.env), c.req.valid("param").id);
    if (!delivery) throw noSuchWebhook();
    // Enqueued before answering: the 202 means it is on its way (the sweep is the safety net).
    await enqueueDeliveries(c.env, [delivery.id]);
    return c.json(delivery, 202);
  });

  app.openapi(deliveriesRouteDef, async (c) => {
    const page = pageRequest(c.req.valid("query"));
    const found = await listDeliveries(database(c.env), c.req.valid("param").id, page);
    if (!found.exists) throw noSuchWebhook();
    return c.json(paginate(c.req.url, page, found.count, found.results), 200);
  });

  app.openapi(retryRouteDef, async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    const retried = await retryDelivery(database(c.env), id, delivery_id, auditActorOf(c.get("principal")));
    if (retried.outcome === "missing") throw new ApiError("NOT_FOUND", "This webhook has no delivery with this id.");
    if (retried.outcome === "not_failed") {
      throw new ApiError("CONFLICT", "Only a failed delivery can be retried; this one is pending or delivered.");
    }
    await enqueueDeliveries(c.env, [retried.delivery.id]);
    return c.json(retried.delivery, 202);
  });
}
