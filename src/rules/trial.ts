import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { eventItems } from "../events/ingest";
import type { EventCreate } from "../events/schemas";
import type { StoredRule } from "./compile";
import type { RuleTestResult } from "./schemas";

/** The rule under test: a saved one (its id), or a new one (id 0), with the position it would hold. */
export type TestedRule = StoredRule & {
  id: number;
  name: string;
  builtin: boolean;
  /** Its saved position (null: a new rule). */
  from: number | null;
  /** The position asked for (null: where it is, or after the last rule). */
  to: number | null;
};

/**
 * Where the tested rule sorts among the others' stored positions: before the rule now at `to`
 * (after it when moving down, as the rules in between move up), else where it is, else last.
 */
function sortKey(rule: TestedRule): number {
  if (rule.to === null) return rule.from ?? 2_147_483_647;
  return rule.from !== null && rule.to > rule.from ? rule.to + 0.5 : rule.to - 0.5;
}

/**
 * What ingesting `events` would do with `rule` in its place among the enabled rules: the same
 * evaluator as the ingest statement (`vigil_evaluate`, dry run: no lock, nothing stored), then,
 * per event, the alert it would open or join. Samples count among themselves in order (threshold
 * windows, and an alert the first of a key would open, which the next ones join).
 */
export async function testRule(db: Db, rule: TestedRule, events: EventCreate[]): Promise<RuleTestResult> {
  const items = eventItems(events.map((event, index) => ({ index, event })));
  const { rows } = await db.execute<{ results: RuleTestResult["results"] | null }>(sql`
    with rule_set as (
      select coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name, 'threshold', threshold,
                                                   'compiled', compiled) order by builtin, sort_key, id), '[]') as rules
      from (
        select r.id, r.name, r.threshold, r.compiled, r.builtin, r.position::numeric as sort_key
        from rules r where r.enabled and r.id <> ${rule.id}
        union all
        select ${rule.id}, ${rule.name}, ${JSON.stringify(rule.threshold)}::jsonb, ${JSON.stringify(rule.compiled)}::jsonb,
               ${rule.builtin}, ${sortKey(rule)}::numeric
      ) candidates
    ), v as (
      select *, (select a.id from alerts a where a.dedup_key = e.dedup_key and a.status <> 'Resolved') as open_alert,
             row_number() over (partition by dedup_key, alerting and silenced_by is null order by idx) as nth
      from vigil_evaluate(${items}::jsonb, true, (select rules from rule_set), true) e
    )
    select json_agg(json_build_object(
      'index', idx,
      'matched', ${rule.id} = any(rules_applied),
      'outcome', case when suppressed_by_rule is not null then 'suppressed'
                      when not alerting then 'no_alert'
                      when silenced_by is not null then 'silenced'
                      when open_alert is not null or (dedup_key is not null and nth > 1) then 'joins_alert'
                      else 'opens_alert' end,
      'alert', case when alerting and silenced_by is null
                    then json_build_object('id', open_alert, 'dedup_key', dedup_key) end,
      'event', json_build_object('severity', severity, 'dedup_key', dedup_key, 'silenced_by', silenced_by, 'tags', tags,
                                 'rules_applied', rules_applied, 'suppressed_by_rule', suppressed_by_rule)
    ) order by idx) as results
    from v`);
  return { results: rows[0]?.results ?? [] };
}
