import { z } from "@hono/zod-openapi";

/** The largest id the API hands out or takes: every JSON parser holds it exactly. */
const MAX_ID = Number.MAX_SAFE_INTEGER;
/** The largest value of a PostgreSQL `integer` column (api_keys, webhooks). */
const MAX_INT32 = 2_147_483_647;

/** A database id in a response. */
export const idNumber = z.number().int().min(1).max(MAX_ID).openapi({ format: "int64", example: 101 });
/** The id of a row in an `integer` table (api_keys, webhooks), as its path parameter takes it. */
export const int32IdNumber = z.number().int().min(1).max(MAX_INT32).openapi({ format: "int32", example: 3 });

/**
 * A positive integer id in the path, at most `max`; anything else (ids past MAX_ID would
 * silently round to another id, ids past the column's type would make PostgreSQL fail the
 * query) fails validation and so answers 404.
 */
function idParam(name: string, max: number, format: "int32" | "int64") {
  return z
    .string()
    .regex(new RegExp(`^[1-9][0-9]{0,${String(max).length - 1}}$`))
    .transform(Number)
    .refine((id) => id <= max)
    .openapi({
      param: { name, in: "path" },
      type: "integer",
      format,
      minimum: 1,
      maximum: max,
      pattern: undefined,
    });
}

/** The id of a row whose key is a `bigint` (events, alerts). */
export const IdParamSchema = z.object({ id: idParam("id", MAX_ID, "int64") });

/** The id of a row whose key is an `integer` (API keys, webhooks, users): a larger one cannot exist. */
export const Int32IdParamSchema = z.object({ id: idParam("id", MAX_INT32, "int32") });

/** A webhook's delivery: the webhook's id, then the delivery's. */
export const DeliveryParamSchema = z.object({
  id: idParam("id", MAX_INT32, "int32"),
  delivery_id: idParam("delivery_id", MAX_ID, "int64"),
});

/** A count in a response (items, events), as a bounded 32-bit integer. */
export const countNumber = z.number().int().min(0).max(MAX_INT32).openapi({ format: "int32" });

/** An optional yes/no query filter, spelled `true` or `false` as DRF reads it. */
export function booleanQuery(description: string) {
  return z.enum(["true", "false"], { error: "Must be true or false." }).optional().openapi({ description });
}
