import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import type { PageRequest } from "../http/pagination";
import { matchersJson } from "../matchers/sql";
import { announce } from "../webhooks/announce";
import type { StoredRule } from "./compile";
import { MAX_ENABLED_RULES, MAX_WINDOW_SECONDS, type RuleView } from "./schemas";

/**
 * The rules table's door: its routes read and write here; the ingest statement reads the enabled
 * rules itself (`vigil_evaluate`). Custom rules hold positions 1..n with no gaps; the built-in
 * rule is always evaluated last (it is shown at n + 1).
 *
 * Every write runs as a batch (one transaction) whose first statement takes one advisory lock for
 * all rule writes, so position shifts and the limit on enabled rules hold under concurrent
 * changes; the write itself is one statement with its webhook deliveries. A batch of events
 * reads the rule set once, so it sees the rules before or after a change, never a mix.
 */
const RULES_LOCK = sql`select pg_advisory_xact_lock(hashtextextended('vigil:rules', 0))`;

const ruleJson = sql`json_build_object(
  'id', r.id,
  'name', r.name,
  'description', r.description,
  'position', case when r.builtin then (select count(*) + 1 from rules c where not c.builtin) else r.position end,
  'enabled', r.enabled,
  'builtin', r.builtin,
  'conditions', ${matchersJson(sql`r.conditions`)},
  'actions', r.actions,
  'threshold', r.threshold,
  'created_by', (select u.username from users u where u.id = r.created_by_id),
  'created_at', ${isoUtc(sql`r.created_at`)},
  'updated_at', ${isoUtc(sql`r.updated_at`)}
)`;

const ORDER = sql`r.builtin, r.position, r.id`;

/** Room for one more enabled rule (under the rules lock). */
const roomToEnable = sql`(select count(*) from rules where enabled) < ${MAX_ENABLED_RULES}`;

export type NewRule = StoredRule & {
  name: string;
  description: string;
  enabled: boolean;
  position: number | null;
  createdById: number;
};

type Written = { rule: RuleView | null; deliveries: number[] | null };

function jsonParam(value: unknown): SQL {
  return sql`${JSON.stringify(value)}::jsonb`;
}

/** Creates it (`rule.created` deliveries in the same statement); null when it would make too many enabled rules. */
export async function insertRule(db: Db, rule: NewRule): Promise<{ rule: RuleView; deliveryIds: number[] } | null> {
  const [, { rows }] = await db.batch([
    db.execute(RULES_LOCK),
    db.execute<Written>(sql`
      with room as (
        select ${!rule.enabled} or ${roomToEnable} as ok,
               least(coalesce(${rule.position}::int, 2147483647), (select count(*) + 1 from rules where not builtin))::int as at
      ), shifted as (
        update rules set position = position + 1
        where not builtin and position >= (select at from room) and (select ok from room)
      ), r as (
        insert into rules (position, enabled, name, description, conditions, actions, threshold, compiled, created_by_id)
        select at, ${rule.enabled}, ${rule.name}, ${rule.description}, ${jsonParam(rule.conditions)},
               ${jsonParam(rule.actions)}, ${jsonParam(rule.threshold)}, ${jsonParam(rule.compiled)}, ${rule.createdById}
        from room where ok
        returning *
      ), d as (
        ${announce("rule.created", sql`select json_build_object('rule', ${ruleJson}) from r`)}
      )
      select (select ${ruleJson} from r) as rule, (select json_agg(id order by id) from d) as deliveries`),
  ]);
  const row = rows[0];
  return row?.rule ? { rule: row.rule, deliveryIds: (row.deliveries ?? []).map(Number) } : null;
}

export async function findRule(db: Db, id: number): Promise<(RuleView & { stored: StoredRule }) | null> {
  const { rows } = await db.execute<{ rule: RuleView; stored: StoredRule }>(sql`
    select ${ruleJson} as rule,
           json_build_object('conditions', r.conditions, 'actions', r.actions, 'threshold', r.threshold,
                             'compiled', r.compiled) as stored
    from rules r where r.id = ${id}`);
  const row = rows[0];
  return row ? { ...row.rule, stored: row.stored } : null;
}

/** One page in evaluation order, with the total. */
export async function listRules(
  db: Db,
  enabled: boolean | undefined,
  page: PageRequest,
): Promise<{ count: number; results: RuleView[] }> {
  const where = enabled === undefined ? sql`true` : sql`r.enabled = ${enabled}`;
  const { rows } = await db.execute<{ total: string; rule: RuleView }>(sql`
    select (select count(*) from rules r where ${where}) as total, ${ruleJson} as rule
    from rules r where ${where} order by ${ORDER} limit ${page.limit} offset ${page.offset}`);
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.rule) };
}

