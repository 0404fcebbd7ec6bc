import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, linkTo, patchRequestBody, routeResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { Int32IdParamSchema } from "../http/params";
import { fieldError, fieldProblems } from "../http/validation";
import { publish } from "../push/publisher";
import { type StoredRule, type WrittenRule, writtenRule } from "./compile";
import {
  MAX_ENABLED_RULES,
  RuleCreateSchema,
  RuleListQuerySchema,
  RulePageSchema,
  RuleSchema,
  RuleTestResultSchema,
  RuleTestSchema,
  RuleUpdateSchema,
  ruleProblems,
} from "./schemas";
import { deleteRule, findRule, insertRule, listRules, updateRule } from "./store";
import { testRule } from "./trial";

const tags = ["Rules"];
const security = [{ bearerAuth: [] }];
const noSuchRule = () => new ApiError("NOT_FOUND", "No rule with this id.");
const tooMany = () =>
  fieldError("json", "enabled", `At most ${MAX_ENABLED_RULES} rules can be enabled: disable or delete one first.`);
const EFFECT =
  "Rules are evaluated by the ingest statement itself, in `position` order, for every event a sensor sends; a " +
  "change applies from the next ingest on (a batch sees the rules before or after it, never a mix).";

const createDef = createRoute({
  method: "post",
  path: "/api/rules/",
  operationId: "createRule",
  tags,
  security,
  summary: "Create an event rule",
  description:
    `${whoMay("rules:manage")} ${EFFECT} Placed at \`position\` (the rules from there move down one), by default ` +
    `after the last; at most ${MAX_ENABLED_RULES} enabled rules. \`rule.created\` goes to subscribed webhooks. ` +
    "Throttled per principal (scope `write`).",
  middleware: [authenticate(), authorize("rules:manage"), jsonBody()] as const,
  request: { body: jsonRequestBody(RuleCreateSchema) },
  responses: routeResponses(
    {
      201: jsonResponse("Created; `Location` names it", RuleSchema, { links: { rule: linkTo("getRule", "The rule") } }),
    },
    { problems: [400, 401, 403, 413, 415, 503], throttle: "write" },
  ),
});

