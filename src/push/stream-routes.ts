import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { authenticate, authorize, readCredential, unauthorized } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { COMPACT_JWS } from "../auth/schemas";
import { InvalidTokenError, STREAM_TICKET_SECONDS, signStreamTicket, verifyStreamTicket } from "../auth/tokens";
import { type AppEnv, getConfig } from "../env";
import type { Credential } from "../guard/protocol";
import { ApiError } from "../http/errors";
import { jsonResponse, routeResponses } from "../http/openapi";
import { ownersOf, type Refusal, SUBSCRIBER_HEADER, type Subscriber } from "./stream-hub";
import { streamHub } from "./stub";

const security = [{ bearerAuth: [] }];
const UPGRADE = "websocket";

/**
 * Who opens the stream: `Authorization: Bearer` (token or key), or for browsers, which cannot set
 * headers on a WebSocket, `?ticket=` (single use, 60 s). Refusals are HTTP answers to the
 * upgrade request, never a socket opened and then closed: 401 for missing or bad credentials
 * and used or expired tickets, then (as on every route, credentials come first) 403, then 426
 * without the upgrade.
 */
function streamCredential(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ticket = c.req.query("ticket");
    if (ticket === undefined) {
      c.set("credential", await readCredential(c.req.header("Authorization"), c));
      return next();
    }
    try {
      const verified = await verifyStreamTicket(getConfig(c.env), ticket);
      c.set("credential", verified.credential);
      c.set("streamTicket", verified.ticket);
    } catch (e) {
      if (e instanceof InvalidTokenError) throw unauthorized(`Stream ticket refused: ${e.message}`, "invalid_token");
      throw e;
    }
    await next();
  };
}

/**
 * When the credential a socket opens with stops being valid (null: never): the access token's (a
 * ticket carries it) or the key's, as its guard read it.
 */
function expiryOf(credential: Credential, principal: Principal): number | null {
  if (credential.type === "user") return credential.expiresAt ?? null;
  return principal.type === "key" ? principal.expiresAt : null;
}

/**
 * A cap on open sockets was reached (see stream-hub.ts). Retry-After only when the hub can say
 * when a counted socket will have gone; a ticket used for the refused upgrade stays spent.
 */
function tooManySockets(refusal: Refusal): ApiError {
  const whose =
    refusal.cap === "principal"
      ? `This credential's user or key already has ${refusal.limit} stream sockets open`
      : `The stream already has ${refusal.limit} sockets open`;
  const when =
    refusal.retryAfter === null
      ? "Close one of them first."
      : `Close one first, or retry in ${refusal.retryAfter} s, when one of them will have expired.`;
  return new ApiError("RATE_LIMITED", `${whose}, its limit. ${when}`, {
    headers: refusal.retryAfter === null ? {} : { "Retry-After": String(refusal.retryAfter) },
  });
}

/** 426 unless the request asks for the WebSocket upgrade. */
function requireUpgrade(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== UPGRADE) {
      throw new ApiError("UPGRADE_REQUIRED", "This is a WebSocket stream: connect with `Upgrade: websocket`.", {
        headers: { Upgrade: UPGRADE },
      });
    }
    await next();
  };
}

const ticketRoute = createRoute({
  method: "post",
  path: "/api/auth/stream-ticket/",
  operationId: "createStreamTicket",
  tags: ["Push"],
  security,
  summary: "A single-use ticket to open the stream from a browser",
  description:
    `${whoMay("alerts:read")} Valid ${STREAM_TICKET_SECONDS} s, ` +
    "for one connection: `GET /api/alerts/stream/?ticket=...`. No body needed. Throttled (scope `write`).",
  middleware: [authenticate(), authorize("alerts:read")] as const,
  responses: routeResponses(
    {
      201: jsonResponse(
        "The ticket",
        z
          .object({
            ticket: z
              .string()
              .max(2048)
              .regex(COMPACT_JWS)
              .openapi({ description: "Opaque (a signed token); put it in `?ticket=`" }),
            expires_in: z.number().int().min(1).max(3600).openapi({ format: "int32", example: STREAM_TICKET_SECONDS }),
          })
          .openapi("StreamTicket"),
      ),
    },
    // A ticket is used, never fetched: there is no URL to name.
    { problems: [401, 403, 503], throttle: "write", located: false },
  ),
});

