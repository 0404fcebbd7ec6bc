import type { Alert, Matcher, MatcherOp } from "../api/types";

/**
 * One matcher as a form edits it: `value` is text, a comma-separated list for `in`, and "true"
 * or "false" for `exists`.
 */
export type MatcherRow = { field: string; op: MatcherOp; value: string };

export const blankRow = (): MatcherRow => ({ field: "source_name", op: "eq", value: "" });

/** What "silence similar" starts from: this source and this event type. */
export function rowsFromAlert(alert: Alert): MatcherRow[] {
  return [
    { field: "source_name", op: "eq", value: alert.event.source_name },
    { field: "event_type", op: "eq", value: alert.event.event_type },
  ];
}

/** The row with `patch` applied; a change of op to or from `exists` resets a value that no longer fits. */
export function editRow(row: MatcherRow, patch: Partial<MatcherRow>): MatcherRow {
  const next = { ...row, ...patch };
  if (patch.op && (patch.op === "exists") !== (row.op === "exists")) next.value = patch.op === "exists" ? "true" : "";
  return next;
}

/** The form's rows as the API takes them; `in` splits on commas (blank parts dropped). */
export function toMatchers(rows: MatcherRow[]): Matcher[] {
  return rows.map(({ field, op, value }) => {
    if (op === "exists") return { field: field.trim(), op, value: value !== "false" };
    if (op === "in") {
      const values = value
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
      return { field: field.trim(), op, value: values };
    }
    return { field: field.trim(), op, value };
  });
}

/** Stored matchers as the form edits them (the inverse of toMatchers). */
export function toRows(matchers: Matcher[]): MatcherRow[] {
  return matchers.map(({ field, op, value }) => ({
    field,
    op,
    value: Array.isArray(value) ? value.join(", ") : typeof value === "boolean" ? String(value) : (value ?? ""),
  }));
}

/** A matcher as a line of text: `source_name = fw-1`, `event_type in (a, b)`, `tags exists`. */
export function describeMatcher(m: Matcher): string {
  if (m.op === "exists") return `${m.field} ${m.value === false ? "is absent" : "exists"}`;
  const sign = { eq: "=", ne: "≠", in: "in", glob: "~" }[m.op];
  const value = Array.isArray(m.value) ? `(${m.value.join(", ")})` : String(m.value ?? "");
  return `${m.field} ${sign} ${value}`;
}
