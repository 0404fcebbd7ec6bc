import type { EventView } from "../api/types";
import { ErrorText, SeverityBadge, Tags, Time, Untrusted } from "../ui/bits";
import { Scroll } from "../ui/Scroll";
import { usePagedList } from "../ui/use-paged-list";

/** Every event grouped into the alert (same dedup key), newest first. */
export function GroupedEvents({ alertId, revision }: { alertId: number; revision: number }) {
  const events = usePagedList<EventView>(`/api/alerts/${alertId}/events/`, revision);
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Grouped events</h2>
      <ErrorText message={events.error} />
      {events.items && (
        <Scroll label="Grouped events">
          <table class="compact">
            <caption class="sr-only">Events of this alert, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Severity</th>
                <th scope="col">Source</th>
                <th scope="col">Description</th>
                <th scope="col">Tags</th>
                <th scope="col">Ingested</th>
              </tr>
            </thead>
            <tbody>
              {events.items.map((event) => (
                <tr key={event.id}>
                  <td>#{event.id}</td>
                  <td>
                    <SeverityBadge severity={event.severity} />
                  </td>
                  <td class="clip">
                    <Untrusted text={event.source_name} />
                  </td>
                  <td class="clip">
                    <Untrusted text={event.description} />
                  </td>
                  <td>
                    <Tags tags={event.tags} />
                  </td>
                  <td>
                    <Time iso={event.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {events.hasMore && (
        <button type="button" onClick={events.loadMore}>
          Load more events
        </button>
      )}
    </section>
  );
}
