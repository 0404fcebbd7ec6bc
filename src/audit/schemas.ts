import { z } from "@hono/zod-openapi";
import { AUDIT_ACTIONS, AUDIT_ACTOR_TYPES, AUDIT_TARGET_TYPES } from "../db/schema";
import { pageQuery, pageSchema, positiveInt } from "../http/pagination";
import { idNumber, int32IdNumber } from "../http/params";
import { text } from "../http/text";
import { timestamp, utcTimestamp } from "../http/timestamp";

export const AuditEntrySchema = z
  .object({
    id: idNumber,
    at: utcTimestamp,
    actor: z.object({
      type: z.enum(AUDIT_ACTOR_TYPES).openapi({ description: "`user`: an admin, through the API; `cli`: the CLI" }),
      id: int32IdNumber.nullable().openapi({ description: "The admin's user id; null for the CLI" }),
      name: text(150).openapi({ description: "The admin's username, or the CLI's operating-system user" }),
    }),
    action: z.enum(AUDIT_ACTIONS),
    target: z.object({
      type: z.enum(AUDIT_TARGET_TYPES),
      id: int32IdNumber,
      name: text(2048).openapi({ description: "The username, key name or webhook URL, as it was then" }),
    }),
    from: text(150).nullable().openapi({ description: "Before: a role (role_changed); null otherwise" }),
    to: text(150)
      .nullable()
      .openapi({
        description:
          "After: the role (user.created, role_changed), the scopes (key.created), the event types (webhook.created), " +
          "the delivery id (webhook.delivery_retried); null otherwise",
      }),
  })
  .openapi("AuditEntry");

export type AuditEntry = z.output<typeof AuditEntrySchema>;

export const AuditPageSchema = pageSchema(AuditEntrySchema, "AuditPage");

// Unknown query parameters are ignored, as everywhere; known ones are validated strictly.
export const AuditFiltersSchema = z.object({
  ...pageQuery,
  action: z.enum(AUDIT_ACTIONS).optional().openapi({ description: "Only entries of this action" }),
  actor_type: z
    .enum(AUDIT_ACTOR_TYPES)
    .optional()
    .openapi({ description: "Only changes made through the API or the CLI" }),
  actor_id: positiveInt("actor_id").optional().openapi({ description: "Only what this admin did (their user id)" }),
  target_type: z
    .enum(AUDIT_TARGET_TYPES)
    .optional()
    .openapi({ description: "Only changes to users, keys or webhooks" }),
  target_id: positiveInt("target_id")
    .optional()
    .openapi({ description: "Only changes to the user, key or webhook with this id (give target_type with it)" }),
  after: timestamp({ about: "At or after (inclusive)" }).optional(),
  before: timestamp({ about: "At or before (inclusive)" }).optional(),
});

export type AuditFilters = z.output<typeof AuditFiltersSchema>;
