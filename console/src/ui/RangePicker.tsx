import { useEffect, useState } from "hono/jsx/dom";
import { fromLocalInput, RANGE_PRESETS, type TimeRange, toLocalInput } from "./range";

const CUSTOM = "custom";
const ALL = "all";

/**
 * A preset ("Last 24 hours") applies at once; "Custom…" shows From and To (local time) and
 * applies with its button. `allowAll` offers no bound at all (the queue's default).
 */
export function RangePicker({
  range,
  onChange,
  allowAll,
  id,
}: {
  range: TimeRange;
  onChange: (range: TimeRange) => void;
  allowAll: boolean;
  id: string;
}) {
  const current = range.kind === "preset" ? range.id : range.kind === "custom" ? CUSTOM : ALL;
  const [choice, setChoice] = useState<string>(current);
  const [from, setFrom] = useState(range.kind === "custom" ? toLocalInput(range.from) : "");
  const [to, setTo] = useState(range.kind === "custom" ? toLocalInput(range.to) : "");
  // Back and Forward change the range under us.
  useEffect(() => setChoice(current), [current]);
  const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

  const pick = (e: Event) => {
    const picked = value(e);
    setChoice(picked);
    if (picked === ALL) onChange({ kind: "all" });
    const preset = RANGE_PRESETS.find((p) => p.id === picked);
    if (preset) onChange({ kind: "preset", id: preset.id });
  };

  return (
    <>
      <label>
        Raised
        <select id={id} value={choice} onChange={pick}>
          {allowAll && <option value={ALL}>Any time</option>}
          {RANGE_PRESETS.map((p) => (
            <option value={p.id}>{p.label}</option>
          ))}
          <option value={CUSTOM}>Custom…</option>
        </select>
      </label>
      {choice === CUSTOM && (
        <fieldset class="custom-range">
          <legend class="sr-only">Custom range</legend>
          <label>
            From
            <input type="datetime-local" value={from} onInput={(e: Event) => setFrom(value(e))} />
          </label>
          <label>
            To
            <input type="datetime-local" value={to} onInput={(e: Event) => setTo(value(e))} />
          </label>
          <button
            type="button"
            onClick={() => onChange({ kind: "custom", from: fromLocalInput(from), to: fromLocalInput(to) })}
          >
            Apply range
          </button>
        </fieldset>
      )}
    </>
  );
}
