import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { endSession } from "../guard/revocations";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, type ResponseOptions, routeResponses } from "../http/openapi";
import { fieldError } from "../http/validation";
import { beginLoginAttempt, throttleRefresh } from "../limiter/login";
import { findUserByUsername } from "../users/store";
import { authenticate, authorize } from "./middleware";
import { dummyPasswordHash, verifyPassword } from "./password";
import type { UserPrincipal } from "./principal";
import {
  MeSchema,
  RefreshRequestSchema,
  RefreshResponseSchema,
  SessionModeHeadersSchema,
  TokenPairSchema,
  TokenRequestSchema,
} from "./schemas";
import {
  clearSessionCookie,
  readSessionCookie,
  SESSION_HEADER,
  setSessionCookie,
  usesCookieSession,
} from "./session-cookie";
import { type Account, revokeFamilyOf, rotateRefreshToken, storeRefreshToken, tokenHash } from "./store";
import {
  InvalidTokenError,
  newRefreshClaims,
  type RefreshClaims,
  signAccessToken,
  signRefreshToken,
  verifyRefreshToken,
} from "./tokens";

const tags = ["Authentication"];
const COOKIE_NOTE =
  ` With the header \`${SESSION_HEADER}: cookie\` (browsers), the refresh token travels in an HttpOnly cookie ` +
  "instead of the body (see the README).";
// Anyone may call the token endpoints: that is how credentials are obtained.
const anonymous = [{}];
// Bodies are read and validated before the limiter runs, so those refusals carry no RateLimit.
const tokenEndpoint: ResponseOptions = {
  problems: [400, 401, 413, 415, 503],
  throttle: "auth",
  beforeThrottle: [400, 413, 415],
};

const refreshEndpoint: ResponseOptions = { ...tokenEndpoint, throttle: "refresh" };
const REFRESH_THROTTLE =
  " Throttled per session (scope `refresh`): a validly signed token spends its own login's budget, so nobody " +
  "else's failures can refuse it; anything else (no token, a forged, garbled or expired one) spends the client " +
  "address's budget for refusals (RATE_LIMIT_REFRESH_INVALID), apart from the login budget.";

const tokenRoute = createRoute({
  method: "post",
  path: "/api/auth/token/",
  operationId: "obtainToken",
  tags,
  security: anonymous,
  summary: "Log in: exchange username and password for tokens",
  description:
    "Wrong username, wrong password and inactive account all get the same 401, in the same time. " +
    "Throttled per client IP and per username (scope `auth`); an address the user signed in from before is not " +
    "held to the username's budget; 503 when the limiter is unreachable (fails closed)." +
    COOKIE_NOTE,
  middleware: [jsonBody()] as const,
  request: { headers: SessionModeHeadersSchema, body: jsonRequestBody(TokenRequestSchema) },
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
    "working. Presenting a token again within `REFRESH_GRACE_SECONDS` of its rotation (a retry, or concurrent " +
    "refreshes) returns the same successor; any later reuse revokes its whole family (token theft). Expired, revoked, " +
    "tampered or access tokens, and deactivated users, get 401." +
    REFRESH_THROTTLE +
    COOKIE_NOTE,
  middleware: [jsonBody()] as const,
  request: { headers: SessionModeHeadersSchema, body: jsonRequestBody(RefreshRequestSchema) },
  responses: routeResponses({ 200: jsonResponse("Rotated", RefreshResponseSchema) }, refreshEndpoint),
});

const revokeRoute = createRoute({
  method: "post",
  path: "/api/auth/token/revoke/",
  operationId: "revokeToken",
  tags,
  security: anonymous,
  summary: "Log out: revoke a refresh token and its family",
  description:
    "Revokes the login's refresh tokens and, from the next request on, its access tokens. 204 also when the token " +
    "was already revoked or rotated (logout is idempotent); 401 when it is not a valid refresh token." +
    REFRESH_THROTTLE +
    COOKIE_NOTE,
  middleware: [jsonBody()] as const,
  request: { headers: SessionModeHeadersSchema, body: jsonRequestBody(RefreshRequestSchema) },
  responses: routeResponses({ 204: { description: "Revoked" } }, refreshEndpoint),
});

