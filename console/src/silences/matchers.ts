import type { Alert, Matcher, MatcherOp } from "../api/types";

/** One matcher as the form edits it: `value` is text, a comma-separated list for `in`. */
export type MatcherRow = { field: string; op: MatcherOp; value: string };

/** What "silence similar" starts from: this source and this event type. */
export function rowsFromAlert(alert: Alert): MatcherRow[] {
  return [
    { field: "source_name", op: "eq", value: alert.event.source_name },
    { field: "event_type", op: "eq", value: alert.event.event_type },
  ];
}

/** The form's rows as the API takes them; `in` splits on commas (blank parts dropped). */
export function toMatchers(rows: MatcherRow[]): Matcher[] {
  return rows.map(({ field, op, value }) => ({
    field: field.trim(),
    op,
    value:
      op === "in"
        ? value
            .split(",")
            .map((v) => v.trim())
            .filter(Boolean)
        : value,
  }));
}

/** A matcher as a line of text: `source_name = fw-1`, `event_type in (a, b)`. */
export function describeMatcher(m: Matcher): string {
  const sign = { eq: "=", ne: "≠", in: "in", glob: "~" }[m.op];
  const value = Array.isArray(m.value) ? `(${m.value.join(", ")})` : m.value;
  return `${m.field} ${sign} ${value}`;
}
