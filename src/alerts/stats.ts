import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { ALERT_STATUSES } from "../db/schema";
import type { StatsSchema } from "./schemas";
import { alertConditions } from "./store";

type AlertStats = z.output<typeof StatsSchema>;

/** The triage dashboard's figures in one statement (one scan of the matching alerts). */
export async function alertStats(
  db: Db,
  range: { created_after?: string; created_before?: string },
): Promise<AlertStats> {
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
    from alerts a where ${alertConditions(range)}`);
  const stats = rows[0]?.stats;
  if (!stats) throw new Error("stats returned no row");
  return stats;
}
