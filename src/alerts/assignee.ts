import { type SQL, sql } from "drizzle-orm";
import type { ApiError } from "../http/errors";
import { fieldError } from "../http/validation";

/**
 * The assignee rule, in one place: an alert is assigned to the username of an active user, or
 * unassigned with null. `assigneeLookup` is the CTE body that resolves the username; a change
 * asking for a username it cannot find is refused (400, `errors.assignee`) and changes nothing.
 */
/** The 400 for an assignee that names no active user. */
export function unknownAssignee(): ApiError {
  return fieldError("json", "assignee", "No active user with this username.");
}

export function assigneeLookup(username: SQL): SQL {
  return sql`select id, username from users where username = ${username} and is_active`;
}
