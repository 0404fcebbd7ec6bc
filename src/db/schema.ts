import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  json,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";

/** The single source of truth for tables; `npm run db:generate` turns it into `drizzle/*.sql`. */

export const ROLES = ["admin", "analyst"] as const;
export const SEVERITIES = ["Low", "Medium", "High", "Critical"] as const;
export const ALERT_STATUSES = ["Open", "Acknowledged", "Investigating", "Resolved"] as const;
/** What an API key may do; a key's scopes stand in for a user's role (contract section 3). */
export const KEY_SCOPES = ["ingest", "read"] as const;
/** Who made a request: a person with a password, or a machine with an API key. */
export const PRINCIPAL_TYPES = ["user", "key"] as const;
/** Who changed an alert: a principal, or the system itself (grouping). */
export const ACTOR_TYPES = ["user", "key", "system"] as const;
export const HISTORY_ACTIONS = [
  "created",
  "status_changed",
  "assigned",
  "event_grouped",
  "note_added",
  "snoozed",
  "unsnoozed",
] as const;
/** What a webhook can subscribe to; `ping` is what POST /api/webhooks/{id}/test/ sends. */
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
export const DELIVERY_EVENT_TYPES = [...WEBHOOK_EVENTS, "ping"] as const;
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
/** unknown: never beaten yet; ok: beaten within its timeout; late: its timeout passed (an alert is up). */
export const HEARTBEAT_STATUSES = ["unknown", "ok", "late"] as const;
/** Who made an administrative change: an admin through the API, or an operator with the CLI. */
export const AUDIT_ACTOR_TYPES = ["user", "cli"] as const;
/** What the audit log records: every change to who may do what (users, keys, webhooks). */
export const AUDIT_TARGET_TYPES = ["user", "key", "webhook"] as const;
export const AUDIT_ACTIONS = [
  "user.created",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "user.password_reset",
  "key.created",
  "key.revoked",
  "webhook.created",
  "webhook.deleted",
  "webhook.delivery_retried",
] as const;

export type Role = (typeof ROLES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type KeyScope = (typeof KEY_SCOPES)[number];
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];
export type ActorType = (typeof ACTOR_TYPES)[number];
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type HeartbeatStatus = (typeof HEARTBEAT_STATUSES)[number];
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const roleEnum = pgEnum("user_role", ROLES);
export const severityEnum = pgEnum("severity", SEVERITIES);
export const alertStatusEnum = pgEnum("alert_status", ALERT_STATUSES);
export const keyScopeEnum = pgEnum("key_scope", KEY_SCOPES);
export const principalTypeEnum = pgEnum("principal_type", PRINCIPAL_TYPES);
export const actorTypeEnum = pgEnum("actor_type", ACTOR_TYPES);
export const historyActionEnum = pgEnum("history_action", HISTORY_ACTIONS);
export const deliveryEventTypeEnum = pgEnum("delivery_event_type", DELIVERY_EVENT_TYPES);
export const deliveryStatusEnum = pgEnum("delivery_status", DELIVERY_STATUSES);
export const heartbeatStatusEnum = pgEnum("heartbeat_status", HEARTBEAT_STATUSES);
export const auditActorTypeEnum = pgEnum("audit_actor_type", AUDIT_ACTOR_TYPES);
export const auditTargetTypeEnum = pgEnum("audit_target_type", AUDIT_TARGET_TYPES);
export const auditActionEnum = pgEnum("audit_action", AUDIT_ACTIONS);

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
};

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    username: varchar("username", { length: 150 }).notNull(),
    passwordHash: text("password_hash").notNull(),
    role: roleEnum("role").notNull(),
    isActive: boolean("is_active").notNull().default(true),
    /**
     * Access tokens carry the generation they were issued under; raising it (deactivation, role
     * or password change) voids every older token at once, through the user's Durable Object.
     */
    tokenGeneration: integer("token_generation").notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_username_key").on(t.username)],
);

