import { type SQL, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import type { PageRequest } from "../http/pagination";
import type { AuditEntry, AuditFilters } from "./schemas";

/**
 * The audit_log table's door. Stores that change users, keys or webhooks write their audit rows
 * with `recordAudit(...)` as a CTE of the very statement that makes the change: the change and
 * its record commit together or not at all, and a statement that changes nothing records nothing.
 */
export type AuditActor = { type: "user"; id: number; name: string } | { type: "cli"; name: string };

/** An admin, through the API: the permission table lets no API key manage users, keys or webhooks. */
export function auditActorOf(principal: Principal): AuditActor {
  if (principal.type !== "user") throw new Error(`API key ${principal.id} reached an administrative route`);
  return { type: "user", id: principal.id, name: principal.name };
}

/**
 * `insert into audit_log ...` from `rows`, a query yielding (action, target_type, target_id,
 * target_name, from_value, to_value), each row done by `actor`.
 */
export function recordAudit(actor: AuditActor, rows: SQL): SQL {
  const actorId = actor.type === "user" ? actor.id : null;
  return sql`insert into audit_log (actor_type, actor_id, actor_name, action, target_type, target_id, target_name, from_value, to_value)
    select ${actor.type}::audit_actor_type, ${actorId}::int, ${actor.name}::text, r.action::audit_action,
           r.target_type::audit_target_type, r.target_id, r.target_name, r.from_value, r.to_value
    from (${rows}) as r(action, target_type, target_id, target_name, from_value, to_value)`;
}

const entryJson = sql`json_build_object(
  'id', l.id,
  'at', ${isoUtc(sql`l.at`)},
  'actor', json_build_object('type', l.actor_type, 'id', l.actor_id, 'name', l.actor_name),
  'action', l.action,
  'target', json_build_object('type', l.target_type, 'id', l.target_id, 'name', l.target_name),
  'from', l.from_value,
  'to', l.to_value
)`;

/** One page, newest first, and the total, in one round trip. */
export async function listAudit(
  db: Db,
  filters: AuditFilters,
  page: PageRequest,
): Promise<{ count: number; results: AuditEntry[] }> {
  const where = auditConditions(filters);
  const { rows } = await db.execute<{ total: string; entry: AuditEntry }>(sql`
    select (select count(*) from audit_log l where ${where}) as total, ${entryJson} as entry
    from (select id from audit_log l where ${where} order by id desc limit ${page.limit} offset ${page.offset}) p
    join audit_log l on l.id = p.id
    order by l.id desc`);
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.entry) };
}

/**
 * The filters, all of which must hold. The log is small (administrative changes only), so they
 * read it in id order rather than through indexes of their own.
 */
function auditConditions(f: AuditFilters): SQL {
  const conditions: SQL[] = [sql`true`];
  if (f.action) conditions.push(sql`l.action = ${f.action}::audit_action`);
  if (f.actor_type) conditions.push(sql`l.actor_type = ${f.actor_type}::audit_actor_type`);
  if (f.actor_id !== undefined) conditions.push(sql`l.actor_id = ${f.actor_id}`);
  if (f.target_type) conditions.push(sql`l.target_type = ${f.target_type}::audit_target_type`);
  if (f.target_id !== undefined) conditions.push(sql`l.target_id = ${f.target_id}`);
  if (f.after) conditions.push(sql`l.at >= ${f.after}::timestamptz`);
  if (f.before) conditions.push(sql`l.at <= ${f.before}::timestamptz`);
  return sql.join(conditions, sql` and `);
}
