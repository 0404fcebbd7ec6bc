import { useEffect, useState } from "hono/jsx/dom";
import { ALERT_SEVERITIES, ALERT_STATUSES } from "../api/types";
import { navigate } from "../router";
import { type QueueFilters, queueHref } from "./filters";

const SOMEONE = "user";

/** Each change applies at once (and lands in the URL); the username field applies on Enter. */
export function QueueFilterBar({ filters, onReload }: { filters: QueueFilters; onReload: () => void }) {
  const named = !["", "me", "none"].includes(filters.assignee);
  const [choice, setChoice] = useState(named ? SOMEONE : filters.assignee);
  // Back and Forward change the filters under us.
  useEffect(() => setChoice(named ? SOMEONE : filters.assignee), [named, filters.assignee]);
  const apply = (change: Partial<QueueFilters>) => navigate(queueHref({ ...filters, ...change, page: 1 }));
  const value = (event: Event) => (event.target as HTMLSelectElement | HTMLInputElement).value;

  const pickAssignee = (event: Event) => {
    const picked = value(event);
    setChoice(picked);
    if (picked !== SOMEONE) apply({ assignee: picked });
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    apply({ assignee: String(form.get("assignee_name") ?? "").trim() });
  };

  return (
    <form class="filters" aria-label="Filter alerts" onSubmit={submit}>
      <label>
        Status
        <select
          name="status"
          value={filters.status}
          onChange={(e: Event) => apply({ status: value(e) as QueueFilters["status"] })}
        >
          <option value="">Any status</option>
          {ALERT_STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Severity
        <select
          name="severity"
          value={filters.severity}
          onChange={(e: Event) => apply({ severity: value(e) as QueueFilters["severity"] })}
        >
          <option value="">Any severity</option>
          {ALERT_SEVERITIES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Assignee
        <select name="assignee" value={choice} onChange={pickAssignee}>
          <option value="">Anyone</option>
          <option value="me">Mine</option>
          <option value="none">Unassigned</option>
          <option value={SOMEONE}>A user…</option>
        </select>
      </label>
      {choice === SOMEONE && (
        <label>
          Username
          <input name="assignee_name" value={named ? filters.assignee : ""} placeholder="Enter to apply" />
        </label>
      )}
      <button type="button" onClick={onReload}>
        Reload
      </button>
    </form>
  );
}
