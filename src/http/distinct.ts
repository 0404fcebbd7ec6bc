import type { z } from "@hono/zod-openapi";

/**
 * A list whose items must not repeat (scopes, webhook events, bulk ids): refused with `message`
 * when they do, and stated to the document as `uniqueItems`.
 *
 * @example scopes: distinct(z.array(scope).min(1), "Scopes must not repeat.")
 */
export function distinct<T extends z.ZodArray>(list: T, message: string): T {
  return list.refine((items) => new Set(items).size === items.length, message).openapi({ uniqueItems: true });
}
