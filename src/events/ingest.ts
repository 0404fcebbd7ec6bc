import { type SQL, sql } from "drizzle-orm";
import { joinQuietly, openOrJoinAlerts } from "../alerts/grouping";
import {
  actorBindings,
  actorOf,
  actorPlaceholders,
  actorValues,
  changes,
  noted,
  noticesOf,
  recordPublishedHistory,
  SYSTEM,
} from "../alerts/history";
import { alertJson } from "../alerts/store";
import type { Principal } from "../auth/principal";
import { type Db, dbError } from "../db/client";
import { executeDirect, executeHot, type HotStatement, hotShapes } from "../db/hot";
import { isoUtc } from "../db/sql";
import type { Outgoing } from "../push/publisher";
import { type AlertNotice, deliveriesOf, noticeList } from "../push/store";
import { openedReason } from "../rules/opened";
import type { BatchResult, EventCreate, EventView } from "./schemas";
import { eventJson } from "./store";

/** A batch item that failed validation: answered in place, stored nowhere. */
export type ItemFailure = { index: number; status: 400; errors: Record<string, string[]> };

/** The caller's `Idempotency-Key`, and a fingerprint of what was asked with it. */
export type IdempotencyClaim = { principal: string; key: string; requestHash: string };

/**
 * Events the system raises itself (heartbeats/lateness.ts), through this same statement so that
 * silences, grouping and snooze apply to them as to any (rules do not: their severity and keys are
 * Vigil's): `before` (CTEs, each followed by a comma) come first, `rows` yields the events in place
 * of the JSON items (idx, source_name, event_type, severity, description, occurred_at, metadata,
 * dedup_key, tags), `after` (CTEs, each
 * preceded by a comma) may read `input` and `placed`, and `deliveries` selects the ids of the
 * webhook deliveries `after` wrote.
 */
export type SystemEvents = { before: SQL; rows: SQL; after: SQL; deliveries: SQL };

/**
 * More work for the same statement, beside the events (intake/store.ts: the alerts Alertmanager
 * says are resolved): `after(fresh)` gives CTEs (each preceded by a comma) that write only where
 * `fresh` holds (false when the Idempotency-Key was used before); `results` yields (idx, item)
 * rows that join the batch's results; `history` selects the ids of the history rows `after` wrote.
 */
export type IngestExtension = { after(fresh: SQL): SQL; results: SQL; history: SQL };

/**
 * An event to store at its index; `sourceId` is the id its sender gave it (ECS `event.id`, OCSF
 * `metadata.uid`): an id the sender already had stored is not stored again (see ingest()).
 */
export type IngestItem = { index: number; event: EventCreate; sourceId?: string };

export type IngestRequest = {
  /** `single`: answer with the event (201). `batch`: with per-item results in input order (200). */
  mode: "single" | "batch";
  items: IngestItem[];
  failures: ItemFailure[];
  /** Who sent them: a principal, or the system. */
  sender: Principal | SystemEvents;
  idempotency: IdempotencyClaim | null;
  extension?: IngestExtension;
};

export type IngestResult =
  /** Stored now. `body` is the response (also kept for the idempotency key). */
  | {
      outcome: "stored";
      status: number;
      body: ResponseBody;
      /** For the publisher: the notices and deliveries the statement wrote, and an extension's outbox rows. */
      out: Outgoing;
    }
  /** The key was used before: its first response, and what it was asked with. */
  | { outcome: "prior"; status: number; body: ResponseBody; requestHash: string };

/** An ingest's response body: the event (single) or the batch result. */
export type ResponseBody = EventView | BatchResult;

type Row = {
  body: ResponseBody;
  notices: AlertNotice[] | null;
  history: number[] | null;
  deliveries: number[] | null;
  prior_hash: string | null;
  prior_status: number | null;
  prior_body: ResponseBody | null;
};

