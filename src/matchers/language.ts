import { z } from "@hono/zod-openapi";
import { SEVERITIES } from "../db/schema";
import { exactText } from "../http/text";

/**
 * The matcher language, shared by silences and event rules: a list of 1..10 `{field, op, value}`,
 * all of which must hold for an event. Built once here (parse, validate, compile) and evaluated by
 * one function in the database, `vigil_matches` (drizzle/0009_rules.sql), inside the ingest
 * statement, for silences and rules alike.
 *
 * - fields: `source_name`, `event_type`, `severity`, `dedup_key`, `metadata.<key>` (a top-level
 *   metadata key; its value compared as text, as `metadata ->> key` gives it: numbers and
 *   booleans as written, nested objects as JSON), and `tags` (the event's tags: `eq` has the tag,
 *   `ne` has it not, `in` has any of them, `glob` has one that matches);
 * - ops: `eq`, `ne`, `in` (value: a list of 1..50), `glob` (`*` a run of characters, `?` one; no
 *   regex, no escapes, so it compiles to SQL `like` with nothing for a pattern to exploit),
 *   `exists` (value `true`, the default, or `false`: the field has a value; for tags, at least one).
 * Comparisons are exact and case-sensitive. A field the event lacks (no dedup_key, no such
 * metadata key) is unequal to everything: `eq`, `in` and `glob` fail on it, `ne` holds.
 */
export const MATCHER_OPS = ["eq", "ne", "in", "glob", "exists"] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];
export const MAX_MATCHERS = 10;
export const MAX_IN_VALUES = 50;
export const MAX_MATCHER_VALUE = 255;
/** Fields with one value: what templates and threshold groups can read too. */
export const VALUE_FIELDS = ["source_name", "event_type", "severity", "dedup_key"] as const;
const METADATA = "metadata.";
/** Top-level metadata keys a field may name: ECS and OCSF style (`host.name`, `src_endpoint.ip`). */
const METADATA_KEY = "[A-Za-z0-9_.:@/-]{1,128}";
export const VALUE_FIELD_PATTERN = `^(${VALUE_FIELDS.join("|")}|metadata\\.${METADATA_KEY})$`;
export const MATCHER_FIELD_PATTERN = `^(${VALUE_FIELDS.join("|")}|tags|metadata\\.${METADATA_KEY})$`;
const FIELD_RULE = `${VALUE_FIELDS.join(", ")}, or metadata.<key> (a top-level key: letters, digits and _ . : @ / -)`;

export type Matcher = { field: string; op: MatcherOp; value?: string | string[] | boolean };

/** A field as the evaluator reads it: a column, the tags, or a metadata key. */
export type FieldSpec = { f: (typeof VALUE_FIELDS)[number] | "metadata" | "tags"; k?: string };

/** What `vigil_matches` evaluates: the field resolved, globs already `like` patterns, exists' value a boolean. */
export type CompiledMatcher = FieldSpec & { op: MatcherOp; v: string | string[] | boolean };

/** `source_name`, `metadata.host`... as the evaluator names it (the field's syntax is checked by its schema). */
export function fieldSpec(field: string): FieldSpec {
  if (field.startsWith(METADATA)) return { f: "metadata", k: field.slice(METADATA.length) };
  if (!new RegExp(MATCHER_FIELD_PATTERN).test(field)) throw new Error(`unchecked field ${field}`);
  return { f: field as FieldSpec["f"] };
}

/** A field with one value (no `tags`): templates' placeholders and threshold groups. */
export const valueField = z
  .string({ error: "Must be a string." })
  .max(METADATA.length + 128)
  .regex(new RegExp(VALUE_FIELD_PATTERN), `Must be one of ${FIELD_RULE}.`)
  .openapi({ description: `${VALUE_FIELDS.join(", ")}, or \`metadata.<key>\``, example: "source_name" });

const field = z
  .string({ error: "Must be a string." })
  .max(METADATA.length + 128)
  .regex(new RegExp(MATCHER_FIELD_PATTERN), `Must be one of ${FIELD_RULE}, or tags.`)
  .openapi({ description: `${VALUE_FIELDS.join(", ")}, \`tags\`, or \`metadata.<key>\``, example: "source_name" });
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
const exists = z.strictObject({
  field,
  op: z.literal("exists"),
  value: z
    .boolean({ error: "Must be true or false." })
    .optional()
    .openapi({ description: "`true` (the default): the field has a value (tags: at least one); `false`: it has none" }),
});

export const MatcherSchema = z
  .discriminatedUnion("op", [single, list, exists], { error: `op must be one of: ${MATCHER_OPS.join(", ")}.` })
  .superRefine((m, ctx) => {
    if (m.field !== "severity") return;
    if (m.op === "glob" || m.op === "exists") {
      ctx.addIssue({ code: "custom", path: ["op"], message: `severity takes eq, ne or in, not ${m.op}.` });
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
      "lacks fails eq, in and glob and passes ne. `tags`: eq has the tag, ne has it not, in has any of them, glob " +
      "has one that matches. severity takes eq, ne or in with a severity name.",
  });

export const MatchersSchema = z
  .array(MatcherSchema, { error: "Must be a list of matchers." })
  .min(1, "Must have at least one matcher.")
  .max(MAX_MATCHERS, `At most ${MAX_MATCHERS} matchers.`);

/** The matchers as stored and shown: `exists` with its value spelled out. */
export function writtenMatchers(matchers: Matcher[]): Matcher[] {
  return matchers.map((m) => (m.op === "exists" ? { ...m, value: m.value !== false } : m));
}

/** `*` and `?` to `%` and `_`, everything else literal (`\` escapes like's own metacharacters). */
export function globToLike(glob: string): string {
  return glob
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, "%")
    .replace(/\?/g, "_");
}

/** The form `vigil_matches` evaluates; stored next to the matchers as written. */
export function compileMatchers(matchers: Matcher[]): CompiledMatcher[] {
  return matchers.map((m) => {
    const v =
      m.op === "exists"
        ? m.value !== false
        : m.op === "glob" && typeof m.value === "string"
          ? globToLike(m.value)
          : (m.value ?? "");
    return { ...fieldSpec(m.field), op: m.op, v };
  });
}
