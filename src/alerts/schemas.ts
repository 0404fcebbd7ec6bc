import { z } from "@hono/zod-openapi";
import { ACTOR_TYPES, ALERT_STATUSES, HISTORY_ACTIONS, SEVERITIES } from "../db/schema";
import { MAX_STORED_TAGS } from "../events/rules";
import { EventSchema, severity } from "../events/schemas";
import { cursorPageSchema, cursorQuery } from "../http/cursor";
import { distinct } from "../http/distinct";
import { pageQuery, pageSchema } from "../http/pagination";
import { countNumber, idNumber } from "../http/params";
import { exactText, optionalText, requiredText, text } from "../http/text";
import { timestamp, utcTimestamp } from "../http/timestamp";
import { RuleSchema } from "../rules/schemas";
import { tagFilter } from "../tags/schema";
import { searchQuery } from "./search";
import { MAX_SNOOZE_DAYS, snoozeTimestamp } from "./snooze";
import {
  bucketCount,
  DEFAULT_TOP,
  MAX_STATS_BUCKETS,
  MAX_TOP,
  STATS_BUCKETS,
  STATS_GROUPINGS,
  type StatsBucket,
  type StatsGrouping,
} from "./stats";

export const SNOOZED_FILTERS = ["true", "false", "any"] as const;

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
    snoozed_until: utcTimestamp.nullable().openapi({
      description:
        "While in the future: hidden from status-filtered lists, and grouped events push nothing. Null: not snoozed",
    }),
    tags: z
      .array(text(64))
      .max(MAX_STORED_TAGS)
      .openapi({
        description: `The union of its events' tags, sorted (at most ${MAX_STORED_TAGS})`,
        example: ["pci"],
      }),
    opened_by_rule: RuleSchema.pick({ id: true, name: true, threshold: true })
      .nullable()
      .openapi({
        description:
          "The rule that opened it, as that rule was then (a threshold rule's `threshold` is set); null when no " +
          "rule did (a late heartbeat's alert, or one raised before rules existed)",
      }),
  })
  .openapi("Alert");

export type AlertView = z.output<typeof AlertSchema>;

const SEVERITY_LIST = new RegExp(`^(?:${SEVERITIES.join("|")})(?:,(?:${SEVERITIES.join("|")}))*$`);

/** `High,Critical`: one or more severities, as a set (repeats and order do not matter). */
const severityList = z
  .string({ error: "Must be a string." })
  .max(64)
  .regex(SEVERITY_LIST, `A comma-separated list of: ${SEVERITIES.join(", ")}.`)
  .transform((list) => SEVERITIES.filter((s) => list.split(",").includes(s)))
  .openapi({ pattern: SEVERITY_LIST.source, example: "High,Critical" });

export const AlertFiltersSchema = z
  .object({
    ...pageQuery,
    q: searchQuery.optional(),
    status: status.optional(),
    event__severity: severity.optional().openapi({ description: "The event's severity (DRF name)" }),
    severity: severityList.optional().openapi({
      description:
        "Alias of event__severity that also takes several, comma-separated (`High,Critical`: alerts of either); " +
        "both given and different is a 400",
    }),
    created_after: timestamp({ about: "Raised at or after (inclusive)" }).optional(),
    created_before: timestamp({ about: "Raised at or before (inclusive)" }).optional(),
    dedup_key: optionalText(255).openapi({ description: "Exact match on the grouping key" }),
    assignee: optionalText(150).openapi({
      description: "`me` (the caller's alerts), `none` (unassigned), or a username",
      example: "me",
    }),
    tag: tagFilter,
    snoozed: z
      .enum(SNOOZED_FILTERS, { error: `Must be one of: ${SNOOZED_FILTERS.join(", ")}.` })
      .optional()
      .openapi({
        description:
          "`true`: only snoozed alerts; `false`: none; `any`: both. Default: with `status`, snoozed alerts are " +
          "hidden (a queue shows what needs work now); without it, all are listed",
      }),
    ...cursorQuery,
  })
  .superRefine((q, ctx) => {
    if (q.severity && q.event__severity && (q.severity.length !== 1 || q.severity[0] !== q.event__severity)) {
      ctx.addIssue({ code: "custom", path: ["severity"], message: "Contradicts event__severity." });
    }
  });

export type AlertFilters = z.output<typeof AlertFiltersSchema>;

export const AlertPageSchema = pageSchema(AlertSchema, "AlertPage");
export const AlertCursorPageSchema = cursorPageSchema(AlertSchema, "AlertCursorPage");

const assignee = exactText(150)
  .nullable()
  .openapi({ description: "The username of an active user, or null to unassign", example: "alice" });

