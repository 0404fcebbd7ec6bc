ALTER TYPE "public"."delivery_event_type" ADD VALUE 'rule.created' BEFORE 'ping';--> statement-breakpoint
ALTER TYPE "public"."delivery_event_type" ADD VALUE 'rule.updated' BEFORE 'ping';--> statement-breakpoint
ALTER TYPE "public"."delivery_event_type" ADD VALUE 'rule.deleted' BEFORE 'ping';--> statement-breakpoint
CREATE TABLE "rule_hits" (
	"rule_id" integer NOT NULL,
	"group_key" varchar(255) NOT NULL,
	"event_id" bigint NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"name" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"conditions" jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"threshold" jsonb,
	"compiled" jsonb NOT NULL,
	"builtin" boolean DEFAULT false NOT NULL,
	"created_by_id" integer,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_position_positive" CHECK ("rules"."position" >= 1)
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "opened_by_rule" jsonb;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "rules_applied" integer[] DEFAULT '{}'::int[] NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "suppressed_by_rule" integer;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rule_hits_group_created_idx" ON "rule_hits" USING btree ("rule_id","group_key","created_at");--> statement-breakpoint
CREATE INDEX "rule_hits_created_idx" ON "rule_hits" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "rules_enabled_position_idx" ON "rules" USING btree ("position","id") WHERE "rules"."enabled";--> statement-breakpoint
CREATE UNIQUE INDEX "rules_one_builtin" ON "rules" USING btree ("builtin") WHERE "rules"."builtin";--> statement-breakpoint
CREATE INDEX "alerts_tags_idx" ON "alerts" USING gin ("tags") WHERE cardinality("alerts"."tags") > 0;--> statement-breakpoint
CREATE INDEX "events_tags_idx" ON "events" USING gin ("tags") WHERE cardinality("events"."tags") > 0;--> statement-breakpoint
CREATE INDEX "events_suppressed_by_rule_idx" ON "events" USING btree ("suppressed_by_rule") WHERE "events"."suppressed_by_rule" is not null;--> statement-breakpoint
-- The evaluator of the matcher language (src/matchers/): silences and rules alike. A field's value
-- as matchers, templates and threshold groups read it: `{f, k}` names a column or a metadata key.
CREATE FUNCTION vigil_field(spec jsonb, source_name text, event_type text, severity text, dedup_key text, metadata jsonb)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE spec ->> 'f'
    WHEN 'source_name' THEN source_name
    WHEN 'event_type' THEN event_type
    WHEN 'severity' THEN severity
    WHEN 'dedup_key' THEN dedup_key
    WHEN 'metadata' THEN metadata ->> (spec ->> 'k')
  END
$$;
--> statement-breakpoint
-- True when every compiled matcher holds for the event (src/matchers/language.ts says what each
-- means). Matchers are data read here, never SQL text: nothing a silence or a rule says can be
-- executed. A field the event lacks fails eq, in and glob and passes ne.
CREATE FUNCTION vigil_matches(matchers jsonb, source_name text, event_type text, severity text, dedup_key text,
                              metadata jsonb, tags text[])
RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  m jsonb;
  v text;
  t text;
  ok boolean;
BEGIN
  FOR i IN 0 .. jsonb_array_length(matchers) - 1 LOOP
    m := matchers -> i;
    IF m ->> 'f' = 'tags' THEN
      ok := CASE m ->> 'op'
        WHEN 'eq' THEN (m ->> 'v') = ANY (tags)
        WHEN 'ne' THEN NOT ((m ->> 'v') = ANY (tags))
        WHEN 'in' THEN (m -> 'v') ?| tags
        WHEN 'exists' THEN (cardinality(tags) > 0) = (m -> 'v')::boolean
        ELSE false
      END;
      IF m ->> 'op' = 'glob' THEN
        FOREACH t IN ARRAY tags LOOP
          IF t LIKE m ->> 'v' THEN
            ok := true;
            EXIT;
          END IF;
        END LOOP;
      END IF;
    ELSE
      v := vigil_field(m, source_name, event_type, severity, dedup_key, metadata);
      ok := CASE m ->> 'op'
        WHEN 'eq' THEN v = m ->> 'v'
        WHEN 'ne' THEN v IS DISTINCT FROM m ->> 'v'
        WHEN 'in' THEN (m -> 'v') ? v
        WHEN 'glob' THEN v LIKE m ->> 'v'
        WHEN 'exists' THEN (v IS NOT NULL) = (m -> 'v')::boolean
      END;
    END IF;
    IF ok IS NOT TRUE THEN
      RETURN false;
    END IF;
  END LOOP;
  RETURN true;
END
$$;
--> statement-breakpoint
-- A key at most 255 characters long: a longer one keeps its start and ends with a digest of the whole.
CREATE FUNCTION vigil_bounded_key(k text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN length(k) <= 255 THEN k ELSE left(k, 222) || '~' || md5(k) END
$$;
--> statement-breakpoint
-- A threshold group's alert key: `rule:<id>` and, per group_by field, `:` and its value (`%` and `:`
-- escaped, so two groups never meet in one key; a missing field is empty).
CREATE FUNCTION vigil_group_key(rule_id int, group_by jsonb, source_name text, event_type text, severity text,
                                dedup_key text, metadata jsonb)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  k text := 'rule:' || rule_id;
BEGIN
  FOR i IN 0 .. jsonb_array_length(group_by) - 1 LOOP
    k := k || ':' || replace(replace(coalesce(
      vigil_field(group_by -> i, source_name, event_type, severity, dedup_key, metadata), ''), '%', '%25'), ':', '%3A');
  END LOOP;
  RETURN vigil_bounded_key(k);
END
$$;
--> statement-breakpoint
-- A set_dedup_key template, compiled to parts (`{l}` literal text, `{f, k}` a field): a missing field
-- renders empty, an empty key is no key, and a key in Vigil's own namespaces (heartbeat:, rule:) is
-- moved out of them with `key:` so that no sensor's event can join Vigil's own alerts.
CREATE FUNCTION vigil_render(parts jsonb, source_name text, event_type text, severity text, dedup_key text,
                             metadata jsonb)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  p jsonb;
  out text := '';
BEGIN
  FOR i IN 0 .. jsonb_array_length(parts) - 1 LOOP
    p := parts -> i;
    out := out || coalesce(CASE WHEN p ? 'l' THEN p ->> 'l'
                                ELSE vigil_field(p, source_name, event_type, severity, dedup_key, metadata) END, '');
  END LOOP;
  IF out = '' THEN
    RETURN NULL;
  END IF;
  IF out LIKE 'heartbeat:%' OR out LIKE 'rule:%' THEN
    out := 'key:' || out;
  END IF;
  RETURN vigil_bounded_key(out);
END
$$;
--> statement-breakpoint
-- The rules and silences, applied to the events of one ingest (src/rules/ and src/events/ingest.ts
-- say what each rule and action means). `items`: the events as the ingest
-- statement has them; `apply_rules`: false for the system's own events (heartbeats), which only
-- silences touch; `rule_set`: the rules to apply instead of the stored ones (POST /api/rules/test/);
-- `dry_run`: take no lock (nothing will be stored).
--
-- The enabled rules are read once, so every event of a batch sees one rule set. A threshold group
-- is counted under a transaction-scoped advisory lock on its key: a concurrent ingest of the same
-- group waits for this one to commit, and its count (a query of this VOLATILE function, so with a
-- fresh snapshot) then sees this one's events: concurrent ingests neither both miss nor double-count.
CREATE FUNCTION vigil_evaluate(items jsonb, apply_rules boolean, rule_set jsonb DEFAULT NULL, dry_run boolean DEFAULT false)
RETURNS TABLE (idx int, source_name text, event_type text, severity severity, description text,
               occurred_at timestamptz, metadata jsonb, dedup_key text, tags text[], alerting boolean,
               alert_rule jsonb, suppressed_by_rule int, rules_applied int[], silenced_by int,
               hit_rules int[], hit_keys text[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  rs jsonb := rule_set;
  r_ids int[];
  r_names text[];
  r_conditions jsonb[];
  r_actions jsonb[];
  r_thresholds jsonb[];
  r_written jsonb[];
  s_ids int[];
  s_matchers jsonb[];
  n_rules int;
  e record;
  act jsonb;
  th jsonb;
  gk text;
  cnt int;
  counts jsonb := '{}';
  key_fixed boolean;
BEGIN
  IF apply_rules THEN
    IF rs IS NULL THEN
      SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name, 'threshold', r.threshold,
                                                   'compiled', r.compiled) ORDER BY r.builtin, r.position, r.id), '[]')
        INTO rs FROM rules r WHERE r.enabled;
    END IF;
    SELECT coalesce(array_agg((x ->> 'id')::int ORDER BY n), '{}'), coalesce(array_agg(x ->> 'name' ORDER BY n), '{}'),
           coalesce(array_agg(x -> 'compiled' -> 'c' ORDER BY n), '{}'), coalesce(array_agg(x -> 'compiled' -> 'a' ORDER BY n), '{}'),
           coalesce(array_agg(x -> 'compiled' -> 't' ORDER BY n), '{}'), coalesce(array_agg(x -> 'threshold' ORDER BY n), '{}')
      INTO r_ids, r_names, r_conditions, r_actions, r_thresholds, r_written
      FROM jsonb_array_elements(rs) WITH ORDINALITY AS t(x, n);
  END IF;
  n_rules := coalesce(cardinality(r_ids), 0);
  SELECT coalesce(array_agg(s.id ORDER BY s.id), '{}'), coalesce(array_agg(s.compiled ORDER BY s.id), '{}')
    INTO s_ids, s_matchers FROM silences s WHERE s.starts_at <= now() AND s.ends_at > now();

  FOR e IN
    SELECT * FROM jsonb_to_recordset(items) AS x(idx int, source_name text, event_type text, severity severity,
      description text, occurred_at timestamptz, metadata jsonb, dedup_key text, tags text[])
    ORDER BY x.idx
  LOOP
    idx := e.idx; source_name := e.source_name; event_type := e.event_type; severity := e.severity;
    description := e.description; occurred_at := e.occurred_at; metadata := e.metadata;
    dedup_key := e.dedup_key; tags := coalesce(e.tags, '{}');
    alerting := false; alert_rule := NULL; suppressed_by_rule := NULL; rules_applied := '{}';
    hit_rules := '{}'; hit_keys := '{}'; key_fixed := false;

    IF NOT apply_rules THEN
      alerting := severity >= 'High';
    END IF;
    FOR i IN 1 .. n_rules LOOP
      CONTINUE WHEN NOT vigil_matches(r_conditions[i], source_name, event_type, severity::text, dedup_key, metadata, tags);
      th := r_thresholds[i];
      IF jsonb_typeof(th) = 'object' THEN
        gk := vigil_group_key(r_ids[i], th -> 'g', source_name, event_type, severity::text, dedup_key, metadata);
        hit_rules := hit_rules || r_ids[i];
        hit_keys := hit_keys || gk;
        cnt := (counts ->> gk)::int;
        IF cnt IS NULL THEN
          IF NOT dry_run THEN
            PERFORM pg_advisory_xact_lock(hashtextextended(gk, 0));
          END IF;
          -- Counted afresh after the group's last alert was resolved: a new crossing opens a new alert.
          SELECT count(*) INTO cnt FROM (
            SELECT 1 FROM rule_hits h
            WHERE h.rule_id = r_ids[i] AND h.group_key = gk
              AND h.created_at > now() - make_interval(secs => (th ->> 'w')::int)
              AND h.created_at > coalesce((SELECT a.resolved_at FROM alerts a
                                           WHERE a.dedup_key = gk AND a.status = 'Resolved'
                                           ORDER BY a.created_at DESC LIMIT 1), '-infinity')
            LIMIT (th ->> 'n')::int) counted;
        END IF;
        cnt := cnt + 1;
        counts := counts || jsonb_build_object(gk, cnt);
        CONTINUE WHEN cnt < (th ->> 'n')::int;
        IF NOT key_fixed THEN
          dedup_key := gk;
          key_fixed := true;
        END IF;
        IF NOT alerting THEN
          alerting := true;
          alert_rule := jsonb_build_object('id', r_ids[i], 'name', r_names[i], 'threshold', r_written[i]);
        END IF;
      END IF;
      rules_applied := rules_applied || r_ids[i];
      act := r_actions[i];
      IF act ? 'set_severity' THEN
        severity := (act ->> 'set_severity')::severity;
      END IF;
      IF act ? 'add_tags' THEN
        -- At most 100 (src/events/rules.ts, MAX_STORED_TAGS): the first, sorted.
        tags := (ARRAY(SELECT DISTINCT u FROM unnest(tags || ARRAY(SELECT jsonb_array_elements_text(act -> 'add_tags'))) u
                       ORDER BY u))[1:100];
      END IF;
      IF act ? 'set_dedup_key' AND NOT key_fixed THEN
        dedup_key := vigil_render(act -> 'set_dedup_key', source_name, event_type, severity::text, dedup_key, metadata);
      END IF;
      IF act ? 'suppress' AND suppressed_by_rule IS NULL THEN
        suppressed_by_rule := r_ids[i];
      END IF;
      IF act ? 'alert' AND NOT alerting THEN
        alerting := true;
        alert_rule := jsonb_build_object('id', r_ids[i], 'name', r_names[i], 'threshold', NULL);
      END IF;
      EXIT WHEN act ? 'stop';
    END LOOP;

    IF suppressed_by_rule IS NOT NULL THEN
      alerting := false;
      alert_rule := NULL;
    END IF;
    -- Alerts are High or Critical: an event a rule alerts on is at least High.
    IF alerting AND severity < 'High' THEN
      severity := 'High';
    END IF;
    silenced_by := NULL;
    FOR j IN 1 .. cardinality(s_ids) LOOP
      IF vigil_matches(s_matchers[j], source_name, event_type, severity::text, dedup_key, metadata, tags) THEN
        silenced_by := s_ids[j];
        EXIT;
      END IF;
    END LOOP;
    RETURN NEXT;
  END LOOP;
END
$$;
--> statement-breakpoint
INSERT INTO "rules" ("position", "name", "description", "conditions", "actions", "compiled", "builtin") VALUES (
  1,
  'High and Critical events raise an alert',
  'The built-in default, always evaluated last. Edit its conditions or actions, or disable it; it cannot be moved or deleted.',
  '[{"field": "severity", "op": "in", "value": ["High", "Critical"]}]',
  '{"alert": true}',
  '{"c": [{"f": "severity", "op": "in", "v": ["High", "Critical"]}], "a": {"alert": true}, "t": null}',
  true
);
