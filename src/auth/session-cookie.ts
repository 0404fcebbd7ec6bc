import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";

/**
 * Browsers keep the refresh token where script cannot read it: an HttpOnly, SameSite=Strict
 * cookie scoped to the token endpoints. A client opts in with `X-Vigil-Session: cookie` on each
 * token request; without the header every endpoint behaves as the DRF contract says. Requiring a
 * custom header (which a cross-site form cannot send, and which our same-origin-only API never
 * allows through CORS) on top of SameSite=Strict and a JSON body is the CSRF defence.
 */
export const SESSION_HEADER = "X-Vigil-Session";
const COOKIE = "vigil_refresh";
const PATH = "/api/auth/";

export function usesCookieSession(c: Context<AppEnv>): boolean {
  // Exactly `cookie`: the route's header schema has refused any other value with a 400.
  return c.req.header(SESSION_HEADER) === "cookie";
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, COOKIE);
}

export function setSessionCookie(c: Context<AppEnv>, refresh: string, maxAgeSeconds: number): void {
  setCookie(c, COOKIE, refresh, {
    httpOnly: true,
    sameSite: "Strict",
    path: PATH,
    maxAge: maxAgeSeconds,
    secure: !isPlainHttpLoopback(c),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, COOKIE, { path: PATH, secure: !isPlainHttpLoopback(c), httpOnly: true, sameSite: "Strict" });
}

// `Secure` cookies are not sent over plain http; local development (wrangler dev) is the only
// plain-http origin we serve, and it is on loopback.
function isPlainHttpLoopback(c: Context<AppEnv>): boolean {
  const url = new URL(c.req.url);
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}
