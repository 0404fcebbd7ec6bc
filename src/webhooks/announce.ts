import { type SQL, sql } from "drizzle-orm";
import type { Severity, WebhookEvent } from "../db/schema";
import { isoUtc } from "../db/sql";

/**
 * Webhook deliveries for what is not an alert change (silences, heartbeats), as a CTE body for the
 * statement that makes the change: `rows` yields one `data` json per notification; each goes to
 * every webhook subscribed to `type` (and, with `severity`, whose min_severity it meets), its
 * payload `{type, timestamp, data}` fixed for all retries. Returns the deliveries' `id`s, for
 * the queue; one never enqueued is re-enqueued by the sweep, as for alert changes.
 */
export function announce(type: WebhookEvent, rows: SQL, severity?: Severity): SQL {
  const meets = severity ? sql`and (w.min_severity is null or ${severity}::severity >= w.min_severity)` : sql``;
  return sql`insert into webhook_deliveries (webhook_id, event_type, payload)
    select w.id, ${type}::delivery_event_type,
           json_build_object('type', ${type}::text, 'timestamp', ${isoUtc(sql`now()`)}, 'data', d.data)
    from (${rows}) as d(data)
    join webhooks w on ${type}::delivery_event_type = any(w.events) ${meets}
    order by w.id
    returning id`;
}
