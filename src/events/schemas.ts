import { z } from "@hono/zod-openapi";
import { ALERT_STATUSES, PRINCIPAL_TYPES, SEVERITIES } from "../db/schema";
import { pageQuery, pageSchema } from "../http/pagination";
import {
  containsNul,
  criticalDescriptionProblem,
  jsonByteLength,
  MAX_CLOCK_SKEW_MS,
  MAX_DESCRIPTION,
  MAX_METADATA_BYTES,
} from "./rules";

const NO_NUL = "NUL characters are not allowed.";

/** A required string, trimmed, 1..max characters after trimming. */
export const requiredText = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? "This field is required." : "Must be a string.") })
    .trim()
    .min(1, "This field may not be blank.")
    .max(max, `Ensure this field has no more than ${max} characters.`)
    .refine((s) => !s.includes("\u0000"), NO_NUL);

export const severity = z.enum(SEVERITIES, { error: `Must be one of: ${SEVERITIES.join(", ")}.` });

/** ISO 8601 with an explicit offset or Z, e.g. 2026-11-24T10:15:00Z. */
export const timestamp = z.iso.datetime({ offset: true, error: "Must be an ISO 8601 timestamp with a time zone." });

export const EventCreateSchema = z
  .strictObject({
    source_name: requiredText(255).openapi({ description: "The system that saw it", example: "fw-edge-01" }),
    event_type: requiredText(100).openapi({ example: "brute_force" }),
    severity: severity.openapi({ example: "High" }),
    description: z
      .string({ error: "Must be a string." })
      .max(MAX_DESCRIPTION, `Ensure this field has no more than ${MAX_DESCRIPTION} characters.`)
      .refine((s) => !s.includes("\u0000"), NO_NUL)
      .optional()
      .openapi({
        description: "Up to 10,000 characters; required for Critical, with at least 20 characters after trimming",
        example: "50 failed SSH logins for root from 203.0.113.7 in 60 s",
      }),
    occurred_at: timestamp.optional().openapi({
      description: "When it happened at the source (default: ingest time); at most 5 minutes in the future",
      example: "2026-11-24T10:15:00Z",
    }),
    metadata: z
      .record(z.string(), z.unknown(), { error: "Must be a JSON object." })
      .optional()
      .openapi({
        description: "Free-form JSON object, at most 16 KiB serialized",
        example: { src_ip: "203.0.113.7", user: "root", host: "bastion-1" },
      }),
    dedup_key: requiredText(255)
      .optional()
      .openapi({
        description:
          "Groups alerts: a High or Critical event with a key joins the unresolved alert with the same key " +
          "(raising its event_count) instead of opening a new one",
        example: "ssh-bruteforce:203.0.113.7",
      }),
  })
  .superRefine((event, ctx) => {
    const critical = criticalDescriptionProblem(event.severity, event.description);
    if (critical) ctx.addIssue({ code: "custom", path: ["description"], message: critical });
    if (event.occurred_at && Date.parse(event.occurred_at) > Date.now() + MAX_CLOCK_SKEW_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["occurred_at"],
        message: "Must not be more than 5 minutes in the future.",
      });
    }
    if (event.metadata) {
      if (jsonByteLength(event.metadata) > MAX_METADATA_BYTES) {
        ctx.addIssue({ code: "custom", path: ["metadata"], message: "Must be at most 16 KiB once serialized." });
      } else if (containsNul(event.metadata)) {
        ctx.addIssue({ code: "custom", path: ["metadata"], message: NO_NUL });
      }
    }
  })
  .openapi("EventCreate");

export type EventCreate = z.output<typeof EventCreateSchema>;

export const AlertRefSchema = z
  .object({ id: z.number().int(), status: z.enum(ALERT_STATUSES) })
  .openapi("AlertRef", { description: "The alert this event raised or joined" });

export const IngestedBySchema = z
  .object({
    type: z.enum(PRINCIPAL_TYPES).openapi({ example: "key" }),
    id: z.number().int().openapi({ example: 3 }),
    name: z.string().openapi({ description: "The username, or the API key's name", example: "fw-edge-01" }),
  })
  .openapi("IngestedBy");

export const EventSchema = z
  .object({
    id: z.number().int().openapi({ example: 101 }),
    source_name: z.string().openapi({ example: "fw-edge-01" }),
    event_type: z.string().openapi({ example: "brute_force" }),
    severity: z.enum(SEVERITIES).openapi({ example: "High" }),
    description: z.string().openapi({ description: "Empty string when none was given" }),
    occurred_at: z.string().openapi({ example: "2026-11-24T10:15:00.000000Z" }),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string().openapi({ example: "2026-11-24T10:15:01.482113Z" }),
    dedup_key: z.string().nullable(),
    ingested_by: IngestedBySchema.nullable().openapi({
      description: "Who sent it; null only for events stored before senders were recorded",
    }),
    alert: AlertRefSchema.nullable(),
  })
  .openapi("Event");

export type EventView = z.output<typeof EventSchema>;

// Unknown query parameters are ignored, as DRF does; known ones are validated strictly.
export const EventFiltersSchema = z.object({
  ...pageQuery,
  severity: severity.optional(),
  source_name: z.string().max(255).optional().openapi({ description: "Exact match" }),
  event_type: z.string().max(100).optional().openapi({ description: "Exact match" }),
  created_after: timestamp.optional().openapi({ description: "Ingested at or after (inclusive)" }),
  created_before: timestamp.optional().openapi({ description: "Ingested at or before (inclusive)" }),
});

export type EventFilters = z.output<typeof EventFiltersSchema>;

export const EventPageSchema = pageSchema(EventSchema, "EventPage");

export const BatchResultSchema = z
  .object({
    created: z.number().int().openapi({ example: 2 }),
    failed: z.number().int().openapi({ example: 1 }),
    results: z.array(
      z.union([
        z.object({
          index: z.number().int().openapi({ description: "The item's position in the batch, from 0" }),
          status: z.literal(201),
          id: z.number().int(),
          alert: AlertRefSchema.nullable(),
        }),
        z.object({
          index: z.number().int(),
          status: z.literal(400),
          errors: z.record(z.string(), z.array(z.string())).openapi({
            description: "As a 400 problem's `errors`; a malformed NDJSON line: `non_field_errors`",
            example: { severity: ["Must be one of: Low, Medium, High, Critical."] },
          }),
        }),
      ]),
    ),
  })
  .openapi("BatchResult");

export type BatchResult = z.output<typeof BatchResultSchema>;
