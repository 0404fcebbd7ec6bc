import { type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { ROLES, type Role } from "../db/schema";
import type { Credential } from "../guard/protocol";
import type { UserPrincipal } from "./principal";

/**
 * JWTs: one pinned algorithm (HS256), `iss`/`aud`/`exp`/`iat`/`jti` always, and a
 * `token_type` claim (as SimpleJWT has) so that no kind of token can stand in for another.
 * Verifying an access token needs no database; whether it has since been revoked is the user's
 * Durable Object's answer (see guard/), given on the call every request makes anyway.
 */
const ALGORITHM = "HS256";

/** The configuration tokens need (a subset of the Worker's; the CLIs sign service tokens too). */
export type TokenConfig = {
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  ACCESS_TOKEN_TTL_SECONDS: number;
  REFRESH_TOKEN_TTL_SECONDS: number;
};

/** How far a token's `iat` may be ahead of our clock (clock skew between issuers). */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * `service`: short-lived tokens the command-line tools present to the internal routes.
 * `stream`: single-use tickets for the WebSocket stream (browsers cannot send headers there).
 */
export type TokenType = "access" | "refresh" | "service" | "stream";

/** What the user's Durable Object needs to tell whether an access token was revoked. */
export type AccessClaims = {
  principal: UserPrincipal;
  /** The refresh-token family (one login): logging out ends it. */
  session: string;
  /** The user's token generation at issue; raising it voids every older token. */
  generation: number;
  /** When it expires (epoch ms); set when read from a token. */
  expiresAt?: number;
};

/** A refresh token's claims, stored beside its hash so the token can be signed again identically. */
export type RefreshClaims = {
  userId: number;
  familyId: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
};

const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key, imported once per isolate and secret rather than on every request. */
function signingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

type SigningConfig = Pick<TokenConfig, "JWT_SECRET" | "JWT_ISSUER" | "JWT_AUDIENCE">;

async function sign(
  config: SigningConfig,
  claims: JWTPayload & { token_type: TokenType },
  subject: string,
  times: { iat: number; exp: number; jti: string },
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(subject)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt(times.iat)
    .setExpirationTime(times.exp)
    .setJti(times.jti)
    .sign(await signingKey(config.JWT_SECRET));
}

export async function signAccessToken(config: TokenConfig, claims: AccessClaims): Promise<string> {
  const iat = nowSeconds();
  return sign(config, { token_type: "access", ...userClaimFields(claims) }, String(claims.principal.id), {
    iat,
    exp: iat + config.ACCESS_TOKEN_TTL_SECONDS,
    jti: crypto.randomUUID(),
  });
}

/** A user's claims as a token carries them (access tokens, and stream tickets made from one). */
function userClaimFields({ principal, session, generation }: AccessClaims) {
  return { username: principal.name, role: principal.role, sid: session, gen: generation };
}

/** The user's claims back from a verified token; 401 (`invalid`) when one is missing or malformed. */
function userClaimsOf(payload: JWTPayload, expiresAt: number | undefined, invalid: string): AccessClaims {
  const { username, role, sid, gen } = payload;
  if (
    typeof username !== "string" ||
    !ROLES.includes(role as Role) ||
    typeof sid !== "string" ||
    !Number.isSafeInteger(gen)
  ) {
    throw new InvalidTokenError(invalid);
  }
  return {
    principal: { type: "user", id: userIdOf(payload.sub), name: username, role: role as Role },
    session: sid,
    generation: gen as number,
    expiresAt,
  };
}

/** Claims for a new refresh token in `familyId` (a new login starts a new family). */
export function newRefreshClaims(config: TokenConfig, userId: number, familyId: string): RefreshClaims {
  const issuedAt = nowSeconds();
  return {
    userId,
    familyId,
    jti: crypto.randomUUID(),
    issuedAt,
    expiresAt: issuedAt + config.REFRESH_TOKEN_TTL_SECONDS,
  };
}

/** Deterministic: the same claims always give the same token (HS256 is an HMAC). */
export function signRefreshToken(config: TokenConfig, claims: RefreshClaims): Promise<string> {
  return sign(config, { token_type: "refresh", fam: claims.familyId }, String(claims.userId), {
    iat: claims.issuedAt,
    exp: claims.expiresAt,
    jti: claims.jti,
  });
}

/** A one-minute token for the command-line tools to call the internal routes. */
export function signServiceToken(config: SigningConfig, purpose: string): Promise<string> {
  const iat = nowSeconds();
  return sign(config, { token_type: "service" }, purpose, { iat, exp: iat + 60, jti: crypto.randomUUID() });
}

/** Why a token was refused; the text goes into `WWW-Authenticate` and the problem detail. */
export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

async function verify(config: TokenConfig, token: string, type: TokenType, maxLifetimeSeconds: number) {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await signingKey(config.JWT_SECRET), {
      algorithms: [ALGORITHM],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      requiredClaims: ["exp", "iat", "jti", "sub"],
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new InvalidTokenError("Token has expired.");
    throw new InvalidTokenError("Token is invalid.");
  }
  if (payload.token_type !== type) throw new InvalidTokenError(`Token is not a ${type} token.`);
  const { iat, exp } = payload as { iat: number; exp: number };
  // Correctly signed is not enough: a token from the future, or one that lives longer than we
  // ever issue, was not made by this configuration (a leaked key, a misconfigured issuer).
  if (iat > nowSeconds() + CLOCK_SKEW_SECONDS) throw new InvalidTokenError("Token was issued in the future.");
  if (exp - iat > maxLifetimeSeconds) throw new InvalidTokenError("Token lifetime exceeds the configured maximum.");
  return payload;
}

function userIdOf(sub: string | undefined): number {
  const id = Number(sub);
  if (!Number.isSafeInteger(id) || id < 1) throw new InvalidTokenError("Token is invalid.");
  return id;
}

/**
 * Access tokens this isolate has verified, by their exact text: a client sends the same token for
 * many requests, and re-checking its signature each time is most of what checking it costs. Only
 * tokens that passed every check are kept, each until its `exp` (checked again on every use), per
 * configuration (a rotated JWT_SECRET starts afresh); whether one has been revoked since is the
 * guard's question, asked on every request as before. At most VERIFIED_MAX, oldest out first.
 */
const VERIFIED_MAX = 1000;
const verified = new WeakMap<TokenConfig, Map<string, AccessClaims>>();

export async function verifyAccessToken(config: TokenConfig, token: string): Promise<AccessClaims> {
  let known = verified.get(config);
  if (!known) {
    known = new Map();
    verified.set(config, known);
  }
  const hit = known.get(token);
  if (hit && (hit.expiresAt ?? 0) > Date.now()) return hit;
  if (hit) known.delete(token);
  const claims = await verifyAccessTokenOnce(config, token);
  if (known.size >= VERIFIED_MAX) known.delete(known.keys().next().value ?? "");
  known.set(token, claims);
  return claims;
}

async function verifyAccessTokenOnce(config: TokenConfig, token: string): Promise<AccessClaims> {
  const payload = await verify(config, token, "access", config.ACCESS_TOKEN_TTL_SECONDS);
  return userClaimsOf(payload, (payload.exp as number) * 1000, "Token is invalid.");
}

export async function verifyRefreshToken(config: TokenConfig, token: string): Promise<RefreshClaims> {
  const payload = await verify(config, token, "refresh", config.REFRESH_TOKEN_TTL_SECONDS);
  if (typeof payload.fam !== "string" || typeof payload.jti !== "string") {
    throw new InvalidTokenError("Token is invalid.");
  }
  return {
    userId: userIdOf(payload.sub),
    familyId: payload.fam,
    jti: payload.jti,
    issuedAt: payload.iat as number,
    expiresAt: payload.exp as number,
  };
}

/** Returns the token's purpose (its subject). */
export async function verifyServiceToken(config: TokenConfig, token: string): Promise<string> {
  const payload = await verify(config, token, "service", 60);
  return payload.sub ?? "";
}

/** How long a stream ticket is good for (contract section 13). */
export const STREAM_TICKET_SECONDS = 60;

/**
 * A ticket stands for the credential it was asked with: a user's access-token claims (their
 * expiry included, so a socket closes when that token would have), or an API key by its hash.
 */
export function signStreamTicket(config: TokenConfig, credential: Credential): Promise<string> {
  const iat = nowSeconds();
  const times = { iat, exp: iat + STREAM_TICKET_SECONDS, jti: crypto.randomUUID() };
  if (credential.type === "key") return sign(config, { token_type: "stream", kh: credential.hash }, "key", times);
  const fields = { token_type: "stream" as const, ...userClaimFields(credential), cexp: credential.expiresAt };
  return sign(config, fields, String(credential.principal.id), times);
}

/** The ticket's own id and expiry (epoch ms): it is spent once, within its lifetime. */
export type TicketUse = { id: string; expiresAt: number };

export async function verifyStreamTicket(
  config: TokenConfig,
  token: string,
): Promise<{ credential: Credential; ticket: TicketUse }> {
  const payload = await verify(config, token, "stream", STREAM_TICKET_SECONDS);
  const ticket = { id: payload.jti ?? "", expiresAt: (payload.exp as number) * 1000 };
  if (payload.sub === "key") {
    if (typeof payload.kh !== "string") throw new InvalidTokenError("Ticket is invalid.");
    return { ticket, credential: { type: "key", hash: payload.kh } };
  }
  const expiresAt = typeof payload.cexp === "number" ? payload.cexp : undefined;
  return { ticket, credential: { type: "user", ...userClaimsOf(payload, expiresAt, "Ticket is invalid.") } };
}
