import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { executeHot, type HotStatement, hotShapes } from "../db/hot";
import type { AlertStatus } from "../db/schema";
import { isoUtc } from "../db/sql";
import type { Outgoing } from "../push/publisher";
import { type AlertNotice, deliveriesOf, noticeList } from "../push/store";
import { assigneeLookup } from "./assignee";
import {
  type Actor,
  actorBindings,
  actorPlaceholders,
  actorValues,
  changes,
  noted,
  noticesOf,
  recordPublishedHistory,
} from "./history";
import { breaksLifecycle, lifecycleStamps, TERMINAL_STATUS } from "./lifecycle";
import type { AlertView } from "./schemas";
import { alertJson } from "./store";

/**
 * What a PATCH or a bulk action asks: a status, an assignee (null: unassign), a snooze (an
 * instant; null: wake), or several.
 */
export type AlertChange = { status?: AlertStatus; assignee?: string | null; snoozed_until?: string | null };

type ChangeResult =
  | { id: number; outcome: "missing" }
  /** changed: something moved; unchanged: a no-op; terminal: refused by the lifecycle rule;
   * stale: refused because If-Match named another version. Only `changed` wrote anything. */
  | { id: number; outcome: "changed" | "unchanged" | "terminal" | "stale"; alert: AlertView; version: number };

type ChangeOutcome =
  | { outcome: "unknown_assignee" }
  /** `out`: what the statement published itself, for the fan-out (push/publisher.ts). */
  | { outcome: "applied"; results: ChangeResult[]; out: Outgoing };

type Row = {
  id: string;
  verdict: Exclude<ChangeResult["outcome"], "missing"> | null;
  version: number | null;
  alert: AlertView | null;
  unknown_assignee: boolean;
  notices: AlertNotice[] | null;
  deliveries: number[] | null;
};

/**
 * Applies one change to alerts `ids` (one for PATCH, up to 1,000 for bulk) in ONE statement, with
 * a verdict per alert in the order given. The rows are locked first (in id order, so concurrent
 * bulk actions cannot deadlock each other), which gives each verdict the alert's latest committed
 * state: the lifecycle rule (lifecycle.ts), the assignee rule (assignee.ts) and If-Match
 * (`expectedVersion`) are judged on what will actually be updated. A Resolved alert cannot be
 * snoozed (terminal too), and resolving one wakes it. Changed alerts get a new version (their
 * ETag) and one history row per field that moved, in the same statement, published by it (the
 * notices come back, the webhook deliveries are written here); no-ops and refusals write nothing.
 */
export async function changeAlerts(
  db: Db,
  ids: number[],
  change: AlertChange,
  actor: Actor,
  expectedVersion: number | null = null,
): Promise<ChangeOutcome> {
  // Snoozes move only when one is asked or the alert is resolved (which wakes it): other changes
  // run the shape planned without that history.
  const touchesSnooze = change.snoozed_until !== undefined || change.status === TERMINAL_STATUS;
  const rows = await executeHot<Row>(db, changeShape(touchesSnooze), {
    ids: `{${ids.join(",")}}`,
    status: change.status ?? null,
    sets_assignee: change.assignee !== undefined,
    assignee: change.assignee ?? null,
    sets_snooze: change.snoozed_until !== undefined,
    snoozed_until: change.snoozed_until ?? null,
    expected_version: expectedVersion,
    ...actorBindings("actor", actor),
  });
  if (rows[0]?.unknown_assignee) return { outcome: "unknown_assignee" };
  return {
    outcome: "applied",
    out: { notices: rows[0]?.notices ?? [], deliveryIds: (rows[0]?.deliveries ?? []).map(Number) },
    results: rows.map((row): ChangeResult => {
      const id = Number(row.id);
      if (!row.verdict || !row.alert || row.version === null) return { id, outcome: "missing" };
      return { id, outcome: row.verdict, alert: row.alert, version: Number(row.version) };
    }),
  };
}

/** The change statement's result columns, in order (db/hot.ts). */
const CHANGE_COLUMNS = ["id", "verdict", "version", "alert", "unknown_assignee", "notices", "deliveries"];

const changeShape = hotShapes(CHANGE_COLUMNS, (touchesSnooze: boolean) => changeStatement(touchesSnooze));

/** The change statement's two shapes (with the snooze's history or without), for the migrator (src/hot.ts). */
export function changeShapes(): HotStatement[] {
  return [changeShape(false), changeShape(true)];
}

/**
 * The change statement; what varies per request is placeholders (see changeAlerts()): `ids`,
 * `status`, `sets_assignee` and `assignee`, `sets_snooze` and `snoozed_until`,
 * `expected_version`, `actor_*`.
 */