const snoozedUntil = snoozeTimestamp()
  .nullable()
  .openapi({
    description: `Snooze until then (in the future, at most ${MAX_SNOOZE_DAYS} days ahead), or null to wake it now`,
  });

const atLeastOne = (change: { status?: unknown; assignee?: unknown; snoozed_until?: unknown }) =>
  change.status !== undefined || change.assignee !== undefined || change.snoozed_until !== undefined;
const AT_LEAST_ONE_MESSAGE = "Give a status, an assignee or snoozed_until (or several).";
/** Resolving wakes an alert: asking for both at once is a contradiction. */
const notResolvedAndSnoozed = (change: { status?: unknown; snoozed_until?: unknown }) =>
  !(change.status === "Resolved" && typeof change.snoozed_until === "string");
const RESOLVED_AND_SNOOZED = "A Resolved alert cannot be snoozed: resolving wakes it.";
/** atLeastOne() as JSON Schema, for validators and generators that read the document. */
const AT_LEAST_ONE = {
  anyOf: [{ required: ["status"] }, { required: ["assignee"] }, { required: ["snoozed_until"] }],
};

export const AlertUpdateSchema = z
  .strictObject({
    status: status.optional().openapi({ example: "Acknowledged" }),
    assignee: assignee.optional(),
    snoozed_until: snoozedUntil.optional(),
  })
  .refine(atLeastOne, { message: AT_LEAST_ONE_MESSAGE, path: ["non_field_errors"] })
  .refine(notResolvedAndSnoozed, { message: RESOLVED_AND_SNOOZED, path: ["snoozed_until"] })
  .openapi("AlertUpdate", {
    description: "At least one of `status`, `assignee` and `snoozed_until`",
    ...AT_LEAST_ONE,
  });

export const MAX_BULK_IDS = 1000;

export const BulkRequestSchema = z
  .strictObject({
    ids: distinct(
      z
        .array(idNumber, { error: "Must be a list of alert ids." })
        .min(1, "Give at least one id.")
        .max(MAX_BULK_IDS, `At most ${MAX_BULK_IDS} ids.`),
      "Ids must not repeat.",
    ).openapi({ description: `1 to ${MAX_BULK_IDS} distinct alert ids`, example: [7, 8, 9] }),
    status: status.optional().openapi({ example: "Resolved" }),
    assignee: assignee.optional(),
    snoozed_until: snoozedUntil.optional(),
  })
  .refine(atLeastOne, { message: AT_LEAST_ONE_MESSAGE, path: ["non_field_errors"] })
  .refine(notResolvedAndSnoozed, { message: RESOLVED_AND_SNOOZED, path: ["snoozed_until"] })
  .openapi("BulkRequest", {
    description: "`ids`, and at least one of `status`, `assignee` and `snoozed_until`",
    ...AT_LEAST_ONE,
  });

export const BulkResultSchema = z
  .object({
    results: z
      .array(
        z.object({
          id: idNumber,
          status: z.union([z.literal(200), z.literal(404), z.literal(409)]),
          alert: AlertSchema.optional().openapi({ description: "The alert as it now is (200 and 409)" }),
          detail: text(2048).optional().openapi({ description: "Why it was refused (404 and 409)" }),
        }),
      )
      .max(MAX_BULK_IDS),
  })
  .openapi("BulkResult");

export const NoteCreateSchema = z
  .strictObject({ body: requiredText(10_000).openapi({ example: "Blocked 203.0.113.7 at the edge firewall." }) })
  .openapi("NoteCreate");

export const NoteSchema = z
  .object({
    id: idNumber,
    alert_id: idNumber,
    author: text(150).openapi({ description: "The author's username", example: "alice" }),
    body: text(10_000),
    created_at: utcTimestamp,
  })
  .openapi("Note");

export const HistoryEntrySchema = z
  .object({
    id: idNumber,
    at: utcTimestamp,
    actor: z.object({
      type: z.enum(ACTOR_TYPES),
      name: text(150).openapi({ description: "A username, an API key's name, or `system` (grouping)" }),
    }),
    action: z.enum(HISTORY_ACTIONS),
    from: text(150).nullable().openapi({
      description:
        "Before: a status, an assignee's username (null: unassigned), an event count (event_grouped); null otherwise",
    }),
    to: text(150).nullable().openapi({
      description: "After, likewise; for note_added the note's id; for snoozed and unsnoozed the snooze's end",
    }),
    reason: text(500).nullable().openapi({
      description: "Why, in words, when the system made the change (a heartbeat came back, a snooze ran out, ...)",
      example: "Heartbeat fw-edge-1 beat again.",
    }),
  })
  .openapi("HistoryEntry");