/**
 * Stores events and everything they cause in ONE statement (one round trip, atomic): the events,
 * as the rules and silences left them (`vigil_evaluate`, drizzle/0009_rules.sql: the enabled rules
 * in order, then the active silences, all read once, so a batch sees one rule set); the threshold
 * rules' counted hits; the alerts they open or join (grouping rule, alerts/grouping.ts); the
 * history of those alerts, published by the statement itself: the notices for the stream (the
 * alerts as they now are) come back with the response, and the webhook deliveries are written
 * here (pending), so no second statement is needed before the fan-out; and, with an
 * Idempotency-Key, the response for replays.
 *
 * Event ids are drawn first (`nextval`) so each event knows its alert and each alert its opening
 * event in the same statement (foreign keys are checked at its end). Alerting items are grouped
 * per `dedup_key` before the upsert, since one statement may touch a row only once: a batch with
 * five events for one key brings them to its alert at once (`n` = 5).
 *
 * With an Idempotency-Key: if the key was used before (visible to this statement's snapshot),
 * nothing is stored and the prior response is returned. A concurrent duplicate that started
 * before the first one committed cannot see it: both store, and the second's idempotency row
 * then violates the primary key, which aborts its whole statement (events, alerts, history),
 * so exactly one store happens; see `IdempotencyConflict`.
 *
 * Items with a `sourceId` (the native receivers') claim it for their sender first (event_sources,
 * `on conflict do nothing`): an item whose id was claimed before, by an earlier request or by an
 * earlier item of this batch, is not evaluated, stored or counted; its result (status 200,
 * `duplicate: true`) names the event stored for it. A request storing the same id at the same
 * moment is waited for by the claim, so the id is stored once whatever the timing (its event is
 * not visible to this statement then: the result's `id` is null).
 */
export async function ingest(db: Db, request: IngestRequest): Promise<IngestResult> {
  const system = "rows" in request.sender ? request.sender : null;
  const sender = system ? null : (request.sender as Principal);
  const sourced = request.mode === "batch" && request.items.some((item) => item.sourceId !== undefined);
  const values = {
    items: eventItems(request.items),
    sources: sourced ? sourceIds(request.items) : null,
    failed: request.failures.length,
    failures: JSON.stringify(request.failures),
    idem_principal: request.idempotency?.principal ?? null,
    idem_key: request.idempotency?.key ?? null,
    idem_hash: request.idempotency?.requestHash ?? null,
    ...actorBindings("sender", sender && actorOf(sender)),
  };
  // A sensor's events are the load, in six shapes prepared once each; the system's and an
  // extension's statements carry SQL of their own, rendered each time.
  const idempotent = !!request.idempotency;
  const rows =
    system || request.extension
      ? await executeDirect<Row>(
          db,
          ingestStatement({ mode: request.mode, idempotent, sourced, system, extension: request.extension }),
          values,
        )
      : await executeHot<Row>(db, hotShape(`${request.mode}:${idempotent}:${sourced}`), values);
  const row = rows[0];
  if (!row) throw new Error("ingest returned no row");
  if (row.prior_hash !== null) {
    if (!row.prior_body) throw new Error("idempotency record without a body");
    return { outcome: "prior", status: Number(row.prior_status), body: row.prior_body, requestHash: row.prior_hash };
  }
  return {
    outcome: "stored",
    status: statusOf(request.mode),
    body: row.body,
    out: { notices: row.notices ?? [], deliveryIds: (row.deliveries ?? []).map(Number), historyIds: row.history ?? [] },
  };
}

/** The ingest statement's result columns, in order (db/hot.ts: its function's, too). */
const INGEST_COLUMNS = ["body", "notices", "history", "deliveries", "prior_hash", "prior_status", "prior_body"];

const statusOf = (mode: IngestRequest["mode"]) => (mode === "single" ? 201 : 200);

/**
 * A statement's shape: one event or a batch, with or without an Idempotency-Key, with or without
 * sender ids to claim (batches only: the native receivers').
 */
type Shape = { mode: IngestRequest["mode"]; idempotent: boolean; sourced: boolean };

type ShapeKey = `${Shape["mode"]}:${boolean}:${boolean}`;

/** A sensor's ingest, in its six shapes (`single:false:false` ... `batch:true:true`), each rendered once. */
const hotShape = hotShapes(INGEST_COLUMNS, (key: ShapeKey) => {
  const [mode, idempotent, sourced] = key.split(":");
  return ingestStatement({
    mode: mode === "single" ? "single" : "batch",
    idempotent: idempotent === "true",
    sourced: sourced === "true",
    system: null,
  });
});

/** The ingest statement's hot shapes, for the migrator (src/hot.ts). */
export function ingestShapes(): HotStatement[] {
  const keys: ShapeKey[] = [
    "single:false:false",
    "single:true:false",
    "batch:false:false",
    "batch:true:false",
    "batch:false:true",
    "batch:true:true",
  ];
  return keys.map(hotShape);
}

/**
 * The ingest statement for a shape; what varies per request is placeholders (see ingest()):
 * `items`, `failed` and `failures`, `idem_*`, `sender_*`.
 */