const meRoute = createRoute({
  method: "get",
  path: "/api/auth/me/",
  operationId: "getCurrentUser",
  tags,
  security: [{ bearerAuth: [] }],
  summary: "Who am I",
  description: "People only (403 for API keys). Read from the access token: no database query. Scope `read`.",
  middleware: [authenticate(), authorize("account:read")] as const,
  responses: routeResponses({ 200: jsonResponse("The caller", MeSchema) }, { problems: [401, 403], throttle: "read" }),
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

/** The refresh token presented: the cookie for browser sessions, else the body's `refresh`. */
async function presentedRefresh(
  c: Context<AppEnv>,
  body: { refresh?: string },
): Promise<{ token: string; claims: RefreshClaims }> {
  let token = body.refresh;
  if (usesCookieSession(c)) token ??= readSessionCookie(c);
  if (!token) {
    await throttleRefresh(c, null);
    if (usesCookieSession(c)) throw invalidRefresh("No session cookie was sent.");
    throw fieldError("json", "refresh", "This field is required.");
  }
  let claims: RefreshClaims;
  try {
    claims = await verifyRefreshToken(getConfig(c.env), token);
  } catch (e) {
    if (!(e instanceof InvalidTokenError)) throw e;
    await throttleRefresh(c, null);
    throw invalidRefresh(e.message);
  }
  // Signed by us: its session's own budget, whatever it turns out to be (rotated, revoked...).
  await throttleRefresh(c, claims);
  return { token, claims };
}

/** Voids a login's live access tokens and closes its stream sockets; 503 if that cannot be done now. */
async function endLogin(c: Context<AppEnv>, userId: number, familyId: string): Promise<void> {
  const until = Date.now() + getConfig(c.env).ACCESS_TOKEN_TTL_SECONDS * 1000;
  try {
    await endSession(c.env, userId, familyId, until);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        requestId: c.get("requestId"),
        msg: "could not end session",
        error: String(error),
      }),
    );
    throw new ApiError(
      "SERVICE_UNAVAILABLE",
      "The session's refresh tokens are revoked, but its access tokens or live stream may not be cut off yet; try again.",
      { headers: { "Retry-After": "5" } },
    );
  }
}

async function accessToken(c: Context<AppEnv>, account: Account, session: string): Promise<string> {
  const principal: UserPrincipal = { type: "user", id: account.id, name: account.username, role: account.role };
  return signAccessToken(getConfig(c.env), { principal, session, generation: account.generation });
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

    const account: Account = {
      id: user.id,
      username: user.username,
      role: user.role,
      generation: user.tokenGeneration,
    };
    const claims = newRefreshClaims(config, user.id, crypto.randomUUID());
    const [access, refresh] = await Promise.all([
      accessToken(c, account, claims.familyId),
      signRefreshToken(config, claims),
    ]);
    await storeRefreshToken(db, { ...claims, hash: await tokenHash(refresh) });
    const body = { access, token_type: "Bearer" as const, expires_in: config.ACCESS_TOKEN_TTL_SECONDS };
    if (usesCookieSession(c)) {
      setSessionCookie(c, refresh, config.REFRESH_TOKEN_TTL_SECONDS);
      return c.json(body, 200);
    }
    return c.json({ ...body, refresh }, 200);
  });

  app.openapi(refreshRoute, async (c) => {
    const config = getConfig(c.env);
    const db = database(c.env);
    const presented = await presentedRefresh(c, c.req.valid("json"));
    const presentedHash = await tokenHash(presented.token);
    const nextClaims = newRefreshClaims(config, presented.claims.userId, presented.claims.familyId);
    const nextToken = await signRefreshToken(config, nextClaims);
    const stored = { ...nextClaims, hash: await tokenHash(nextToken) };
    let result = await rotateRefreshToken(db, presentedHash, stored, config.REFRESH_GRACE_SECONDS);
    if (result.outcome === "raced")
      result = await rotateRefreshToken(db, presentedHash, stored, config.REFRESH_GRACE_SECONDS);

    let refresh: string;
    switch (result.outcome) {
      case "rotated":
        refresh = nextToken;
        break;
      case "grace":
        refresh = await signRefreshToken(config, result.successor);
        break;
      case "replayed":
        // A stolen token: the thief's access tokens die with the family, at once.
        await endLogin(c, result.userId, result.familyId);
        throw invalidRefresh("Token is invalid, expired, revoked or already used.");
      default:
        throw invalidRefresh("Token is invalid, expired, revoked or already used.");
    }
    const access = await accessToken(c, result.account, presented.claims.familyId);
    if (usesCookieSession(c)) {
      setSessionCookie(c, refresh, config.REFRESH_TOKEN_TTL_SECONDS);
      return c.json({ access, expires_in: config.ACCESS_TOKEN_TTL_SECONDS }, 200);
    }
    return c.json({ access, refresh }, 200);
  });

  app.openapi(revokeRoute, async (c) => {
    const presented = await presentedRefresh(c, c.req.valid("json"));
    const family = await revokeFamilyOf(database(c.env), await tokenHash(presented.token));
    if (family) await endLogin(c, family.userId, family.familyId);
    if (usesCookieSession(c)) clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.openapi(meRoute, (c) => {
    const principal = c.get("principal");
    if (principal.type !== "user")
      throw new ApiError("FORBIDDEN", "You do not have permission to perform this action.");
    return c.json({ id: principal.id, username: principal.name, role: principal.role }, 200);
  });
}
