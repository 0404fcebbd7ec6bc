import { z } from "@hono/zod-openapi";
import { SEVERITIES } from "../db/schema";
import { MAX_RULES_APPLIED, MAX_STORED_TAGS } from "../events/rules";
import { EventCreateSchema, EventSchema } from "../events/schemas";
import { distinct } from "../http/distinct";
import { pageQuery, pageSchema } from "../http/pagination";
import { booleanQuery, countNumber, int32IdNumber } from "../http/params";
import { optionalText, requiredText, text } from "../http/text";
import { utcTimestamp } from "../http/timestamp";
import { MAX_MATCHERS, MatcherSchema, valueField } from "../matchers/language";
import { tagList } from "../tags/schema";
import { parseTemplate, RESERVED_START_PATTERN, TEMPLATE_PATTERN } from "./template";

/** Enabled rules at most: every event is evaluated against each of them. */
export const MAX_ENABLED_RULES = MAX_RULES_APPLIED;
export const MAX_RULE_TAGS = 10;
export const MAX_GROUP_BY = 5;
export const MAX_TEST_EVENTS = 100;
export const MIN_THRESHOLD_COUNT = 2;
export const MAX_THRESHOLD_COUNT = 10_000;
export const MIN_WINDOW_SECONDS = 10;
export const MAX_WINDOW_SECONDS = 86_400;
const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;
const MAX_TEMPLATE = 255;

const severity = z.enum(SEVERITIES, { error: `Must be one of: ${SEVERITIES.join(", ")}.` });
const yes = (description: string) =>
  z.literal(true, { error: "Must be true (leave it out otherwise)." }).optional().openapi({ description });

const template = text(MAX_TEMPLATE)
  .min(1, "This field may not be blank.")
  .superRefine((value, ctx) => {
    const parsed = parseTemplate(value);
    if ("problem" in parsed) ctx.addIssue({ code: "custom", message: parsed.problem });
  })
  .openapi({
    pattern: TEMPLATE_PATTERN,
    not: { pattern: RESERVED_START_PATTERN },
    description:
      "Literal text and `{field}` placeholders (source_name, event_type, severity, dedup_key, metadata.<key>); " +
      "a missing field renders empty, and an empty key is no key",
    example: "{source_name}:{event_type}:{metadata.host}",
  });

/** What a rule does to an event its conditions match, applied in this order. */
export const RuleActionsSchema = z
  .strictObject({
    set_severity: severity.optional().openapi({ description: "Raise or lower it", example: "Low" }),
    add_tags: tagList(MAX_RULE_TAGS)
      .min(1, "List at least one tag.")
      .optional()
      .openapi({ description: `1 to ${MAX_RULE_TAGS} tags to add`, example: ["pci"] }),
    set_dedup_key: template.optional(),
    suppress: yes("Store the event, raise nothing (`suppressed_by_rule` on the event)"),
    alert: yes("Open an alert, or join the unresolved one with its dedup_key (the built-in rule's action)"),
    stop: yes("Evaluate no later rule"),
  })
  .openapi("RuleActions", {
    not: { required: ["suppress", "alert"] },
    description:
      "Applied in the order listed. An event that alerts is at least High (alerts are High or Critical); one " +
      "suppressed raises nothing whatever later rules say.",
  });

export const ThresholdSchema = z
  .strictObject({
    count: z
      .number({ error: "Must be a whole number." })
      .int("Must be a whole number.")
      .min(MIN_THRESHOLD_COUNT, `Must be at least ${MIN_THRESHOLD_COUNT}.`)
      .max(MAX_THRESHOLD_COUNT, `Must be at most ${MAX_THRESHOLD_COUNT}.`)
      .openapi({ format: "int32", example: 3 }),
    within_seconds: z
      .number({ error: "Must be a whole number of seconds." })
      .int("Must be a whole number of seconds.")
      .min(MIN_WINDOW_SECONDS, `Must be at least ${MIN_WINDOW_SECONDS}.`)
      .max(MAX_WINDOW_SECONDS, `Must be at most ${MAX_WINDOW_SECONDS} (a day).`)
      .openapi({ format: "int32", example: 300 }),
    group_by: distinct(
      z.array(valueField, { error: "Must be a list of fields." }).max(MAX_GROUP_BY, `At most ${MAX_GROUP_BY} fields.`),
      "Fields must not repeat.",
    )
      .optional()
      .openapi({ description: "Counted apart per value of these fields (none: one count)", example: ["source_name"] }),
  })
  .openapi("Threshold", {
    description:
      "The rule applies, and opens an alert (dedup_key `rule:<id>:<group values>`), only to an event that makes " +
      "`count` matching events within `within_seconds` for its group; later ones join that alert. After it is " +
      "resolved the group counts afresh: a new crossing opens a new alert.",
  });