/**
 * Server-side record of every refresh token issued (only its SHA-256 is stored). A family is
 * the chain of rotations that started at one login: reuse of a rotated token revokes it whole.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tokenHash: text("token_hash").notNull(),
    familyId: text("family_id").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    // The token's own claims, so that within the grace window a concurrent refresh of its
    // parent can be answered with this very token again (HS256 signing is deterministic).
    jti: text("jti"),
    issuedAt: timestamp("issued_at", { withTimezone: true, mode: "date" }),
    /** The token this one replaced at rotation. */
    parentId: bigint("parent_id", { mode: "number" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("refresh_tokens_token_hash_key").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
    index("refresh_tokens_parent_idx").on(t.parentId),
  ],
);

/**
 * Machine credentials. Only a SHA-256 of the key is stored; `prefix` (its first 12 characters)
 * lets people tell keys apart. Keys are revoked, never deleted, so events keep their sender.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: varchar("name", { length: 100 }).notNull(),
    prefix: varchar("prefix", { length: 12 }).notNull(),
    keyHash: text("key_hash").notNull(),
    scopes: keyScopeEnum("scopes").array().notNull(),
    /** `"<count>/<seconds>s"` for the ingest scope, or null for RATE_LIMIT_INGEST. */
    rateLimit: varchar("rate_limit", { length: 32 }),
    /** The admin who created it; null when created from the command line. */
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date", precision: 6 }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date", precision: 6 }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date", precision: 6 }),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_key").on(t.keyHash),
    index("api_keys_created_idx").on(t.createdAt.desc(), t.id.desc()),
    check("api_keys_scopes_not_empty", sql`cardinality(${t.scopes}) > 0`),
  ],
);

/**
 * The first response to each `Idempotency-Key`, per caller (`user:<id>` or `key:<id>`), replayed
 * to a retry (same status, same body). Rows are purged by the scheduled handler once older than the
 * retention period.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    principal: varchar("principal", { length: 32 }).notNull(),
    key: varchar("key", { length: 255 }).notNull(),
    requestHash: text("request_hash").notNull(),
    status: smallint("status").notNull(),
    /** The response body, as JSON (json, not jsonb: its keys keep their order). */
    body: json("body").notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);

/**
 * The ids senders give their own events (ECS `event.id`, OCSF `metadata.uid`), per sending
 * principal: a claimed id is not stored again, so a shipper retrying a batch whose answer it lost
 * stores each event once (events/ingest.ts). Purged with the idempotency keys, after the same
 * retention: a retry comes within minutes, not days.
 */
export const eventSources = pgTable(
  "event_sources",
  {
    principalType: principalTypeEnum("principal_type").notNull(),
    principalId: integer("principal_id").notNull(),
    sourceId: text("source_id").notNull(),
    /**
     * The event stored for it. No foreign key: its check would lock each event row it names (FOR
     * KEY SHARE), a second write to every event a batch stores; both rows come from one statement
     * and events are never deleted.
     */
    eventId: bigint("event_id", { mode: "number" }).notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.principalType, t.principalId, t.sourceId] }),
    // BRIN: rows arrive in time order, and the purge is the only reader; a btree would cost each
    // claimed id a second index insert.
    index("event_sources_created_idx").using("brin", t.createdAt),
  ],
);

/**
 * What the alert search reads in an event: source, type and description, one string. The search's
 * query (alerts/search.ts) spells the same expression, or the index is not used.
 */
export function eventSearchText(t: { sourceName: SQLWrapper; eventType: SQLWrapper; description: SQLWrapper }): SQL {
  return sql`${t.sourceName} || ' ' || ${t.eventType} || ' ' || ${t.description}`;
}

