import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { exactText } from "../http/text";
import { MAX_USERNAME } from "../users/rules";

export const TokenRequestSchema = z
  .strictObject({
    username: exactText(MAX_USERNAME).openapi({ example: "admin" }),
    password: exactText(1024).openapi({ example: "correct horse battery staple" }),
  })
  .openapi("TokenRequest");

export const TokenPairSchema = z
  .object({
    access: z.string().openapi({ description: "Access token (JWT, HS256), for `Authorization: Bearer`" }),
    refresh: z
      .string()
      .openapi({ description: "Refresh token (JWT); single use, rotated by /api/auth/token/refresh/" }),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Access token lifetime in seconds", example: 900 }),
  })
  .openapi("TokenPair");

export const RefreshRequestSchema = z
  .strictObject({ refresh: exactText(4096).openapi({ description: "A refresh token" }) })
  .openapi("RefreshRequest");

export const RefreshResponseSchema = z
  .object({
    access: z.string().openapi({ description: "A new access token, with the user's current role" }),
    refresh: z.string().openapi({ description: "The next refresh token; the one presented no longer works" }),
  })
  .openapi("RefreshResponse");

export const MeSchema = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    username: z.string().openapi({ example: "admin" }),
    role: z.enum(ROLES).openapi({ example: "admin" }),
  })
  .openapi("Me");
