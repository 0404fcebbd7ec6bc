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
  /** The sensor's and those its rules added, sorted. */
  tags: string[];
  /** The rules whose actions applied to it, in evaluation order. */
  rules_applied: number[];
  suppressed_by_rule: number | null;
};

/** The rule that opened an alert, as that rule was then. */
export type OpenedByRule = { id: number; name: string; threshold: Threshold | null };

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
  /** While in the future: hidden from status queues, grouped events push nothing. */
  snoozed_until: string | null;
  /** The union of its events' tags, sorted. */
  tags: string[];
  opened_by_rule: OpenedByRule | null;
};

export type Note = { id: number; alert_id: number; author: string; body: string; created_at: string };

export type HistoryEntry = {
  id: number;
  at: string;
  actor: { type: "user" | "key" | "system"; name: string };
  action: "created" | "status_changed" | "assigned" | "event_grouped" | "note_added" | "snoozed" | "unsnoozed";
  from: string | number | null;
  to: string | number | null;
  /** Why, when the system made the change. */
  reason: string | null;
};

/** The matcher language silences and rules share; `metadata.<key>` is a field too. */
export const MATCHER_FIELDS = ["source_name", "event_type", "severity", "dedup_key", "tags"] as const;
export const MATCHER_OPS = ["eq", "ne", "in", "glob", "exists"] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];
/** `field` is one of MATCHER_FIELDS or `metadata.<key>`; `exists` takes a boolean. */
export type Matcher = { field: string; op: MatcherOp; value?: string | string[] | boolean };

export type SilenceState = "pending" | "active" | "expired";
export type Silence = {
  id: number;
  matchers: Matcher[];
  starts_at: string;
  ends_at: string;
  comment: string;
  state: SilenceState;
  suppressed_count: number;
  created_by: string | null;
  created_at: string;
};

export const HEARTBEAT_STATUSES = ["late", "unknown", "ok"] as const;
export type HeartbeatStatus = (typeof HEARTBEAT_STATUSES)[number];
export type Heartbeat = {
  name: string;
  timeout_seconds: number;
  status: HeartbeatStatus;
  last_beat_at: string | null;
  due_at: string;
  late_since: string | null;
  tags: string[];
  owner: { type: "user" | "key"; name: string } | null;
  alert: { id: number; status: AlertStatus } | null;
  created_at: string;
};

/** DRF-style page (`count` is absent from cursor pages). */
export type Page<T> = { count?: number; next: string | null; previous: string | null; results: T[] };

export type TokenResponse = { access: string; expires_in: number };

export type StreamMessage = { type: "alert.created" | "alert.updated"; alert: Alert };

/** GET /api/alerts/stats/ with `bucket` and `group_by` (the dashboard asks for both). */
export type SeverityCounts = { High: number; Critical: number };
export type StatsBucket = {
  start: string;
  total: number;
  by_severity: SeverityCounts;
  mean_seconds_to_acknowledge: number | null;
  mean_seconds_to_resolve: number | null;
};
export const STATS_GROUPINGS = ["source_name", "event_type", "tag"] as const;
export type StatsGrouping = (typeof STATS_GROUPINGS)[number];
export type GroupCount = { key: string; count: number };
export type Stats = {
  total: number;
  by_status: Record<AlertStatus, number>;
  by_severity: SeverityCounts;
  unassigned_open: number;
  mean_seconds_to_acknowledge: number | null;
  mean_seconds_to_resolve: number | null;
  series?: StatsBucket[];
  groups?: Partial<Record<StatsGrouping, GroupCount[]>>;
};

/** POST /api/alerts/bulk/: one outcome per id, in order. */
export type BulkResult = { id: number; status: 200 | 404 | 409; alert?: Alert; detail?: string };

export const KEY_SCOPES = ["ingest", "read"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];
export type ApiKey = {
  id: number;
  name: string;
  prefix: string;
  scopes: KeyScope[];
  rate_limit: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
};

export const WEBHOOK_EVENTS = [
  "alert.created",
  "alert.updated",
  "silence.created",
  "silence.ended",
  "heartbeat.late",
  "heartbeat.ok",
  "rule.created",
  "rule.updated",
  "rule.deleted",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type Webhook = {
  id: number;
  url: string;
  events: WebhookEvent[];
  min_severity: "High" | "Critical" | null;
  description: string;
  created_by: string | null;
  created_at: string;
};
export type DeliveryStatus = "pending" | "delivered" | "failed";
export type Delivery = {
  id: number;
  event_type: WebhookEvent | "ping";
  alert_id: number | null;
  attempts: number;
  status: DeliveryStatus;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
};

export const ROLES = ["analyst", "admin"] as const satisfies readonly Role[];
export type User = { id: number; username: string; role: Role; is_active: boolean; created_at: string };
/** A created user, or one whose password was reset: `password` only when the server generated it. */
export type UserWithPassword = User & { password?: string };

export type AuditEntry = {
  id: number;
  at: string;
  actor: { type: "user" | "cli"; id: number | null; name: string };
  action: string;
  target: { type: "user" | "key" | "webhook"; id: number; name: string };
  from: string | null;
  to: string | null;
};

export const SEVERITIES = ["Low", "Medium", "High", "Critical"] as const satisfies readonly Severity[];

/** What a rule does to an event its conditions match, applied in this order. */
export type RuleActions = {
  set_severity?: Severity;
  add_tags?: string[];
  /** A template: literal text and `{field}` placeholders. */
  set_dedup_key?: string;
  suppress?: true;
  alert?: true;
  stop?: true;
};
export type Threshold = { count: number; within_seconds: number; group_by?: string[] };
export type Rule = {
  id: number;
  name: string;
  description: string;
  /** Evaluation order, from 1; the built-in rule's is always the last. */
  position: number;
  enabled: boolean;
  builtin: boolean;
  conditions: Matcher[];
  actions: RuleActions;
  threshold: Threshold | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
};

/** POST /api/rules/test/: per sample, what storing it would do and the event as it would be stored. */
export type RuleTestResult = {
  index: number;
  matched: boolean;
  outcome: "opens_alert" | "joins_alert" | "silenced" | "suppressed" | "no_alert";
  alert: { id: number | null; dedup_key: string | null } | null;
  event: {
    severity: Severity;
    dedup_key: string | null;
    silenced_by: number | null;
    tags: string[];
    rules_applied: number[];
    suppressed_by_rule: number | null;
  };
};
