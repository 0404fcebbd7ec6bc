import { z } from "@hono/zod-openapi";
import { SEVERITIES } from "../db/schema";
import { MAX_BATCH_ITEMS } from "../events/rules";
import { AlertRefSchema, BatchResultSchema } from "../events/schemas";
import { countNumber, idNumber } from "../http/params";
import { TEXT_PATTERN, text } from "../http/text";

/** Bodies are at most MAX_BATCH_BODY_BYTES (1 MiB by default): no string in one is longer. */
const MAX_TEXT = 1_048_576;

const ITEMS = `1 to ${MAX_BATCH_ITEMS}`;
const PER_ITEM =
  "checked on its own and answered in `results` at its index: 201 with the event's id (and its alert), or 400 with " +
  "`errors` naming the sender's fields (`labels.alertname`, `metadata.product.name`); a malformed item stores " +
  "nothing and does not fail the others";

// The text rules (text.ts) hold for every key and string of a payload, as for metadata; with them,
// keys are never `__proto__` (json-value.ts).
const keyRules = { propertyNames: { pattern: TEXT_PATTERN, not: { const: "__proto__" } } };

const MAX_LABEL_NAME = 1024;
const labelKeyRules = { propertyNames: { ...keyRules.propertyNames, maxLength: MAX_LABEL_NAME } };
const labelSet = (description: string) =>
  z
    .record(text(MAX_LABEL_NAME), text(MAX_TEXT))
    .optional()
    .openapi({ description, ...labelKeyRules });

/**
 * Alertmanager's webhook notification (payload version 4), as far as a notification is checked
 * whole: its alerts are items, each checked alone. Fields Vigil does not know are ignored.
 */
export const AlertmanagerPayloadSchema = z
  .object({
    version: text(16).optional().openapi({ description: 'The payload version ("4"; Grafana sends "1")', example: "4" }),
    groupKey: text(MAX_TEXT).optional().openapi({ example: '{}:{alertname="InstanceDown"}' }),
    truncatedAlerts: countNumber
      .optional()
      .openapi({ description: "Alerts left out by max_alerts (they come again later)" }),
    status: z
      .enum(["firing", "resolved"], { error: 'Must be "firing" or "resolved".' })
      .optional()
      .openapi({ description: "Resolved only when every alert is; each alert's own `status` is what counts" }),
    receiver: text(MAX_TEXT).optional().openapi({ example: "vigil" }),
    groupLabels: labelSet("The labels the group is made by"),
    commonLabels: labelSet("The labels all its alerts share"),
    commonAnnotations: labelSet("The annotations all its alerts share"),
    externalURL: text(MAX_TEXT).optional().openapi({ example: "http://alertmanager.example.org:9093" }),
    alerts: z
      .array(
        z.unknown().openapi({
          description:
            "An alert: `status` (firing or resolved), `labels` (alertname, instance, job, severity, ...), `annotations` " +
            "(summary, description), `startsAt`, `endsAt`, `generatorURL`, `fingerprint`",
        }),
        { error: "This field is required: the notification's alerts." },
      )
      .min(1, "A notification needs at least one alert.")
      .max(MAX_BATCH_ITEMS, `At most ${MAX_BATCH_ITEMS} alerts a notification: set max_alerts to ${MAX_BATCH_ITEMS}.`)
      .openapi({ description: `${ITEMS} alerts, each ${PER_ITEM}.` }),
  })
  .openapi("AlertmanagerNotification", {
    description:
      "What Alertmanager's webhook_config POSTs (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). " +
      "Outside `alerts`, no NUL or lone surrogate in any key or string, no key `__proto__`, no number beyond a " +
      "64-bit float, at most 32 levels deep; other fields are ignored.",
    ...keyRules,
    example: {
      version: "4",
      groupKey: '{}:{alertname="InstanceDown"}',
      truncatedAlerts: 0,
      status: "firing",
      receiver: "vigil",
      groupLabels: { alertname: "InstanceDown" },
      commonLabels: { alertname: "InstanceDown", job: "node", severity: "critical" },
      commonAnnotations: {},
      externalURL: "http://alertmanager.example.org:9093",
      alerts: [
        {
          status: "firing",
          labels: { alertname: "InstanceDown", instance: "db-1:9100", job: "node", severity: "critical" },
          annotations: {
            summary: "db-1:9100 is down",
            description: "db-1:9100 has been down for more than 5 minutes.",
          },
          startsAt: "2026-11-24T10:15:00.000Z",
          endsAt: "0001-01-01T00:00:00Z",
          generatorURL: "http://prometheus.example.org:9090/graph?g0.expr=up+%3D%3D+0",
          fingerprint: "b4b1a1dd4ae6b2f0",
        },
      ],
    },
  });

export type AlertmanagerPayload = z.output<typeof AlertmanagerPayloadSchema>;

