import { useEffect, useState } from "hono/jsx/dom";
import { explain } from "../api/problem";
import { ALERT_STATUSES, type Alert, type AlertStatus } from "../api/types";
import { useServices } from "../context";
import { ErrorText } from "../ui/bits";

export type AlertChange = { status?: AlertStatus; assignee?: string | null; snoozed_until?: string | null };

/**
 * Admins move the alert through its lifecycle and (re)assign it. `change` sends the PATCH
 * (with If-Match) and resolves once the page shows the result.
 */
export function Triage({ alert, change }: { alert: Alert; change: (body: AlertChange) => Promise<void> }) {
  const { me } = useServices();
  const [status, setStatus] = useState<AlertStatus>(alert.status);
  const [assignee, setAssignee] = useState(alert.assignee ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const resolved = alert.status === "Resolved";

  // The alert may change under us (the stream, another admin): follow it.
  useEffect(() => setStatus(alert.status), [alert.status]);
  useEffect(() => setAssignee(alert.assignee ?? ""), [alert.assignee]);

  const run = async (body: AlertChange, success: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await change(body);
      setDone(success);
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  const input = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

  return (
    <section aria-labelledby="triage-title" class="triage">
      <h2 id="triage-title">Triage</h2>
      <form
        onSubmit={(e: Event) => {
          e.preventDefault();
          void run({ status }, `Status set to ${status}.`);
        }}
      >
        <label for="triage-status">Status</label>
        <select
          id="triage-status"
          value={status}
          disabled={resolved || busy}
          onChange={(e: Event) => setStatus(input(e) as AlertStatus)}
        >
          {ALERT_STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <button type="submit" disabled={resolved || busy || status === alert.status}>
          Set status
        </button>
        {resolved && <span class="muted small">Resolved is final.</span>}
      </form>
      <form
        onSubmit={(e: Event) => {
          e.preventDefault();
          const name = assignee.trim();
          void run({ assignee: name || null }, name ? `Assigned to ${name}.` : "Unassigned.");
        }}
      >
        <label for="triage-assignee">Assignee</label>
        <input
          id="triage-assignee"
          value={assignee}
          placeholder="username"
          autocomplete="off"
          disabled={busy}
          onInput={(e: Event) => setAssignee(input(e))}
        />
        <button type="submit" disabled={busy}>
          Assign
        </button>
        <button
          type="button"
          disabled={busy || alert.assignee === me.username}
          onClick={() => void run({ assignee: me.username }, "Assigned to you.")}
        >
          Assign to me
        </button>
        <button
          type="button"
          disabled={busy || !alert.assignee}
          onClick={() => void run({ assignee: null }, "Unassigned.")}
        >
          Unassign
        </button>
      </form>
      <ErrorText message={error} />
      {done && (
        <p class="success" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