const listDef = createRoute({
  method: "get",
  path: "/api/rules/",
  operationId: "listRules",
  tags,
  security,
  summary: "List rules in evaluation order",
  description: `${whoMay("rules:read")} Page-number pagination, in evaluation order: the built-in rule is last.`,
  middleware: [authenticate(), authorize("rules:read")] as const,
  request: { query: RuleListQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of rules", RulePageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getDef = createRoute({
  method: "get",
  path: "/api/rules/{id}/",
  operationId: "getRule",
  tags,
  security,
  summary: "Read one rule",
  description: `${whoMay("rules:read")} A malformed or unknown id is 404.`,
  middleware: [authenticate(), authorize("rules:read")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The rule", RuleSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const updateDef = createRoute({
  method: "patch",
  path: "/api/rules/{id}/",
  operationId: "updateRule",
  tags,
  security,
  summary: "Change, move, enable or disable a rule",
  description:
    `${whoMay("rules:manage")} ${EFFECT} Any of the fields; the rules between the old and the new \`position\` move ` +
    "by one. The built-in rule can change anything but its position. A rule changed by someone else between this " +
    "request's read and write is 409 (read it again). `rule.updated` goes to subscribed webhooks.",
  middleware: [authenticate(), authorize("rules:manage"), jsonBody()] as const,
  request: { params: Int32IdParamSchema, body: patchRequestBody(RuleUpdateSchema) },
  responses: routeResponses(
    { 200: jsonResponse("The rule as it now is", RuleSchema) },
    { problems: [400, 401, 403, 404, 409, 413, 415, 503], throttle: "write" },
  ),
});

const deleteDef = createRoute({
  method: "delete",
  path: "/api/rules/{id}/",
  operationId: "deleteRule",
  tags,
  security,
  summary: "Delete a rule",
  description:
    `${whoMay("rules:manage")} The rules after it move up one. Events keep its id in \`rules_applied\`, alerts ` +
    "keep `opened_by_rule`. The built-in rule cannot be deleted (409): disable it instead. `rule.deleted` goes to " +
    "subscribed webhooks.",
  middleware: [authenticate(), authorize("rules:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses(
    { 204: { description: "Deleted" } },
    { problems: [401, 403, 404, 409, 503], throttle: "write" },
  ),
});

const testDef = createRoute({
  method: "post",
  path: "/api/rules/test/",
  operationId: "testRule",
  tags,
  security,
  summary: "What a rule would do to sample events",
  description:
    `${whoMay("rules:manage")} A new rule (\`rule\`), a saved one (\`rule_id\`), or a change to a saved one (both), ` +
    "in its place among the enabled rules and silences, applied to 1 to 100 sample events (each validated as " +
    "`POST /api/events/` would). Stores nothing, takes no lock; threshold counts start from what is stored now, " +
    "and the samples count among themselves in order. Throttled per principal (scope `write`).",
  middleware: [authenticate(), authorize("rules:manage"), jsonBody()] as const,
  request: { body: jsonRequestBody(RuleTestSchema) },
  responses: routeResponses(
    { 200: jsonResponse("One result per sample, in order", RuleTestResultSchema) },
    { problems: [400, 401, 403, 404, 413, 415, 503], throttle: "write" },
  ),
});

/**
 * The rule's conditions, actions and threshold after a change, checked together (a 400 naming
 * the fields, under `prefix` in the body).
 */
function changedRule(stored: WrittenRule, change: Partial<WrittenRule>, prefix = ""): StoredRule {
  const merged = writtenRule({
    conditions: change.conditions ?? stored.conditions,
    actions: change.actions ?? stored.actions,
    threshold: change.threshold !== undefined ? change.threshold : stored.threshold,
  });
  const problems = ruleProblems(merged);
  if (Object.keys(problems).length) {
    throw fieldProblems("json", Object.fromEntries(Object.entries(problems).map(([f, m]) => [`${prefix}${f}`, m])));
  }
  return merged;
}

const MOVE_BUILTIN = "The built-in rule is always evaluated last: it cannot move.";

export function registerRules(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createDef, async (c) => {
    const input = c.req.valid("json");
    const rule = writtenRule({ ...input, threshold: input.threshold ?? null });
    const created = await insertRule(database(c.env), {
      ...rule,
      name: input.name,
      description: input.description ?? "",
      enabled: input.enabled ?? true,
      position: input.position ?? null,
      createdById: c.get("principal").id,
    });
    if (!created) throw tooMany();
    publish(c, { deliveryIds: created.deliveryIds });
    c.header("Location", `/api/rules/${created.rule.id}/`);
    return c.json(created.rule, 201);
  });

  app.openapi(listDef, async (c) => {
    const query = c.req.valid("query");
    const page = pageRequest(query);
    const enabled = query.enabled === undefined ? undefined : query.enabled === "true";
    const { count, results } = await listRules(database(c.env), enabled, page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getDef, async (c) => {
    const found = await findRule(database(c.env), c.req.valid("param").id);
    if (!found) throw noSuchRule();
    const { stored: _, ...rule } = found;
    return c.json(rule, 200);
  });

  app.openapi(updateDef, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = database(c.env);
    const seen = await findRule(db, id);
    if (!seen) throw noSuchRule();
    if (seen.builtin && input.position !== undefined) {
      throw fieldError("json", "position", MOVE_BUILTIN);
    }
    const logicChanged = input.conditions !== undefined || input.actions !== undefined || input.threshold !== undefined;
    const outcome = await updateRule(db, id, seen.updated_at, {
      name: input.name,
      description: input.description,
      enabled: input.enabled,
      position: input.position,
      rule: logicChanged ? changedRule(seen.stored, input) : undefined,
    });
    if (outcome.outcome === "changed") throw new ApiError("CONFLICT", "This rule changed meanwhile: read it again.");
    if (outcome.outcome === "too_many") throw tooMany();
    publish(c, { deliveryIds: outcome.deliveryIds });
    return c.json(outcome.rule, 200);
  });

  app.openapi(deleteDef, async (c) => {
    const { id } = c.req.valid("param");
    const db = database(c.env);
    const found = await findRule(db, id);
    if (!found) throw noSuchRule();
    if (found.builtin) throw new ApiError("CONFLICT", "The built-in rule cannot be deleted: disable it instead.");
    const deleted = await deleteRule(db, id);
    if (!deleted) throw noSuchRule();
    publish(c, { deliveryIds: deleted.deliveryIds });
    return c.body(null, 204);
  });

  app.openapi(testDef, async (c) => {
    const input = c.req.valid("json");
    const db = database(c.env);
    const saved = input.rule_id === undefined ? null : await findRule(db, input.rule_id);
    if (input.rule_id !== undefined && !saved) throw fieldError("json", "rule_id", "No rule with this id.");
    const change = input.rule ?? {};
    if (!saved && (change.name === undefined || change.conditions === undefined || change.actions === undefined)) {
      throw fieldProblems(
        "json",
        Object.fromEntries(
          (["name", "conditions", "actions"] as const)
            .filter((field) => change[field] === undefined)
            .map((field) => [`rule.${field}`, "This field is required for a new rule."]),
        ),
      );
    }
    if (saved?.builtin && change.position !== undefined) throw fieldError("json", "rule.position", MOVE_BUILTIN);
    const logic = changedRule(saved?.stored ?? { conditions: [], actions: {}, threshold: null }, change, "rule.");
    const results = await testRule(
      db,
      {
        id: saved?.id ?? 0,
        name: change.name ?? saved?.name ?? "",
        builtin: saved?.builtin ?? false,
        ...logic,
        from: saved ? saved.position : null,
        to: change.position ?? null,
      },
      input.events,
    );
    return c.json(results, 200);
  });
}
