import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "./env";
import { registerHealth } from "./health/routes";
import { handleError } from "./http/handle-error";
import { notFoundHandler } from "./http/not-found";
import { requestId } from "./http/request-id";
import { serverTiming } from "./http/server-timing";
import { validationHook } from "./http/validation";

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Vigil API",
    version: "1.0.0",
    description:
      "Threat-alert monitoring: sensors push events, High and Critical events raise alerts, analysts triage them. " +
      "Errors are RFC 9457 problem+json with a `request_id`; every response carries `X-Request-Id`.",
  },
};

/** Assembles the API: middleware order, routes, documentation and the 404/405 fallback. */
export function createApp(): OpenAPIHono<AppEnv> {
  // strict: false serves `/api/events` and `/api/events/` alike, without a redirect.
  const app = new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });

  app.use("*", requestId());
  app.use("*", serverTiming());
  app.onError(handleError);

  registerHealth(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  // Generated on first request, then served from memory for the life of the isolate.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/api/openapi.json", (c) => {
    document ??= app.getOpenAPI31Document(OPENAPI_INFO);
    return c.json(document);
  });
  app.get("/api/docs/", Scalar({ url: "/api/openapi.json", pageTitle: "Vigil API" }));

  app.notFound(notFoundHandler(app));
  return app;
}
