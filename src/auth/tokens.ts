import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { ROLES, type Role } from "../db/schema";
import type { Config, Principal } from "../env";

/**
 * JWTs: one pinned algorithm (HS256), `iss`/`aud`/`exp`/`iat`/`jti` always, and a
 * `token_type` claim (as SimpleJWT has) so an access token can never stand in for a refresh
 * token or the reverse. Verifying an access token needs no database.
 */
const ALGORITHM = "HS256";

export type TokenType = "access" | "refresh";
export type RefreshClaims = { userId: number; familyId: string; jti: string; expiresAt: Date };

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

export async function signAccessToken(config: Config, principal: Principal): Promise<string> {
  return new SignJWT({ token_type: "access", username: principal.username, role: principal.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(String(principal.userId))
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${config.ACCESS_TOKEN_TTL_SECONDS}s`)
    .setJti(crypto.randomUUID())
    .sign(await signingKey(config.JWT_SECRET));
}

export async function signRefreshToken(
  config: Config,
  userId: number,
  familyId: string,
): Promise<{ token: string; claims: RefreshClaims }> {
  const jti = crypto.randomUUID();
  const expiresAt = new Date(Date.now() + config.REFRESH_TOKEN_TTL_SECONDS * 1000);
  const token = await new SignJWT({ token_type: "refresh", fam: familyId })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(String(userId))
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .setJti(jti)
    .sign(await signingKey(config.JWT_SECRET));
  return { token, claims: { userId, familyId, jti, expiresAt } };
}

/** Why a token was refused; the text goes into `WWW-Authenticate` and the problem detail. */
export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

async function verify(config: Config, token: string, type: TokenType) {
  try {
    const { payload } = await jwtVerify(token, await signingKey(config.JWT_SECRET), {
      algorithms: [ALGORITHM],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      requiredClaims: ["exp", "iat", "jti", "sub"],
    });
    if (payload.token_type !== type) throw new InvalidTokenError(`Token is not a ${type} token.`);
    return payload;
  } catch (e) {
    if (e instanceof InvalidTokenError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw new InvalidTokenError("Token has expired.");
    throw new InvalidTokenError("Token is invalid.");
  }
}

function userIdOf(sub: string | undefined): number {
  const id = Number(sub);
  if (!Number.isSafeInteger(id) || id < 1) throw new InvalidTokenError("Token is invalid.");
  return id;
}

export async function verifyAccessToken(config: Config, token: string): Promise<Principal> {
  const payload = await verify(config, token, "access");
  const { username, role } = payload;
  if (typeof username !== "string" || !ROLES.includes(role as Role)) {
    throw new InvalidTokenError("Token is invalid.");
  }
  return { userId: userIdOf(payload.sub), username, role: role as Role };
}

export async function verifyRefreshToken(config: Config, token: string): Promise<RefreshClaims> {
  const payload = await verify(config, token, "refresh");
  if (typeof payload.fam !== "string" || typeof payload.jti !== "string" || typeof payload.exp !== "number") {
    throw new InvalidTokenError("Token is invalid.");
  }
  return {
    userId: userIdOf(payload.sub),
    familyId: payload.fam,
    jti: payload.jti,
    expiresAt: new Date(payload.exp * 1000),
  };
}
