import { useEffect, useState } from "hono/jsx/dom";
import type { EventView, Rule } from "../api/types";
import { useServices } from "../context";
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
          {event.rules_applied.length ? <RuleNames ids={event.rules_applied} /> : <span class="muted">None</span>}
        </dd>
        {event.suppressed_by_rule !== null && (
          <>
            <dt>Suppressed by</dt>
            <dd>
              <RuleNames ids={[event.suppressed_by_rule]} />
            </dd>
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

/** A rule's name once read; null: the rule was deleted since (events keep its id). */
type Named = Map<number, string | null>;

/**
 * Rules an event names by id, in its order, each with its name as it is now (read when the page
 * opens: an id alone says nothing to the analyst). Until the names arrive, or if they cannot be
 * read, the ids stand alone.
 */
function RuleNames({ ids }: { ids: number[] }) {
  const { session } = useServices();
  const [named, setNamed] = useState<Named>(new Map());
  const key = ids.join(",");
  useEffect(() => {
    let current = true;
    Promise.all(
      key.split(",").map(async (id): Promise<[number, string | null] | null> => {
        const res = await session.fetch(`/api/rules/${id}/`);
        if (res.status === 404) return [Number(id), null];
        return res.ok ? [Number(id), ((await res.json()) as Rule).name] : null;
      }),
    )
      .then((pairs) => {
        if (current) setNamed(new Map(pairs.filter((p) => p !== null)));
      })
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [session, key]);
  return (
    <ul class="rule-names">
      {ids.map((id) => {
        const name = named.get(id);
        return (
          <li key={id}>
            <a href="/rules">#{id}</a>
            {name === null ? (
              <span class="muted"> (deleted)</span>
            ) : (
              name !== undefined && (
                <>
                  {" "}
                  <Untrusted text={name} />
                </>
              )
            )}
          </li>
        );
      })}
    </ul>
  );
}
