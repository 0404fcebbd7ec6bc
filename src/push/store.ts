import { type SQL, sql } from "drizzle-orm";
import type { AlertView } from "../alerts/schemas";
import { alertJson } from "../alerts/store";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";

/** What one alert's change becomes on the stream (and, as a webhook payload's `type`, for subscribers). */
export type AlertNotice = { type: "alert.created" | "alert.updated"; alert: AlertView };

export type Claimed = { notices: AlertNotice[]; deliveryIds: number[] };

/** The history rows a Worker just wrote, by id. */
export function justWritten(historyIds: number[]): SQL {
  return sql`h.id = any(${`{${historyIds.join(",")}}`}::bigint[])`;
}

/** Rows no Worker handed on (it died between its write and the publisher): the sweep's share. */
export function leftBehind(olderThanSeconds: number): SQL {
  return sql`h.at < now() - make_interval(secs => ${olderThanSeconds})`;
}

/**
 * Takes unpublished history rows (the outbox) and, in ONE statement: marks them published, turns
 * them into one notice per alert (`alert.created` if the alert was created, else
 * `alert.updated`, with the alert as it now is), and writes a webhook delivery for every
 * subscribed webhook, its payload fixed for all retries. `skip locked` lets the publisher and
 * a concurrent sweep each take distinct rows. The notices go to the stream, the delivery ids
 * to the queue; a delivery never enqueued (the Worker died right after this) is re-enqueued by
 * the sweep, so webhooks get every change at least once.
 */
export async function claimChanges(db: Db, which: SQL, limit = 1000): Promise<Claimed> {
  const { rows } = await db.execute<{ notices: AlertNotice[] | null; deliveries: number[] | null }>(sql`
    with changed as (
      select h.id, h.alert_id, h.action from alert_history h
      where h.published_at is null and ${which}
      order by h.id limit ${limit}
      for update skip locked
    ), marked as (
      update alert_history set published_at = now() where id in (select id from changed)
    ), notice as (
      select alert_id, min(id) as first_change,
             case when bool_or(action = 'created') then 'alert.created' else 'alert.updated' end as type
      from changed group by alert_id
    ), rendered as (
      select n.type, n.first_change as ord, a.id as alert_id, a.severity, ${alertJson} as alert
      from notice n join alerts a on a.id = n.alert_id join events e on e.id = a.event_id
    ), deliveries as (
      ${deliveriesOf(sql`rendered`)}
    )
    select ${noticeList(sql`rendered`)} as notices, (select json_agg(id order by id) from deliveries) as deliveries`);
  return { notices: rows[0]?.notices ?? [], deliveryIds: (rows[0]?.deliveries ?? []).map(Number) };
}

/**
 * A webhook delivery for every webhook subscribed to each notice of `rendered` (a CTE of
 * `type, ord, alert_id, severity, alert`: the alert as it now is) whose min_severity it meets,
 * its payload `{type, timestamp, data: {alert}}` fixed for all retries; returns their `id`s. The
 * one place alert changes become deliveries: claimChanges() and the statements that publish
 * their own changes alike.
 */
export function deliveriesOf(rendered: SQL): SQL {
  return sql`insert into webhook_deliveries (webhook_id, event_type, alert_id, payload)
    select w.id, r.type::delivery_event_type, r.alert_id,
           json_build_object('type', r.type, 'timestamp', ${isoUtc(sql`now()`)}, 'data', json_build_object('alert', r.alert))
    from ${rendered} r
    join webhooks w on r.type::delivery_event_type = any(w.events)
      and (w.min_severity is null or r.severity >= w.min_severity)
    order by r.ord, w.id
    returning id`;
}

/** The stream's notices of `rendered` (see deliveriesOf), as a JSON array in order. */
export function noticeList(rendered: SQL): SQL {
  return sql`(select json_agg(json_build_object('type', type, 'alert', alert) order by ord) from ${rendered})`;
}
