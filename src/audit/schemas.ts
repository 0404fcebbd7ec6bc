import { z } from "@hono/zod-openapi";
import { AUDIT_ACTIONS, AUDIT_ACTOR_TYPES, AUDIT_TARGET_TYPES } from "../db/schema";
import { pageSchema } from "../http/pagination";
import { idNumber, int32IdNumber } from "../http/params";
import { text } from "../http/text";
import { utcTimestamp } from "../http/timestamp";

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
