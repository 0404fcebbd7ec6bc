import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { timingSafeEqual, toBase64Url } from "../bytes";
import { isoUtc } from "../db/sql";
import { ApiError } from "./errors";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./pagination";

/**
 * Cursor pagination (contract section 12), beside page numbers: `?cursor=` (empty: the first
 * page) answers `{next, previous, results}` and a `Link` header, without counting. A cursor is
 * a position in the newest-first order, `(created_at, id)` of the last row seen, kept as
 * PostgreSQL's text with microseconds (a JS Date would round to milliseconds and skip or repeat
 * rows), and the direction. The keyset condition `(created_at, id) < (…)` uses the
 * newest-first indexes, so a page 5,000 rows deep costs what the first does, and rows inserted
 * meanwhile are neither skipped nor repeated. Cursors are opaque and HMAC-signed, bound to the
 * list (route) and the filters they were made for, as the route's schema read them: a forged,
 * altered or transplanted one is 400, while a query parameter the route does not know is
 * ignored, as everywhere else.
 */
export type Position = { at: string; id: number };
export type CursorRequest = { direction: "next" | "prev"; position: Position | null; pageSize: number };

const CURSOR_PARAMS = new Set(["cursor", "page", "page_size"]);

// What a cursor looks like (empty: the first page): its payload and its signature in base64url.
const CURSOR_SHAPE = /^(?:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?$/;

export const cursorQuery = {
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({
      pattern: CURSOR_SHAPE.source,
      description:
        "Cursor pagination: empty for the first page, then the cursor from `next` or `previous`. Answers " +
        "`{next, previous, results}` (no count) and a `Link` header. Not with `page`. Cursors are opaque and " +
        "signed, bound to the list and filters they were made for: any other (forged, altered, or made for other " +
        "filters) is 400, whatever it looks like.",
      example: "",
    }),
};

const keys = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    // Its own key, derived from JWT_SECRET: a cursor can never pass for a token or the reverse.
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(`vigil-cursor:${secret}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** A list's validated query: the filters its schema knows (unknown parameters never reach it). */
export type ListQuery = { list: string; query: Record<string, unknown> };

/** What a cursor is bound to: its list, and its filters but the paging ones, in name order. */
function filtersOf({ list, query }: ListQuery): string {
  const filters = Object.entries(query)
    .filter(([name, value]) => !CURSOR_PARAMS.has(name) && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([list, filters]);
}

const fromB64url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

type Payload = { d: "next" | "prev"; at: string; id: number; f: string };

async function encode(secret: string, payload: Payload): Promise<string> {
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await signingKey(secret), body));
  return `${toBase64Url(body)}.${toBase64Url(mac.slice(0, 16))}`;
}

const invalid = () =>
  new ApiError("BAD_REQUEST", "Invalid cursor: use the `next` or `previous` link of a page of this same list.");

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

async function decode(secret: string, cursor: string, filters: string): Promise<Payload> {
  const [body, mac] = cursor.split(".");
  if (!body || !mac || !CURSOR_SHAPE.test(cursor)) throw invalid();
  let bytes: Uint8Array<ArrayBuffer>;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    [bytes, signature] = [fromB64url(body), fromB64url(mac)];
  } catch {
    throw invalid();
  }
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", await signingKey(secret), bytes)).slice(0, 16);
  if (!timingSafeEqual(signature, expected)) throw invalid();
  const payload = JSON.parse(new TextDecoder().decode(bytes)) as Payload;
  if (payload.f !== filters) {
    throw new ApiError("BAD_REQUEST", "Invalid cursor: it was made for other filters than this request's.");
  }
  if (!TIMESTAMP.test(payload.at) || !Number.isSafeInteger(payload.id)) throw invalid();
  return payload;
}

/** The cursor request for `?cursor=` (and `page_size`); null when the list is paged by number. */
export async function cursorRequest(
  secret: string,
  list: ListQuery & { query: { cursor?: string; page?: number; page_size?: number } },
): Promise<CursorRequest | null> {
  const { query } = list;
  if (query.cursor === undefined) return null;
  if (query.page !== undefined) throw new ApiError("BAD_REQUEST", "Use either `cursor` or `page`, not both.");
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
  if (query.cursor === "") return { direction: "next", position: null, pageSize };
  const payload = await decode(secret, query.cursor, filtersOf(list));
  return { direction: payload.d, position: { at: payload.at, id: payload.id }, pageSize };
}

/**
 * SQL for one page: the keyset condition and order over `alias` (which has `created_at` and
 * `id`), fetching one row more than the page to know whether another follows. The order names
 * its nulls as the newest-first indexes do (`desc nulls last`; backwards, `asc nulls first`):
 * plain `desc` means nulls first, which no index serves, and PostgreSQL would sort every row.
 */
export function keyset(alias: string, req: CursorRequest): { where: SQL; order: SQL; limit: number } {
  const t = sql.raw(alias);
  const where = req.position
    ? req.direction === "next"
      ? sql`(${t}.created_at, ${t}.id) < (${req.position.at}::timestamptz, ${req.position.id}::bigint)`
      : sql`(${t}.created_at, ${t}.id) > (${req.position.at}::timestamptz, ${req.position.id}::bigint)`
    : sql`true`;
  const order =
    req.direction === "next"
      ? sql`${t}.created_at desc nulls last, ${t}.id desc nulls last`
      : sql`${t}.created_at asc nulls first, ${t}.id asc nulls first`;
  return { where, order, limit: req.pageSize + 1 };
}

/** SQL: a row's cursor position, `created_at` as text to the microsecond. */
export function positionColumns(alias: string): SQL {
  const t = sql.raw(alias);
  return sql`${isoUtc(sql`${t}.created_at`)} as cursor_at, ${t}.id as cursor_id`;
}

export type Positioned<T> = { item: T; cursor_at: string; cursor_id: string | number };

type CursorPage<T> = { next: string | null; previous: string | null; results: T[] };

/** The page body (newest first), its links, and the `Link` header value (or null). */
export async function cursorPage<T>(
  secret: string,
  requestUrl: string,
  list: ListQuery,
  req: CursorRequest,
  fetched: Positioned<T>[],
): Promise<{ body: CursorPage<T>; link: string | null }> {
  const more = fetched.length > req.pageSize;
  const rows = fetched.slice(0, req.pageSize);
  if (req.direction === "prev") rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const filters = filtersOf(list);
  const link = async (d: "next" | "prev", row: Positioned<T> | undefined) => {
    if (!row) return null;
    const url = new URL(requestUrl);
    url.searchParams.set(
      "cursor",
      await encode(secret, { d, at: row.cursor_at, id: Number(row.cursor_id), f: filters }),
    );
    return url.toString();
  };
  // Forward, there is a previous page unless this is the first; backward, a next one always.
  const hasNext = req.direction === "next" ? more : true;
  const hasPrevious = req.direction === "next" ? req.position !== null : more;
  const body = {
    next: hasNext ? await link("next", last) : null,
    previous: hasPrevious ? await link("prev", first) : null,
    results: rows.map((r) => r.item),
  };
  const links = [
    body.next ? `<${body.next}>; rel="next"` : null,
    body.previous ? `<${body.previous}>; rel="prev"` : null,
  ].filter(Boolean);
  return { body, link: links.length ? links.join(", ") : null };
}

export function cursorPageSchema<T extends z.ZodType>(item: T, name: string) {
  const link = z
    .string()
    .max(16_384 + 1024)
    .nullable()
    .openapi({ format: "uri" });
  return z
    .object({ next: link, previous: link, results: z.array(item).max(MAX_PAGE_SIZE) })
    .openapi(name, { description: "A cursor page: no count" });
}
