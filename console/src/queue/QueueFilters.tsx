import { useEffect, useState } from "hono/jsx/dom";
import { ALERT_SEVERITIES, ALERT_STATUSES } from "../api/types";
import { navigate } from "../router";
import { RangePicker } from "../ui/RangePicker";
import { type QueueFilters, queueHref, searchable, tagsFrom, tagsLeftOut } from "./filters";

const SOMEONE = "user";

/**
 * Each change applies at once (and lands in the URL); the search box, the tags and the username
 * field apply on Enter or Apply (with more than one text field, a form without a submit button
 * ignores Enter). `/` jumps to the search box (see use-queue-keys.ts).
 */
export function QueueFilterBar({ filters, onReload }: { filters: QueueFilters; onReload: () => void }) {
  const named = !["", "me", "none"].includes(filters.assignee);
  const [choice, setChoice] = useState(named ? SOMEONE : filters.assignee);
  const [q, setQ] = useState(filters.q);
  const shownTags = filters.tags.join(" ");
  const [tags, setTags] = useState(shownTags);
  // What the last Apply left out of the typed tags (the field then shows only those applied), said
  // while those are the filter's tags: Back or Forward to other tags drops it.
  const [leftOut, setLeftOut] = useState({ applied: "", message: "" });
  // Back and Forward change the filters under us.
  useEffect(() => setChoice(named ? SOMEONE : filters.assignee), [named, filters.assignee]);
  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(() => setTags(shownTags), [shownTags]);
  const apply = (change: Partial<QueueFilters>) => navigate(queueHref({ ...filters, ...change, page: 1 }));
  const value = (event: Event) => (event.target as HTMLSelectElement | HTMLInputElement).value;

  const pickAssignee = (event: Event) => {
    const picked = value(event);
    setChoice(picked);
    if (picked !== SOMEONE) apply({ assignee: picked });
  };

  const toggleSeverity = (severity: (typeof ALERT_SEVERITIES)[number], on: boolean) =>
    apply({
      severities: ALERT_SEVERITIES.filter((s) => (s === severity ? on : filters.severities.includes(s))),
    });

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const username = form.get("assignee_name");
    setLeftOut({ applied: tagsFrom([tags]).join(" "), message: leftOutHint(tags) });
    apply({
      q: q.trim(),
      tags: tagsFrom([tags]),
      ...(username === null ? {} : { assignee: String(username).trim() }),
    });
  };

  return (
    <form class="filters" aria-label="Filter alerts" onSubmit={submit}>
      <label class="search">
        Search
        <input
          id="queue-search"
          type="search"
          name="q"
          value={q}
          placeholder="source, type, description"
          aria-describedby="search-hint"
          onInput={(e: Event) => setQ(value(e))}
        />
        <span id="search-hint" class="hint">
          {q.trim() && !searchable(q) ? "Type a word of 3 or more characters." : "Every word must match."}
        </span>
      </label>
      <label class="tag-filter">
        Tags
        <input
          name="tags"
          value={tags}
          placeholder="pci env:prod"
          aria-describedby="tags-hint"
          onInput={(e: Event) => {
            setTags(value(e));
            setLeftOut({ applied: "", message: "" });
          }}
        />
        <span id="tags-hint" class="hint" aria-live="polite">
          {leftOutHint(tags) ||
            (leftOut.applied === shownTags && leftOut.message) ||
            "All must be on the alert. Enter to apply."}
        </span>
      </label>
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
      <fieldset class="checks">
        <legend>Severity</legend>
        {ALERT_SEVERITIES.map((s) => (
          <label>
            <input
              type="checkbox"
              name="severity"
              value={s}
              checked={filters.severities.includes(s)}
              onChange={(e: Event) => toggleSeverity(s, (e.target as HTMLInputElement).checked)}
            />
            {s}
          </label>
        ))}
      </fieldset>
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
      <RangePicker id="queue-range" range={filters.range} allowAll onChange={(range) => apply({ range })} />
      <button type="submit">Apply</button>
      <button type="button" onClick={onReload}>
        Reload
      </button>
    </form>
  );
}

/** Says which typed tags a filter cannot take (the API's rule: tagsFrom), or "" when it takes them all. */
function leftOutHint(typed: string): string {
  const { invalid, beyond } = tagsLeftOut([typed]);
  const parts = [];
  if (invalid.length) parts.push(`Not tags, left out: ${invalid.join(", ")} (a-z, 0-9 and : _ . - only, at most 64).`);
  if (beyond.length) parts.push(`At most 10 tags; left out: ${beyond.join(", ")}.`);
  return parts.join(" ");
}