/**
 * A body of events as OCSF and ECS producers send them: one, an array, or NDJSON; `idField` is
 * where the sender puts its id of an event (stored once per key).
 */
export function eventsBodySchemas(what: string, idField: string, example: Record<string, unknown>) {
  const once =
    `An ${what} whose \`${idField}\` this key had stored before (a batch sent again after a lost answer) is ` +
    "not stored again: 200 with `duplicate: true` and the event stored for it.";
  const item = `${what}, ${PER_ITEM}. ${once}`;
  return {
    "application/json": {
      schema: z
        .union([
          z.record(z.string(), z.unknown()).openapi({ type: "object", description: `One ${item}.`, example }),
          z
            .array(z.unknown().openapi({ description: `An ${what}` }))
            .min(1)
            .max(MAX_BATCH_ITEMS)
            .openapi({ description: `${ITEMS} events, each ${item}.`, example: [example] }),
        ])
        .openapi({ description: `One ${what} (an object), or an array of ${ITEMS}.` }),
    },
    "application/x-ndjson": {
      schema: z
        .string()
        .max(MAX_TEXT)
        .openapi({
          minLength: 1,
          // As the batch route's: a line that is not blank, and no byte order mark first.
          pattern: String.raw`^(?:\S|[^\S\uFEFF][\s\S]*\S)`,
          description:
            `One ${what} per line; blank lines are not items. ${ITEMS} items, each ${PER_ITEM} (a line that is not ` +
            `JSON: \`non_field_errors\`). ${once} UTF-8 without a byte order mark.`,
          example: `${JSON.stringify(example)}\n`,
        }),
    },
  };
}

const batchIndex = countNumber
  .max(MAX_BATCH_ITEMS - 1)
  .openapi({ description: "The item's position in the payload, from 0" });

const [storedResult, failedResult] = BatchResultSchema.shape.results.element.options;

const ResolvedResultSchema = z.object({
  index: batchIndex,
  status: z.literal(200),
  alert: z
    .object({ id: idNumber, status: z.literal("Resolved") })
    .nullable()
    .openapi({ description: "The alert it resolved; null when no unresolved alert had its key" }),
});

const DuplicateResultSchema = z.object({
  index: batchIndex,
  status: z.literal(200),
  id: idNumber.nullable().openapi({
    description:
      "The event stored for this id before; null when a request storing it at the same moment had not finished",
  }),
  alert: AlertRefSchema.nullable().openapi({ description: "The alert that event opened or joined" }),
  duplicate: z.literal(true),
});

export const IntakeResultSchema = z
  .object({
    created: countNumber.max(MAX_BATCH_ITEMS).openapi({ description: "Events stored", example: 2 }),
    failed: countNumber.max(MAX_BATCH_ITEMS).openapi({ description: "Items refused", example: 0 }),
    results: z
      .array(z.union([storedResult, failedResult, ResolvedResultSchema, DuplicateResultSchema]))
      .max(MAX_BATCH_ITEMS)
      .openapi({
        description:
          "One per item, in input order: 201 stored (with the alert it opened or joined), 400 refused (`errors`), " +
          "200 resolved (Alertmanager's `status: resolved`: nothing stored, the alert it resolved), 200 duplicate " +
          "(an OCSF `metadata.uid` or ECS `event.id` this key had stored before: nothing stored, the event stored for it)",
      }),
  })
  .openapi("IntakeResult");

const FieldMappingSchema = z.object({
  field: z
    .enum(["source_name", "event_type", "severity", "description", "occurred_at", "dedup_key", "metadata", "source_id"])
    .openapi({ description: "The event field it fills; `source_id` is the sender's id, stored once per key" }),
  from: z.array(text(200)).max(20).openapi({ description: "The sender's fields it reads, in order of preference" }),
  rule: text(1000),
});

const ReceiverSchema = z
  .object({
    name: text(32).openapi({ example: "alertmanager" }),
    title: text(100).openapi({ example: "Prometheus Alertmanager webhook" }),
    path: text(100).openapi({ example: "/api/intake/alertmanager/" }),
    media_types: z
      .array(text(64))
      .max(4)
      .openapi({ example: ["application/json"] }),
    documentation: text(200).openapi({ description: "Where the format is specified", format: "uri" }),
    body: text(1000).openapi({ description: "What a request body is" }),
    fields: z.array(FieldMappingSchema).max(20).openapi({ description: "How each event field is filled" }),
    severities: z
      .array(z.object({ when: text(1000), severity: z.enum(SEVERITIES) }))
      .max(20)
      .openapi({ description: "How the severity is read, in order" }),
    notes: z.array(text(1000)).max(10),
  })
  .openapi("IntakeReceiver");

export const IntakeCatalogSchema = z.object({ receivers: z.array(ReceiverSchema).max(10) }).openapi("IntakeCatalog");
