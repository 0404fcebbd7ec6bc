import { type RouteConfig, z } from "@hono/zod-openapi";
import type { Scope } from "../limiter/headers";
import { JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from "./json-body";
import { text } from "./text";

/**
 * What route declarations share: the problem body, the standard response headers and one call
 * that declares a route's responses with them, and the request bodies jsonBody() takes. The
 * document-level parts (info, servers, tags, components) are in openapi-document.ts.
 */

export const ProblemSchema = z
  .object({
    type: z
      .string()
      .max(64)
      .regex(/^urn:vigil:problem:[a-z-]+$/)
      .openapi({ example: "urn:vigil:problem:validation-failed" }),
    title: text(64).openapi({ example: "Validation failed" }),
    status: z.number().int().min(400).max(599).openapi({ format: "int32", example: 400 }),
    detail: text(2048).openapi({
      description: "A sentence for people",
      example: "The request body failed validation: severity.",
    }),
    instance: text(16_384).openapi({ description: "The request's path", example: "/api/events/" }),
    request_id: z
      .string()
      .max(128)
      .regex(/^[A-Za-z0-9._:-]{8,128}$/)
      .openapi({ description: "As in X-Request-Id", example: "4f7d2c1e-6c2b-4d8e-9a43-0f3c2f1b7a10" }),
    errors: z
      .record(z.string(), z.array(text(2048)).max(20))
      .optional()
      .openapi({
        description:
          'Validation failures, DRF-style: field (or "non_field_errors", or "3.severity" for a nested one) to messages',
        example: { severity: ["Must be one of: Low, Medium, High, Critical."] },
      }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

/** Response headers, declared once as components and referenced by every response that carries them. */
export const RESPONSE_HEADERS = {
  "X-Request-Id": {
    description:
      "This request's id: the caller's own when it sent a valid one (8-128 of `A-Za-z0-9._:-`), else generated. " +
      "Logged with every error.",
    required: true,
    schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{8,128}$", maxLength: 128 },
  },
  RateLimit: {
    description:
      'What is left of the scope\'s quota (IETF httpapi ratelimit-headers, draft 10): `"read";r=1187;t=11` is 1187 ' +
      "requests left and 11 seconds until the quota is whole again. Absent when the limiter could not be reached " +
      "(data routes then let the request through).",
    schema: { type: "string", pattern: '^"[a-z]+";r=\\d+;t=\\d+$', maxLength: 64 },
  },
  "RateLimit-Policy": {
    description: 'The scope\'s quota: `"read";q=1200;w=60` is 1200 requests per 60 seconds.',
    schema: { type: "string", pattern: '^"[a-z]+";q=\\d+;w=\\d+$', maxLength: 64 },
  },
  "Retry-After": {
    description: "Seconds to wait before trying again",
    required: true,
    schema: { type: "integer", format: "int32", minimum: 0, maximum: 2_147_483_647 },
  },
  "WWW-Authenticate": {
    description:
      'The Bearer challenge (RFC 6750): `Bearer realm="vigil"`, with `error` and `error_description` when a ' +
      "token was presented and refused.",
    required: true,
    schema: { type: "string", pattern: '^Bearer realm="vigil"', maxLength: 512 },
  },
  Allow: {
    description: "The methods this path takes",
    required: true,
    schema: { type: "string", pattern: "^[A-Z]+(, [A-Z]+)*$", maxLength: 64 },
  },
  ETag: {
    description:
      'The alert\'s version (`"v<n>"`): send it back in `If-Match` (412 when stale) or `If-None-Match` (304)',
    required: true,
    schema: { type: "string", pattern: '^"v[1-9][0-9]*"$', maxLength: 16 },
  },
  Link: {
    description:
      'RFC 8288 links of a cursor page: `<url>; rel="next"`, `<url>; rel="prev"` (absent when neither exists)',
    schema: {
      type: "string",
      pattern: '^<[^>]+>; rel="(?:next|prev)"(?:, <[^>]+>; rel="(?:next|prev)")?$',
      maxLength: 40_000,
    },
  },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored first response to the request's `Idempotency-Key`",
    schema: { type: "string", pattern: "^true$", maxLength: 4 },
  },
  Location: {
    description: "The path of the resource just created",
    required: true,
    schema: { type: "string", format: "uri-reference", pattern: "^/api/", maxLength: 256 },
  },
} as const;

type HeaderName = keyof typeof RESPONSE_HEADERS;

const PROBLEMS = {
  400: "Malformed or invalid request: bad JSON, or a validation failure named field by field in `errors`",
  401: "Missing, malformed, expired or refused credentials (see `WWW-Authenticate`)",
  403: "Authenticated, but this role or key scope may not do this",
  404: "No such resource (a malformed id included)",
  405: "This path does not take this method (see `Allow`)",
  409: "Conflicts with the resource's current state",
  412: "`If-Match` no longer matches: the resource changed since it was read, and is unchanged",
  413: "Request body over the configured limit",
  415: "Request body is not UTF-8 JSON of an accepted media type",
  422: "This `Idempotency-Key` was used before with a different request",
  426: "This route needs a WebSocket upgrade",
  429: "Too many requests for this scope (see `Retry-After`)",
  500: "Unexpected error: logged with the request id, answered without internals",
  503: "The database, or the rate limiter of a token endpoint, is unavailable (see `Retry-After`)",
} as const;

type ProblemStatus = keyof typeof PROBLEMS;

function headersFor(status: number, throttled: boolean, located = true) {
  const names: HeaderName[] = ["X-Request-Id"];
  if (status === 201 && located) names.push("Location");
  if (status === 401) names.push("WWW-Authenticate");
  if (status === 405) names.push("Allow");
  if (status === 429 || status === 503) names.push("Retry-After");
  if (throttled) names.push("RateLimit", "RateLimit-Policy");
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

type ResponseConfig = Exclude<RouteConfig["responses"][string], { $ref: string }>;

/** The problem+json responses for these statuses, and for 405 and 500, which any route can answer. */
function problems(statuses: Set<ProblemStatus>, throttled: (status: number) => boolean) {
  const all = [...new Set<ProblemStatus>([...statuses, 405, 500])].sort((a, b) => a - b);
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: PROBLEMS[status],
        headers: headersFor(status, throttled(status)),
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  );
}

export type ResponseOptions = {
  /** Problem statuses the route can answer, besides 405 and 500 (any route can). */
  problems: ProblemStatus[];
  /** The route's rate-limit scope, if it is throttled: 429 is added, and RateLimit headers. */
  throttle?: Scope;
  /**
   * Statuses answered before the limiter runs, so without RateLimit headers. Default: 401 and
   * 403 (authentication and role checks come first on data routes).
   */
  beforeThrottle?: ProblemStatus[];
  /**
   * False when a 201 creates nothing a URL can name (a stream ticket): no `Location`. Default:
   * true, a 201 names what it created.
   */
  located?: boolean;
};

/**
 * A route's responses in one call: its success responses as given, then its problem responses,
 * every one with the headers it carries (X-Request-Id on all, Location on 201 unless `located`
 * is false, WWW-Authenticate on 401, Allow on 405, Retry-After on 429 and 503, RateLimit and
 * RateLimit-Policy on the 2xx and 4xx of a throttled route).
 *
 * @example
 * responses: routeResponses(
 *   { 200: jsonResponse("A page of alerts", AlertPageSchema) },
 *   { problems: [400, 401, 403, 404, 503], throttle: "read" },
 * ),
 */
export function routeResponses<const S extends Record<number, ResponseConfig>>(
  success: S,
  options: ResponseOptions,
): S & Record<string, ResponseConfig> {
  const { throttle, beforeThrottle = [401, 403], located = true } = options;
  // 405 comes from the fallback, which no limiter sees; 5xx may come before the limiter answers.
  const throttled = (status: number) =>
    throttle !== undefined && status < 500 && status !== 405 && !beforeThrottle.some((before) => before === status);
  const statuses = new Set<ProblemStatus>(throttle ? [...options.problems, 429] : options.problems);
  const withHeaders: Record<string, ResponseConfig> = problems(statuses, throttled);
  for (const [status, response] of Object.entries<ResponseConfig>(success)) {
    const own = response.headers ?? {};
    withHeaders[status] = {
      ...response,
      headers: { ...headersFor(Number(status), throttled(Number(status)), located), ...own },
    };
  }
  // The spread keeps the success responses' own types, which type the route's handler.
  return { ...success, ...withHeaders };
}

/** References to standard headers, for a success response that carries more than the usual ones. */
export function headerRefs(...names: HeaderName[]) {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

/**
 * An OpenAPI link from a response to the operation `operationId`, its `id` parameter taken from
 * the response body at `pointer` (the body's own `id` by default).
 */
export function linkTo(operationId: string, description: string, pointer = "/id") {
  return { operationId, parameters: { id: `$response.body#${pointer}` }, description };
}

/** A success response with a JSON body. */
export function jsonResponse<T extends z.ZodType>(
  description: string,
  schema: T,
  extra: Pick<ResponseConfig, "links" | "headers"> = {},
) {
  return { description, content: { [JSON_MEDIA_TYPE]: { schema } }, ...extra };
}

/** A POST body, as jsonBody() takes it: application/json. */
export function jsonRequestBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { [JSON_MEDIA_TYPE]: { schema } } };
}

/** A PATCH body, as jsonBody() takes it: application/json or application/merge-patch+json (RFC 7396). */
export function patchRequestBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { [JSON_MEDIA_TYPE]: { schema }, [MERGE_PATCH_MEDIA_TYPE]: { schema } } };
}
