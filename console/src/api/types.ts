/** The API's shapes as the contract (API-CONTRACT.md) describes them; the console imports no server code. */

export const ALERT_STATUSES = ["Open", "Acknowledged", "Investigating", "Resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Only High and Critical events raise alerts, so these are the severities an alert can have. */
export const ALERT_SEVERITIES = ["Critical", "High"] as const;
export type Severity = "Low" | "Medium" | "High" | "Critical";

export type Role = "admin" | "analyst";
export type Me = { id: number; username: string; role: Role };

export type EventView = {
  id: number;
  source_name: string;
  event_type: string;
  severity: Severity;
  description: string;
  occurred_at: string;
  metadata: Record<string, unknown>;
  created_at: string;
  alert: { id: number; status: AlertStatus } | null;
};

export type Alert = {
  id: number;
  status: AlertStatus;
  severity: Severity;
  event: EventView;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  dedup_key: string | null;
  event_count: number;
  last_event_at: string;
  assignee: string | null;
};

export type Note = { id: number; alert_id: number; author: string; body: string; created_at: string };

export type HistoryEntry = {
  id: number;
  at: string;
  actor: { type: "user" | "key" | "system"; name: string };
  action: "created" | "status_changed" | "assigned" | "event_grouped" | "note_added";
  from: string | number | null;
  to: string | number | null;
};

/** DRF-style page (`count` is absent from cursor pages). */
export type Page<T> = { count?: number; next: string | null; previous: string | null; results: T[] };

export type TokenResponse = { access: string; expires_in: number };

export type StreamMessage = { type: "alert.created" | "alert.updated"; alert: Alert };