export type RuleActions = z.output<typeof RuleActionsSchema>;
export type Threshold = z.output<typeof ThresholdSchema>;

/**
 * ruleProblems() as JSON Schema, for the document: a threshold rule takes none of the actions that
 * would fight its own alert; any other rule takes at least one action.
 */
function documentedRuleRules() {
  const hasThreshold = { required: ["threshold"], properties: { threshold: { type: "object" } } };
  const ownAlert = ["alert", "suppress", "set_dedup_key"].map((action) => ({ required: [action] }));
  const rules = {
    allOf: [
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, in a value that is never awaited.
      { if: hasThreshold, then: { properties: { actions: { not: { anyOf: ownAlert } } } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, in a value that is never awaited.
      { if: { not: hasThreshold }, then: { properties: { actions: { minProperties: 1 } } } },
    ],
  };
  return rules;
}

/**
 * The rules a rule's actions and threshold must satisfy together, as field errors (path below
 * the body), for a new rule and for the result of a change alike.
 */
export function ruleProblems(rule: { actions: RuleActions; threshold: Threshold | null }): Record<string, string> {
  const { actions, threshold } = rule;
  const problems: Record<string, string> = {};
  if (!threshold && Object.keys(actions).length === 0) {
    problems.actions = "Give at least one action (a threshold rule may have none: it opens its alert itself).";
  }
  if (actions.suppress && actions.alert) problems["actions.alert"] = "A rule cannot both suppress and alert.";
  if (threshold) {
    const own = "A threshold rule opens its alert itself, keyed by the rule and the group";
    if (actions.set_dedup_key) problems["actions.set_dedup_key"] = `${own}: its key cannot be set.`;
    if (actions.alert) problems["actions.alert"] = `${own}.`;
    if (actions.suppress) problems["actions.suppress"] = `${own}: it cannot suppress.`;
  }
  return problems;
}

const conditions = z
  .array(MatcherSchema, { error: "Must be a list of matchers." })
  .max(MAX_MATCHERS, `At most ${MAX_MATCHERS} matchers.`)
  .openapi({
    description: "All must hold (the matcher language of silences, plus `tags`); an empty list matches every event",
    example: [
      { field: "source_name", op: "eq", value: "vuln-scanner-01" },
      { field: "event_type", op: "eq", value: "port_scan" },
    ],
  });

const position = z
  .number({ error: "Must be a whole number." })
  .int("Must be a whole number.")
  .min(1, "Must be at least 1.")
  .max(2_147_483_647)
  .openapi({
    format: "int32",
    description: "Evaluation order, from 1; past the last rule means last (the built-in rule always comes after)",
    example: 1,
  });

const fields = {
  name: requiredText(MAX_NAME).openapi({ example: "Scanner port scans are Low" }),
  description: optionalText(MAX_DESCRIPTION),
  enabled: z.boolean({ error: "Must be true or false." }),
  position,
  conditions,
  actions: RuleActionsSchema,
  threshold: ThresholdSchema.nullable(),
};

export const RuleCreateSchema = z
  .strictObject({
    name: fields.name,
    description: fields.description,
    enabled: fields.enabled.optional().openapi({ description: "Default true" }),
    position: fields.position.optional().openapi({ description: "Default: after the last rule" }),
    conditions: fields.conditions,
    actions: fields.actions,
    threshold: fields.threshold.optional(),
  })
  .superRefine((rule, ctx) => {
    for (const [path, message] of Object.entries(ruleProblems({ ...rule, threshold: rule.threshold ?? null }))) {
      ctx.addIssue({ code: "custom", path: path.split("."), message });
    }
  })
  .openapi("RuleCreate", {
    ...documentedRuleRules(),
    example: {
      name: "Scanner port scans are Low",
      conditions: [
        { field: "source_name", op: "eq", value: "vuln-scanner-01" },
        { field: "event_type", op: "eq", value: "port_scan" },
      ],
      actions: { set_severity: "Low", stop: true },
    },
  });

export const RuleUpdateSchema = z
  .strictObject({
    name: fields.name.optional(),
    description: fields.description,
    enabled: fields.enabled.optional(),
    position: fields.position.optional(),
    conditions: fields.conditions.optional(),
    actions: fields.actions.optional(),
    threshold: fields.threshold.optional().openapi({ description: "null removes it" }),
  })
  .openapi("RuleUpdate");

export type RuleCreate = z.output<typeof RuleCreateSchema>;
export type RuleUpdate = z.output<typeof RuleUpdateSchema>;

export const RuleSchema = z
  .object({
    id: int32IdNumber,
    name: text(MAX_NAME),
    description: text(MAX_DESCRIPTION),
    position: int32IdNumber.openapi({ description: "Evaluation order; the built-in rule's is always the last" }),
    enabled: z.boolean(),
    builtin: z.boolean().openapi({
      description: "The default rule (High and Critical alert): always last; editable, not movable or deletable",
    }),
    conditions: z.array(MatcherSchema).max(MAX_MATCHERS),
    actions: RuleActionsSchema,
    threshold: ThresholdSchema.nullable(),
    created_by: text(150).nullable(),
    created_at: utcTimestamp,
    updated_at: utcTimestamp,
  })
  .openapi("Rule");

export type RuleView = z.output<typeof RuleSchema>;

export const RulePageSchema = pageSchema(RuleSchema, "RulePage");

export const RuleListQuerySchema = z.object({
  ...pageQuery,
  enabled: booleanQuery("Only enabled (or only disabled) rules"),
});

export const RuleTestSchema = z
  .strictObject({
    rule_id: int32IdNumber
      .optional()
      .openapi({ description: "A saved rule: tested as saved, or with `rule` as its change" }),
    rule: RuleUpdateSchema.optional().openapi({
      description: "A rule to test: a new one (all of RuleCreate's required fields), or with `rule_id` a change to it",
    }),
    events: z
      .array(EventCreateSchema, { error: "Must be a list of events." })
      .min(1, "Give at least one event.")
      .max(MAX_TEST_EVENTS, `At most ${MAX_TEST_EVENTS} events.`),
  })
  .refine((body) => body.rule_id !== undefined || body.rule !== undefined, {
    message: "Give rule_id, rule, or both.",
    path: ["rule"],
  })
  .openapi("RuleTest", {
    description:
      "Sample events run through every enabled rule and silence, with the tested rule in its place. Nothing is " +
      "stored; threshold counts start from what is stored now.",
  });

export type RuleTest = z.output<typeof RuleTestSchema>;

const outcome = z.enum(["opens_alert", "joins_alert", "silenced", "suppressed", "no_alert"]).openapi({
  description:
    "What storing it would do: open an alert, join the open one (`alert`), be silenced (stored, alerting no one), " +
    "be suppressed by a rule, or simply be stored",
});

export const RuleTestResultSchema = z
  .object({
    results: z
      .array(
        z.object({
          index: countNumber.openapi({ description: "The sample's position, from 0" }),
          matched: z.boolean().openapi({ description: "The tested rule's actions applied to it" }),
          outcome,
          alert: z
            .object({ id: int32IdNumber.nullable(), dedup_key: text(255).nullable() })
            .nullable()
            .openapi({ description: "The alert it would open (`id` null) or join" }),
          event: EventSchema.pick({ severity: true, dedup_key: true, silenced_by: true })
            .extend({
              tags: z.array(text(64)).max(MAX_STORED_TAGS),
              rules_applied: z.array(countNumber).max(MAX_RULES_APPLIED),
              suppressed_by_rule: countNumber.nullable(),
            })
            .openapi({ description: "The event as it would be stored; a new rule under test has id 0" }),
        }),
      )
      .max(MAX_TEST_EVENTS),
  })
  .openapi("RuleTestResult");

export type RuleTestResult = z.output<typeof RuleTestResultSchema>;
