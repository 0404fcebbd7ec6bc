import { z } from "@hono/zod-openapi";
import { JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from "./json-body";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:vigil:problem:validation-failed" }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "The request body failed validation: severity." }),
    instance: z.string().openapi({ example: "/api/events/" }),
    request_id: z.string().openapi({ example: "4f7d2c1e-6c2b-4d8e-9a43-0f3c2f1b7a10" }),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .openapi({ example: { severity: ['Invalid option: expected one of "Low"|"Medium"|"High"|"Critical"'] } }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

const descriptions: Record<number, string> = {
  400: "Malformed JSON or validation failure (field map in `errors`)",
  401: "Missing, malformed, expired or invalid token (see `WWW-Authenticate`)",
  403: "Authenticated, but the role does not allow this",
  404: "No such resource",
  405: "Method not allowed (see `Allow`)",
  409: "Conflict with the resource's current state",
  413: "Request body over the configured limit",
  415: "Request body is not JSON",
  429: "Rate limited (see `Retry-After`)",
  503: "Database or rate limiter unavailable",
};

/** OpenAPI entries for the problem+json responses a route can give. */
export function problemResponses(...statuses: (keyof typeof descriptions)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? "Error",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  );
}

/** A POST body, as jsonBody() takes it: application/json. */
export function jsonRequestBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { [JSON_MEDIA_TYPE]: { schema } } };
}

/** A PATCH body, as jsonBody() takes it: application/json or application/merge-patch+json (RFC 7396). */
export function patchRequestBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { [JSON_MEDIA_TYPE]: { schema }, [MERGE_PATCH_MEDIA_TYPE]: { schema } } };
}
