import type { EventView } from "../api/types";
import { SeverityBadge, Tags, Time, Untrusted } from "../ui/bits";
import { formatValue } from "../ui/format";
import { Scroll } from "../ui/Scroll";

/**
 * The event that opened the alert: every field, what the rules did to it (its tags, the rules
 * applied in order), and its metadata as a key/value table.
 */
export function EventDetails({ event }: { event: EventView }) {
  const metadata = Object.entries(event.metadata);
  return (
    <section aria-labelledby="event-title">
      <h2 id="event-title">Event #{event.id}</h2>
      <dl class="fields">
        <dt>Source</dt>
        <dd>
          <Untrusted text={event.source_name} />
        </dd>
        <dt>Type</dt>
        <dd>
          <Untrusted text={event.event_type} />
        </dd>
        <dt>Severity</dt>
        <dd>
          <SeverityBadge severity={event.severity} />
        </dd>
        <dt>Occurred</dt>
        <dd>
          <Time iso={event.occurred_at} />
        </dd>
        <dt>Ingested</dt>
        <dd>
          <Time iso={event.created_at} />
        </dd>
        <dt>Description</dt>
        <dd class="prose">
          {event.description ? <Untrusted text={event.description} /> : <span class="muted">None given</span>}
        </dd>
        <dt>Tags</dt>
        <dd>
          <Tags tags={event.tags} />
        </dd>
        <dt>Rules applied</dt>
        <dd>
          {event.rules_applied.length ? (
            event.rules_applied.map((id) => `#${id}`).join(", ")
          ) : (
            <span class="muted">None</span>
          )}
        </dd>
        {event.suppressed_by_rule !== null && (
          <>
            <dt>Suppressed by</dt>
            <dd>rule #{event.suppressed_by_rule}</dd>
          </>
        )}
      </dl>
      <h3>Metadata</h3>
      {metadata.length === 0 ? (
        <p class="muted">No metadata.</p>
      ) : (
        <Scroll label="Metadata">
          <table class="metadata">
            <caption class="sr-only">Event metadata</caption>
            <tbody>
              {metadata.map(([key, value]) => (
                <tr>
                  <th scope="row">
                    <Untrusted text={key} />
                  </th>
                  <td>
                    <code>
                      <Untrusted text={formatValue(value)} />
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
