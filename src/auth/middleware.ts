import type { Context, MiddlewareHandler } from "hono";
import { recordRoundTrips } from "../db/client";
import { type AppEnv, getConfig } from "../env";
import type { AdmitResult, Credential } from "../guard/protocol";
import { guard } from "../guard/stub";
import { ApiError } from "../http/errors";
import { isWellFormedKey, KEY_PREFIX, keyHash } from "../keys/format";
import { enforce, ruleFor } from "../limiter/headers";
import { clientIp } from "../limiter/login";
import { can, type Permission, type ThrottleScope, throttleScope } from "./permissions";
import { InvalidTokenError, verifyAccessToken } from "./tokens";

const REALM = 'Bearer realm="vigil"';

export function unauthorized(detail: string, error?: "invalid_request" | "invalid_token"): ApiError {
  const challenge = error ? `${REALM}, error="${error}", error_description="${detail.replaceAll('"', "'")}"` : REALM;
  return new ApiError("UNAUTHORIZED", detail, { headers: { "WWW-Authenticate": challenge } });
}

const forbidden = () => new ApiError("FORBIDDEN", "You do not have permission to perform this action.");

/**
 * For routes whose permission depends on what the body asks (a PATCH that only snoozes is
 * triage): the route's authorize() admitted the least of them; this refuses the rest (403).
 */
export function requirePermission(c: Context<AppEnv>, permission: Permission): void {
  if (!can(c.get("principal"), permission)) throw forbidden();
}

/** The bearer credential of a request, checked as far as the Worker alone can. */
export async function readCredential(header: string | undefined, c: Context<AppEnv>): Promise<Credential> {
  if (!header) throw unauthorized("Authentication credentials were not provided.");
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthorized("Authorization header must be 'Bearer <token>'.", "invalid_request");
  const token = match[1];
  if (token.startsWith(KEY_PREFIX)) {
    if (!isWellFormedKey(token)) throw unauthorized("Invalid API key.", "invalid_token");
    return { type: "key", hash: await keyHash(token) };
  }
  try {
    return { type: "user", ...(await verifyAccessToken(getConfig(c.env), token)) };
  } catch (e) {
    if (e instanceof InvalidTokenError) throw unauthorized(e.message, "invalid_token");
    throw e;
  }
}

/**
 * Requires `Authorization: Bearer <access token | API key>` and sets `credential`; 401 with a
 * precise `WWW-Authenticate` when it is missing or malformed, or the token's signature or claims
 * fail. Whether it has since been revoked is authorize()'s question.
 *
 * @example createRoute({ ..., middleware: [authenticate(), authorize("alerts:read")] })
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("credential", await readCredential(c.req.header("Authorization"), c));
    await next();
  };
}

export type AuthorizeOptions = {
  /** Budget the request spends (default 1); e.g. a batch costs its number of events. */
  cost?: (c: Context<AppEnv>) => number;
  /**
   * The handler acts before it answers, in a way a refusal could not undo (the stream opens a
   * socket in its hub): the guard's verdict comes first, even on a person's read.
   */
  guardFirst?: boolean;
};

/**
 * Deny by default. One call to the principal's Durable Object answers whether the credential is
 * still valid (401), whether it grants `permission` (403) and whether the budget allows it (429,
 * with the ratelimit headers on every answer); then `principal` is set.
 *
 * For a person's read, whose role the verified token already carries, that call and the route's
 * own query run side by side: the guard never adds to a read's latency, and a read the guard
 * refuses has its result thrown away. Writes, anything done with an API key (which only the
 * guard can vouch for), a read whose handler cannot be undone (`guardFirst`), and the reads of a
 * person the guard refused lately (see refusedUntil) wait for the guard first.
 *
 * If the guard cannot be reached, an access token is let through on its signature and role
 * (fail open, logged: an outage must not stop alert ingestion), but an API key, which only the
 * guard can vouch for, is refused with 503.
 */
export function authorize(permission: Permission, options: AuthorizeOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = c.get("credential");
    const scope = throttleScope(permission, c.req.method);
    const admission = admit(c, credential, permission, scope, options);
    const personRead = scope === "read" && credential.type === "user" ? credential.principal : null;
    if (personRead && !options.guardFirst && !refusedLately(personRead.id)) {
      if (!can(personRead, permission)) throw forbidden();
      c.set("principal", personRead);
      // Settled either way before the handler's errors are looked at.
      const [verdict] = await Promise.allSettled([admission, next()]);
      if (verdict.status === "rejected") throw verdict.reason;
      noteRead(personRead.id, verdict.value);
      apply(c, scope, verdict.value);
      return;
    }
    const verdict = await admission;
    if (personRead) noteRead(personRead.id, verdict);
    apply(c, scope, verdict);
    await next();
  };
}

