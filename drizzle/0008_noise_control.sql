CREATE TYPE "public"."heartbeat_status" AS ENUM('unknown', 'ok', 'late');--> statement-breakpoint
ALTER TYPE "public"."delivery_event_type" ADD VALUE 'silence.created' BEFORE 'ping';--> statement-breakpoint
ALTER TYPE "public"."delivery_event_type" ADD VALUE 'silence.ended' BEFORE 'ping';--> statement-breakpoint
ALTER TYPE "public"."delivery_event_type" ADD VALUE 'heartbeat.late' BEFORE 'ping';--> statement-breakpoint
ALTER TYPE "public"."delivery_event_type" ADD VALUE 'heartbeat.ok' BEFORE 'ping';--> statement-breakpoint
ALTER TYPE "public"."history_action" ADD VALUE 'snoozed';--> statement-breakpoint
ALTER TYPE "public"."history_action" ADD VALUE 'unsnoozed';--> statement-breakpoint
CREATE TABLE "heartbeats" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "heartbeats_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" varchar(255) NOT NULL,
	"timeout_seconds" integer NOT NULL,
	"status" "heartbeat_status" DEFAULT 'unknown' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"owner_type" "principal_type",
	"owner_id" integer,
	"owner_name" varchar(150),
	"last_beat_at" timestamp (6) with time zone,
	"due_at" timestamp (6) with time zone NOT NULL,
	"late_since" timestamp (6) with time zone,
	"created_by_id" integer,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "heartbeats_timeout_range" CHECK ("heartbeats"."timeout_seconds" between 60 and 86400),
	CONSTRAINT "heartbeats_owner_whole" CHECK (("heartbeats"."owner_type" is null) = ("heartbeats"."owner_id" is null))
);
--> statement-breakpoint
ALTER TABLE "alert_history" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "snoozed_until" timestamp (6) with time zone;--> statement-breakpoint
ALTER TABLE "silences" ADD COLUMN "end_published" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD CONSTRAINT "heartbeats_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "heartbeats_name_key" ON "heartbeats" USING btree ("name");--> statement-breakpoint
CREATE INDEX "heartbeats_due_idx" ON "heartbeats" USING btree ("due_at") WHERE "heartbeats"."status" <> 'late';--> statement-breakpoint
CREATE INDEX "heartbeats_late_idx" ON "heartbeats" USING btree ("last_beat_at") WHERE "heartbeats"."status" = 'late';--> statement-breakpoint
CREATE INDEX "alerts_snoozed_until_idx" ON "alerts" USING btree ("snoozed_until") WHERE "alerts"."snoozed_until" is not null;--> statement-breakpoint
CREATE INDEX "silences_unannounced_end_idx" ON "silences" USING btree ("ends_at") WHERE not "silences"."end_published";--> statement-breakpoint
-- Silences that ended before this migration are not announced as if they just had.
UPDATE "silences" SET "end_published" = true WHERE "ends_at" <= now();
