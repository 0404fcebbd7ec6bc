import type { Context, MiddlewareHandler } from "hono";
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
    const { text } = await readBody(c, {
      accepted,
      maxBytes: getConfig(c.env).MAX_BODY_BYTES,
      refusal: `Request bodies must be UTF-8 JSON (Content-Type: ${accepted.join(" or ")}).`,
    });
    // Hono's body cache holds promises, whatever its type declaration says.
    Object.assign(c.req.bodyCache, { text: Promise.resolve(text) });
    await next();
  };
}

/**
 * The gate every body passes (jsonBody, the batch route): 415 with `refusal` unless the media
 * type's essence is one of `accepted` (a charset, if given, must be UTF-8), 413 past `maxBytes`
 * (declared or counted on the wire), 400 for bytes that are not UTF-8 or a byte order mark.
 * Returns the media type's essence and the text.
 */
export async function readBody(
  c: Context<AppEnv>,
  rules: { accepted: string[]; maxBytes: number; refusal: string },
): Promise<{ mediaType: string; text: string }> {
  const mediaType = acceptedEssence(c.req.header("Content-Type") ?? "", rules.accepted);
  if (!mediaType) throw new ApiError("UNSUPPORTED_MEDIA_TYPE", rules.refusal);
  const declared = c.req.header("Content-Length");
  if (Number(declared ?? "0") > rules.maxBytes) throw tooLarge(rules.maxBytes);
  // A declared length is the body's length (HTTP framing sees to it): read at once. Without one
  // (chunked), the bytes are counted as they come.
  const bytes =
    declared === undefined
      ? await readCapped(c.req.raw.body, rules.maxBytes)
      : new Uint8Array(await c.req.raw.arrayBuffer());
  return { mediaType, text: decodeUtf8(bytes) };
}

/** The media type's essence when it is one of `accepted` and any charset is UTF-8; else null. */
function acceptedEssence(contentType: string, accepted: string[]): string | null {
  const [essence = "", ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (!accepted.includes(essence)) return null;
  const utf8 = parameters.every((parameter) => {
    const [name, value = ""] = parameter.split("=").map((part) => part.trim());
    return name !== "charset" || value.replaceAll('"', "") === "utf-8";
  });
  return utf8 ? essence : null;
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
