import { z } from "@hono/zod-openapi";

/**
 * The text rules, in one place: every string that enters the API (body fields, query filters,
 * credentials) is built with one of the schemas below, so the rules hold the same everywhere
 * and the OpenAPI document states them as schema keywords.
 *
 * Refused with 400, wherever they appear:
 * - NUL (U+0000): PostgreSQL `text` and `jsonb` cannot hold it (the query would fail with a 500).
 * - Lone UTF-16 surrogates (`"\ud800"` in JSON): not Unicode text. PostgreSQL refuses them in
 *   `jsonb` and silently stores U+FFFD in `text`, so what was stored would differ from what was sent.
 *
 * Lengths count Unicode characters (code points, as PostgreSQL's `varchar(n)` and JSON Schema's
 * `maxLength` do) and apply to the value as sent, before any trimming: the document's
 * `maxLength` is exactly what the server enforces.
 *
 * Everything else (control characters, bidirectional overrides, emoji) is stored exactly as
 * sent: Vigil keeps evidence, and clients must render it safely.
 */

const NUL = "Null characters are not allowed.";
const BLANK = "This field may not be blank.";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// One code point that is neither NUL nor half of a surrogate pair. Written so that it means the
// same to a JSON Schema validator with or without the `u` flag.
export const CHAR = String.raw`(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])`;
export const NON_SPACE_CHAR = String.raw`(?:[^\s\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])`;

/** The document's `pattern` for text: no NUL, no lone surrogate. */
export const TEXT_PATTERN = `^${CHAR}*$`;
/** The same, with at least one character that trimming keeps (not blank). */
const NON_BLANK_TEXT_PATTERN = `^${CHAR}*?${NON_SPACE_CHAR}${CHAR}*$`;

/** Why a string cannot be stored faithfully, or null when it can. Shared with the JSON guard. */
export function textProblem(value: string): string | null {
  if (value.includes("\u0000")) return NUL;
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) {
    const code = surrogate[0].charCodeAt(0).toString(16).toUpperCase();
    return `Surrogate characters are not allowed: U+${code}.`;
  }
  return null;
}

const UNDISPLAYABLE = new RegExp(`\u0000|${LONE_SURROGATE.source}`, "g");

/**
 * Client text made fit for a sentence the API writes (a problem's `detail`): NUL and lone
 * surrogates become U+FFFD, so the response's own text obeys the rules above.
 */
export function displayable(value: string): string {
  return value.replace(UNDISPLAYABLE, "\uFFFD");
}

const typeError = (issue: { input?: unknown }) =>
  issue.input === undefined
    ? "This field is required."
    : issue.input === null
      ? "This field may not be null."
      : "Not a valid string.";

/**
 * Text kept exactly as sent, possibly empty, at most `max` characters, passing textProblem().
 * The base of the others; on its own, for response fields and the like.
 *
 * @example detail: text(2048)
 */
export function text(max: number) {
  return z
    .string({ error: typeError })
    .max(max, `Ensure this field has no more than ${max} characters.`)
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .openapi({ pattern: TEXT_PATTERN });
}

/**
 * A required label (a sensor's name, an event type, an API key's name, a dedup key): at most
 * `max` characters as sent, surrounding whitespace trimmed (and stored trimmed), never blank.
 *
 * @example source_name: requiredText(255)
 */
export function requiredText(max: number) {
  return text(max).trim().min(1, BLANK).openapi({ pattern: NON_BLANK_TEXT_PATTERN });
}

/**
 * Optional free text or an exact-match filter value: kept exactly as sent (not trimmed), may be
 * empty, at most `max` characters.
 *
 * @example description: optionalText(10_000)
 */
export function optionalText(max: number) {
  return text(max).optional();
}

/**
 * A required value that must be matched exactly, never trimmed (a username, a password, a
 * token: `" alice"` is not `"alice"`): 1 to `max` characters as sent.
 *
 * @example password: exactText(1024)
 */
export function exactText(max: number) {
  return text(max).min(1, BLANK);
}
