import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { MAX_USERNAME } from "../users/rules";

const required = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? "This field is required." : "Must be a string.") })
    .min(1, "This field may not be blank.")
    .max(max, `Ensure this field has no more than ${max} characters.`);

export const TokenRequestSchema = z
  .strictObject({
    username: required(MAX_USERNAME).openapi({ example: "admin" }),
    password: required(1024).openapi({ example: "correct horse battery staple" }),
  })
  .openapi("TokenRequest");

export const TokenPairSchema = z
  .object({
    access: z.string().openapi({ description: "Access token (JWT, HS256), for `Authorization: Bearer`" }),
    refresh: z
      .string()
      .optional()
      .openapi({
        description:
          "Refresh token (JWT); single use, rotated by /api/auth/token/refresh/. Absent with `X-Vigil-Session: cookie`, " +
          "where it is set as an HttpOnly cookie instead.",
      }),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Access token lifetime in seconds", example: 900 }),
  })
  .openapi("TokenPair");

export const RefreshRequestSchema = z
  .strictObject({
    refresh: required(4096)
      .optional()
      .openapi({ description: "A refresh token; required unless `X-Vigil-Session: cookie` is sent" }),
  })
  .openapi("RefreshRequest");

export const RefreshResponseSchema = z
  .object({
    access: z.string().openapi({ description: "A new access token, with the user's current role" }),
    refresh: z.string().optional().openapi({
      description:
        "The next refresh token; the one presented no longer works. Absent with `X-Vigil-Session: cookie` (the cookie is rotated).",
    }),
    expires_in: z.number().int().optional().openapi({ description: "Access token lifetime in seconds", example: 900 }),
  })
  .openapi("RefreshResponse");

export const MeSchema = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    username: z.string().openapi({ example: "admin" }),
    role: z.enum(ROLES).openapi({ example: "admin" }),
  })
  .openapi("Me");
