import { z } from "@hono/zod-openapi";
import { pageQuery, pageSchema } from "../http/pagination";
import { countNumber, int32IdNumber } from "../http/params";
import { requiredText, text } from "../http/text";
import { timestamp, utcTimestamp } from "../http/timestamp";
import { MatcherSchema, MatchersSchema } from "../matchers/language";

/** How far ahead a silence may end: a window, not a way to mute a sensor for good. */
export const MAX_SILENCE_DAYS = 30;
export const MAX_COMMENT = 1000;
export const SILENCE_STATES = ["pending", "active", "expired"] as const;
export type SilenceState = (typeof SILENCE_STATES)[number];

const DAY_MS = 86_400_000;

/**
 * The window rule, in one place: ends after it starts, at most 30 days ahead. (That ends_at is in
 * the future is its schema's; a stored one that passed meanwhile makes the update refuse, 409.)
 */
export function silenceWindowProblem(startsAt: string, endsAt: string, now: number): string | null {
  const [start, end] = [Date.parse(startsAt), Date.parse(endsAt)];
  if (end <= start) return "Must be after starts_at.";
  if (end > now + MAX_SILENCE_DAYS * DAY_MS) return `Must be at most ${MAX_SILENCE_DAYS} days ahead.`;
  return null;
}

const window = {
  starts_at: timestamp({ about: "When it starts silencing (default: now); may be in the past" }),
  ends_at: timestamp({
    about: `When it stops: after starts_at, at most ${MAX_SILENCE_DAYS} days ahead`,
    future: true,
  }),
};

export const SilenceCreateSchema = z
  .strictObject({
    matchers: MatchersSchema.openapi({
      example: [
        { field: "source_name", op: "glob", value: "fw-edge-*" },
        { field: "event_type", op: "in", value: ["port_scan", "brute_force"] },
      ],
    }),
    starts_at: window.starts_at.optional(),
    ends_at: window.ends_at.openapi({ example: "2026-12-06T22:00:00Z" }),
    comment: requiredText(MAX_COMMENT).openapi({
      description: "Why (required): shown with every event it silenced",
      example: "Firewall firmware upgrade, CHG-4821",
    }),
  })
  .openapi("SilenceCreate");

export const SilenceUpdateSchema = z
  .strictObject({
    matchers: MatchersSchema.optional(),
    starts_at: window.starts_at.optional(),
    ends_at: window.ends_at.optional(),
    comment: requiredText(MAX_COMMENT).optional(),
  })
  .openapi("SilenceUpdate");

export type SilenceCreate = z.output<typeof SilenceCreateSchema>;
export type SilenceUpdate = z.output<typeof SilenceUpdateSchema>;

export const SilenceSchema = z
  .object({
    id: int32IdNumber,
    matchers: z.array(MatcherSchema).min(1).max(10),
    starts_at: utcTimestamp,
    ends_at: utcTimestamp,
    comment: text(MAX_COMMENT),
    state: z.enum(SILENCE_STATES).openapi({
      description: "From the time alone: `pending` before starts_at, `active` until ends_at, then `expired`",
    }),
    suppressed_count: countNumber.openapi({ description: "Events it silenced (stored, alerting no one)" }),
    created_by: text(150).nullable(),
    created_at: utcTimestamp,
    updated_at: utcTimestamp,
  })
  .openapi("Silence");

export type SilenceView = z.output<typeof SilenceSchema>;

export const SilencePageSchema = pageSchema(SilenceSchema, "SilencePage");

export const SilenceListQuerySchema = z.object({
  ...pageQuery,
  state: z
    .enum(SILENCE_STATES, { error: `Must be one of: ${SILENCE_STATES.join(", ")}.` })
    .optional()
    .openapi({ description: "Only silences in this state" }),
});
