import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import { ingest } from "../events/ingest";
import type { Outgoing } from "../push/publisher";
import { announce } from "../webhooks/announce";
import { eventBeats } from "./beats";
import { heartbeatJson, heartbeatKey } from "./json";

/**
 * Heartbeats `ids` that are past due and not yet late go late, in ONE statement: each is marked
 * `late` (locked first, and judged on its latest state, so a beat that committed meanwhile, or an
 * event that beat it, keeps it ok), and raises a `heartbeat_missed` event (High, `source_name` = its name, `dedup_key`
 * `heartbeat:<name>`, sent by the system) through the ingest statement itself: silences, grouping
 * and snooze apply to it as to any event, its alert opened or joined by `system` with history;
 * `heartbeat.late` goes to subscribed webhooks unless a silence swallowed it.
 */
export async function markLate(db: Db, ids: number[]): Promise<Outgoing> {
  const idList = `{${ids.join(",")}}`;
  const result = await ingest(db, {
    mode: "batch",
    items: [],
    failures: [],
    idempotency: null,
    sender: {
      before: sql`due as (
          select h.id from heartbeats h
          where h.id = any(${idList}::int[]) and h.status <> 'late' and h.due_at <= now()
            -- An event that beat it since its timer last looked keeps it ok (the timer catches up).
            and not exists (select 1 from events e where ${eventBeats(sql`h`, sql`e`)})
          order by h.id for update
        ), marked as (
          update heartbeats h set status = 'late', late_since = now() from due d where h.id = d.id
          returning h.*
        ),`,
      rows: sql`select (row_number() over (order by m.id) - 1)::int as idx, m.name::text as source_name,
          'heartbeat_missed'::text as event_type, 'High'::severity as severity,
          'No heartbeat from ' || m.name || ' for ' || m.timeout_seconds || ' s (its timeout); last beat: '
            || coalesce(${isoUtc(sql`m.last_beat_at`)}, 'never') || '.' as description,
          null::timestamptz as occurred_at,
          jsonb_build_object('heartbeat', jsonb_build_object('name', m.name, 'timeout_seconds', m.timeout_seconds,
            'last_beat_at', ${isoUtc(sql`m.last_beat_at`)}, 'due_at', ${isoUtc(sql`m.due_at`)}, 'tags', to_jsonb(m.tags)))
            as metadata,
          ${heartbeatKey(sql`m.name`)} as dedup_key, m.tags
        from marked m`,
      after: sql`, late_deliveries as (
          ${announce(
            "heartbeat.late",
            sql`select json_build_object('heartbeat', ${heartbeatJson(
              sql`m`,
              sql`json_build_object('id', p.alert_id, 'status', p.alert_status)`,
            )}) from marked m join placed p on p.dedup_key = ${heartbeatKey(sql`m.name`)}
                where p.silenced_by is null and p.alert_id is not null`,
            "High",
          )}
        )`,
      deliveries: sql`select id from late_deliveries`,
    },
  });
  if (result.outcome !== "stored") throw new Error("a system ingest has no idempotency key");
  return result.out;
}
