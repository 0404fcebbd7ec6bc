import type { MiddlewareHandler } from "hono";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "./errors";

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Guards a route that takes a JSON body: 415 for another media type, 413 past MAX_BODY_BYTES
 * (counted on the wire, so a missing Content-Length cannot dodge it), 400 for malformed JSON.
 * The parsed value is handed to the validator through Hono's body cache, so it is parsed once.
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const contentType = c.req.header("Content-Type") ?? "";
    if (!JSON_MEDIA_TYPE.test(contentType)) {
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be JSON (Content-Type: application/json).");
    }
    const maxBytes = getConfig(c.env).MAX_BODY_BYTES;
    const declared = Number(c.req.header("Content-Length") ?? "0");
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const text = await readCapped(c.req.raw.body, maxBytes);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError("BAD_REQUEST", "The request body is not valid JSON.");
    }
    c.req.bodyCache.json = Promise.resolve(value);
    await next();
  };
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("PAYLOAD_TOO_LARGE", `The request body exceeds the limit of ${maxBytes} bytes.`);
}

export async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
