import type { Alert, BulkResult } from "../api/types";
import { SeverityBadge, StatusBadge, Tags, Time, Untrusted } from "../ui/bits";
import { Scroll } from "../ui/Scroll";

export type Selection = {
  selected: ReadonlySet<number>;
  toggle: (id: number, on: boolean) => void;
  /** Select every alert on the page, or none. */
  toggleAll: (on: boolean) => void;
};

const OUTCOME_TEXT: Record<BulkResult["status"], string> = { 200: "Done", 404: "Not found", 409: "Refused" };

/** What the bulk action did to this alert: its status code and, when refused, why. */
function Outcome({ result }: { result: BulkResult | undefined }) {
  if (!result) return null;
  return (
    <span class={`outcome outcome-${result.status}`} title={result.detail}>
      {result.status} {OUTCOME_TEXT[result.status]}
      {result.detail && <span class="sr-only">: {result.detail}</span>}
    </span>
  );
}

/**
 * The alerts of one page; rows that arrived live are marked until the next load. With a
 * `selection` (admins), each row has a checkbox and shows the last bulk action's outcome.
 */
export function QueueTable({
  alerts,
  fresh,
  cursor,
  tagHref,
  selection,
  outcomes,
}: {
  alerts: Alert[];
  fresh: ReadonlySet<number>;
  /** The row j/k moved to. */
  cursor: number | null;
  /** The queue filtered by one more tag. */
  tagHref: (tag: string) => string;
  selection: Selection | null;
  outcomes: ReadonlyMap<number, BulkResult>;
}) {
  if (alerts.length === 0) return <p class="empty">No alerts match these filters.</p>;
  const all = alerts.every((a) => selection?.selected.has(a.id));
  // Right after the alert's id, so a phone shows it without scrolling; only once there is one.
  const results = selection !== null && outcomes.size > 0;
  return (
    <Scroll label="Alerts">
      <table class="queue">
        <caption class="sr-only">Alerts, newest first</caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col" class="pick">
                <input
                  type="checkbox"
                  aria-label="Select every alert on this page"
                  checked={all}
                  onChange={(e: Event) => selection.toggleAll((e.target as HTMLInputElement).checked)}
                />
              </th>
            )}
            <th scope="col">Alert</th>
            {results && <th scope="col">Result</th>}
            <th scope="col">Severity</th>
            <th scope="col">Status</th>
            <th scope="col">Source</th>
            <th scope="col" class="wide">
              Type
            </th>
            <th scope="col" class="wide">
              Tags
            </th>
            <th scope="col" class="num wide">
              Events
            </th>
            <th scope="col">Assignee</th>
            <th scope="col" class="wide">
              Raised
            </th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr
              key={alert.id}
              data-alert-id={alert.id}
              class={[fresh.has(alert.id) ? "fresh" : "", cursor === alert.id ? "cursor" : ""].join(" ").trim()}
            >
              {selection && (
                <td class="pick">
                  <input
                    type="checkbox"
                    aria-label={`Select alert #${alert.id}`}
                    checked={selection.selected.has(alert.id)}
                    onChange={(e: Event) => selection.toggle(alert.id, (e.target as HTMLInputElement).checked)}
                  />
                </td>
              )}
              <td>
                <a href={`/alerts/${alert.id}`}>#{alert.id}</a>
                {fresh.has(alert.id) && <span class="new-tag">new</span>}
              </td>
              {results && (
                <td>
                  <Outcome result={outcomes.get(alert.id)} />
                </td>
              )}
              <td>
                <SeverityBadge severity={alert.severity} />
              </td>
              <td>
                <StatusBadge status={alert.status} />
              </td>
              <td class="clip">
                <Untrusted text={alert.event.source_name} />
              </td>
              <td class="clip wide">
                <Untrusted text={alert.event.event_type} />
              </td>
              <td class="wide">
                <Tags tags={alert.tags} href={tagHref} />
              </td>
              <td class="num wide">{alert.event_count}</td>
              <td>{alert.assignee ? <Untrusted text={alert.assignee} /> : <span class="muted">—</span>}</td>
              <td class="wide">
                <Time iso={alert.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
