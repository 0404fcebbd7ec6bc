CREATE TYPE "public"."actor_type" AS ENUM('user', 'key', 'system');--> statement-breakpoint
CREATE TYPE "public"."history_action" AS ENUM('created', 'status_changed', 'assigned', 'event_grouped', 'note_added');--> statement-breakpoint
CREATE TABLE "alert_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alert_id" bigint NOT NULL,
	"at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" integer,
	"actor_name" varchar(150) NOT NULL,
	"action" "history_action" NOT NULL,
	"from_value" text,
	"to_value" text,
	"published_at" timestamp (6) with time zone
);
--> statement-breakpoint
CREATE TABLE "alert_notes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_notes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alert_id" bigint NOT NULL,
	"author_id" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ALTER COLUMN "body" SET DATA TYPE json USING "body"::json;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "dedup_key" varchar(255);--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "event_count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "last_event_at" timestamp (6) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "assignee_id" integer;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "dedup_key" varchar(255);--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "alert_id" bigint;--> statement-breakpoint
UPDATE "events" SET "alert_id" = a."id" FROM "alerts" a WHERE a."event_id" = "events"."id";--> statement-breakpoint
UPDATE "alerts" SET "last_event_at" = "created_at";--> statement-breakpoint
ALTER TABLE "alert_history" ADD CONSTRAINT "alert_history_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_notes" ADD CONSTRAINT "alert_notes_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_notes" ADD CONSTRAINT "alert_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
INSERT INTO "alert_history" ("alert_id", "at", "actor_type", "actor_name", "action", "to_value", "published_at") SELECT "id", "created_at", 'system', 'system', 'created', 'Open', now() FROM "alerts";--> statement-breakpoint
CREATE INDEX "alert_history_alert_idx" ON "alert_history" USING btree ("alert_id","id");--> statement-breakpoint
CREATE INDEX "alert_history_unpublished_idx" ON "alert_history" USING btree ("id") WHERE published_at is null;--> statement-breakpoint
CREATE INDEX "alert_notes_alert_idx" ON "alert_notes" USING btree ("alert_id","id");--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_dedup_key" ON "alerts" USING btree ("dedup_key") WHERE status <> 'Resolved';--> statement-breakpoint
CREATE INDEX "alerts_dedup_created_idx" ON "alerts" USING btree ("dedup_key","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "alerts_assignee_created_idx" ON "alerts" USING btree ("assignee_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_alert_created_idx" ON "events" USING btree ("alert_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_event_count_positive" CHECK ("alerts"."event_count" >= 1);