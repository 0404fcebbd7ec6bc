import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";

/** The single source of truth for tables; `npm run db:generate` turns it into `drizzle/*.sql`. */

export const ROLES = ["admin", "analyst"] as const;
export const SEVERITIES = ["Low", "Medium", "High", "Critical"] as const;
export const ALERT_STATUSES = ["Open", "Acknowledged", "Investigating", "Resolved"] as const;

export type Role = (typeof ROLES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const roleEnum = pgEnum("user_role", ROLES);
export const severityEnum = pgEnum("severity", SEVERITIES);
export const alertStatusEnum = pgEnum("alert_status", ALERT_STATUSES);

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
    ...timestamps,
  },
  (t) => [
    uniqueIndex("refresh_tokens_token_hash_key").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
  ],
);

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
    ...timestamps,
  },
  (t) => [
    // Newest-first listing, alone or after one equality filter.
    index("events_created_idx").on(t.createdAt.desc(), t.id.desc()),
    index("events_severity_created_idx").on(t.severity, t.createdAt.desc(), t.id.desc()),
    index("events_source_created_idx").on(t.sourceName, t.createdAt.desc(), t.id.desc()),
    index("events_type_created_idx").on(t.eventType, t.createdAt.desc(), t.id.desc()),
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
    // Copied from the event at creation (events are append-only) so severity filters stay on one table.
    severity: severityEnum("severity").notNull(),
    ...timestamps,
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true, mode: "date", precision: 6 }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true, mode: "date", precision: 6 }),
  },
  (t) => [
    uniqueIndex("alerts_event_id_key").on(t.eventId),
    index("alerts_created_idx").on(t.createdAt.desc(), t.id.desc()),
    index("alerts_status_created_idx").on(t.status, t.createdAt.desc(), t.id.desc()),
    index("alerts_severity_created_idx").on(t.severity, t.createdAt.desc(), t.id.desc()),
    check("alerts_severity_raises_alert", sql`${t.severity} in ('High', 'Critical')`),
    check("alerts_resolved_at_matches_status", sql`(${t.status} = 'Resolved') = (${t.resolvedAt} is not null)`),
  ],
);
