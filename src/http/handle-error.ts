import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { isDatabaseUnavailable } from "../db/client";
import { type AppEnv, ConfigError } from "../env";
import { ApiError, problemResponse } from "./errors";

/** The app's single error handler: every failure leaves as problem+json, never with internals. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  return problemResponse(c, toApiError(err, c.get("requestId")));
}

function toApiError(err: Error, requestId: string | undefined): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) return fromHttpException(err);
  if (isDatabaseUnavailable(err)) {
    console.error(JSON.stringify({ level: "error", requestId, msg: "database unavailable", error: String(err) }));
    return new ApiError("SERVICE_UNAVAILABLE", "The database is unavailable; try again shortly.", {
      headers: { "Retry-After": "5" },
    });
  }
  const msg = err instanceof ConfigError ? "configuration error" : "unhandled error";
  console.error(JSON.stringify({ level: "error", requestId, msg, error: err.message, stack: err.stack }));
  return new ApiError("INTERNAL", "An unexpected error occurred; it has been logged with this request id.");
}

// Hono's own middleware (and @hono/zod-openapi's media-type gate) signal with HTTPException.
function fromHttpException(err: HTTPException): ApiError {
  switch (err.status) {
    case 400:
      return new ApiError("BAD_REQUEST", "The request body is not valid JSON.");
    case 413:
      return new ApiError("PAYLOAD_TOO_LARGE", "The request body is too large.");
    case 415:
      return new ApiError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be JSON (Content-Type: application/json).");
    default:
      return new ApiError(
        err.status >= 500 ? "INTERNAL" : "BAD_REQUEST",
        err.message || "The request could not be processed.",
      );
  }
}
