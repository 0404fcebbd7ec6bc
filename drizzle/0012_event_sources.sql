-- The ids senders give their own events (ECS event.id, OCSF metadata.uid), claimed per sending
-- principal by the ingest statement: a batch a shipper retries after losing its answer stores
-- each event once (src/events/ingest.ts). Purged after the idempotency keys' retention. No
-- foreign key to events (its check would lock every event row a batch stores a second time), and
-- BRIN on created_at (the purge is its only reader; rows arrive in time order).
CREATE TABLE "event_sources" (
	"principal_type" "principal_type" NOT NULL,
	"principal_id" integer NOT NULL,
	"source_id" text NOT NULL,
	"event_id" bigint NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_sources_principal_type_principal_id_source_id_pk" PRIMARY KEY("principal_type","principal_id","source_id")
);
--> statement-breakpoint
CREATE INDEX "event_sources_created_idx" ON "event_sources" USING brin ("created_at");