function ingestStatement(shape: Shape & { system: SystemEvents | null; extension?: IngestExtension }): SQL {
  const { idempotent, sourced, system, extension } = shape;
  const sender = actorPlaceholders("sender");
  const claims = sourced ? sourceClaims(sender, idempotent) : null;
  // The system's own events (heartbeats) pass the silences but no rule: their keys and severity are Vigil's.
  const events = system
    ? sql`(select coalesce(jsonb_agg(to_jsonb(r) order by r.idx), '[]'::jsonb) from (${system.rows}) r)`
    : (claims?.fresh ?? sql`${sql.placeholder("items")}::jsonb`);
  const status = statusOf(shape.mode);
  const principal = sql.placeholder("idem_principal");
  const key = sql.placeholder("idem_key");
  const unlessPrior = idempotent ? sql`where not exists (select 1 from prior)` : sql``;
  const prior = idempotent
    ? sql`prior as (
        select request_hash, status, body from idempotency_keys where principal = ${principal} and key = ${key}
      ),`
    : sql``;
  const stored = idempotent
    ? sql`, stored as (
        insert into idempotency_keys (principal, key, request_hash, status, body)
        select ${principal}, ${key}, ${sql.placeholder("idem_hash")}, ${status}, value from body
        ${unlessPrior}
      )`
    : sql``;
  const priorColumns = idempotent
    ? sql`(select request_hash from prior) as prior_hash, (select status from prior) as prior_status,
          (select body from prior) as prior_body`
    : sql`null as prior_hash, null as prior_status, null as prior_body`;

  // A replay evaluates nothing: no rule takes a lock or counts a hit for it.
  const evaluated = idempotent
    ? sql`case when exists (select 1 from prior) then '[]'::jsonb else ${events} end`
    : events;
  const opener = system ? SYSTEM : sender;

  return sql`
    with ${prior}
    ${system?.before ?? sql``}
    ${claims?.before ?? sql``}
    input as materialized (
      ${
        claims
          ? sql`select v.*, d.event_id from vigil_evaluate(${evaluated}, true) v join drawn d on d.idx = v.idx order by v.idx`
          : sql`select v.*, nextval(pg_get_serial_sequence('events', 'id')) as event_id
      from (select * from vigil_evaluate(${evaluated}, ${system === null}) order by idx) v`
      }
    ), hits as (
      insert into rule_hits (rule_id, group_key, event_id)
      select h.rule_id, h.group_key, i.event_id from input i, unnest(i.hit_rules, i.hit_keys) as h(rule_id, group_key)
    ), keyed as (
      -- A key with at least one unsilenced event opens or joins its alert as ever; its silenced
      -- events count in event_count, but only the unsilenced ones can raise the severity or add tags.
      select (array_agg(event_id order by idx) filter (where silenced_by is null))[1] as event_id,
             max(severity) filter (where silenced_by is null) as severity, dedup_key, count(*)::int as n,
             (array_agg(alert_rule order by idx) filter (where silenced_by is null))[1] as rule
      from input where alerting and dedup_key is not null group by dedup_key having bool_or(silenced_by is null)
    ), grouped as (
      select k.event_id, k.severity, k.dedup_key, k.n, coalesce(t.tags, '{}') as tags, k.rule from keyed k
      left join (
        select dedup_key, array_agg(distinct tag order by tag) as tags from input, unnest(input.tags) as tag
        where alerting and silenced_by is null and dedup_key is not null group by dedup_key
      ) t on t.dedup_key = k.dedup_key
      union all
      select event_id, severity, null, 1, tags, alert_rule from input
      where alerting and dedup_key is null and silenced_by is null
    ), alert as (
      ${openOrJoinAlerts(sql`select event_id, severity, dedup_key, n, tags, rule from grouped`)}
    ), hushed as (
      -- Keys whose events are all silenced: they join an open alert, counted, and open none.
      ${joinQuietly(sql`
        select dedup_key, count(*)::int from input
        where alerting and dedup_key is not null group by dedup_key having bool_and(silenced_by is not null)`)}
    ), placed as (
      select i.*, coalesce(k.id, o.id, h.id) as alert_id, coalesce(k.status, o.status, h.status) as alert_status
      from input i
      left join alert k on i.alerting and i.dedup_key is not null and k.dedup_key = i.dedup_key
      left join alert o on i.alerting and i.dedup_key is null and o.event_id = i.event_id
      left join hushed h on i.alerting and i.dedup_key is not null and h.dedup_key = i.dedup_key
    ), e as (
      insert into events (id, source_name, event_type, severity, description, occurred_at, metadata, dedup_key,
                          alert_id, silenced_by, tags, rules_applied, suppressed_by_rule,
                          ingested_by_type, ingested_by_id, ingested_by_name)
      overriding system value
      select event_id, source_name, event_type, severity, description, coalesce(occurred_at, now()), metadata,
             dedup_key, alert_id, silenced_by, tags, rules_applied, suppressed_by_rule,
             ${sender.type}::principal_type, ${sender.id}::int, ${sender.name}::text
      from placed
      returning *
    ), change as (
      ${changes(sql`
        select id, ${actorValues(opener)}, 'created'::history_action, null, status::text,
               ${noted(openedReason(sql`opened_by_rule`))}
        from alert where opened
        union all
        select a.id, ${actorValues(SYSTEM)}, 'event_grouped'::history_action,
               greatest(a.event_count - g.n, 1)::text, a.event_count::text, ${noted(null, sql`a.snoozed`)}
        from alert a join grouped g on g.dedup_key = a.dedup_key
        where not a.opened or g.n > 1
        ${wokenHistory}`)}
    ), history as (
      ${recordPublishedHistory(sql`change`)}
    ), opening as (
      -- The events that opened the alerts it notifies of: written now, or earlier (a join).
      select * from e where id in (select event_id from alert where opened)
      union all
      select * from events where id in (select event_id from alert where not opened)
    ), rendered as (
      select n.type, a.id as ord, a.id as alert_id, a.severity, ${alertJson} as alert
      from (${noticesOf(sql`change`)}) n join alert a on a.id = n.alert_id join opening e on e.id = a.event_id
    ), notified as (
      ${deliveriesOf(sql`rendered`)}
    )${system?.after ?? sql``}${extension?.after(idempotent ? sql`not exists (select 1 from prior)` : sql`true`) ?? sql``}, body as (
      select (${shape.mode === "single" ? singleBody() : batchBody([extension?.results, claims?.results])}) as value
    )${stored}
    select (select value from body) as body, ${noticeList(sql`rendered`)} as notices,
           ${extension ? sql`(select json_agg(id order by id) from (${extension.history}) h)` : sql`null`} as history,
           (select json_agg(id order by id) from (select id from notified
              ${system ? sql`union all ${system.deliveries}` : sql``}) d) as deliveries,
           ${priorColumns}`;
}

