import { z } from "@hono/zod-openapi";

/**
 * Timestamps that enter the API: RFC 3339 date-times with a time zone (`Z`, `z` or an offset
 * within ±15:59, PostgreSQL's range and wider than any real zone's), `T` or `t` between date and
 * time, no leap second, at most 9 fraction digits, and an instant between
 * 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.
 *
 * The server turns each into the instant it names, in UTC with microseconds (extra fraction
 * digits are cut, not rounded), before PostgreSQL sees it: PostgreSQL refuses year 0 and 20 or
 * more fraction digits, and reads year 1 with an offset as 1 BC, so handing it the text as sent
 * turned valid-looking timestamps into 500s or into another instant.
 */

// Written out digit by digit so that the document's pattern is the server's first check. What a
// pattern cannot say is checked after it: days past the end of their month (2026-02-30), and
// the range as an instant (1970-01-01T00:30:00+01:00 is still 1969 in UTC).
const RFC3339 =
  /^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.(\d{1,9}))?(?:[Zz]|([+-])(0\d|1[0-5]):([0-5]\d))$/;

const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const FORMAT = "Must be an RFC 3339 timestamp with a time zone, from 1970 to 9999, e.g. 2026-11-24T10:15:00Z.";
const RANGE = "Must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.";

type Parsed = { ms: number; micros: string } | { problem: string };

function parse(value: string): Parsed {
  const m = RFC3339.exec(value);
  if (!m) return { problem: FORMAT };
  const [, year, month, day, hour, minute, second, fraction = "", sign, offsetHour, offsetMinute] = m;
  const [y, mo, d] = [Number(year), Number(month), Number(day)];
  // Day 0 of the next month is the last day of this one.
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return { problem: `${year}-${month}-${day} is not a date.` };
  const offsetMinutes = sign ? (sign === "-" ? -1 : 1) * (Number(offsetHour) * 60 + Number(offsetMinute)) : 0;
  // Date.UTC reads years 0-99 as 1900-1999: before the range either way.
  const ms = Date.UTC(y, mo - 1, d, Number(hour), Number(minute), Number(second)) - offsetMinutes * 60_000;
  if (ms < MIN_MS || ms > MAX_MS) return { problem: RANGE };
  return { ms, micros: fraction.padEnd(6, "0").slice(0, 6) };
}

/** 300000 -> "5 minutes", 604800000 -> "7 days". */
function aheadText(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : `${ms / 60_000} minutes`;
}

/** The instant as PostgreSQL gets it and the API shows it: `2026-11-24T10:15:00.123456Z`. */
function utc({ ms, micros }: { ms: number; micros: string }): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}Z`;
}

/**
 * An RFC 3339 timestamp (see above), handed on as the UTC instant it names. With `future`, it
 * must be later than the moment the request is checked (an expiry); with `maxAheadMs`, at most
 * that far in the future (for clocks that run a little fast). `about` starts the field's
 * description; the rules are appended, so the document always states them (JSON Schema has no
 * keyword for "now": these two are prose).
 *
 * @example occurred_at: timestamp({ about: "When it happened", maxAheadMs: 5 * 60_000 }).optional()
 * @example expires_at: timestamp({ about: "When the key stops working", future: true }).optional()
 */
export function timestamp(options: { about: string; future?: boolean; maxAheadMs?: number }) {
  const { about, future = false, maxAheadMs } = options;
  const ahead = maxAheadMs === undefined ? "" : aheadText(maxAheadMs);
  const whenRules = [future ? ", in the future" : "", ahead ? `, at most ${ahead} in the future` : ""].join("");
  return z
    .string({ error: (i) => (i.input === undefined ? "This field is required." : FORMAT) })
    .max(35, FORMAT)
    .transform((value, ctx) => {
      const parsed = parse(value);
      if ("problem" in parsed) {
        ctx.addIssue({ code: "custom", message: parsed.problem });
        return z.NEVER;
      }
      const now = Date.now();
      if (future && parsed.ms <= now) {
        ctx.addIssue({ code: "custom", message: "Must be in the future." });
        return z.NEVER;
      }
      if (maxAheadMs !== undefined && parsed.ms > now + maxAheadMs) {
        ctx.addIssue({
          code: "custom",
          message: `Must not be more than ${ahead} in the future.`,
        });
        return z.NEVER;
      }
      return utc(parsed);
    })
    .openapi({
      type: "string",
      format: "date-time",
      // Machine-readable for clients and the fuzz: JSON Schema has no keyword for "after now".
      ...(future ? { "x-vigil-future": true } : {}),
      maxLength: 35,
      pattern: RFC3339.source,
      description:
        `${about}. RFC 3339 with a time zone (\`Z\`, \`z\` or \`±HH:MM\` up to ±15:59), at most 9 fraction digits ` +
        `(kept to the microsecond), an instant from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z${whenRules}.`,
    });
}

/** A timestamp in a response: UTC, microseconds, `Z` (as DRF writes them). */
export const utcTimestamp = z.string().openapi({
  format: "date-time",
  pattern: String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$`,
  maxLength: 27,
  example: "2026-11-24T10:15:01.482113Z",
});
