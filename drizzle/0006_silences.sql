CREATE TABLE "silences" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "silences_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"matchers" jsonb NOT NULL,
	"compiled" jsonb NOT NULL,
	"starts_at" timestamp (6) with time zone NOT NULL,
	"ends_at" timestamp (6) with time zone NOT NULL,
	"comment" text NOT NULL,
	"created_by_id" integer,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "silences_window" CHECK ("silences"."ends_at" >= "silences"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "silenced_by" integer;--> statement-breakpoint
ALTER TABLE "silences" ADD CONSTRAINT "silences_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "silences_ends_at_idx" ON "silences" USING btree ("ends_at");--> statement-breakpoint
CREATE INDEX "silences_created_idx" ON "silences" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_silenced_by_silences_id_fk" FOREIGN KEY ("silenced_by") REFERENCES "public"."silences"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_silenced_by_idx" ON "events" USING btree ("silenced_by") WHERE "events"."silenced_by" is not null;