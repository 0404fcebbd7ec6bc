import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, type ResponseOptions, routeResponses } from "../http/openapi";
import { beginLoginAttempt, throttleByIp } from "../limiter/login";
import { rateLimit } from "../limiter/middleware";
import { findUserByUsername } from "../users/store";
import { requireAuth } from "./middleware";
import { dummyPasswordHash, verifyPassword } from "./password";
import { MeSchema, RefreshRequestSchema, RefreshResponseSchema, TokenPairSchema, TokenRequestSchema } from "./schemas";
import { revokeFamilyOf, rotateRefreshToken, storeRefreshToken, tokenHash } from "./store";
import { InvalidTokenError, signAccessToken, signRefreshToken, verifyRefreshToken } from "./tokens";

const tags = ["Authentication"];
// Anyone may call the token endpoints: that is how credentials are obtained.
const anonymous = [{}];
// Bodies are read and validated before the limiter runs, so those refusals carry no RateLimit.
const tokenEndpoint: ResponseOptions = {
  problems: [400, 401, 413, 415, 503],
  throttle: "auth",
  beforeThrottle: [400, 413, 415],
};

const tokenRoute = createRoute({
  method: "post",
  path: "/api/auth/token/",
  operationId: "obtainToken",
  tags,
  security: anonymous,
  summary: "Log in: exchange username and password for tokens",
  description:
    "Wrong username, wrong password and inactive account all get the same 401, in the same time. " +
    "Throttled per client IP and per username (scope `auth`); 503 when the limiter is unreachable (fails closed).",
  middleware: [jsonBody()] as const,
  request: { body: jsonRequestBody(TokenRequestSchema) },
  responses: routeResponses({ 200: jsonResponse("Logged in", TokenPairSchema) }, tokenEndpoint),
});

const refreshRoute = createRoute({
  method: "post",
  path: "/api/auth/token/refresh/",
  operationId: "refreshToken",
  tags,
  security: anonymous,
  summary: "Rotate a refresh token",
  description:
    "Returns a new access token (with the user's current role) and the next refresh token; the presented one stops " +
    "working. Presenting an already-rotated token revokes its whole family (token theft). Expired, revoked, tampered " +
    "or access tokens, and deactivated users, get 401. Throttled per client IP (scope `auth`).",
  middleware: [jsonBody()] as const,
  request: { body: jsonRequestBody(RefreshRequestSchema) },
  responses: routeResponses({ 200: jsonResponse("Rotated", RefreshResponseSchema) }, tokenEndpoint),
});

const revokeRoute = createRoute({
  method: "post",
  path: "/api/auth/token/revoke/",
  operationId: "revokeToken",
  tags,
  security: anonymous,
  summary: "Log out: revoke a refresh token and its family",
  description:
    "204 also when the token was already revoked or rotated (logout is idempotent); 401 when it is not a valid " +
    "refresh token. Throttled per client IP (scope `auth`).",
  middleware: [jsonBody()] as const,
  request: { body: jsonRequestBody(RefreshRequestSchema) },
  responses: routeResponses({ 204: { description: "Revoked" } }, tokenEndpoint),
});

const meRoute = createRoute({
  method: "get",
  path: "/api/auth/me/",
  operationId: "getCurrentUser",
  tags,
  security: [{ bearerAuth: [] }],
  summary: "Who am I",
  description: "Any role. Read from the access token: no database query. Throttled per user (scope `read`).",
  middleware: [requireAuth(), rateLimit("read")] as const,
  responses: routeResponses({ 200: jsonResponse("The caller", MeSchema) }, { problems: [401], throttle: "read" }),
});

const badCredentials = () =>
  new ApiError("UNAUTHORIZED", "No active account found with the given credentials.", {
    headers: { "WWW-Authenticate": 'Bearer realm="vigil"' },
  });

function invalidRefresh(detail: string) {
  return new ApiError("UNAUTHORIZED", detail, {
    headers: { "WWW-Authenticate": `Bearer realm="vigil", error="invalid_token", error_description="${detail}"` },
  });
}

async function refreshClaims(c: Context<AppEnv>, token: string) {
  try {
    return await verifyRefreshToken(getConfig(c.env), token);
  } catch (e) {
    if (e instanceof InvalidTokenError) throw invalidRefresh(e.message);
    throw e;
  }
}

export function registerAuth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(tokenRoute, async (c) => {
    const config = getConfig(c.env);
    const db = database(c.env);
    const { username, password } = c.req.valid("json");
    const attempt = await beginLoginAttempt(c, username);
    const user = await findUserByUsername(db, username);
    // Exactly one PBKDF2 whatever the outcome, so timing does not tell which usernames exist.
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !passwordOk || !user.isActive) throw badCredentials();
    attempt.succeeded();

    const principal = { userId: user.id, username: user.username, role: user.role };
    const [access, refresh] = await Promise.all([
      signAccessToken(config, principal),
      signRefreshToken(config, user.id, crypto.randomUUID()),
    ]);
    await storeRefreshToken(db, { hash: await tokenHash(refresh.token), ...refresh.claims });
    return c.json(
      { access, refresh: refresh.token, token_type: "Bearer" as const, expires_in: config.ACCESS_TOKEN_TTL_SECONDS },
      200,
    );
  });

  app.openapi(refreshRoute, async (c) => {
    const config = getConfig(c.env);
    const presented = c.req.valid("json").refresh;
    await throttleByIp(c);
    const claims = await refreshClaims(c, presented);
    const next = await signRefreshToken(config, claims.userId, claims.familyId);
    const result = await rotateRefreshToken(database(c.env), await tokenHash(presented), {
      hash: await tokenHash(next.token),
      ...next.claims,
    });
    if (result.outcome === "refused") throw invalidRefresh("Token is invalid, expired, revoked or already used.");
    const { id, username, role } = result.user;
    const access = await signAccessToken(config, { userId: id, username, role });
    return c.json({ access, refresh: next.token }, 200);
  });

  app.openapi(revokeRoute, async (c) => {
    const presented = c.req.valid("json").refresh;
    await throttleByIp(c);
    await refreshClaims(c, presented);
    await revokeFamilyOf(database(c.env), await tokenHash(presented));
    return c.body(null, 204);
  });

  app.openapi(meRoute, (c) => {
    const { userId, username, role } = c.get("principal");
    return c.json({ id: userId, username, role }, 200);
  });
}
