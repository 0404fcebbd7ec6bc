import { z } from "@hono/zod-openapi";

/** A positive integer id in the path; anything else fails validation and so answers 404. */
export const IdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/)
    .transform(Number)
    .openapi({ param: { name: "id", in: "path" }, example: "101" }),
});
