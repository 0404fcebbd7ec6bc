import { type SQL, sql } from "drizzle-orm";
import { isoUtc } from "../db/sql";
import { lastBeat } from "./beats";

/** Heartbeat alerts' grouping key: `heartbeat:<name>`. Sensors may not send keys in this space. */
export const HEARTBEAT_KEY_PREFIX = "heartbeat:";

/** SQL: the dedup key of heartbeat `name`'s alert. */
export function heartbeatKey(name: SQL): SQL {
  return sql`(${HEARTBEAT_KEY_PREFIX}::text || ${name})`;
}

/** SQL: the unresolved alert of heartbeat `h` as `{id, status}`, or null. */
export function heartbeatAlert(h: SQL): SQL {
  return sql`(select json_build_object('id', a.id, 'status', a.status) from alerts a
    where a.dedup_key = ${heartbeatKey(sql`${h}.name`)} and a.status <> 'Resolved')`;
}

/** SQL: heartbeat `h`'s status as shown: `unknown` is `ok` once an event beat it. */
export function shownStatus(h: SQL): SQL {
  return sql`(case when ${h}.status = 'unknown' and ${lastBeat(h)} is not null then 'ok' else ${h}.status::text end)`;
}

/**
 * The API's heartbeat representation, built in one place, from a heartbeats row `h`, with the
 * events that beat it since its timer last looked counted in (beats.ts): the last beat, the
 * deadline and `unknown` become what they are now. `alert` is its unresolved alert as the
 * statement knows it (by default, as its snapshot saw it).
 */
export function heartbeatJson(h: SQL, alert: SQL = heartbeatAlert(h)): SQL {
  const beat = lastBeat(h);
  return sql`json_build_object(
    'name', ${h}.name,
    'timeout_seconds', ${h}.timeout_seconds,
    'status', ${shownStatus(h)},
    'last_beat_at', ${isoUtc(beat)},
    'due_at', ${isoUtc(sql`greatest(${h}.due_at, ${beat} + make_interval(secs => ${h}.timeout_seconds))`)},
    'late_since', ${isoUtc(sql`${h}.late_since`)},
    'tags', to_json(${h}.tags),
    'owner', case when ${h}.owner_type is null then null
      else json_build_object('type', ${h}.owner_type, 'name', ${h}.owner_name) end,
    'alert', ${alert},
    'created_by', (select u.username from users u where u.id = ${h}.created_by_id),
    'created_at', ${isoUtc(sql`${h}.created_at`)}
  )`;
}
