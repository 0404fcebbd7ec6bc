import type { KeyScope, Role } from "../db/schema";
import type { Principal } from "./principal";

/**
 * Authorization in one table: what each role and each API-key scope may do. Deny by default:
 * a permission not granted here is refused (403). Routes name the permission they need.
 */
export const PERMISSIONS = [
  "events:create",
  "events:read",
  "alerts:read",
  "alerts:update",
  "alerts:snooze",
  "triage:read",
  "triage:note",
  "keys:manage",
  "webhooks:manage",
  "silences:read",
  "silences:manage",
  "heartbeats:read",
  "heartbeats:manage",
  "heartbeats:beat",
  "rules:read",
  "rules:manage",
  "intake:read",
  "account:read",
  "users:manage",
  "audit:read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  analyst: [
    "alerts:read",
    "alerts:snooze",
    "triage:read",
    "triage:note",
    "silences:read",
    "heartbeats:read",
    "rules:read",
    "intake:read",
    "account:read",
  ],
};

/** A key's scopes stand in for a role (contract section 3); anything else with a key is 403. */
const SCOPE_GRANTS: Record<KeyScope, readonly Permission[]> = {
  ingest: ["events:create", "heartbeats:beat", "intake:read"],
  read: ["alerts:read", "intake:read"],
};

export function can(principal: Principal, permission: Permission): boolean {
  if (principal.type === "user") return ROLE_GRANTS[principal.role].includes(permission);
  return principal.scopes.some((scope) => SCOPE_GRANTS[scope].includes(permission));
}

/** Which budget a request spends: ingest for events, read for reads, write for the rest. */
export type ThrottleScope = "ingest" | "read" | "write";

export function throttleScope(permission: Permission, method: string): ThrottleScope {
  if (permission === "events:create" || permission === "heartbeats:beat") return "ingest";
  return method === "GET" || method === "HEAD" ? "read" : "write";
}

/**
 * What a PATCH or bulk change needs: snoozing is triage (`alerts:snooze`); a status or an
 * assignee is the lifecycle (`alerts:update`).
 */
export function changePermission(change: { status?: unknown; assignee?: unknown }): Permission {
  return change.status === undefined && change.assignee === undefined ? "alerts:snooze" : "alerts:update";
}

/**
 * Who holds a permission, as the sentence that opens its routes' descriptions in the OpenAPI
 * document ("Admins and analysts."): derived from the table, so the document cannot drift from it.
 */
export function whoMay(permission: Permission): string {
  const roles = (Object.keys(ROLE_GRANTS) as Role[]).filter((r) => ROLE_GRANTS[r].includes(permission));
  const scopes = (Object.keys(SCOPE_GRANTS) as KeyScope[]).filter((s) => SCOPE_GRANTS[s].includes(permission));
  if (scopes.length === 0 && roles.length === 1) return `${capitalized(roles[0] ?? "")} only.`;
  const callers = [...roles.map((r) => `${r}s`), ...scopes.map((s) => `API keys with \`${s}\``)];
  const last = callers.pop() ?? "";
  return `${capitalized(callers.length ? `${callers.join(", ")} and ${last}` : last)}.`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
