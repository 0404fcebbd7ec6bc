import { sql } from "drizzle-orm";
import { api, db, type TestUser } from "./helpers";

/**
 * Rules are global: every ingest is evaluated against every enabled rule. So each rule a test
 * makes names a source unique to that test (`bySource`), and the files delete what they made.
 */
export type Rule = {
  id: number;
  name: string;
  position: number;
  enabled: boolean;
  builtin: boolean;
  conditions: { field: string; op: string; value?: unknown }[];
  actions: Record<string, unknown>;
  threshold: { count: number; within_seconds: number; group_by: string[] } | null;
};

export type Event = {
  id: number;
  severity: string;
  dedup_key: string | null;
  tags: string[];
  rules_applied: number[];
  suppressed_by_rule: number | null;
  silenced_by: number | null;
  alert: { id: number; status: string } | null;
};

export type Alert = {
  id: number;
  status: string;
  severity: string;
  dedup_key: string | null;
  event_count: number;
  tags: string[];
  opened_by_rule: { id: number; name: string; threshold: unknown } | null;
};

export const source = (prefix = "rules") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
export const bySource = (name: string) => ({ field: "source_name", op: "eq", value: name });

export async function createRule(admin: TestUser, body: Record<string, unknown>): Promise<Rule> {
  const res = await api("/api/rules/", { token: admin.token, json: { name: "a test rule", ...body } });
  if (res.status !== 201) throw new Error(`rule creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Rule;
}

export async function send(admin: TestUser, fields: Record<string, unknown>): Promise<Event> {
  const res = await api("/api/events/", {
    token: admin.token,
    json: { event_type: "brute_force", severity: "High", ...fields },
  });
  if (res.status !== 201) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Event;
}

export async function alertOf(admin: TestUser, id: number): Promise<Alert> {
  const res = await api(`/api/alerts/${id}/`, { token: admin.token });
  if (res.status !== 200) throw new Error(`alert ${id}: ${res.status}`);
  return (await res.json()) as Alert;
}

/** The alerts raised for a source, oldest first, as stored. */
export async function alertsFrom(
  sourceName: string,
): Promise<{ id: number; event_count: number; dedup_key: string | null; status: string }[]> {
  const { rows } = await db().execute<{
    id: number;
    event_count: number;
    dedup_key: string | null;
    status: string;
  }>(sql`
    select distinct a.id::int, a.event_count, a.dedup_key, a.status from alerts a
    join events e on e.alert_id = a.id where e.source_name = ${sourceName} order by 1`);
  return rows;
}

/** Deletes the rules `admin` made, through the API (the rules after each move up). */
export async function deleteRulesOf(admin: TestUser): Promise<void> {
  const { rows } = await db().execute<{ id: number }>(sql`select id from rules where created_by_id = ${admin.id}`);
  for (const { id } of rows) {
    const res = await api(`/api/rules/${id}/`, { method: "DELETE", token: admin.token });
    if (res.status !== 204) throw new Error(`rule ${id} not deleted: ${res.status}`);
  }
}
