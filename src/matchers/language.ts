import { z } from "@hono/zod-openapi";
import { SEVERITIES } from "../db/schema";
import { exactText } from "../http/text";

/**
 * The matcher language, shared by silences (and, next, event rules): a list of 1..10
 * `{field, op, value}`, all of which must hold for an event. Built once here (parse, validate,
 * compile) and evaluated by one SQL expression (sql.ts), inside the ingest statement.
 *
 * - fields: `source_name`, `event_type`, `severity`, `dedup_key`, `metadata.<key>` (a top-level
 *   metadata key; its value compared as text, as `metadata ->> key` gives it: numbers and
 *   booleans as written, nested objects as JSON);
 * - ops: `eq`, `ne`, `in` (value: a list of 1..50), `glob` (`*` a run of characters, `?` one; no
 *   regex, no escapes, so it compiles to SQL `like` with nothing for a pattern to exploit).
 * Comparisons are exact and case-sensitive. A field the event lacks (no dedup_key, no such
 * metadata key) is unequal to everything: `eq`, `in` and `glob` fail on it, `ne` holds.
 */
export const MATCHER_OPS = ["eq", "ne", "in", "glob"] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];
export const MAX_MATCHERS = 10;
export const MAX_IN_VALUES = 50;
export const MAX_MATCHER_VALUE = 255;
const COLUMNS = ["source_name", "event_type", "severity", "dedup_key"] as const;
const METADATA = "metadata.";
/** Top-level metadata keys a matcher may name: ECS and OCSF style (`host.name`, `src_endpoint.ip`). */
const METADATA_KEY = /^[A-Za-z0-9_.:@/-]{1,128}$/;
export const MATCHER_FIELD_PATTERN = `^(${COLUMNS.join("|")}|metadata\\.[A-Za-z0-9_.:@/-]{1,128})$`;

export type Matcher = { field: string; op: MatcherOp; value: string | string[] };

/** What sql.ts evaluates: the column or metadata key resolved, globs already `like` patterns. */
export type CompiledMatcher = {
  f: (typeof COLUMNS)[number] | "metadata";
  k?: string;
  op: MatcherOp;
  v: string | string[];
};

const field = z
  .string({ error: "Must be a string." })
  .max(METADATA.length + 128)
  .regex(
    new RegExp(MATCHER_FIELD_PATTERN),
    `Must be one of ${COLUMNS.join(", ")}, or metadata.<key> (a top-level key: letters, digits and _ . : @ / -).`,
  )
  .openapi({ description: `${COLUMNS.join(", ")}, or \`metadata.<key>\``, example: "source_name" });
const value = exactText(MAX_MATCHER_VALUE);
const severityProblem = (v: string) =>
  (SEVERITIES as readonly string[]).includes(v) ? null : `Must be one of: ${SEVERITIES.join(", ")}.`;

const single = z.strictObject({
  field,
  op: z.enum(["eq", "ne", "glob"]),
  value: value.openapi({
    description: "For `glob`: `*` matches a run of characters (none too), `?` exactly one",
    example: "fw-*",
  }),
});
const list = z.strictObject({
  field,
  op: z.literal("in"),
  value: z
    .array(value, { error: "Must be a list of strings." })
    .min(1, "Must list at least one value.")
    .max(MAX_IN_VALUES, `At most ${MAX_IN_VALUES} values.`),
});

export const MatcherSchema = z
  .discriminatedUnion("op", [single, list], { error: `op must be one of: ${MATCHER_OPS.join(", ")}.` })
  .superRefine((m, ctx) => {
    if (m.field !== "severity") return;
    if (m.op === "glob") {
      ctx.addIssue({ code: "custom", path: ["op"], message: "severity takes eq, ne or in, not glob." });
      return;
    }
    const values = typeof m.value === "string" ? [m.value] : m.value;
    values.forEach((v, i) => {
      const problem = severityProblem(v);
      if (problem)
        ctx.addIssue({
          code: "custom",
          path: typeof m.value === "string" ? ["value"] : ["value", i],
          message: problem,
        });
    });
  })
  .openapi("Matcher", {
    description:
      "One condition on an event. All of a list's matchers must hold. Exact and case-sensitive; a field the event " +
      "lacks fails eq, in and glob and passes ne. severity takes eq, ne or in with a severity name.",
  });

export const MatchersSchema = z
  .array(MatcherSchema, { error: "Must be a list of matchers." })
  .min(1, "Must have at least one matcher.")
  .max(MAX_MATCHERS, `At most ${MAX_MATCHERS} matchers.`);

/** `*` and `?` to `%` and `_`, everything else literal (`\` escapes like's own metacharacters). */
export function globToLike(glob: string): string {
  return glob
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, "%")
    .replace(/\?/g, "_");
}

/** The form sql.ts evaluates; stored next to the matchers as written. */
export function compileMatchers(matchers: Matcher[]): CompiledMatcher[] {
  return matchers.map((m) => {
    const column = m.field.startsWith(METADATA)
      ? { f: "metadata" as const, k: m.field.slice(METADATA.length) }
      : { f: m.field as CompiledMatcher["f"] };
    if (column.f === "metadata" && !METADATA_KEY.test(column.k ?? "")) throw new Error(`unchecked field ${m.field}`);
    const v = m.op === "glob" && typeof m.value === "string" ? globToLike(m.value) : m.value;
    return { ...column, op: m.op, v };
  });
}
