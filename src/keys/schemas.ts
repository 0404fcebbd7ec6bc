import { z } from "@hono/zod-openapi";
import { KEY_SCOPES } from "../db/schema";
import { distinct } from "../http/distinct";
import { pageSchema } from "../http/pagination";
import { int32IdNumber } from "../http/params";
import { requiredText, text } from "../http/text";
import { timestamp, utcTimestamp } from "../http/timestamp";
import { RATE_LIMIT_PATTERN } from "../limiter/rule";
import { KEY_LENGTH, KEY_PATTERN, KEY_PREFIX, PREFIX_LENGTH } from "./format";

const scopes = distinct(
  z
    .array(z.enum(KEY_SCOPES, { error: `Must be one of: ${KEY_SCOPES.join(", ")}.` }), { error: "Must be a list." })
    .min(1, "At least one scope is required.")
    .max(KEY_SCOPES.length),
  "Scopes must not repeat.",
);

export const KeyCreateSchema = z
  .strictObject({
    name: requiredText(100).openapi({ description: "What the key is for, e.g. the sensor", example: "fw-edge-01" }),
    scopes: scopes.openapi({
      description:
        "`ingest`: POST events (single and batch). `read`: alert reads (list, detail, events, stats, stream).",
      example: ["ingest"],
    }),
    expires_at: timestamp({ about: "When the key stops working (default: never)", future: true })
      .optional()
      .openapi({ example: "2027-01-01T00:00:00Z" }),
    rate_limit: z
      .string({ error: "Must be a string." })
      .max(32)
      .regex(RATE_LIMIT_PATTERN, 'Must look like "<count>/<seconds>s", e.g. "100/60s".')
      .optional()
      .openapi({ description: "The key's own ingest limit (default: RATE_LIMIT_INGEST)", example: "600/60s" }),
  })
  .openapi("KeyCreate");

export type KeyCreate = z.output<typeof KeyCreateSchema>;

export const KeySchema = z
  .object({
    id: int32IdNumber,
    name: text(100).openapi({ example: "fw-edge-01" }),
    prefix: z
      .string()
      .length(PREFIX_LENGTH)
      .regex(new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${PREFIX_LENGTH - KEY_PREFIX.length}}$`))
      .openapi({ description: `The key's first ${PREFIX_LENGTH} characters`, example: "vgl_7Gq2xK9a" }),
    scopes: z.array(z.enum(KEY_SCOPES)).min(1).max(KEY_SCOPES.length),
    rate_limit: z.string().max(32).regex(RATE_LIMIT_PATTERN).nullable(),
    created_by: text(150).nullable().openapi({ description: "The admin who created it; null from the command line" }),
    created_at: utcTimestamp,
    expires_at: utcTimestamp.nullable(),
    last_used_at: utcTimestamp.nullable().openapi({ description: "Kept to within a minute" }),
    revoked_at: utcTimestamp.nullable(),
  })
  .openapi("Key");

export const CreatedKeySchema = KeySchema.extend({
  key: z.string().length(KEY_LENGTH).regex(KEY_PATTERN).openapi({
    description: "The key itself (`vgl_...`). Shown in this response only: only its hash is stored.",
    example: "vgl_7Gq2xK9aC3J27XDCG2LmlZGEONYlgCtjfIZ4SOcMz9CPVNPkN",
  }),
}).openapi("CreatedKey");

export const KeyPageSchema = pageSchema(KeySchema, "KeyPage");
