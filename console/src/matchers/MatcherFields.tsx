import { type FieldErrors, messagesAt } from "../api/problem";
import { MATCHER_FIELDS, MATCHER_OPS, type MatcherOp } from "../api/types";
import { describedBy, FieldError } from "../ui/bits";
import { blankRow, editRow, type MatcherRow } from "./matchers";

/** The API's limit on a list of matchers. */
const MAX_MATCHERS = 10;

/**
 * A list of matchers in a form (a silence's, a rule's conditions): per row a field (the known
 * ones offered, `metadata.<key>` typed), an op, a value (has a value or not, for `exists`) and
 * Remove; then Add. Each row's problems, as the API named them under `path` (`conditions.0.value`),
 * show next to it.
 */
export function MatcherFields({
  id,
  legend,
  noun,
  rows,
  onChange,
  min,
  path,
  errors,
}: {
  id: string;
  legend: string;
  /** What one row is called: "matcher", "condition". */
  noun: string;
  rows: MatcherRow[];
  onChange: (rows: MatcherRow[]) => void;
  min: number;
  /** Where the API names these rows' problems (`matchers`, `conditions`). */
  path: string;
  errors: FieldErrors;
}) {
  const edit = (index: number, patch: Partial<MatcherRow>) =>
    onChange(rows.map((row, i) => (i === index ? editRow(row, patch) : row)));
  const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
  const listProblems = errors[path] ?? [];
  return (
    <fieldset class="matchers" aria-describedby={listProblems.length ? `${id}-problems` : undefined}>
      <legend>{legend}</legend>
      <datalist id={`${id}-fields`}>
        {MATCHER_FIELDS.map((f) => (
          <option value={f} />
        ))}
        <option value="metadata." />
      </datalist>
      {rows.length === 0 && <p class="muted small">None: every event matches.</p>}
      {rows.map((row, i) => {
        const problems = messagesAt(errors, `${path}.${i}`);
        const problemId = `${id}-problem-${i}`;
        return (
          <div class="matcher-row" key={i}>
            <label for={`${id}-field-${i}`} class="sr-only">
              Field {i + 1}
            </label>
            <input
              id={`${id}-field-${i}`}
              list={`${id}-fields`}
              value={row.field}
              onInput={(e: Event) => edit(i, { field: value(e) })}
              {...describedBy(problemId, problems)}
            />
            <label for={`${id}-op-${i}`} class="sr-only">
              Operator {i + 1}
            </label>
            <select id={`${id}-op-${i}`} value={row.op} onChange={(e: Event) => edit(i, { op: value(e) as MatcherOp })}>
              {MATCHER_OPS.map((op) => (
                <option value={op}>{op}</option>
              ))}
            </select>
            <label for={`${id}-value-${i}`} class="sr-only">
              Value {i + 1}
            </label>
            {row.op === "exists" ? (
              <select id={`${id}-value-${i}`} value={row.value} onChange={(e: Event) => edit(i, { value: value(e) })}>
                <option value="true">has a value</option>
                <option value="false">has none</option>
              </select>
            ) : (
              <input
                id={`${id}-value-${i}`}
                value={row.value}
                placeholder={row.op === "in" ? "a, b, c" : row.op === "glob" ? "fw-*" : ""}
                onInput={(e: Event) => edit(i, { value: value(e) })}
                {...describedBy(problemId, problems)}
              />
            )}
            <button
              type="button"
              disabled={rows.length <= min}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              Remove<span class="sr-only"> {`${noun} ${i + 1}`}</span>
            </button>
            <FieldError id={problemId} messages={problems} />
          </div>
        );
      })}
      <button type="button" disabled={rows.length >= MAX_MATCHERS} onClick={() => onChange([...rows, blankRow()])}>
        Add a {noun}
      </button>
      <FieldError id={`${id}-problems`} messages={listProblems} />
    </fieldset>
  );
}