export type RuleChange = {
  name?: string;
  description?: string;
  enabled?: boolean;
  position?: number;
  rule?: StoredRule;
};

export type UpdateOutcome =
  | { outcome: "updated"; rule: RuleView; deliveryIds: number[] }
  | { outcome: "changed" }
  | { outcome: "too_many" };

/**
 * Applies a change judged against the rule as read at `seenUpdatedAt`: if it changed meanwhile,
 * nothing is written ("changed"). A move shifts the rules in between by one, in the same statement.
 */
export async function updateRule(
  db: Db,
  id: number,
  seenUpdatedAt: string,
  change: RuleChange,
): Promise<UpdateOutcome> {
  const set: SQL[] = [];
  if (change.name !== undefined) set.push(sql`name = ${change.name},`);
  if (change.description !== undefined) set.push(sql`description = ${change.description},`);
  if (change.enabled !== undefined) set.push(sql`enabled = ${change.enabled},`);
  if (change.rule) {
    const { conditions, actions, threshold, compiled } = change.rule;
    set.push(sql`conditions = ${jsonParam(conditions)}, actions = ${jsonParam(actions)},
                 threshold = ${jsonParam(threshold)}, compiled = ${jsonParam(compiled)},`);
  }
  const [, { rows }] = await db.batch([
    db.execute(RULES_LOCK),
    db.execute<Written & { seen: boolean; ok: boolean }>(sql`
      with cur as (
        select id, position as old, enabled as was_enabled from rules
        where id = ${id} and ${isoUtc(sql`updated_at`)} = ${seenUpdatedAt}
      ), room as (
        select not (${change.enabled === true} and not cur.was_enabled) or ${roomToEnable} as ok,
               case when ${change.position ?? null}::int is null then cur.old
                    else least(${change.position ?? null}::int, (select count(*) from rules where not builtin))::int end
                 as new, cur.old
        from cur
      ), shifted as (
        update rules o set position = o.position + case when room.new < room.old then 1 else -1 end
        from room
        where room.ok and room.new <> room.old and o.id <> ${id} and not o.builtin
          and o.position between least(room.new, room.old) and greatest(room.new, room.old)
      ), r as (
        update rules set ${sql.join(set, sql` `)} position = room.new, updated_at = now()
        from room where rules.id = ${id} and room.ok
        returning rules.*
      ), d as (
        ${announce("rule.updated", sql`select json_build_object('rule', ${ruleJson}) from r`)}
      )
      select exists (select 1 from cur) as seen, coalesce((select ok from room), false) as ok,
             (select ${ruleJson} from r) as rule, (select json_agg(id order by id) from d) as deliveries`),
  ]);
  const row = rows[0];
  if (!row?.seen) return { outcome: "changed" };
  if (!row.ok || !row.rule) return { outcome: "too_many" };
  return { outcome: "updated", rule: row.rule, deliveryIds: (row.deliveries ?? []).map(Number) };
}

/** Deletes a custom rule, closing its gap, with its `rule.deleted` deliveries; null when there is no such custom rule. */
export async function deleteRule(db: Db, id: number): Promise<{ deliveryIds: number[] } | null> {
  const [, { rows }] = await db.batch([
    db.execute(RULES_LOCK),
    db.execute<{ deleted: boolean; deliveries: number[] | null }>(sql`
      with r as (
        delete from rules where id = ${id} and not builtin returning *
      ), shifted as (
        update rules set position = position - 1 where not builtin and position > (select position from r)
      ), d as (
        ${announce("rule.deleted", sql`select json_build_object('rule', ${ruleJson}) from r`)}
      )
      select exists (select 1 from r) as deleted, (select json_agg(id order by id) from d) as deliveries`),
  ]);
  const row = rows[0];
  return row?.deleted ? { deliveryIds: (row.deliveries ?? []).map(Number) } : null;
}

/** Hits purged per sweep at most: the index on created_at finds them; the rest go at the next minute. */
export const PURGE_BATCH = 50_000;

/** Forgets threshold hits older than the longest window (the scheduled handler runs it). */
export async function purgeRuleHits(db: Db): Promise<number> {
  const { rows } = await db.execute(sql`
    delete from rule_hits where ctid = any(array(
      select ctid from rule_hits where created_at < now() - make_interval(secs => ${MAX_WINDOW_SECONDS})
      limit ${PURGE_BATCH}))
    returning 1`);
  return rows.length;
}