export const events = pgTable(
  "events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    sourceName: varchar("source_name", { length: 255 }).notNull(),
    eventType: varchar("event_type", { length: 100 }).notNull(),
    severity: severityEnum("severity").notNull(),
    description: text("description").notNull().default(""),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date", precision: 6 }).notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    // Who sent it, as it was named then (usernames and key names never change). Null only for
    // events stored before senders were recorded.
    ingestedByType: principalTypeEnum("ingested_by_type"),
    ingestedById: integer("ingested_by_id"),
    ingestedByName: varchar("ingested_by_name", { length: 150 }),
    /** Events with the same key join one unresolved alert instead of each raising their own. */
    dedupKey: varchar("dedup_key", { length: 255 }),
    /** The alert this event raised or joined (a cycle with alerts.event_id: both are set by one statement). */
    alertId: bigint("alert_id", { mode: "number" }).references((): AnyPgColumn => alerts.id, { onDelete: "restrict" }),
    /** The silence that was active and matched when it was ingested: stored, but it alerted no one. */
    silencedBy: integer("silenced_by").references((): AnyPgColumn => silences.id, { onDelete: "restrict" }),
    /** The sensor's tags and those its rules added, sorted, distinct. */
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** The rules whose actions applied to it, in evaluation order (ids; a rule deleted since keeps its id here). */
    rulesApplied: integer("rules_applied").array().notNull().default(sql`'{}'::int[]`),
    /** The first rule that suppressed it: stored, raising nothing. */
    suppressedByRule: integer("suppressed_by_rule"),
    ...timestamps,
  },
  (t) => [
    // ?tag= (all given): only tagged events are indexed, so untagged ingests pay nothing for it.
    index("events_tags_idx").using("gin", t.tags).where(sql`cardinality(${t.tags}) > 0`),
    index("events_suppressed_by_rule_idx").on(t.suppressedByRule).where(sql`${t.suppressedByRule} is not null`),
    // A silence's suppressed_count, and ?silenced=true.
    index("events_silenced_by_idx").on(t.silencedBy).where(sql`${t.silencedBy} is not null`),
    // Newest-first listing, alone or after one equality filter.
    index("events_created_idx").on(t.createdAt.desc(), t.id.desc()),
    index("events_alert_created_idx").on(t.alertId, t.createdAt.desc(), t.id.desc()),
    index("events_severity_created_idx").on(t.severity, t.createdAt.desc(), t.id.desc()),
    index("events_source_created_idx").on(t.sourceName, t.createdAt.desc(), t.id.desc()),
    index("events_type_created_idx").on(t.eventType, t.createdAt.desc(), t.id.desc()),
    // `GET /api/alerts/?q=`: substrings of what a sensor wrote (hosts, IPs, words), in events that
    // raised or joined an alert. Trigrams, not full text: `fw-edge` must find `fw-edge-01`.
    index("events_alert_search_idx")
      .using("gin", sql`(${eventSearchText(t)}) gin_trgm_ops`)
      .where(sql`${t.alertId} is not null`),
  ],
);

