import { type SQL, sql } from "drizzle-orm";
import type { Db } from "./client";

/**
 * A timestamptz as the API shows it: ISO 8601 in UTC with `Z` and microseconds, as DRF does
 * (`2026-11-24T10:15:00.123456Z`). Done in SQL so no precision is lost on the way.
 */
export function isoUtc(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export type ChildPage<T> = { exists: boolean; count: number; results: T[] };

/**
 * One page of the rows that belong to a parent (an alert's notes, a webhook's deliveries), with
 * their total and whether the parent exists (an unknown parent is 404, not an empty list), in one
 * statement. `parent` selects the parent's row; `items` selects `item` (the JSON) plus the columns
 * `order` sorts by.
 */
export async function pageOfChildren<T>(
  db: Db,
  parent: SQL,
  part: { count: SQL; items: SQL; order: SQL },
  page: { limit: number; offset: number },
): Promise<ChildPage<T>> {
  const { rows } = await db.execute<{ exists: boolean; total: string; item: T | null }>(sql`
    select exists (${parent}) as exists, (${part.count}) as total, p.item
    from (select 1) one left join (${part.items} order by ${part.order} limit ${page.limit} offset ${page.offset}) p on true
    order by ${part.order}`);
  const first = rows[0];
  return {
    exists: first?.exists ?? false,
    count: Number(first?.total ?? 0),
    results: rows.flatMap((r) => (r.item ? [r.item] : [])),
  };
}

/**
 * A `text[]` parameter's literal, for `= any(${textArray(values)}::text[])`: each element quoted,
 * with `"` and `\` escaped, so any text (commas, braces, quotes) stays one element.
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}
