import { z } from "@hono/zod-openapi";
import { MIN_PASSWORD_LENGTH } from "../auth/password";
import { ROLES } from "../db/schema";
import { pageSchema } from "../http/pagination";
import { int32IdNumber } from "../http/params";
import { TEXT_PATTERN, text } from "../http/text";
import { utcTimestamp } from "../http/timestamp";
import { MAX_USERNAME, USERNAME_PATTERN } from "./rules";

const role = z.enum(ROLES, { error: `Must be one of: ${ROLES.join(", ")}.` });

const password = text(1024)
  .min(MIN_PASSWORD_LENGTH, `Must be at least ${MIN_PASSWORD_LENGTH} characters.`)
  .openapi({ description: `At least ${MIN_PASSWORD_LENGTH} characters`, example: "correct horse battery staple" });

const generatedPassword = z.string().max(1024).optional().openapi({
  description: "The password generated because none was given: shown in this response only (only a hash is kept)",
  pattern: "^[A-Za-z0-9_-]{24}$",
  example: "p3Yq0vJ9mH2xKc7sLw4tNa1B",
});

export const UserCreateSchema = z
  .strictObject({
    username: z
      .string({ error: "Must be a string." })
      .max(MAX_USERNAME, `Ensure this field has no more than ${MAX_USERNAME} characters.`)
      .regex(USERNAME_PATTERN, `1 to ${MAX_USERNAME} letters, digits and @ . + - _ only.`)
      .openapi({
        // Letters and digits of any script (\p{L}, \p{N}) need a Unicode-aware pattern, which not
        // every validator applies: the document states the rule in words, and a pattern all read alike.
        pattern: TEXT_PATTERN,
        minLength: 1,
        description: `1 to ${MAX_USERNAME} letters (any script), digits and @ . + - _ (Django's rule); taken: 409`,
        example: "carol",
      }),
    role: role.openapi({ example: "analyst" }),
    password: password.optional().openapi({ description: "Left out: a strong one is generated and returned once" }),
  })
  .openapi("UserCreate");

export const UserSchema = z
  .object({
    id: int32IdNumber,
    username: text(MAX_USERNAME).openapi({ example: "carol" }),
    role,
    is_active: z.boolean().openapi({ description: "False: cannot sign in; every session was ended" }),
    created_at: utcTimestamp,
  })
  .openapi("User");

export const CreatedUserSchema = UserSchema.extend({ password: generatedPassword }).openapi("CreatedUser");

export const UserUpdateSchema = z
  .strictObject({
    role: role.optional().openapi({ example: "admin" }),
    is_active: z
      .boolean({ error: "Must be true or false." })
      .optional()
      .openapi({ description: "false deactivates (every session ends), true reactivates", example: false }),
  })
  .refine((u) => u.role !== undefined || u.is_active !== undefined, {
    message: "Give a role, is_active, or both.",
    path: ["non_field_errors"],
  })
  .openapi("UserUpdate", {
    description: "At least one of `role` and `is_active`",
    anyOf: [{ required: ["role"] }, { required: ["is_active"] }],
  });

export const PasswordResetSchema = z
  .strictObject({ password: password.optional().openapi({ description: "Left out: a strong one is generated" }) })
  .openapi("PasswordReset");

export const UserPageSchema = pageSchema(UserSchema, "UserPage");
