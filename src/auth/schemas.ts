import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { countNumber, idNumber } from "../http/params";
import { exactText } from "../http/text";
import { MAX_USERNAME } from "../users/rules";
import { SESSION_HEADER } from "./session-cookie";

/** A signed token as the server issues it: a compact JWS (access and refresh tokens, stream tickets). */
export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const jwt = z.string().max(4096).regex(COMPACT_JWS);

export const TokenRequestSchema = z
  .strictObject({
    username: exactText(MAX_USERNAME).openapi({ example: "admin" }),
    password: exactText(1024).openapi({ example: "correct horse battery staple" }),
  })
  .openapi("TokenRequest");

export const TokenPairSchema = z
  .object({
    access: jwt.openapi({ description: "Access token (JWT, HS256), for `Authorization: Bearer`" }),
    refresh: jwt.optional().openapi({
      description:
        "Refresh token (JWT); single use, rotated by /api/auth/token/refresh/. Absent with `X-Vigil-Session: cookie`, " +
        "where it is set as an HttpOnly cookie instead.",
    }),
    token_type: z.literal("Bearer"),
    expires_in: countNumber.min(1).openapi({ description: "Access token lifetime in seconds", example: 900 }),
  })
  .openapi("TokenPair");

/** The token endpoints' browser mode (session-cookie.ts); any other value is refused, not ignored. */
export const SessionModeHeadersSchema = z.object({
  [SESSION_HEADER]: z
    .enum(["cookie"], { error: "Must be `cookie`, or left out." })
    .optional()
    .openapi({
      param: { name: SESSION_HEADER, in: "header" },
      description:
        "`cookie` (browsers): the refresh token travels in an HttpOnly, SameSite=Strict cookie scoped to " +
        "/api/auth/, never in a body, and `refresh` may be left out of the request. Without the header, tokens " +
        "travel in bodies as the DRF contract says.",
    }),
});

export const RefreshRequestSchema = z
  .strictObject({
    refresh: exactText(4096)
      .optional()
      .openapi({ description: "A refresh token; required unless `X-Vigil-Session: cookie` is sent" }),
  })
  .openapi("RefreshRequest");

export const RefreshResponseSchema = z
  .object({
    access: jwt.openapi({ description: "A new access token, with the user's current role" }),
    refresh: jwt.optional().openapi({
      description:
        "The next refresh token; the one presented no longer works. Absent with `X-Vigil-Session: cookie` (the cookie is rotated).",
    }),
    expires_in: countNumber
      .min(1)
      .optional()
      .openapi({ description: "Access token lifetime in seconds (cookie sessions)", example: 900 }),
  })
  .openapi("RefreshResponse");

export const MeSchema = z
  .object({
    id: idNumber,
    username: exactText(MAX_USERNAME).openapi({ example: "admin" }),
    role: z.enum(ROLES).openapi({ example: "admin" }),
  })
  .openapi("Me");
