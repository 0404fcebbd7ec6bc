import { sql } from "drizzle-orm";
import { db } from "./helpers";

/** What a request left behind, read straight from the database. */

export async function eventsFrom(sourceName: string): Promise<number> {
  const { rows } = await db().execute<{ n: number }>(
    sql`select count(*)::int as n from events where source_name = ${sourceName}`,
  );
  return rows[0]?.n ?? -1;
}

export async function refreshTokensOf(userId: number): Promise<number> {
  const { rows } = await db().execute<{ n: number }>(
    sql`select count(*)::int as n from refresh_tokens where user_id = ${userId}`,
  );
  return rows[0]?.n ?? -1;
}

export async function alertRow(id: number): Promise<{ status: string; updated_at: string } | undefined> {
  const { rows } = await db().execute<{ status: string; updated_at: string }>(
    sql`select status, updated_at::text from alerts where id = ${id}`,
  );
  return rows[0];
}

export type StoredEvent = {
  source_name: string;
  event_type: string;
  description: string;
  metadata: unknown;
  occurred_at: string;
};

/** The event's columns as PostgreSQL holds them (timestamps in UTC, microseconds). */
export async function storedEvent(id: number): Promise<StoredEvent | undefined> {
  const { rows } = await db().execute<StoredEvent>(sql`
    select source_name, event_type, description, metadata,
           to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at
    from events where id = ${id}`);
  return rows[0];
}

export type StoredAudit = {
  actor_type: string;
  actor_id: number | null;
  actor_name: string;
  action: string;
  target_name: string;
  from_value: string | null;
  to_value: string | null;
};

/** The audit rows about one user, key or webhook, oldest first. */
export async function auditOf(targetType: "user" | "key" | "webhook", targetId: number): Promise<StoredAudit[]> {
  const { rows } = await db().execute<StoredAudit>(sql`
    select actor_type, actor_id, actor_name, action, target_name, from_value, to_value
    from audit_log where target_type = ${targetType} and target_id = ${targetId} order by id`);
  return rows;
}
