-- The alert search's trigram index (GET /api/alerts/?q=). pg_trgm ships with PostgreSQL
-- (embedded-postgres included) and is among Neon's supported extensions.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "events_alert_search_idx" ON "events" USING gin (("source_name" || ' ' || "event_type" || ' ' || "description") gin_trgm_ops) WHERE "events"."alert_id" is not null;
