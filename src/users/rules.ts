/** Django's username rule, kept so accounts migrate unchanged: 1..150 of letters, digits, @ . + - _ */
export const USERNAME_PATTERN = /^[\p{L}\p{N}@.+\-_]{1,150}$/u;
export const MAX_USERNAME = 150;

/**
 * An admin may not demote or deactivate themselves through the API: the console would lock them
 * out mid-click, and the last admin could leave nobody to manage users. Another admin (or the
 * CLI) can. Null when the change is allowed.
 */
export function selfChangeProblem(
  actor: { type: string; id: number },
  targetId: number,
  change: { role?: string; is_active?: boolean },
): string | null {
  if (actor.type !== "user" || actor.id !== targetId) return null;
  if (change.is_active === false) return "You cannot deactivate your own account: ask another admin.";
  if (change.role !== undefined && change.role !== "admin") {
    return "You cannot take away your own admin role: ask another admin.";
  }
  return null;
}

/** Why a change that would leave no active admin is refused (users/store.ts changeUser). */
export const LAST_ADMIN_PROBLEM = "This would leave no active admin: make another user an admin first.";
