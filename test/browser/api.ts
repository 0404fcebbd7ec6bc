import type { RuleView } from "../../src/rules/schemas";
import { ORIGIN, type TestUser } from "./helpers";

/** The API as any client sees it, from Node: to set the scene and to check the server's state. */
export async function api(path: string, init: RequestInit & { json?: unknown; token?: string } = {}) {
  const { json, token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) {
    headers.set("Content-Type", "application/json");
    rest.body = JSON.stringify(json);
    rest.method ??= "POST";
  }
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return fetch(`${ORIGIN}${path}`, { ...rest, headers });
}

export async function tokenFor(user: TestUser): Promise<string> {
  const res = await api("/api/auth/token/", { json: { username: user.username, password: user.password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access: string }).access;
}

export type AlertBody = {
  id: number;
  status: string;
  severity: string;
  assignee?: string | null;
  event: { source_name: string; event_type: string };
};

/** Ingests a High event (unless `fields` say otherwise), as a sensor would. */
export async function ingest(
  adminToken: string,
  fields: Record<string, unknown> = {},
): Promise<{ alert: { id: number } | null }> {
  const res = await api("/api/events/", {
    token: adminToken,
    json: {
      source_name: `fw-edge-${crypto.randomUUID().slice(0, 6)}`,
      event_type: "brute_force",
      severity: "High",
      description: "50 failed SSH logins for root in 60 s",
      metadata: { src_ip: "203.0.113.7", user: "root" },
      ...fields,
    },
  });
  if (res.status !== 201) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { alert: { id: number } | null };
}

/** Raises an alert the only way alerts come to exist: a High or Critical event. */
export async function raiseAlert(adminToken: string, fields: Record<string, unknown> = {}): Promise<number> {
  const event = await ingest(adminToken, fields);
  if (!event.alert) throw new Error("the event raised no alert");
  return event.alert.id;
}

export async function getAlert(token: string, id: number): Promise<AlertBody> {
  const res = await api(`/api/alerts/${id}/`, { token });
  if (res.status !== 200) throw new Error(`GET alert ${id}: ${res.status}`);
  return (await res.json()) as AlertBody;
}

/**
 * Rules are global (every ingest is evaluated against every enabled rule): a test's rules match
 * only sources of its own, and `deleteRulesOf` removes them when it ends.
 */
export async function createRule(token: string, body: Record<string, unknown>): Promise<RuleView> {
  const res = await api("/api/rules/", { token, json: body });
  if (res.status !== 201) throw new Error(`rule creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as RuleView;
}

/** Every rule, in evaluation order (the built-in one last). */
export async function listRules(token: string): Promise<RuleView[]> {
  const res = await api("/api/rules/?page_size=100", { token });
  if (res.status !== 200) throw new Error(`GET rules: ${res.status}`);
  return ((await res.json()) as { results: RuleView[] }).results;
}

/** Deletes the rules `usernames` created (through the API, as an admin would). */
export async function deleteRulesOf(token: string, usernames: string[]): Promise<void> {
  for (const rule of await listRules(token)) {
    if (rule.created_by && usernames.includes(rule.created_by)) {
      const res = await api(`/api/rules/${rule.id}/`, { method: "DELETE", token });
      if (res.status !== 204) throw new Error(`rule ${rule.id} not deleted: ${res.status}`);
    }
  }
}
