import { z } from "@hono/zod-openapi";
import { ALERT_STATUSES, PRINCIPAL_TYPES, SEVERITIES } from "../db/schema";
import { cursorPageSchema, cursorQuery } from "../http/cursor";
import { jsonObject } from "../http/json-value";
import { pageQuery, pageSchema } from "../http/pagination";
import { booleanQuery, countNumber, idNumber, int32IdNumber } from "../http/params";
import { optionalText, requiredText, text } from "../http/text";
import { timestamp, utcTimestamp } from "../http/timestamp";
import { RESERVED_KEY_PREFIXES } from "../rules/template";
import { normalizedTags, tag, tagFilter } from "../tags/schema";
import {
  criticalDescriptionProblem,
  MAX_BATCH_ITEMS,
  MAX_CLOCK_SKEW_MS,
  MAX_DESCRIPTION,
  MAX_EVENT_TAGS,
  MAX_EVENT_TYPE,
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  MAX_RULES_APPLIED,
  MAX_SOURCE_NAME,
  MAX_STORED_TAGS,
  MIN_CRITICAL_DESCRIPTION,
} from "./rules";

export const severity = z.enum(SEVERITIES, { error: `Must be one of: ${SEVERITIES.join(", ")}.` });

export const EventCreateSchema = z
  .strictObject({
    source_name: requiredText(MAX_SOURCE_NAME).openapi({
      description: "The system that saw it; stored trimmed",
      example: "fw-edge-01",
    }),
    event_type: requiredText(MAX_EVENT_TYPE).openapi({ description: "Stored trimmed", example: "brute_force" }),
    severity: severity.openapi({ example: "High" }),
    description: optionalText(MAX_DESCRIPTION).openapi({
      description: "Up to 10,000 characters; required for Critical, with at least 20 characters after trimming",
      example: "50 failed SSH logins for root from 203.0.113.7 in 60 s",
    }),
    occurred_at: timestamp({
      about: "When it happened at the source (default: ingest time)",
      maxAheadMs: MAX_CLOCK_SKEW_MS,
    })
      .optional()
      .openapi({ example: "2026-11-24T10:15:00Z" }),
    metadata: jsonObject({ maxBytes: MAX_METADATA_BYTES, maxDepth: MAX_METADATA_DEPTH })
      .optional()
      .openapi({ example: { src_ip: "203.0.113.7", user: "root", host: "bastion-1" } }),
    dedup_key: requiredText(255)
      .optional()
      .openapi({
        description:
          "Groups alerts: an alerting event with a key joins the unresolved alert with the same key (raising its " +
          `event_count) instead of opening a new one. Keys starting ${RESERVED_KEY_PREFIXES.map((p) => `\`${p}\``).join(" or ")} ` +
          "are Vigil's own (heartbeat and threshold alerts): a sensor cannot send one",
        example: "ssh-bruteforce:203.0.113.7",
      }),
    tags: z
      .array(tag, { error: "Must be a list of tags." })
      .max(MAX_EVENT_TAGS, `At most ${MAX_EVENT_TAGS} tags.`)
      .transform(normalizedTags)
      .optional()
      .openapi({
        description: `Up to ${MAX_EVENT_TAGS} labels (a-z 0-9 : _ . -), stored sorted without repeats; rules may add more`,
        example: ["pci", "env:prod"],
      }),
  })
  .superRefine((event, ctx) => {
    const critical = criticalDescriptionProblem(event.severity, event.description);
    if (critical) ctx.addIssue({ code: "custom", path: ["description"], message: critical });
    const reserved = RESERVED_KEY_PREFIXES.find((prefix) => event.dedup_key?.startsWith(prefix));
    if (reserved) {
      ctx.addIssue({
        code: "custom",
        path: ["dedup_key"],
        message: `Keys starting "${reserved}" are reserved for Vigil's own alerts (heartbeats, threshold rules).`,
      });
    }
  })
  .openapi("EventCreate", documentedCriticalRule());

export type EventCreate = z.output<typeof EventCreateSchema>;

/**
 * The Critical rule of criticalDescriptionProblem() as JSON Schema, so the document states it as
 * a keyword: a description with at least MIN_CRITICAL_DESCRIPTION characters from the first to
 * the last one that trimming keeps. (`if`/`then` are JSON Schema that the metadata type, shared
 * with OpenAPI 3.0, does not list: hence a variable rather than a literal.)
 */
