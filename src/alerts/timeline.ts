import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import type { Db } from "../db/client";
import { type ChildPage, isoUtc, pageOfChildren } from "../db/sql";
import type { EventView } from "../events/schemas";
import { eventJson } from "../events/store";
import type { PageRequest } from "../http/pagination";
import { actorOf, actorValues, noted, recordHistory } from "./history";
import type { HistoryEntrySchema, NoteSchema } from "./schemas";

/**
 * What happened to an alert: its events, notes and history. Each read is one statement that also
 * says whether the alert exists (an unknown alert is 404, not an empty list).
 */
type NoteView = z.output<typeof NoteSchema>;
type HistoryView = z.output<typeof HistoryEntrySchema>;

const noteJson = sql`json_build_object(
  'id', n.id, 'alert_id', n.alert_id, 'author', (select username from users where id = n.author_id),
  'body', n.body, 'created_at', ${isoUtc(sql`n.created_at`)})`;

/** Adds a note and its `note_added` history row in one statement; null when there is no such alert. */
export async function addNote(db: Db, alertId: number, author: Principal, body: string): Promise<NoteView | null> {
  const { rows } = await db.execute<{ note: NoteView }>(sql`
    with target as (select id from alerts where id = ${alertId}),
    n as (
      insert into alert_notes (alert_id, author_id, body) select id, ${author.id}, ${body} from target returning *
    ), history as (
      ${recordHistory(sql`select alert_id, ${actorValues(actorOf(author))}, 'note_added'::history_action, null, id::text, ${noted()} from n`)}
    )
    select ${noteJson} as note from n`);
  return rows[0]?.note ?? null;
}

/** One page of what belongs to an alert (see pageOfChildren). */
function pageOfAlert<T>(db: Db, alertId: number, part: Parameters<typeof pageOfChildren>[2], page: PageRequest) {
  return pageOfChildren<T>(db, sql`select 1 from alerts where id = ${alertId}`, part, page);
}

/** The alert's notes, oldest first. */
export function listNotes(db: Db, alertId: number, page: PageRequest): Promise<ChildPage<NoteView>> {
  return pageOfAlert(
    db,
    alertId,
    {
      count: sql`select count(*) from alert_notes where alert_id = ${alertId}`,
      items: sql`select ${noteJson} as item, n.id from alert_notes n where n.alert_id = ${alertId}`,
      order: sql`id`,
    },
    page,
  );
}

/** The alert's history, oldest first. */
export function listHistory(db: Db, alertId: number, page: PageRequest): Promise<ChildPage<HistoryView>> {
  return pageOfAlert(
    db,
    alertId,
    {
      count: sql`select count(*) from alert_history where alert_id = ${alertId}`,
      items: sql`select json_build_object(
          'id', h.id, 'at', ${isoUtc(sql`h.at`)}, 'actor', json_build_object('type', h.actor_type, 'name', h.actor_name),
          'action', h.action, 'from', h.from_value, 'to', h.to_value, 'reason', h.reason) as item, h.id
        from alert_history h where h.alert_id = ${alertId}`,
      order: sql`id`,
    },
    page,
  );
}

/** The events grouped into the alert (the one that opened it included), newest first. */
export function listAlertEvents(db: Db, alertId: number, page: PageRequest): Promise<ChildPage<EventView>> {
  return pageOfAlert(
    db,
    alertId,
    {
      count: sql`select count(*) from events where alert_id = ${alertId}`,
      items: sql`select ${eventJson} as item, e.created_at, e.id
        from events e join alerts a on a.id = e.alert_id where e.alert_id = ${alertId}`,
      order: sql`created_at desc nulls last, id desc nulls last`,
    },
    page,
  );
}