/**
 * People the guard lately refused (over budget, or a revoked token), per isolate, and until when:
 * meanwhile their reads wait for the guard like writes do, so a client hammering past its budget
 * or with a dead token costs no queries. Bounded; forgetting someone only costs a query again.
 */
const REFUSED_MAX = 10_000;
const REVOKED_FOR_MS = 60_000;
const refusedUntil = new Map<number, number>();

function refusedLately(userId: number): boolean {
  const until = refusedUntil.get(userId);
  if (until === undefined) return false;
  if (until > Date.now()) return true;
  refusedUntil.delete(userId);
  return false;
}

/** Remembers a person's read refused by the guard, or forgets an earlier refusal once one is admitted. */
function noteRead(userId: number, result: AdmitResult | null): void {
  if (!result) return;
  const now = Date.now();
  const until =
    result.outcome === "unauthenticated"
      ? now + REVOKED_FOR_MS
      : result.outcome === "throttled"
        ? now + result.decision.retryAfterSeconds * 1000
        : 0;
  if (!until) {
    refusedUntil.delete(userId);
    return;
  }
  if (refusedUntil.size >= REFUSED_MAX) refusedUntil.delete(refusedUntil.keys().next().value ?? 0);
  refusedUntil.set(userId, until);
}

/**
 * API keys that do not exist, by hash, per isolate, for UNKNOWN_FOR_MS: a client repeating an
 * invented (or deleted) key is answered 401 without a Durable Object call or a query. Keys are
 * 256 random bits, so a hash remembered here cannot be one created meanwhile; revoked keys are
 * not kept here (their own object refuses them). Bounded: the oldest is forgotten first.
 */
const UNKNOWN_MAX = 10_000;
const UNKNOWN_FOR_MS = 60_000;
const unknownKeys = new Map<string, number>();

function knownUnknown(hash: string): boolean {
  const until = unknownKeys.get(hash);
  if (until === undefined) return false;
  if (until > Date.now()) return true;
  unknownKeys.delete(hash);
  return false;
}

function rememberUnknown(hash: string): void {
  if (unknownKeys.size >= UNKNOWN_MAX) unknownKeys.delete(unknownKeys.keys().next().value ?? "");
  unknownKeys.set(hash, Date.now() + UNKNOWN_FOR_MS);
}

/** The guard's answer, or null when it cannot be reached and the credential may go on without it. */
async function admit(
  c: Context<AppEnv>,
  credential: Credential,
  permission: Permission,
  scope: ThrottleScope,
  options: AuthorizeOptions,
): Promise<AdmitResult | null> {
  if (credential.type === "key" && knownUnknown(credential.hash))
    throw unauthorized("Invalid API key.", "invalid_token");
  try {
    const config = getConfig(c.env);
    const result = await guard(c.env, credential).admit({
      credential,
      permission,
      scope,
      rule: ruleFor(config, scope),
      cost: options.cost?.(c) ?? 1,
      lookup: credential.type === "key" ? { ip: clientIp(c), rule: ruleFor(config, "unknown-key") } : undefined,
    });
    if (result.outcome === "unauthenticated" && result.unknownKey && credential.type === "key") {
      rememberUnknown(credential.hash);
    }
    return result;
  } catch (error) {
    if (credential.type === "key") {
      console.error(logLine(c, "guard unreachable; refusing API key", error));
      throw new ApiError("SERVICE_UNAVAILABLE", "API keys cannot be checked right now; try again shortly.", {
        headers: { "Retry-After": "5" },
      });
    }
    console.warn(logLine(c, "guard unreachable; failing open", error));
    if (!can(credential.principal, permission)) throw forbidden();
    return null;
  }
}

/** Refuses (401, 403, 429) or lets through with the ratelimit headers and the principal set. */
function apply(c: Context<AppEnv>, scope: ThrottleScope, result: AdmitResult | null): void {
  if (!result) {
    const credential = c.get("credential");
    if (credential.type === "user") c.set("principal", credential.principal);
    return;
  }
  recordRoundTrips(result.dbRoundTrips);
  if (result.outcome === "unauthenticated") throw unauthorized(result.detail, "invalid_token");
  // Too many keys nobody holds, from this address: refused before any database look-up.
  if (result.outcome === "gated") {
    enforce(c, "unknown-key", result.decision);
    return;
  }
  if (result.outcome === "forbidden") throw forbidden();
  enforce(c, scope, result.decision);
  c.set("principal", result.principal);
}

function logLine(c: Context<AppEnv>, msg: string, error: unknown): string {
  return JSON.stringify({ level: "warn", requestId: c.get("requestId"), msg, error: String(error) });
}