/**
 * The events of a request as `vigil_evaluate` takes them (a JSON array of rows). Also what
 * POST /api/rules/test/ evaluates its samples as.
 */
export function eventItems(items: IngestItem[]): string {
  return JSON.stringify(
    items.map(({ index, event }) => ({
      idx: index,
      source_name: event.source_name,
      event_type: event.event_type,
      severity: event.severity,
      description: event.description ?? "",
      occurred_at: event.occurred_at ?? null,
      metadata: event.metadata ?? {},
      dedup_key: event.dedup_key ?? null,
      tags: event.tags ?? [],
    })),
  );
}

/** Each item's sender's id (null when it has none), for a sourced statement's claims. */
function sourceIds(items: IngestItem[]): string {
  return JSON.stringify(items.map(({ index, sourceId }) => ({ idx: index, source_id: sourceId ?? null })));
}

/** History of snoozed alerts a grouped event woke by raising their severity (alerts/snooze.ts). */
const wokenHistory = sql`union all
  select id, ${actorValues(SYSTEM)}, 'unsnoozed'::history_action, ${isoUtc(sql`woken_from`)}, null,
         ${noted(sql`'Severity rose to ' || severity || '.'`)}
  from alert where woken_from is not null`;

/** The one event, as the API shows it (its alert as `a`). */
function singleBody(): SQL {
  return sql`select ${eventJson} from e
    left join (select id, status from alert union all select id, status from hushed) a on a.id = e.alert_id`;
}

/**
 * The claims of a sourced batch (see ingest()): `before` draws every item's event id and claims
 * the sender's ids (CTEs, each followed by a comma), `fresh` is the items to evaluate (unclaimed
 * ids left out), `results` the repeated items' results (idx, item).
 */
