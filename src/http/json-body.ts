import type { MiddlewareHandler } from "hono";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "./errors";

export const JSON_MEDIA_TYPE = "application/json";
export const MERGE_PATCH_MEDIA_TYPE = "application/merge-patch+json";

/** The request media types a method's body may have; the OpenAPI document declares the same. */
export function bodyMediaTypes(method: string): string[] {
  // A PATCH body is a partial resource, which is what JSON Merge Patch (RFC 7396) means.
  return method.toUpperCase() === "PATCH" ? [JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE] : [JSON_MEDIA_TYPE];
}

/**
 * Guards a route that takes a JSON body: 415 for a media type bodyMediaTypes() does not list or
 * a charset other than UTF-8, 413 past MAX_BODY_BYTES (counted on the wire, so a missing
 * Content-Length cannot dodge it), 400 for bytes that are not UTF-8, a byte order mark
 * (RFC 8259 forbids senders to add one; DRF refused it too) or malformed JSON.
 * The checked text goes to the validator through Hono's body cache: its `c.req.json()` parses
 * that text once (malformed JSON surfaces there as Hono's 400, see handle-error.ts). Caching a
 * parsed value instead would be stringified and parsed again by Hono, turning `1e400` into null.
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const accepted = bodyMediaTypes(c.req.method);
    if (!isAccepted(c.req.header("Content-Type") ?? "", accepted)) {
      throw new ApiError(
        "UNSUPPORTED_MEDIA_TYPE",
        `Request bodies must be UTF-8 JSON (Content-Type: ${accepted.join(" or ")}).`,
      );
    }
    const maxBytes = getConfig(c.env).MAX_BODY_BYTES;
    const declared = Number(c.req.header("Content-Length") ?? "0");
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const text = await readUtf8Body(c.req.raw.body, maxBytes);
    // Hono's body cache holds promises, whatever its type declaration says.
    Object.assign(c.req.bodyCache, { text: Promise.resolve(text) });
    await next();
  };
}

/** The media type's essence must be one of `accepted`; a charset, if given, must be UTF-8. */
function isAccepted(contentType: string, accepted: string[]): boolean {
  const [essence = "", ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (!accepted.includes(essence)) return false;
  return parameters.every((parameter) => {
    const [name, value = ""] = parameter.split("=").map((part) => part.trim());
    return name !== "charset" || value.replaceAll('"', "") === "utf-8";
  });
}

/** A body as UTF-8 text, at most `maxBytes` on the wire (413), refused when not UTF-8 or with a BOM (400). */
export async function readUtf8Body(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  return decodeUtf8(await readCapped(body, maxBytes));
}

function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    // fatal: invalid bytes are refused, never replaced by U+FFFD; ignoreBOM: a BOM is kept, to be refused.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ApiError("BAD_REQUEST", "The request body is not valid UTF-8.");
  }
  if (text.startsWith("\uFEFF")) {
    throw new ApiError("BAD_REQUEST", "The request body must not start with a byte order mark.");
  }
  return text;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("PAYLOAD_TOO_LARGE", `The request body exceeds the limit of ${maxBytes} bytes.`);
}

async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
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
  return bytes;
}
