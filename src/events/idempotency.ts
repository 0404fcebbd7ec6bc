import type { Context } from "hono";
import { principalRef } from "../auth/principal";
import { sha256Hex } from "../bytes";
import type { Db } from "../db/client";
import { retryOnConflict } from "../db/retry";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { fieldError } from "../http/validation";
import {
  findIdempotentResponse,
  type IdempotencyClaim,
  type IngestRequest,
  type IngestResult,
  ingest,
  isIdempotencyConflict,
} from "./ingest";

/**
 * `Idempotency-Key` on ingest (contract section 10): scoped to the caller, the first response
 * kept (at least 24 h; see RETENTION) and answered again to a retry with the same body, 422 for
 * another body. The key is claimed only by the statement that stores: a request refused before
 * that (400, 401, 403, 413, 415, 429) leaves it unused.
 */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** Responses are kept at least this long; the scheduled purge removes older ones. */
export const RETENTION_HOURS = 24;
/** 1 to 255 visible ASCII characters; the route declarations document this very pattern. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The request's claim on its key, or null without the header; 400 for a malformed key. `body` is
 * asked for only when there is a key: most ingests carry none, and reading it again costs a parse.
 */
export async function idempotencyClaim(c: Context<AppEnv>, body: () => unknown): Promise<IdempotencyClaim | null> {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw fieldError("header", IDEMPOTENCY_HEADER, "Must be 1 to 255 visible ASCII characters.");
  }
  // What was asked: the route and the parsed body (so a retry that re-serialises the same JSON
  // differently is still the same request).
  const fingerprint = `${c.req.method} ${new URL(c.req.url).pathname.replace(/\/?$/, "/")}\n${JSON.stringify(await body())}`;
  const requestHash = await sha256Hex(fingerprint);
  return { principal: principalRef(c.get("principal")), key, requestHash };
}

/** Runs the ingest; a concurrent duplicate that lost the race reads the winner's response. */
export async function ingestOnce(db: Db, request: IngestRequest): Promise<IngestResult> {
  try {
    return await retryOnConflict(() => ingest(db, request));
  } catch (error) {
    const claim = request.idempotency;
    if (!claim || !isIdempotencyConflict(error)) throw error;
    const prior = await findIdempotentResponse(db, claim.principal, claim.key);
    if (!prior) throw error;
    return { outcome: "prior", ...prior };
  }
}

/**
 * A first response answered again gets `Idempotent-Replayed: true`; 422 when its key was used
 * with another body.
 */
export function markReplay(c: Context<AppEnv>, result: IngestResult, claim: IdempotencyClaim | null): void {
  if (result.outcome === "prior") {
    if (result.requestHash !== claim?.requestHash) {
      throw new ApiError(
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was already used with a different request body; use a new key for a new request.",
      );
    }
    c.header("Idempotent-Replayed", "true");
  }
}
