import type { HistoryEntry } from "../api/types";
import { ErrorText, Time, Untrusted } from "../ui/bits";
import { usePagedList } from "../ui/use-paged-list";

const show = (value: HistoryEntry["from"]) => (value === null ? "nobody" : <Untrusted text={String(value)} />);

function sentence(entry: HistoryEntry) {
  switch (entry.action) {
    case "created":
      return "raised the alert";
    case "status_changed":
      return (
        <>
          changed the status from {show(entry.from)} to {show(entry.to)}
        </>
      );
    case "assigned":
      return (
        <>
          assigned it from {show(entry.from)} to {show(entry.to)}
        </>
      );
    case "event_grouped":
      return "grouped another event into it";
    case "note_added":
      return "added a note";
    case "snoozed":
      return (
        <>
          snoozed it until <Time iso={String(entry.to)} />
        </>
      );
    case "unsnoozed":
      return "woke it";
  }
}

/** Every change to the alert, oldest first, as the server recorded it. */
export function History({ alertId, revision }: { alertId: number; revision: number }) {
  const history = usePagedList<HistoryEntry>(`/api/alerts/${alertId}/history/?page_size=100`, revision);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorText message={history.error} />
      {history.items && history.items.length === 0 && <p class="muted">Nothing recorded yet.</p>}
      {history.items && history.items.length > 0 && (
        <ol class="history">
          {history.items.map((entry) => (
            <li key={entry.id} data-action={entry.action}>
              <Time iso={entry.at} />{" "}
              <strong>
                <Untrusted text={entry.actor.name} />
              </strong>{" "}
              <span class="muted">({entry.actor.type})</span> {sentence(entry)}
              {entry.reason && (
                <span class="muted">
                  {" "}
                  (<Untrusted text={entry.reason} />)
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {history.hasMore && (
        <button type="button" onClick={history.loadMore}>
          Load more history
        </button>
      )}
    </section>
  );
}
