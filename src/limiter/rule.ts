/** A throttling rule: `limit` requests per `periodSeconds`, written `"<count>/<seconds>s"`. */
export type RateLimitRule = { limit: number; periodSeconds: number };

export const RATE_LIMIT_PATTERN = /^[1-9]\d{0,8}\/[1-9]\d{0,6}s$/;

/** Parses `"100/60s"`; null when the text is not of that form. */
export function parseRateLimit(text: string): RateLimitRule | null {
  if (!RATE_LIMIT_PATTERN.test(text)) return null;
  const [count, seconds] = text.slice(0, -1).split("/");
  return { limit: Number(count), periodSeconds: Number(seconds) };
}
