import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";

/** The closed set of failures the API reports; each maps to exactly one HTTP status. */
export type ErrorCode =
  | "BAD_REQUEST"
  | "VALIDATION_FAILED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "IDEMPOTENCY_KEY_REUSED"
  | "UPGRADE_REQUIRED"
  | "RATE_LIMITED"
  | "INTERNAL"
  | "SERVICE_UNAVAILABLE";

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "BAD_REQUEST":
    case "VALIDATION_FAILED":
      return 400;
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "METHOD_NOT_ALLOWED":
      return 405;
    case "CONFLICT":
      return 409;
    case "PRECONDITION_FAILED":
      return 412;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "IDEMPOTENCY_KEY_REUSED":
      return 422;
    case "UPGRADE_REQUIRED":
      return 426;
    case "RATE_LIMITED":
      return 429;
    case "INTERNAL":
      return 500;
    case "SERVICE_UNAVAILABLE":
      return 503;
  }
}

const titles: Record<ErrorCode, string> = {
  BAD_REQUEST: "Bad request",
  VALIDATION_FAILED: "Validation failed",
  UNAUTHORIZED: "Authentication required",
  FORBIDDEN: "Permission denied",
  NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  CONFLICT: "Conflict",
  PRECONDITION_FAILED: "Precondition failed",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  IDEMPOTENCY_KEY_REUSED: "Idempotency key reused",
  UPGRADE_REQUIRED: "Upgrade required",
  RATE_LIMITED: "Too many requests",
  INTERNAL: "Internal server error",
  SERVICE_UNAVAILABLE: "Service unavailable",
};

/** DRF-like field map: `{"severity": ["..."], "3.severity": ["..."]}`. */
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly code: ErrorCode,
    /** A human sentence: DRF clients show `detail` to people. */
    readonly detail: string,
    readonly options: { errors?: FieldErrors; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string;
  errors?: FieldErrors;
};

export function problemType(code: ErrorCode): string {
  return `urn:vigil:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}

/** Renders an ApiError as RFC 9457 problem+json; the only place an error body is built. */
export function problemResponse(c: Context<AppEnv>, error: ApiError): Response {
  const status = statusOf(error.code);
  const body: Problem = {
    type: problemType(error.code),
    title: titles[error.code],
    status,
    detail: error.detail,
    instance: new URL(c.req.url).pathname,
    request_id: c.get("requestId") ?? "",
    ...(error.options.errors ? { errors: error.options.errors } : {}),
  };
  const headers: Record<string, string> = {
    "Content-Type": "application/problem+json",
    ...error.options.headers,
  };
  return c.body(JSON.stringify(body), status, headers);
}
