import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { DOCS_CSP, pageHeaders } from "../http/content-policy";

import { SCALAR_BUNDLE_PATH, SCALAR_START_PATH } from "./assets";

/**
 * Scalar's bundle and the script that starts it are static assets built with the console, so
 * this page carries no inline script and renders offline, under a policy that allows scripts
 * from this origin only.
 */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Vigil API</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <div id="app"></div>
    <script src="${SCALAR_BUNDLE_PATH}"></script>
    <script src="${SCALAR_START_PATH}"></script>
  </body>
</html>
`;

/** `GET /api/docs/`: the interactive reference of `/api/openapi.json` (left out of the document itself). */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.get("/api/docs/", (c) => c.html(PAGE, 200, pageHeaders(DOCS_CSP)));
}
