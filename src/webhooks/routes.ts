import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, linkTo, routeResponses } from "../http/openapi";
import { PageQuerySchema, pageRequest, paginate } from "../http/pagination";
import { Int32IdParamSchema } from "../http/params";
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
import { deleteWebhook, findWebhook, insertPing, insertWebhook, listDeliveries, listWebhooks } from "./store";
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

export function registerWebhooks(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createRouteDef, async (c) => {
    const config = getConfig(c.env);
    const input = c.req.valid("json");
    const problem = webhookUrlProblem(input.url, config.WEBHOOK_ALLOW_INSECURE);
    if (problem) {
      throw fieldError("json", "url", problem);
    }
    const principal = c.get("principal");
    const secret = newWebhookSecret();
    const hook = await insertWebhook(database(c.env), {
      url: input.url,
      events: input.events,
      minSeverity: input.min_severity ?? null,
      description: input.description ?? "",
      secretCiphertext: await encryptSecret(config.WEBHOOK_ENCRYPTION_KEY, secret),
      createdById: principal.id,
    });
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
    if (!(await deleteWebhook(database(c.env), c.req.valid("param").id))) throw noSuchWebhook();
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
}
