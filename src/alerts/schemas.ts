import { z } from "@hono/zod-openapi";
import { ALERT_STATUSES, SEVERITIES } from "../db/schema";
import { EventSchema, severity } from "../events/schemas";
import { pageQuery, pageSchema } from "../http/pagination";
import { countNumber, idNumber } from "../http/params";
import { optionalText, text } from "../http/text";
import { timestamp, utcTimestamp } from "../http/timestamp";

const status = z.enum(ALERT_STATUSES, { error: `Must be one of: ${ALERT_STATUSES.join(", ")}.` });

export const AlertSchema = z
  .object({
    id: idNumber,
    status: status.openapi({ example: "Open" }),
    severity: z
      .enum(SEVERITIES)
      .openapi({ description: "The highest severity among its events (never falls)", example: "High" }),
    event: EventSchema.openapi({ description: "The event that opened the alert" }),
    dedup_key: text(255).nullable().openapi({ description: "The grouping key, if the opening event had one" }),
    event_count: countNumber.min(1).openapi({ description: "Events grouped into this alert", example: 1 }),
    last_event_at: utcTimestamp.openapi({ description: "When the latest grouped event was ingested" }),
    assignee: text(150).nullable().openapi({ description: "The assigned user's username", example: "alice" }),
    created_at: utcTimestamp,
    updated_at: utcTimestamp,
    acknowledged_at: utcTimestamp.nullable().openapi({
      description: "Set the first time the alert leaves Open (to any status), then kept",
    }),
    resolved_at: utcTimestamp.nullable().openapi({ description: "Set when the alert is resolved" }),
  })
  .openapi("Alert");

export type AlertView = z.output<typeof AlertSchema>;

export const AlertFiltersSchema = z
  .object({
    ...pageQuery,
    status: status.optional(),
    event__severity: severity.optional().openapi({ description: "The event's severity (DRF name)" }),
    severity: severity
      .optional()
      .openapi({ description: "Alias of event__severity; both given and different is a 400" }),
    created_after: timestamp({ about: "Raised at or after (inclusive)" }).optional(),
    created_before: timestamp({ about: "Raised at or before (inclusive)" }).optional(),
    dedup_key: optionalText(255).openapi({ description: "Exact match on the grouping key" }),
  })
  .superRefine((q, ctx) => {
    if (q.severity && q.event__severity && q.severity !== q.event__severity) {
      ctx.addIssue({ code: "custom", path: ["severity"], message: "Contradicts event__severity." });
    }
  });

export type AlertFilters = z.output<typeof AlertFiltersSchema>;

export const AlertPageSchema = pageSchema(AlertSchema, "AlertPage");

export const AlertUpdateSchema = z
  .strictObject({ status: status.openapi({ example: "Acknowledged" }) })
  .openapi("AlertUpdate");