function changeStatement(touchesSnooze: boolean): SQL {
  const requested = sql`${sql.placeholder("status")}::alert_status`;
  const snooze = sql`${sql.placeholder("snoozed_until")}::timestamptz`;
  const setsAssignee = sql`${sql.placeholder("sets_assignee")}::boolean`;
  const setsSnooze = sql`${sql.placeholder("sets_snooze")}::boolean`;
  const expectedVersion = sql`${sql.placeholder("expected_version")}::int`;
  const assignee = sql`${sql.placeholder("assignee")}::text`;
  const actor = actorPlaceholders("actor");
  return sql`
    with target as (
      select id, ord from unnest(${sql.placeholder("ids")}::bigint[]) with ordinality as t(id, ord)
    ), assignee as (
      ${assigneeLookup(assignee)}
    ), rules as (
      select ${setsAssignee} and ${assignee} is not null and not exists (select 1 from assignee) as unknown_assignee
    ), locked as (
      select a.* from alerts a where a.id in (select id from target) order by a.id for update
    ), verdict as (
      select l.id,
        case
          when ${expectedVersion} is not null and l.version <> ${expectedVersion} then 'stale'
          when ${breaksLifecycle(sql`l.status`, requested)} then 'terminal'
          when l.status = ${TERMINAL_STATUS} and ${snooze} is not null then 'terminal'
          when (${requested} is not null and l.status <> ${requested})
            or (${setsAssignee} and l.assignee_id is distinct from (select id from assignee))
            or (${setsSnooze} and l.snoozed_until is distinct from ${snooze}) then 'changed'
          else 'unchanged'
        end as verdict
      from locked l
    ), updated as (
      update alerts a set
        status = coalesce(${requested}, a.status),
        assignee_id = case when ${setsAssignee} then (select id from assignee) else a.assignee_id end,
        snoozed_until = case when coalesce(${requested}, a.status) = ${TERMINAL_STATUS} then null
                             when ${setsSnooze} then ${snooze} else a.snoozed_until end,
        ${lifecycleStamps(sql`a`, requested)},
        updated_at = now(),
        version = a.version + 1
      from verdict v
      where a.id = v.id and v.verdict = 'changed' and not (select unknown_assignee from rules)
      returning a.*
    ), change as (
      ${changes(sql`
        select u.id, ${actorValues(actor)}, 'status_changed'::history_action, l.status::text, u.status::text, ${noted()}
        from updated u join locked l on l.id = u.id where u.status <> l.status
        union all
        select u.id, ${actorValues(actor)}, 'assigned'::history_action,
               (select username from users where id = l.assignee_id), (select username from users where id = u.assignee_id),
               ${noted()}
        from updated u join locked l on l.id = u.id where u.assignee_id is distinct from l.assignee_id
        ${touchesSnooze ? snoozeHistory(actor, requested) : sql``}`)}
    ), history as (
      ${recordPublishedHistory(sql`change`)}
    ), a as (
      select * from updated
      union all
      select * from locked where id not in (select id from updated)
    ), shown as (
      select t.id, t.ord, v.verdict, a.version, a.severity, case when a.id is null then null else ${alertJson} end as alert
      from target t
      left join verdict v on v.id = t.id
      left join a on a.id = t.id
      left join events e on e.id = a.event_id
    ), rendered as (
      select n.type, s.ord, s.id as alert_id, s.severity, s.alert
      from (${noticesOf(sql`change`)}) n join shown s on s.id = n.alert_id
    ), notified as (
      ${deliveriesOf(sql`rendered`)}
    )
    -- What concerns the whole change rides on the first row only: repeated on every row, a bulk
    -- change's notices (every changed alert) made its result grow with the square of its ids.
    select id, verdict, version, alert, (select unknown_assignee from rules) as unknown_assignee,
           case when ord = 1 then ${noticeList(sql`rendered`)} end as notices,
           case when ord = 1 then (select json_agg(id order by id) from notified) end as deliveries
    from shown order by ord`;
}

/** The history of a change to `snoozed_until`: snoozed (again), or woken (by asking, or by resolving). */
function snoozeHistory(actor: ReturnType<typeof actorPlaceholders>, requested: SQL): SQL {
  return sql`union all
    select u.id, ${actorValues(actor)},
           case when u.snoozed_until is null then 'unsnoozed' else 'snoozed' end::history_action,
           ${isoUtc(sql`l.snoozed_until`)}, ${isoUtc(sql`u.snoozed_until`)},
           ${noted(sql`case when u.snoozed_until is null and ${requested} = ${TERMINAL_STATUS} then 'Resolved.' end`)}
    from updated u join locked l on l.id = u.id where u.snoozed_until is distinct from l.snoozed_until`;
}
