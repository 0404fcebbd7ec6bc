import type { MiddlewareHandler } from "hono";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "../http/errors";
import { JSON_MEDIA_TYPE, readBody } from "../http/json-body";
import { fieldErrors } from "../http/validation";
import type { ItemFailure } from "./ingest";
import { MAX_BATCH_ITEMS } from "./rules";
import { type EventCreate, EventCreateSchema } from "./schemas";

/** One item of a batch as sent: a parsed JSON value, or an NDJSON line that is not JSON. */
export type BatchItem = { json: unknown } | { malformed: string };

export const NDJSON_MEDIA_TYPE = "application/x-ndjson";

/**
 * Reads a batch body before any handler runs: a JSON array (what stock log shippers send), or
 * NDJSON with one event per line (blank lines are not items). 415 for another media type, 413
 * past MAX_BATCH_BODY_BYTES (counted on the wire), 400 when it is not an array, is empty, or has
 * more than 1,000 items. A malformed NDJSON line is an item of its own that fails, not the batch.
 */
export function batchBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { mediaType, text } = await readBody(c, {
      accepted: [JSON_MEDIA_TYPE, NDJSON_MEDIA_TYPE],
      maxBytes: getConfig(c.env).MAX_BATCH_BODY_BYTES,
      refusal: `A batch must be a JSON array (${JSON_MEDIA_TYPE}) or NDJSON (${NDJSON_MEDIA_TYPE}), in UTF-8.`,
    });
    const items = mediaType === NDJSON_MEDIA_TYPE ? ndjsonItems(text) : arrayItems(text);
    if (items.length === 0) throw new ApiError("BAD_REQUEST", "A batch needs at least one event.");
    if (items.length > MAX_BATCH_ITEMS) {
      throw new ApiError("BAD_REQUEST", `A batch holds at most ${MAX_BATCH_ITEMS} events (got ${items.length}).`);
    }
    c.set("batch", items);
    await next();
  };
}

function arrayItems(text: string): BatchItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("BAD_REQUEST", "The request body is not valid JSON.");
  }
  if (!Array.isArray(value)) throw new ApiError("BAD_REQUEST", "A batch must be a JSON array of events.");
  return value.map((json) => ({ json }));
}

/** NDJSON's items: one per line that is not blank; a line that is not JSON is an item that fails. */
export function ndjsonItems(text: string): BatchItem[] {
  const items: BatchItem[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      items.push({ json: JSON.parse(line) });
    } catch {
      items.push({ malformed: line });
    }
  }
  return items;
}

/** Each item validated with the single-ingest rules; failures are answered per item. */
export function validateBatch(items: BatchItem[]): {
  valid: { index: number; event: EventCreate }[];
  failures: ItemFailure[];
} {
  const valid: { index: number; event: EventCreate }[] = [];
  const failures: ItemFailure[] = [];
  items.forEach((item, index) => {
    if ("malformed" in item) {
      failures.push({ index, status: 400, errors: { non_field_errors: ["This line is not valid JSON."] } });
      return;
    }
    const parsed = EventCreateSchema.safeParse(item.json);
    if (parsed.success) valid.push({ index, event: parsed.data });
    else failures.push({ index, status: 400, errors: fieldErrors(parsed.error) });
  });
  return { valid, failures };
}

/** What the batch asked for, for its Idempotency-Key fingerprint. */
export function batchFingerprint(items: BatchItem[]): unknown {
  return items.map((item) => ("malformed" in item ? { malformed: item.malformed } : item.json));
}
