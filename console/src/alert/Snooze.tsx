import { useState } from "hono/jsx/dom";
import type { Alert } from "../api/types";
import { isSnoozed } from "../queue/filters";
import { ErrorText, Time } from "../ui/bits";
import { useAction } from "../ui/use-action";

/** How long a snooze may be chosen for; the API allows at most 7 days. */
const CHOICES = [
  { label: "1 hour", hours: 1 },
  { label: "4 hours", hours: 4 },
  { label: "Until tomorrow (24 h)", hours: 24 },
  { label: "3 days", hours: 72 },
  { label: "7 days", hours: 168 },
];

/**
 * Snooze (admins and analysts: it is triage). A snoozed alert leaves the status queues and its
 * grouped events push nothing until it wakes: at the time, when woken here, when resolved, or
 * when a grouped event raises its severity.
 */
export function Snooze({
  alert,
  change,
}: {
  alert: Alert;
  change: (body: { snoozed_until: string | null }) => Promise<void>;
}) {
  const [hours, setHours] = useState(4);
  const { busy, error, run: act } = useAction();
  const snoozed = isSnoozed(alert);
  if (alert.status === "Resolved") return null;
  const run = (until: string | null) => act(() => change({ snoozed_until: until }));

  return (
    <section aria-labelledby="snooze-title" class="triage">
      <h2 id="snooze-title">Snooze</h2>
      {snoozed && (
        <p>
          Snoozed until <Time iso={alert.snoozed_until} />: hidden from the queues, its grouped events notify no one.
        </p>
      )}
      <form
        onSubmit={(e: Event) => {
          e.preventDefault();
          void run(new Date(Date.now() + hours * 3_600_000).toISOString());
        }}
      >
        <label for="snooze-for">Snooze for</label>
        <select
          id="snooze-for"
          value={String(hours)}
          disabled={busy}
          onChange={(e: Event) => setHours(Number((e.target as HTMLSelectElement).value))}
        >
          {CHOICES.map((c) => (
            <option value={String(c.hours)}>{c.label}</option>
          ))}
        </select>
        <button type="submit" disabled={busy}>
          {snoozed ? "Snooze again" : "Snooze"}
        </button>
        {snoozed && (
          <button type="button" disabled={busy} onClick={() => void run(null)}>
            Wake now
          </button>
        )}
      </form>
      <ErrorText message={error} />
    </section>
  );
}
