import { sql } from "drizzle-orm";
import { actorValues, noted, recordHistory, SYSTEM } from "../alerts/history";
import { lifecycleStamps, TERMINAL_STATUS } from "../alerts/lifecycle";
import type { Db } from "../db/client";
import { database } from "../db/database";
import type { Bindings } from "../env";
import { publishChanges } from "../push/publisher";
import { announce } from "../webhooks/announce";
import { heartbeatJson, heartbeatKey } from "./json";

/**
 * A late heartbeat that was beaten again comes back, in ONE statement: `ok` again, its alert
 * Resolved by `system` (the reason in its history: "Heartbeat <name> beat again."), and
 * `heartbeat.ok` to subscribed webhooks. Judged on the row itself (late, and beaten since it
 * went late), so running it twice, or for a heartbeat that went late again meanwhile, does
 * nothing wrong. Returns the history and delivery ids, for the publisher.
 */
export async function recoverHeartbeats(
  db: Db,
  ids: number[],
): Promise<{ historyIds: number[]; deliveryIds: number[] }> {
  const resolved = sql`${TERMINAL_STATUS}::alert_status`;
  const { rows } = await db.execute<{ history: number[] | null; deliveries: number[] | null }>(sql`
    with back_hb as (
      update heartbeats h set status = 'ok', late_since = null
      where h.id = any(${`{${ids.join(",")}}`}::int[]) and h.status = 'late' and h.last_beat_at > h.late_since
      returning h.*
    ), back as (
      update alerts a set status = ${resolved}, ${lifecycleStamps(sql`a`, resolved)}, snoozed_until = null,
        updated_at = now(), version = a.version + 1
      from back_hb b
      where a.dedup_key = ${heartbeatKey(sql`b.name`)} and a.status <> ${TERMINAL_STATUS}
      returning a.id, old.status as was, b.name
    ), history as (
      ${recordHistory(sql`
        select id, ${actorValues(SYSTEM)}, 'status_changed'::history_action, was::text, ${TERMINAL_STATUS}::text,
               ${noted(sql`'Heartbeat ' || name || ' beat again.'`)}
        from back`)}
    ), deliveries as (
      ${announce(
        "heartbeat.ok",
        sql`select json_build_object('heartbeat', ${heartbeatJson(sql`b`, sql`null::json`)},
                                     'alert', (select json_build_object('id', k.id, 'status', ${TERMINAL_STATUS}::text)
                                               from back k where k.name = b.name))
            from back_hb b`,
        "High",
      )}
    )
    select (select json_agg(id order by id) from history) as history,
           (select json_agg(id order by id) from deliveries) as deliveries`);
  return { historyIds: rows[0]?.history ?? [], deliveryIds: (rows[0]?.deliveries ?? []).map(Number) };
}

/** Recovers them and publishes what that wrote (the stream, the webhooks). */
export async function recoverAndPublish(env: Bindings, ids: number[]): Promise<void> {
  const wrote = await recoverHeartbeats(database(env), ids);
  await publishChanges(env, wrote);
}

/** At most this many recoveries per sweep. */
export const RECOVERY_BATCH = 100;

/** Late heartbeats beaten since they went late whose recovery was lost (the Worker died right after the beat). */
export async function unrecoveredHeartbeats(db: Db): Promise<number[]> {
  const { rows } = await db.execute<{ id: number }>(sql`
    select id from heartbeats where status = 'late' and last_beat_at > late_since
    order by last_beat_at limit ${RECOVERY_BATCH}`);
  return rows.map((r) => Number(r.id));
}
