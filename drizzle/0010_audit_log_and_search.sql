CREATE TYPE "public"."audit_action" AS ENUM('user.created', 'user.role_changed', 'user.deactivated', 'user.reactivated', 'user.password_reset', 'key.created', 'key.revoked', 'webhook.created', 'webhook.deleted', 'webhook.delivery_retried');--> statement-breakpoint
CREATE TYPE "public"."audit_actor_type" AS ENUM('user', 'cli');--> statement-breakpoint
CREATE TYPE "public"."audit_target_type" AS ENUM('user', 'key', 'webhook');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"actor_type" "audit_actor_type" NOT NULL,
	"actor_id" integer,
	"actor_name" varchar(150) NOT NULL,
	"action" "audit_action" NOT NULL,
	"target_type" "audit_target_type" NOT NULL,
	"target_id" integer NOT NULL,
	"target_name" varchar(2048) NOT NULL,
	"from_value" text,
	"to_value" text
);
--> statement-breakpoint
-- The alert search's trigram index (GET /api/alerts/?q=). pg_trgm ships with PostgreSQL
-- (embedded-postgres included) and is among Neon's supported extensions.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "events_alert_search_idx" ON "events" USING gin (("source_name" || ' ' || "event_type" || ' ' || "description") gin_trgm_ops) WHERE "events"."alert_id" is not null;