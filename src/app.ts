import { OpenAPIHono } from "@hono/zod-openapi";
import { getPath } from "hono/utils/url";
import { registerAlerts } from "./alerts/routes";
import { registerTriage } from "./alerts/triage-routes";
import { registerAudit } from "./audit/routes";
import { registerAuth } from "./auth/routes";
import { registerDocs } from "./docs/routes";
import type { AppEnv } from "./env";
import { registerEvents } from "./events/routes";
import { registerHealth } from "./health/routes";
import { registerHeartbeats } from "./heartbeats/routes";
import { handleError } from "./http/handle-error";
import { notFoundHandler } from "./http/not-found";
import { DOCUMENT_CONFIG, registerComponents } from "./http/openapi-document";
import { publicUrl } from "./http/public-url";
import { requestId } from "./http/request-id";
import { securityHeaders } from "./http/security-headers";
import { serverTiming } from "./http/server-timing";
import { validationHook } from "./http/validation";
import { registerIntake } from "./intake/routes";
import { registerInternal } from "./internal/routes";
import { registerKeys } from "./keys/routes";
import { registerStream } from "./push/stream-routes";
import { registerRules } from "./rules/routes";
import { registerSilences } from "./silences/routes";
import { registerUsers } from "./users/routes";
import { registerWebhooks } from "./webhooks/routes";

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
  app.use("*", securityHeaders());
  app.use("*", serverTiming());
  app.use("*", publicUrl());
  app.onError(handleError);

  registerHealth(app);
  registerAuth(app);
  registerEvents(app);
  registerStream(app);
  registerTriage(app);
  registerAlerts(app);
  registerKeys(app);
  registerWebhooks(app);
  registerSilences(app);
  registerHeartbeats(app);
  registerRules(app);
  registerIntake(app);
  registerUsers(app);
  registerAudit(app);
  registerInternal(app);

  registerComponents(app);
  // Generated on first request, then served from memory for the life of the isolate.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/api/openapi.json/", (c) => {
    document ??= app.getOpenAPI31Document(DOCUMENT_CONFIG);
    return c.json(document);
  });
  registerDocs(app);

  app.notFound(notFoundHandler(app));
  return app;
}