const streamRoute = createRoute({
  method: "get",
  path: "/api/alerts/stream/",
  operationId: "streamAlerts",
  tags: ["Push"],
  security,
  summary: "The live alert stream (WebSocket)",
  description:
    `${whoMay("alerts:read")} ` +
    'After the upgrade, text frames `{"type": "alert.created" | ' +
    '"alert.updated", "alert": <Alert>}` for every alert created, grouped into or changed after connecting, ' +
    "within a second; a text frame `ping` is answered `pong`. Authenticate with `Authorization: Bearer` or, from " +
    "a browser, `?ticket=` (POST /api/auth/stream-ticket/). The socket is closed (4001) once the access token " +
    "(the one a ticket was issued for) or API key it was opened with has expired, and at once when that credential is revoked (logout, an account " +
    "change, a revoked key): connect again with a fresh one. At most STREAM_MAX_SOCKETS_PER_PRINCIPAL (10) sockets " +
    "per user (all sessions) or key, and STREAM_MAX_SOCKETS (5,000) in all: past either, the upgrade is 429, with " +
    "Retry-After when one of the counted sockets is sure to have expired by then (none, if they never expire); no " +
    "open socket is ever closed to make room. A ticket used for a refused upgrade stays spent.",
  request: {
    query: z.object({
      ticket: z
        .string()
        .max(2048)
        .optional()
        .openapi({
          pattern: COMPACT_JWS.source,
          description:
            "A ticket from POST /api/auth/stream-ticket/, instead of `Authorization` (then that header is not read); " +
            "a ticket the server did not issue, used, or expired is 401",
        }),
    }),
    headers: z.object({
      Upgrade: z.string().openapi({
        param: { name: "Upgrade", in: "header", required: true },
        // Letter case does not matter (RFC 9110, section 7.8).
        pattern: "^[Ww][Ee][Bb][Ss][Oo][Cc][Kk][Ee][Tt]$",
        maxLength: 9,
        description: "`websocket`: the stream is a WebSocket (426 without it)",
        example: UPGRADE,
      }),
    }),
  },
  responses: routeResponses(
    { 101: { description: "Switching Protocols: the stream is open" } },
    { problems: [401, 403, 426, 503], throttle: "read" },
  ),
});

export function registerStream(app: OpenAPIHono<AppEnv>): void {
  app.openapi(ticketRoute, async (c) => {
    const ticket = await signStreamTicket(getConfig(c.env), c.get("credential"));
    return c.json({ ticket, expires_in: STREAM_TICKET_SECONDS }, 201);
  });

  // The answer is the upgrade itself, not a JSON body: documented with the document, served plainly.
  app.openAPIRegistry.registerPath(streamRoute);
  app.get(
    "/api/alerts/stream/",
    streamCredential(),
    authorize("alerts:read", { guardFirst: true }),
    requireUpgrade(),
    async (c) => {
      const credential = c.get("credential");
      const config = getConfig(c.env);
      const subscriber: Subscriber = {
        owners: ownersOf(credential),
        expiresAt: expiryOf(credential, c.get("principal")),
        key: credential.type === "key" ? credential.hash : null,
        ticket: c.get("streamTicket"),
        limits: { perPrincipal: config.STREAM_MAX_SOCKETS_PER_PRINCIPAL, total: config.STREAM_MAX_SOCKETS },
      };
      const res = await streamHub(c.env).fetch("https://hub/subscribe", {
        headers: { Upgrade: "websocket", [SUBSCRIBER_HEADER]: JSON.stringify(subscriber) },
      });
      if (res.status === 401) throw unauthorized("Stream ticket refused: it was already used.", "invalid_token");
      if (res.status === 429) throw tooManySockets((await res.json()) as Refusal);
      if (res.status !== 101 || !res.webSocket) throw new Error(`stream hub answered ${res.status}`);
      // The hub's 101 has immutable headers; ours (request id, security headers) go on a new one.
      return new Response(null, { status: 101, webSocket: res.webSocket, headers: res.headers });
    },
  );
}
