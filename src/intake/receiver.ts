import type { EventCreate } from "../events/schemas";
import type { FieldErrors } from "../http/errors";
import type { FieldRule, SeverityRule } from "./mapping";

/** What one item of a payload comes to, at its index: an event, an alert to resolve, or its errors. */
export type ItemOutcome = { index: number } & (
  | { event: EventCreate; sourceId?: string }
  /** The dedup key of the unresolved alert it resolves (Alertmanager's `status: resolved`). */
  | { resolve: string }
  | { errors: FieldErrors }
);

/** A request body read as a receiver's format. */
export type IntakeBody = {
  /** Its items: what it costs of the ingest budget (1 to 1,000). */
  count: number;
  /** What was asked, for the Idempotency-Key's fingerprint. */
  fingerprint: unknown;
  /** Every item mapped, in input order. */
  outcomes(): ItemOutcome[];
};

/**
 * A native receiver: what `GET /api/intake/` lists of it, and how its bodies are read. `parse`
 * throws a 400 (with a pointer to `documentation`) for a body that is not the format at all;
 * an item that is malformed fails alone, in its outcome.
 */
export type Receiver = {
  name: string;
  title: string;
  /** Where the format is specified. */
  documentation: string;
  mediaTypes: string[];
  /** What a request body is, in words. */
  body: string;
  fields: FieldRule<never>[];
  severities: SeverityRule[];
  /** Further rules in words (what resolves an alert, what is ignored). */
  notes: string[];
  parse(text: string, mediaType: string): IntakeBody;
};
