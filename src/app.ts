import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { getPath } from "hono/utils/url";
import { registerAlerts } from "./alerts/routes";
import { registerAuth } from "./auth/routes";
import type { AppEnv } from "./env";
import { registerEvents } from "./events/routes";
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

/**
 * Routes are declared in the canonical form, with a trailing slash (`/api/events/`); a request
 * without it is routed the same, with no redirect (DRF clients send both).
 */
function canonicalPath(request: Request): string {
  const path = getPath(request);
  return path.endsWith("/") ? path : `${path}/`;
}

/** Assembles the API: middleware order, routes, documentation and the 404/405 fallback. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ getPath: canonicalPath, defaultHook: validationHook });

  app.use("*", requestId());
  app.use("*", serverTiming());
  app.onError(handleError);

  registerHealth(app);
  registerAuth(app);
  registerEvents(app);
  registerAlerts(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  // Generated on first request, then served from memory for the life of the isolate.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/api/openapi.json/", (c) => {
    document ??= app.getOpenAPI31Document(OPENAPI_INFO);
    return c.json(document);
  });
  // Scalar's bundle comes from our own static assets (built with the console), not a CDN, with
  // no web fonts and none of its hosted services (AI chat, MCP, developer tools, telemetry): the
  // page renders offline and never sends a request outside the origin.
  app.get(
    "/api/docs/",
    Scalar({
      url: "/api/openapi.json",
      pageTitle: "Vigil API",
      cdn: "/vendor/scalar/standalone.js",
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
    }),
  );

  app.notFound(notFoundHandler(app));
  return app;
}
