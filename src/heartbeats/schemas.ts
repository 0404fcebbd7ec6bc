import { z } from "@hono/zod-openapi";
import { ALERT_STATUSES, HEARTBEAT_STATUSES, PRINCIPAL_TYPES } from "../db/schema";
import { pageQuery, pageSchema } from "../http/pagination";
import { idNumber, int32IdNumber } from "../http/params";
import { text } from "../http/text";
import { utcTimestamp } from "../http/timestamp";
import { tagList } from "../tags/schema";

export const MIN_TIMEOUT_SECONDS = 60;
export const MAX_TIMEOUT_SECONDS = 86_400;
export const MAX_TAGS = 10;

/**
 * A heartbeat's name is the `source_name` its sensor sends, restricted to what travels in a path
 * unescaped: a letter or digit, then letters, digits and `._:@-`, up to 200.
 */
export const HEARTBEAT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;
const NAME_RULE = "Must be 1 to 200 of A-Z a-z 0-9 . _ : @ -, starting with a letter or digit.";

const name = z
  .string({ error: "Must be a string." })
  .max(200, NAME_RULE)
  .regex(HEARTBEAT_NAME, NAME_RULE)
  .openapi({ description: "The sensor's `source_name`: its events beat it too", example: "fw-edge-1" });

export const timeoutSeconds = z
  .number({ error: "Must be a whole number of seconds." })
  .int("Must be a whole number of seconds.")
  .min(MIN_TIMEOUT_SECONDS, `Must be at least ${MIN_TIMEOUT_SECONDS}.`)
  .max(MAX_TIMEOUT_SECONDS, `Must be at most ${MAX_TIMEOUT_SECONDS} (a day).`)
  .openapi({ description: "Late when no beat came for this long", example: 300, format: "int32" });

const tags = tagList(MAX_TAGS).openapi({
  description: `Up to ${MAX_TAGS} labels (a-z 0-9 : _ . -), kept on its alerts' events`,
  example: ["pci"],
});

export const HeartbeatCreateSchema = z
  .strictObject({
    name,
    timeout_seconds: timeoutSeconds,
    tags: tags.optional(),
    key_id: int32IdNumber.optional().openapi({
      description:
        "The API key (ingest scope) whose beats count. Without it, the first principal to beat it owns it; " +
        "no one else's beats ever count",
    }),
  })
  .openapi("HeartbeatCreate");

export const HeartbeatBeatSchema = z
  .strictObject({
    timeout_seconds: timeoutSeconds.optional().openapi({
      description: "On the first beat (which creates it) only; default HEARTBEAT_DEFAULT_TIMEOUT_SECONDS",
    }),
    tags: tags.optional().openapi({ description: "On the first beat only" }),
  })
  .openapi("HeartbeatBeat");

export const HeartbeatSchema = z
  .object({
    name: text(200),
    timeout_seconds: z.number().int().min(MIN_TIMEOUT_SECONDS).max(MAX_TIMEOUT_SECONDS).openapi({ format: "int32" }),
    status: z.enum(HEARTBEAT_STATUSES).openapi({
      description: "`unknown`: no beat yet (it still goes late a timeout after creation); `ok`; `late`: an alert is up",
    }),
    last_beat_at: utcTimestamp.nullable(),
    due_at: utcTimestamp.openapi({ description: "When it goes late without a beat" }),
    late_since: utcTimestamp.nullable(),
    tags: z.array(text(64)).max(MAX_TAGS),
    owner: z
      .object({ type: z.enum(PRINCIPAL_TYPES), name: text(150) })
      .nullable()
      .openapi({ description: "The one principal whose beats count; null until the first beat" }),
    alert: z
      .object({ id: idNumber, status: z.enum(ALERT_STATUSES) })
      .nullable()
      .openapi({ description: "Its unresolved `heartbeat_missed` alert, if one is up" }),
    created_by: text(150).nullable(),
    created_at: utcTimestamp,
  })
  .openapi("Heartbeat");

export type HeartbeatView = z.output<typeof HeartbeatSchema>;

export const HeartbeatPageSchema = pageSchema(HeartbeatSchema, "HeartbeatPage");

export const HeartbeatListQuerySchema = z.object({
  ...pageQuery,
  status: z
    .enum(HEARTBEAT_STATUSES, { error: `Must be one of: ${HEARTBEAT_STATUSES.join(", ")}.` })
    .optional()
    .openapi({ description: "Only heartbeats in this status" }),
});

/** `{name}` in the path: one that cannot be a heartbeat's is 404, as a malformed id is. */
export const HeartbeatNameParamSchema = z.object({
  name: z
    .string()
    .max(200)
    .regex(HEARTBEAT_NAME)
    .openapi({ param: { name: "name", in: "path" }, example: "fw-edge-1" }),
});
