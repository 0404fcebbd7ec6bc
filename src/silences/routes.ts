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
import { fieldError } from "../http/validation";
import { compileMatchers, writtenMatchers } from "../matchers/language";
import { publish } from "../push/publisher";
import {
  SilenceCreateSchema,
  SilenceListQuerySchema,
  SilencePageSchema,
  SilenceSchema,
  SilenceUpdateSchema,
  silenceWindowProblem,
} from "./schemas";
import { endSilence, findSilence, findWindow, insertSilence, listSilences, updateSilence } from "./store";

const tags = ["Silences"];
const security = [{ bearerAuth: [] }];
const noSuchSilence = () => new ApiError("NOT_FOUND", "No silence with this id.");
const EFFECT =
  "While active, a matching event is stored with `silenced_by` but raises, escalates and notifies nothing; " +
  "one joining an open alert still counts in its event_count, publishing nothing.";

function invalidWindow(problem: string): ApiError {
  return fieldError("json", "ends_at", problem);
}

const createDef = createRoute({
  method: "post",
  path: "/api/silences/",
  operationId: "createSilence",
  tags,
  security,
  summary: "Silence matching events for a window (maintenance)",
  description: `${whoMay("silences:manage")} ${EFFECT} \`silence.created\` goes to subscribed webhooks. Throttled per principal (scope \`write\`).`,
  middleware: [authenticate(), authorize("silences:manage"), jsonBody()] as const,
  request: { body: jsonRequestBody(SilenceCreateSchema) },
  responses: routeResponses(
    {
      201: jsonResponse("Created; `Location` names it", SilenceSchema, {
        links: { silence: linkTo("getSilence", "The silence just created"), end: linkTo("endSilence", "End it early") },
      }),
    },
    { problems: [400, 401, 403, 413, 415, 503], throttle: "write" },
  ),
});

const listDef = createRoute({
  method: "get",
  path: "/api/silences/",
  operationId: "listSilences",
  tags,
  security,
  summary: "List silences, newest first",
  description: `${whoMay("silences:read")} Page-number pagination; \`state\` filters by derived state.`,
  middleware: [authenticate(), authorize("silences:read")] as const,
  request: { query: SilenceListQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of silences", SilencePageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getDef = createRoute({
  method: "get",
  path: "/api/silences/{id}/",
  operationId: "getSilence",
  tags,
  security,
  summary: "Read one silence",
  description: `${whoMay("silences:read")} With \`suppressed_count\`: the events it silenced. A malformed or unknown id is 404.`,
  middleware: [authenticate(), authorize("silences:read")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The silence", SilenceSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const updateDef = createRoute({
  method: "patch",
  path: "/api/silences/{id}/",
  operationId: "updateSilence",
  tags,
  security,
  summary: "Change a pending or active silence",
  description:
    `${whoMay("silences:manage")} Any of matchers, starts_at, ends_at, comment; the window rules hold for the ` +
    "result. An expired silence cannot change (409): create a new one.",
  middleware: [authenticate(), authorize("silences:manage"), jsonBody()] as const,
  request: { params: Int32IdParamSchema, body: patchRequestBody(SilenceUpdateSchema) },
  responses: routeResponses(
    { 200: jsonResponse("The silence as it now is", SilenceSchema) },
    { problems: [400, 401, 403, 404, 409, 413, 415, 503], throttle: "write" },
  ),
});

const endDef = createRoute({
  method: "delete",
  path: "/api/silences/{id}/",
  operationId: "endSilence",
  tags,
  security,
  summary: "End a silence now",
  description:
    `${whoMay("silences:manage")} Sets ends_at to now (a pending one never starts) and keeps the row, with the ` +
    "events it silenced; `silence.ended` goes to subscribed webhooks (as it does, within a minute, when one runs " +
    "out by itself). Ending an expired one changes nothing (204 too).",
  middleware: [authenticate(), authorize("silences:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses({ 204: { description: "Ended" } }, { problems: [401, 403, 404, 503], throttle: "write" }),
});

export function registerSilences(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createDef, async (c) => {
    const input = c.req.valid("json");
    const now = Date.now();
    const startsAt = input.starts_at ?? new Date(now).toISOString();
    const problem = silenceWindowProblem(startsAt, input.ends_at, now);
    if (problem) throw invalidWindow(problem);
    const { silence, deliveryIds } = await insertSilence(database(c.env), {
      matchers: writtenMatchers(input.matchers),
      compiled: compileMatchers(input.matchers),
      startsAt,
      endsAt: input.ends_at,
      comment: input.comment,
      createdById: c.get("principal").id,
    });
    publish(c, { deliveryIds });
    c.header("Location", `/api/silences/${silence.id}/`);
    return c.json(silence, 201);
  });

  app.openapi(listDef, async (c) => {
    const query = c.req.valid("query");
    const page = pageRequest(query);
    const { count, results } = await listSilences(database(c.env), query.state, page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getDef, async (c) => {
    const silence = await findSilence(database(c.env), c.req.valid("param").id);
    if (!silence) throw noSuchSilence();
    return c.json(silence, 200);
  });

  app.openapi(updateDef, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = database(c.env);
    const seen = await findWindow(db, id);
    if (!seen) throw noSuchSilence();
    if (seen.expired) throw new ApiError("CONFLICT", "This silence has expired and cannot change: create a new one.");
    const problem = silenceWindowProblem(input.starts_at ?? seen.startsAt, input.ends_at ?? seen.endsAt, Date.now());
    if (problem) throw invalidWindow(problem);
    const updated = await updateSilence(db, id, seen, {
      matchers: input.matchers && {
        written: writtenMatchers(input.matchers),
        compiled: compileMatchers(input.matchers),
      },
      startsAt: input.starts_at,
      endsAt: input.ends_at,
      comment: input.comment,
    });
    if (!updated) throw new ApiError("CONFLICT", "This silence changed or expired meanwhile: read it again.");
    return c.json(updated, 200);
  });

  app.openapi(endDef, async (c) => {
    const ended = await endSilence(database(c.env), c.req.valid("param").id);
    if (!ended) throw noSuchSilence();
    publish(c, { deliveryIds: ended.deliveryIds });
    return c.body(null, 204);
  });
}