export const alerts = pgTable(
  "alerts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    // One alert per event, enforced by the database so concurrent ingests can never double it.
    eventId: bigint("event_id", { mode: "number" })
      .notNull()
      .references(() => events.id, { onDelete: "restrict" }),
    status: alertStatusEnum("status").notNull().default("Open"),
    // The highest severity among its events (grouping raises it, nothing lowers it), kept on the
    // alert so severity filters stay on one table.
    severity: severityEnum("severity").notNull(),
    ...timestamps,
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true, mode: "date", precision: 6 }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true, mode: "date", precision: 6 }),
    dedupKey: varchar("dedup_key", { length: 255 }),
    eventCount: integer("event_count").notNull().default(1),
    lastEventAt: timestamp("last_event_at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
    assigneeId: integer("assignee_id").references(() => users.id, { onDelete: "restrict" }),
    /** Raised by every change to the alert's representation: its ETag. */
    version: integer("version").notNull().default(1),
    /** Until then, grouped events publish nothing and status queues hide it (alerts/snooze.ts). */
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true, mode: "date", precision: 6 }),
    /** The union of its events' tags (sorted, at most MAX_ALERT_TAGS). */
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** The rule that opened it, as it was then (`{id, name, threshold}`); null before rules, or for the system's. */
    openedByRule: jsonb("opened_by_rule"),
  },
  (t) => [
    index("alerts_tags_idx").using("gin", t.tags).where(sql`cardinality(${t.tags}) > 0`),
    uniqueIndex("alerts_event_id_key").on(t.eventId),
    // At most one unresolved alert per key: concurrent ingests with one key meet here
    // (`insert ... on conflict (dedup_key) where status <> 'Resolved' do update`).
    uniqueIndex("alerts_open_dedup_key").on(t.dedupKey).where(sql`status <> 'Resolved'`),
    index("alerts_dedup_created_idx").on(t.dedupKey, t.createdAt.desc(), t.id.desc()),
    index("alerts_assignee_created_idx").on(t.assigneeId, t.createdAt.desc(), t.id.desc()),
    check("alerts_event_count_positive", sql`${t.eventCount} >= 1`),
    index("alerts_created_idx").on(t.createdAt.desc(), t.id.desc()),
    // Auto-resolve's sweep: the unresolved alerts whose last event is oldest.
    index("alerts_unresolved_last_event_idx").on(t.lastEventAt).where(sql`${t.status} <> 'Resolved'`),
    // This index and the next also carry snoozed_until (INCLUDE, written in drizzle/0011, which
    // drizzle-kit cannot declare): status queues hide snoozed alerts and still count index-only.
    index("alerts_status_created_idx").on(t.status, t.createdAt.desc(), t.id.desc()),
    index("alerts_severity_created_idx").on(t.severity, t.createdAt.desc(), t.id.desc()),
    // The queue's usual filter pair (status and severity): its page and its count both.
    index("alerts_status_severity_created_idx").on(t.status, t.severity, t.createdAt.desc(), t.id.desc()),
    check("alerts_severity_raises_alert", sql`${t.severity} in ('High', 'Critical')`),
    check("alerts_resolved_at_matches_status", sql`(${t.status} = 'Resolved') = (${t.resolvedAt} is not null)`),
    // The sweep that wakes alerts whose snooze ran out.
    index("alerts_snoozed_until_idx").on(t.snoozedUntil).where(sql`${t.snoozedUntil} is not null`),
  ],
);

/**
 * Every change to an alert, written by the same statement as the change. Rows whose
 * `published_at` is null are also the outbox: changes not yet handed to the stream and webhooks
 * (see src/push/); the scheduled sweep publishes what a Worker wrote but never handed on.
 */
export const alertHistory = pgTable(
  "alert_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    alertId: bigint("alert_id", { mode: "number" })
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
    actorType: actorTypeEnum("actor_type").notNull(),
    actorId: integer("actor_id"),
    actorName: varchar("actor_name", { length: 150 }).notNull(),
    action: historyActionEnum("action").notNull(),
    fromValue: text("from_value"),
    toValue: text("to_value"),
    /** Why, in words, when the actor is the system (a heartbeat came back, a snooze ran out...). */
    reason: text("reason"),
    publishedAt: timestamp("published_at", { withTimezone: true, mode: "date", precision: 6 }),
  },
  (t) => [
    index("alert_history_alert_idx").on(t.alertId, t.id),
    index("alert_history_unpublished_idx").on(t.id).where(sql`published_at is null`),
  ],
);

/** Analysts' notes on an alert: append-only. */
export const alertNotes = pgTable(
  "alert_notes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    alertId: bigint("alert_id", { mode: "number" })
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    body: text("body").notNull(),
    ...timestamps,
  },
  (t) => [index("alert_notes_alert_idx").on(t.alertId, t.id)],
);

