import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { actorValues, noted, recordHistory, SYSTEM } from "./history";
import { lifecycleStamps, TERMINAL_STATUS } from "./lifecycle";

/** At most this many alerts per sweep: the rest wait a minute for the next one. */
export const AUTO_RESOLVE_BATCH = 1000;

/**
 * Auto-resolve (AUTO_RESOLVE_AFTER): unresolved alerts with no new event for `afterSeconds` are
 * Resolved by `system`, in ONE statement per sweep: the oldest first, at most AUTO_RESOLVE_BATCH,
 * through the partial index on last_event_at of unresolved alerts. `skip locked` leaves an alert
 * a PATCH or an ingest holds right now to the next sweep, and the condition is judged again on
 * the locked row, so an event that arrived meanwhile keeps its alert open. Returns the history
 * ids (the outbox), for the publisher.
 */
export async function autoResolve(db: Db, afterSeconds: number): Promise<number[]> {
  const resolved = sql`${TERMINAL_STATUS}::alert_status`;
  const { rows } = await db.execute<{ history: number[] | null }>(sql`
    with stale as (
      select id, status from alerts
      -- Written out, not bound, so the planner can prove alerts_unresolved_last_event_idx applies.
      where status <> ${sql.raw(`'${TERMINAL_STATUS}'`)} and last_event_at < now() - make_interval(secs => ${afterSeconds})
      order by last_event_at limit ${AUTO_RESOLVE_BATCH}
      for update skip locked
    ), updated as (
      update alerts a set status = ${resolved}, ${lifecycleStamps(sql`a`, resolved)},
        updated_at = now(), version = a.version + 1
      from stale s where a.id = s.id
      returning a.id
    ), history as (
      ${recordHistory(sql`
        select s.id, ${actorValues(SYSTEM)}, 'status_changed'::history_action, s.status::text, ${TERMINAL_STATUS}::text,
               ${noted(`No new event for ${asDuration(afterSeconds)} (AUTO_RESOLVE_AFTER).`)}
        from stale s join updated u on u.id = s.id`)}
    )
    select (select json_agg(id order by id) from history) as history`);
  return rows[0]?.history ?? [];
}

/** 259200 -> "3d", 5400 -> "90m": AUTO_RESOLVE_AFTER as it is written. */
function asDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${seconds / 60}m`;
}
