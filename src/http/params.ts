import { z } from "@hono/zod-openapi";

/** The largest id the API hands out or takes: every JSON parser holds it exactly. */
const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A database id in a response. */
export const idNumber = z.number().int().min(1).max(MAX_ID).openapi({ format: "int64", example: 101 });

/**
 * A positive integer id in the path; anything else (including ids past MAX_ID, which would
 * silently round to another id) fails validation and so answers 404.
 */
export const IdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/)
    .transform(Number)
    .refine(Number.isSafeInteger)
    .openapi({
      param: { name: "id", in: "path" },
      type: "integer",
      format: "int64",
      minimum: 1,
      maximum: MAX_ID,
      pattern: undefined,
    }),
});

/** A count in a response (items, events), as a bounded 32-bit integer. */
export const countNumber = z.number().int().min(0).max(2_147_483_647).openapi({ format: "int32" });