const GROUPINGS = Object.keys(STATS_GROUPINGS) as StatsGrouping[];
const GROUPING_LIST = new RegExp(`^(?:${GROUPINGS.join("|")})(?:,(?:${GROUPINGS.join("|")}))*$`);

export const StatsQuerySchema = z
  .object({
    created_after: timestamp({ about: "Alerts raised at or after (inclusive)" }).optional(),
    created_before: timestamp({ about: "Alerts raised at or before (inclusive)" }).optional(),
    bucket: z
      .enum(Object.keys(STATS_BUCKETS) as [StatsBucket, ...StatsBucket[]], { error: "Must be hour or day." })
      .optional()
      .openapi({
        description:
          "Adds `series`: the alerts raised in each hour or day (UTC) from the one holding `created_after` (then " +
          `required) to the one holding \`created_before\` (default: now), empty ones included; at most ${MAX_STATS_BUCKETS} buckets`,
      }),
    group_by: z
      .string({ error: "Must be a string." })
      .max(64)
      .regex(GROUPING_LIST, `A comma-separated list of: ${GROUPINGS.join(", ")}.`)
      .transform((list) => GROUPINGS.filter((g) => list.split(",").includes(g)))
      .optional()
      .openapi({
        pattern: GROUPING_LIST.source,
        example: "source_name,event_type",
        description:
          "Adds `groups`: for each grouping named (comma-separated), its `top` largest groups, largest first. " +
          "`tag` counts each alert once in every tag it carries (an alert without tags in none)",
      }),
    top: z
      .string()
      .regex(/^[1-9][0-9]{0,2}$/, `Must be an integer from 1 to ${MAX_TOP}.`)
      .transform(Number)
      .refine((n) => n <= MAX_TOP, `Must be an integer from 1 to ${MAX_TOP}.`)
      .optional()
      .openapi({
        type: "integer",
        format: "int32",
        minimum: 1,
        maximum: MAX_TOP,
        pattern: undefined,
        description: `Groups per grouping (default ${DEFAULT_TOP})`,
      }),
  })
  .superRefine((q, ctx) => {
    if (!q.bucket) return;
    if (!q.created_after) {
      ctx.addIssue({
        code: "custom",
        path: ["created_after"],
        message: "Required with bucket: where the series starts.",
      });
      return;
    }
    if (bucketCount(q.bucket, q.created_after, q.created_before, Date.now()) > MAX_STATS_BUCKETS) {
      ctx.addIssue({
        code: "custom",
        path: ["bucket"],
        message: `At most ${MAX_STATS_BUCKETS} buckets: narrow the range, or use bucket=day.`,
      });
    }
  });

export type StatsQuery = z.output<typeof StatsQuerySchema>;

const statusCounts = Object.fromEntries(ALERT_STATUSES.map((s) => [s, countNumber])) as Record<
  (typeof ALERT_STATUSES)[number],
  typeof countNumber
>;
const seconds = z.number().min(0).max(1e12).nullable();
const bySeverity = z.object({ High: countNumber, Critical: countNumber });
const meanToAcknowledge = seconds.openapi({
  description: "From raised to first leaving Open, over the alerts that did; null when none did",
});
const meanToResolve = seconds.openapi({
  description: "From raised to Resolved, over resolved alerts; null when none is",
});
const groupList = z
  .array(
    z.object({
      key: text(255).openapi({ description: "The source name, event type, severity or tag", example: "fw-edge-01" }),
      count: countNumber,
    }),
  )
  .max(MAX_TOP);

export const StatsSchema = z
  .object({
    total: countNumber,
    by_status: z.object(statusCounts),
    by_severity: bySeverity,
    unassigned_open: countNumber.openapi({ description: "Alerts in status Open with no assignee" }),
    mean_seconds_to_acknowledge: meanToAcknowledge,
    mean_seconds_to_resolve: meanToResolve,
    series: z
      .array(
        z.object({
          start: utcTimestamp.openapi({ description: "The bucket's first instant (UTC)" }),
          total: countNumber,
          by_severity: bySeverity,
          mean_seconds_to_acknowledge: meanToAcknowledge,
          mean_seconds_to_resolve: meanToResolve,
        }),
      )
      .max(MAX_STATS_BUCKETS)
      .optional()
      .openapi({
        description: "With `bucket`: alerts raised per bucket, oldest first; means over each bucket's alerts",
      }),
    groups: z
      .object(
        Object.fromEntries(GROUPINGS.map((g) => [g, groupList.optional()])) as Record<
          StatsGrouping,
          z.ZodOptional<typeof groupList>
        >,
      )
      .optional()
      .openapi({ description: "With `group_by`: for each grouping asked, its largest groups" }),
  })
  .openapi("AlertStats");
