import type { BulkResult } from "../api/types";

/** The bulk actions the queue offers admins, as the body they send with the ids. */
export const BULK_ACTIONS = {
  acknowledge: { label: "Acknowledge", done: "acknowledged", body: () => ({ status: "Acknowledged" }) },
  assignToMe: { label: "Assign to me", done: "assigned to you", body: (me: string) => ({ assignee: me }) },
  resolve: { label: "Resolve", done: "resolved", body: () => ({ status: "Resolved" }) },
} as const;
export type BulkAction = keyof typeof BULK_ACTIONS;

/** One sentence for the whole batch: "3 acknowledged (200); 1 refused (409): …". */
export function summarize(action: BulkAction, results: BulkResult[]): string {
  const count = (status: BulkResult["status"]) => results.filter((r) => r.status === status).length;
  const parts = [`${count(200)} ${BULK_ACTIONS[action].done} (200)`];
  if (count(409)) parts.push(`${count(409)} refused (409): ${results.find((r) => r.status === 409)?.detail ?? ""}`);
  if (count(404)) parts.push(`${count(404)} not found (404)`);
  return `${parts.join("; ")}.`;
}
