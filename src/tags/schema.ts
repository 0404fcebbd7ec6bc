import { z } from "@hono/zod-openapi";
import { distinct } from "../http/distinct";

/**
 * Tags, in one place: short labels (`pci`, `env:prod`, `team.blue`) on events, alerts, heartbeats
 * and in rules. Lower case, so `PCI` and `pci` never become two tags.
 */
export const TAG_PATTERN = /^[a-z0-9:_.-]{1,64}$/;
export const TAG_RULE = "Must be 1 to 64 of a-z 0-9 : _ . -";

export const tag = z
  .string({ error: "Must be a string." })
  .max(64, TAG_RULE)
  .regex(TAG_PATTERN, TAG_RULE)
  .openapi({ example: "pci" });

/** A list of 0..`max` distinct tags (an admin's: a repeat is a mistake worth a 400). */
export function tagList(max: number) {
  return distinct(
    z.array(tag, { error: "Must be a list of tags." }).max(max, `At most ${max} tags.`),
    "Tags must not repeat.",
  );
}

/** The order tags are stored in: sorted, without repeats. */
export function normalizedTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
}

export const MAX_TAG_FILTERS = 10;

/**
 * `?tag=pci&tag=prod`: items carrying all the given tags. One value arrives as a string and
 * several as a list (Hono's query validator): both are read as a list.
 */
export const tagFilter = z
  .preprocess(
    (value) => (typeof value === "string" ? [value] : value),
    z
      .array(tag, { error: "Must be a tag, or repeated." })
      .min(1)
      .max(MAX_TAG_FILTERS, `At most ${MAX_TAG_FILTERS} tags.`),
  )
  .optional()
  .openapi({
    param: { style: "form", explode: true },
    description: `Only those carrying every tag given (repeat it: \`?tag=pci&tag=prod\`; at most ${MAX_TAG_FILTERS})`,
    example: ["pci"],
  });
