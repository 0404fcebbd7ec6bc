import { z } from "@hono/zod-openapi";
import { ApiError } from "./errors";

/**
 * DRF-compatible page-number pagination: `?page=N&page_size=M`, answered with
 * `{count, next, previous, results}`, where next/previous are absolute URLs that keep every
 * other query parameter. As DRF does, a page_size above the maximum is clamped, not refused.
 */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

const MAX_PAGE_NUMBER = 999_999_999;

// Digits only, as DRF reads them; documented as the integer they are.
export const positiveInt = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, `${name} must be a positive integer.`)
    .transform(Number)
    .openapi({ type: "integer", format: "int32", minimum: 1, maximum: MAX_PAGE_NUMBER, pattern: undefined });

export const pageQuery = {
  page: positiveInt("page").optional().openapi({ description: "1-based page number" }),
  page_size: positiveInt("page_size")
    .transform((n) => Math.min(n, MAX_PAGE_SIZE))
    .optional()
    .openapi({
      description: `Items per page (default ${DEFAULT_PAGE_SIZE}; above ${MAX_PAGE_SIZE} is taken as ${MAX_PAGE_SIZE}, as DRF does)`,
    }),
};

/** The query of a list that takes only page parameters. */
export const PageQuerySchema = z.object(pageQuery);

export type PageRequest = { page: number; pageSize: number; limit: number; offset: number };

export function pageRequest(query: { page?: number; page_size?: number }): PageRequest {
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

// The request's own URL with another page: bounded by Cloudflare's URL limit (16 KiB) and the origin.
const pageLink = z
  .string()
  .max(16_384 + 256)
  .openapi({ format: "uri", description: "Absolute; on PUBLIC_BASE_URL when it is set" });

export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      count: z
        .number()
        .int()
        .min(0)
        .max(Number.MAX_SAFE_INTEGER)
        .openapi({ format: "int64", description: "Total matching items", example: 42 }),
      next: pageLink.nullable().openapi({ example: "https://vigil.example/api/alerts/?page=3&status=Open" }),
      previous: pageLink.nullable().openapi({ example: "https://vigil.example/api/alerts/?status=Open" }),
      results: z.array(item).max(MAX_PAGE_SIZE),
    })
    .openapi(name);
}

/** Builds the page body; a page past the end is 404 (page 1 of nothing is an empty 200). */
export function paginate<T>(requestUrl: string, req: PageRequest, count: number, results: T[]) {
  if (req.page > 1 && results.length === 0) {
    throw new ApiError("NOT_FOUND", "Invalid page: that page contains no results.");
  }
  const last = Math.max(1, Math.ceil(count / req.pageSize));
  return {
    count,
    next: req.page < last ? pageUrl(requestUrl, req.page + 1) : null,
    previous: req.page > 1 ? pageUrl(requestUrl, req.page - 1) : null,
    results,
  };
}

// As DRF does, the link to page 1 drops the page parameter.
function pageUrl(requestUrl: string, page: number): string {
  const url = new URL(requestUrl);
  if (page === 1) url.searchParams.delete("page");
  else url.searchParams.set("page", String(page));
  return url.toString();
}