function documentedCriticalRule() {
  const rule = {
    description: "An event as a sensor reports it",
    if: { properties: { severity: { const: "Critical" } }, required: ["severity"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, in a value that is never awaited.
    then: {
      required: ["description"],
      properties: {
        description: { pattern: String.raw`^\s*\S[\s\S]{${MIN_CRITICAL_DESCRIPTION - 2},}\S\s*$` },
      },
    },
  };
  return rule;
}

const alertStatus = z.enum(ALERT_STATUSES);

export const AlertRefSchema = z
  .object({ id: idNumber, status: alertStatus })
  .openapi("AlertRef", { description: "The alert this event raised or joined" });

const IngestedBySchema = z
  .object({
    type: z.enum(PRINCIPAL_TYPES).openapi({ example: "key" }),
    id: idNumber.openapi({ example: 3 }),
    name: text(150).openapi({ description: "The username, or the API key's name", example: "fw-edge-01" }),
  })
  .openapi("IngestedBy");

export const EventSchema = z
  .object({
    id: idNumber,
    source_name: requiredText(MAX_SOURCE_NAME).openapi({ example: "fw-edge-01" }),
    event_type: requiredText(MAX_EVENT_TYPE).openapi({ example: "brute_force" }),
    severity: z.enum(SEVERITIES).openapi({ example: "High" }),
    description: text(MAX_DESCRIPTION).openapi({ description: "Empty string when none was given" }),
    occurred_at: utcTimestamp,
    metadata: z.record(z.string(), z.unknown()).openapi({ description: "As sent" }),
    created_at: utcTimestamp,
    dedup_key: text(255).nullable().openapi({ description: "As sent, trimmed; null without one" }),
    ingested_by: IngestedBySchema.nullable().openapi({
      description: "Who sent it; null only for events stored before senders were recorded",
    }),
    alert: AlertRefSchema.nullable(),
    silenced_by: int32IdNumber.nullable().openapi({
      description: "The silence that was active and matched when it arrived: stored, alerting no one; else null",
    }),
    tags: z
      .array(text(64))
      .max(MAX_STORED_TAGS)
      .openapi({
        description: `The sensor's and those its rules added, sorted (at most ${MAX_STORED_TAGS})`,
        example: ["pci"],
      }),
    rules_applied: z
      .array(int32IdNumber)
      .max(MAX_RULES_APPLIED)
      .openapi({ description: "The rules whose actions applied to it, in evaluation order", example: [4, 1] }),
    suppressed_by_rule: int32IdNumber.nullable().openapi({
      description: "The rule that suppressed it (stored, raising nothing); else null",
    }),
  })
  .openapi("Event");

export type EventView = z.output<typeof EventSchema>;

// Unknown query parameters are ignored, as DRF does; known ones are validated strictly.
export const EventFiltersSchema = z.object({
  ...pageQuery,
  severity: severity.optional(),
  source_name: optionalText(MAX_SOURCE_NAME).openapi({ description: "Exact match" }),
  event_type: optionalText(MAX_EVENT_TYPE).openapi({ description: "Exact match" }),
  created_after: timestamp({ about: "Ingested at or after (inclusive)" }).optional(),
  created_before: timestamp({ about: "Ingested at or before (inclusive)" }).optional(),
  silenced: booleanQuery("`true`: only events a silence swallowed; `false`: only the others"),
  suppressed: booleanQuery("`true`: only events a rule suppressed; `false`: only the others"),
  tag: tagFilter,
  ...cursorQuery,
});

export type EventFilters = z.output<typeof EventFiltersSchema>;

export const EventPageSchema = pageSchema(EventSchema, "EventPage");
export const EventCursorPageSchema = cursorPageSchema(EventSchema, "EventCursorPage");

const batchIndex = countNumber
  .max(MAX_BATCH_ITEMS - 1)
  .openapi({ description: "The item's position in the batch, from 0" });

export const BatchResultSchema = z
  .object({
    created: countNumber.max(MAX_BATCH_ITEMS).openapi({ example: 2 }),
    failed: countNumber.max(MAX_BATCH_ITEMS).openapi({ example: 1 }),
    results: z
      .array(
        z.union([
          z.object({
            index: batchIndex,
            status: z.literal(201),
            id: idNumber,
            alert: AlertRefSchema.nullable(),
          }),
          z.object({
            index: batchIndex,
            status: z.literal(400),
            errors: z.record(z.string().max(300), z.array(text(2048)).max(20)).openapi({
              description: "As a 400 problem's `errors`; a malformed NDJSON line: `non_field_errors`",
              example: { severity: ["Must be one of: Low, Medium, High, Critical."] },
            }),
          }),
        ]),
      )
      .max(MAX_BATCH_ITEMS),
  })
  .openapi("BatchResult");

export type BatchResult = z.output<typeof BatchResultSchema>;