/**
 * Where alert changes are POSTed. The signing secret is stored encrypted (AES-GCM under
 * WEBHOOK_ENCRYPTION_KEY): it must be read back to sign, so it cannot be a hash.
 */
/**
 * A maintenance window (silences/): while `starts_at <= now() < ends_at`, events matching every
 * matcher are stored with `silenced_by` but raise, escalate and notify nothing. `matchers` is
 * what the admin wrote; `compiled` is its form for the SQL evaluator (matchers/), written with it.
 * State is derived from time; ending early moves `ends_at` to now (rows are never deleted, events
 * point at them).
 */
export const silences = pgTable(
  "silences",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    matchers: jsonb("matchers").notNull(),
    compiled: jsonb("compiled").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true, mode: "date", precision: 6 }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true, mode: "date", precision: 6 }).notNull(),
    comment: text("comment").notNull(),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
    /** Its `silence.ended` webhook deliveries are written (on DELETE, or by the sweep once it expired). */
    endPublished: boolean("end_published").notNull().default(false),
  },
  (t) => [
    // The ingest statement looks up the silences still running: few, by end time.
    index("silences_ends_at_idx").on(t.endsAt),
    // The sweep that announces silences which ran out.
    index("silences_unannounced_end_idx").on(t.endsAt).where(sql`not ${t.endPublished}`),
    index("silences_created_idx").on(t.createdAt.desc(), t.id.desc()),
    check("silences_window", sql`${t.endsAt} >= ${t.startsAt}`),
  ],
);

/**
 * A sensor that must keep reporting (heartbeats/): beaten by `POST /api/heartbeats/{name}/` or by any
 * event its owner ingests with `source_name` = name. `due_at` (last beat, or creation, plus the
 * timeout) is when it goes late; its Durable Object's alarm is set to it (heartbeats/timer.ts).
 * The owner is the one principal whose beats count: set at creation (`key_id`) or by the first beat.
 */
export const heartbeats = pgTable(
  "heartbeats",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: varchar("name", { length: 255 }).notNull(),
    timeoutSeconds: integer("timeout_seconds").notNull(),
    status: heartbeatStatusEnum("status").notNull().default("unknown"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    ownerType: principalTypeEnum("owner_type"),
    ownerId: integer("owner_id"),
    ownerName: varchar("owner_name", { length: 150 }),
    lastBeatAt: timestamp("last_beat_at", { withTimezone: true, mode: "date", precision: 6 }),
    dueAt: timestamp("due_at", { withTimezone: true, mode: "date", precision: 6 }).notNull(),
    lateSince: timestamp("late_since", { withTimezone: true, mode: "date", precision: 6 }),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("heartbeats_name_key").on(t.name),
    // The sweep's repair: heartbeats past due that no alarm marked late.
    index("heartbeats_due_idx").on(t.dueAt).where(sql`${t.status} <> 'late'`),
    // The sweep's other repair: late heartbeats beaten since, whose recovery was lost.
    index("heartbeats_late_idx").on(t.lastBeatAt).where(sql`${t.status} = 'late'`),
    check("heartbeats_timeout_range", sql`${t.timeoutSeconds} between 60 and 86400`),
    check("heartbeats_owner_whole", sql`(${t.ownerType} is null) = (${t.ownerId} is null)`),
  ],
);

/**
 * An event rule (rules/): evaluated by the ingest statement, in `position` order, for every event a
 * sensor sends (rules/evaluate.sql, through the function `vigil_evaluate`). `conditions`, `actions`
 * and `threshold` are what the admin wrote; `compiled` is their one form for the evaluator, written
 * with them. The built-in rule (High and Critical events alert) is a row like any other, always
 * evaluated last.
 */
