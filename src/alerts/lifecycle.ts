import type { AlertStatus } from "../db/schema";

/**
 * The alert lifecycle, in one place. Any status that is not Resolved may move to any other;
 * Resolved is terminal. Asking for the status an alert already has changes nothing.
 * The PATCH statement enforces the same rule in its WHERE clause (see store.ts), so that
 * concurrent requests can never reopen a resolved alert.
 */
export const TERMINAL_STATUS: AlertStatus = "Resolved";

export type Transition = "unchanged" | "allowed" | "terminal";

export function transition(current: AlertStatus, requested: AlertStatus): Transition {
  if (current === requested) return "unchanged";
  if (current === TERMINAL_STATUS) return "terminal";
  return "allowed";
}