function sourceClaims(
  sender: ReturnType<typeof actorPlaceholders>,
  idempotent: boolean,
): { before: SQL; fresh: SQL; results: SQL } {
  const items = sql.placeholder("items");
  const sources = sql.placeholder("sources");
  const mine = sql`s.principal_type = ${sender.type}::principal_type and s.principal_id = ${sender.id}::int`;
  return {
    // Ids drawn in input order, as the plain statement draws them; a replayed Idempotency-Key claims nothing.
    before: sql`drawn as materialized (
        select x.idx, x.source_id, nextval(pg_get_serial_sequence('events', 'id')) as event_id
        from jsonb_to_recordset(${sources}::jsonb) as x(idx int, source_id text) order by x.idx
      ), claimed as (
        insert into event_sources (principal_type, principal_id, source_id, event_id)
        select ${sender.type}::principal_type, ${sender.id}::int, source_id, event_id from drawn
        where source_id is not null ${idempotent ? sql`and not exists (select 1 from prior)` : sql``}
        -- In id order, as every claim takes them: two batches with the same ids cannot deadlock.
        order by source_id, idx
        on conflict do nothing
        returning event_id
      ),`,
    // The items as sent when every id was claimed (the rule: a retry is the exception), else
    // rebuilt without the repeats.
    fresh: sql`(case when not exists (
          select 1 from drawn where source_id is not null and event_id not in (select event_id from claimed)
        ) then ${items}::jsonb
        else (select coalesce(jsonb_agg(i order by (i ->> 'idx')::int), '[]'::jsonb)
          from jsonb_array_elements(${items}::jsonb) i
          where (i ->> 'idx')::int in (
            select idx from drawn where source_id is null or event_id in (select event_id from claimed)))
        end)`,
    // The event stored for a repeat: by an earlier request (event_sources as this statement sees
    // it), or by the first item of this batch with its id.
    results: sql`select d.idx, json_build_object('index', d.idx, 'status', 200,
        'id', coalesce(s.event_id, f.event_id),
        'alert', case when coalesce(ea.id, p.alert_id) is null then null
          else json_build_object('id', coalesce(ea.id, p.alert_id), 'status', coalesce(ea.status::text, p.alert_status::text)) end,
        'duplicate', true)
      from drawn d
      left join event_sources s on ${mine} and s.source_id = d.source_id
      left join events se on se.id = s.event_id
      left join alerts ea on ea.id = se.alert_id
      left join lateral (
        select f.event_id from drawn f where f.source_id = d.source_id and f.event_id in (select event_id from claimed)
      ) f on s.event_id is null
      left join placed p on p.event_id = f.event_id
      where d.source_id is not null and d.event_id not in (select event_id from claimed)`,
  };
}

/** `{created, failed, results}`, one result per item in input order (contract section 10). */
function batchBody(more: (SQL | undefined)[] = []): SQL {
  return sql`select json_build_object(
    'created', (select count(*) from e),
    'failed', ${sql.placeholder("failed")}::int,
    'results', coalesce((select json_agg(item order by idx) from (
      select idx, json_build_object('index', idx, 'status', 201, 'id', event_id, 'alert',
        case when alert_id is null then null else json_build_object('id', alert_id, 'status', alert_status) end) as item
      from placed
      union all
      select (f ->> 'index')::int, f from json_array_elements(${sql.placeholder("failures")}::json) f
      ${sql.join(
        more.flatMap((part) => (part ? [sql`union all ${part}`] : [])),
        sql` `,
      )}
    ) results), '[]'::json))`;
}

/** What a concurrent duplicate of an Idempotency-Key gets from the database (see ingest()). */
export function isIdempotencyConflict(error: unknown): boolean {
  const db = dbError(error);
  return db?.code === "23505" && db.constraint === "idempotency_keys_principal_key_pk";
}

/** The stored response of a key, read after a concurrent duplicate lost the race. */
export async function findIdempotentResponse(
  db: Db,
  principal: string,
  key: string,
): Promise<{ status: number; body: ResponseBody; requestHash: string } | null> {
  const { rows } = await db.execute<{ status: number; body: ResponseBody; request_hash: string }>(sql`
    select status, body, request_hash from idempotency_keys where principal = ${principal} and key = ${key}`);
  const row = rows[0];
  return row ? { status: Number(row.status), body: row.body, requestHash: row.request_hash } : null;
}

/**
 * Forgets what makes a retry harmless once older than the retention (the scheduled handler runs
 * it): Idempotency-Key records and the senders' claimed event ids. Returns how many rows went.
 */
export async function purgeRetryRecords(db: Db, retentionHours: number): Promise<number> {
  const { rows } = await db.execute<{ n: string }>(sql`
    with keys as (
      delete from idempotency_keys where created_at < now() - make_interval(hours => ${retentionHours}) returning 1
    ), sources as (
      delete from event_sources where created_at < now() - make_interval(hours => ${retentionHours}) returning 1
    )
    select (select count(*) from keys) + (select count(*) from sources) as n`);
  return Number(rows[0]?.n ?? 0);
}