export const rules = pgTable(
  "rules",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    position: integer("position").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull().default(""),
    conditions: jsonb("conditions").notNull(),
    actions: jsonb("actions").notNull(),
    threshold: jsonb("threshold"),
    compiled: jsonb("compiled").notNull(),
    builtin: boolean("builtin").notNull().default(false),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
  },
  (t) => [
    index("rules_enabled_position_idx").on(t.position, t.id).where(sql`${t.enabled}`),
    uniqueIndex("rules_one_builtin").on(t.builtin).where(sql`${t.builtin}`),
    check("rules_position_positive", sql`${t.position} >= 1`),
  ],
);

/**
 * One row per event a threshold rule counted (rules/): the window's count for a group is read from
 * here, through the index, by the ingest statement under the group's lock. Rows older than the
 * longest window are purged by the scheduled sweep.
 */
export const ruleHits = pgTable(
  "rule_hits",
  {
    ruleId: integer("rule_id").notNull(),
    /** The group's alert key: `rule:<id>` and the group's values (rules/threshold-key in evaluate.sql). */
    groupKey: varchar("group_key", { length: 255 }).notNull(),
    eventId: bigint("event_id", { mode: "number" }).notNull(),
    ...timestamps,
  },
  (t) => [
    index("rule_hits_group_created_idx").on(t.ruleId, t.groupKey, t.createdAt),
    index("rule_hits_created_idx").on(t.createdAt),
  ],
);

export const webhooks = pgTable(
  "webhooks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    url: varchar("url", { length: 2048 }).notNull(),
    events: deliveryEventTypeEnum("events").array().notNull(),
    minSeverity: severityEnum("min_severity"),
    description: varchar("description", { length: 500 }).notNull().default(""),
    secretCiphertext: text("secret_ciphertext").notNull(),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [
    index("webhooks_created_idx").on(t.createdAt.desc(), t.id.desc()),
    check("webhooks_events_not_empty", sql`cardinality(${t.events}) > 0`),
  ],
);

/**
 * One notification for one webhook, kept as sent (the payload is fixed at creation, so every
 * retry carries the same `webhook-id` and body). Written by the publisher's statement; attempted
 * through the queue; `pending` ones never attempted are re-enqueued by the scheduled sweep.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    webhookId: integer("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    eventType: deliveryEventTypeEnum("event_type").notNull(),
    alertId: bigint("alert_id", { mode: "number" }).references(() => alerts.id, { onDelete: "cascade" }),
    payload: json("payload").notNull(),
    attempts: integer("attempts").notNull().default(0),
    status: deliveryStatusEnum("status").notNull().default("pending"),
    lastStatusCode: integer("last_status_code"),
    lastError: varchar("last_error", { length: 500 }),
    ...timestamps,
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date", precision: 6 }),
    // When the sweep last handed it to the queue again (see requeueUnattempted).
    requeuedAt: timestamp("requeued_at", { withTimezone: true, mode: "date", precision: 6 }),
  },
  (t) => [
    index("webhook_deliveries_webhook_created_idx").on(t.webhookId, t.createdAt.desc(), t.id.desc()),
    index("webhook_deliveries_unattempted_idx").on(t.createdAt).where(sql`status = 'pending' and attempts = 0`),
  ],
);

/**
 * Every administrative change (users, API keys, webhooks), written by the same statement as the
 * change itself, so neither exists without the other. Append-only; rows outlive their targets.
 */
export const auditLog = pgTable("audit_log", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp("at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
  actorType: auditActorTypeEnum("actor_type").notNull(),
  /** The admin's user id; null for the CLI. */
  actorId: integer("actor_id"),
  actorName: varchar("actor_name", { length: 150 }).notNull(),
  action: auditActionEnum("action").notNull(),
  targetType: auditTargetTypeEnum("target_type").notNull(),
  targetId: integer("target_id").notNull(),
  /** The username, key name or webhook URL, as it was then. */
  targetName: varchar("target_name", { length: 2048 }).notNull(),
  fromValue: text("from_value"),
  toValue: text("to_value"),
});
