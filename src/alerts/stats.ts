import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { ALERT_STATUSES, type AlertStatus } from "../db/schema";

export type AlertStats = {
  total: number;
  by_status: Record<AlertStatus, number>;
  by_severity: { High: number; Critical: number };
  unassigned_open: number;
  mean_seconds_to_acknowledge: number | null;
  mean_seconds_to_resolve: number | null;
};

/** The triage dashboard's figures in one statement (one scan of the matching alerts). */
export async function alertStats(
  db: Db,
  range: { created_after?: string; created_before?: string },
): Promise<AlertStats> {
  const conditions: SQL[] = [sql`true`];
  if (range.created_after) conditions.push(sql`created_at >= ${range.created_after}::timestamptz`);
  if (range.created_before) conditions.push(sql`created_at <= ${range.created_before}::timestamptz`);
  const byStatus = sql.join(
    ALERT_STATUSES.map((s) => sql`${s}::text, count(*) filter (where status = ${s})`),
    sql`, `,
  );
  const { rows } = await db.execute<{ stats: AlertStats }>(sql`
    select json_build_object(
      'total', count(*),
      'by_status', json_build_object(${byStatus}),
      'by_severity', json_build_object('High', count(*) filter (where severity = 'High'),
                                       'Critical', count(*) filter (where severity = 'Critical')),
      'unassigned_open', count(*) filter (where status = 'Open' and assignee_id is null),
      'mean_seconds_to_acknowledge', round(avg(extract(epoch from acknowledged_at - created_at)), 3)::float8,
      'mean_seconds_to_resolve', round(avg(extract(epoch from resolved_at - created_at)), 3)::float8
    ) as stats
    from alerts where ${sql.join(conditions, sql` and `)}`);
  const stats = rows[0]?.stats;
  if (!stats) throw new Error("stats returned no row");
  return stats;
}
