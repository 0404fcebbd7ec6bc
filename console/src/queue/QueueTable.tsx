import type { Alert } from "../api/types";
import { SeverityBadge, StatusBadge, Time, Untrusted } from "../ui/bits";

/** The alerts of one page; rows that arrived live are marked until the next load. */
export function QueueTable({ alerts, fresh }: { alerts: Alert[]; fresh: ReadonlySet<number> }) {
  if (alerts.length === 0) return <p class="empty">No alerts match these filters.</p>;
  return (
    <table class="queue">
      <caption class="sr-only">Alerts, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Alert</th>
          <th scope="col">Severity</th>
          <th scope="col">Status</th>
          <th scope="col">Source</th>
          <th scope="col">Type</th>
          <th scope="col" class="num">
            Events
          </th>
          <th scope="col">Assignee</th>
          <th scope="col">Raised</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((alert) => (
          <tr key={alert.id} data-alert-id={alert.id} class={fresh.has(alert.id) ? "fresh" : ""}>
            <td>
              <a href={`/alerts/${alert.id}`}>#{alert.id}</a>
              {fresh.has(alert.id) && <span class="new-tag">new</span>}
            </td>
            <td>
              <SeverityBadge severity={alert.severity} />
            </td>
            <td>
              <StatusBadge status={alert.status} />
            </td>
            <td class="clip">
              <Untrusted text={alert.event.source_name} />
            </td>
            <td class="clip">
              <Untrusted text={alert.event.event_type} />
            </td>
            <td class="num">{alert.event_count}</td>
            <td>{alert.assignee ? <Untrusted text={alert.assignee} /> : <span class="muted">—</span>}</td>
            <td>
              <Time iso={alert.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
