import type { Severity } from "../db/schema";
import { MAX_METADATA_DEPTH, MIN_CRITICAL_DESCRIPTION } from "../events/rules";
import { type EventCreate, EventCreateSchema } from "../events/schemas";
import type { FieldErrors } from "../http/errors";
import { jsonValueProblem } from "../http/json-value";
import { displayable, text } from "../http/text";
import { fieldErrors } from "../http/validation";

/**
 * How a format's item becomes an event, in one place for every format: each format has one
 * mapping table (alertmanager.ts, ocsf.ts, ecs.ts), whose rows both map and are listed by
 * `GET /api/intake/`. A row reads the sender's fields, in order of preference; the event it makes
 * is then checked with the single-ingest rules (EventCreateSchema), and a failure is named by the
 * sender's field, never by ours (`labels.alertname`, not `event_type`).
 */

/** The event fields a mapping table fills. */
export type EventField = keyof EventCreate;

/**
 * What a mapping table fills: the event's fields, and the id the sender gave the event
 * (`source_id`: stored once per sending key, see events/ingest.ts).
 */
export type MappedField = EventField | "source_id";

/** A sender's id, by the text rules every string of the API follows (ECS and OCSF ids are UUIDs or hashes). */
const SourceIdSchema = text(255);

/** What a row read: a value and the field it came from, a problem with that field, or nothing. */
export type Reading = { value: unknown; from: string } | { problem: string; from: string } | null;

export type FieldRule<I> = {
  field: MappedField;
  /** The sender's fields it reads, in order of preference (dotted paths). */
  from: string[];
  /** The rule in words, for the listing. */
  rule: string;
  read: (item: I) => Reading;
};

/** One row of a severity table: when it applies, in words, and the severity it gives. */
export type SeverityRule = { when: string; severity: Severity };

export type MappingTable<I> = {
  /** Names the format in a description made up for an event that has none (see describe()). */
  title: string;
  fields: FieldRule<I>[];
};

/** An item that fails, or the event it maps to (and the sender's id for it, when it has one). */
export type Mapped = { errors: FieldErrors } | { event: EventCreate; sourceId?: string };

const MAX_ERROR_KEY = 200;

/** A sender's field as an error names it: dotted, displayable, not too long. */
export function errorKey(path: readonly string[] | string): string {
  const chars = [...displayable(typeof path === "string" ? path : path.join("."))];
  return chars.length > MAX_ERROR_KEY ? `${chars.slice(0, MAX_ERROR_KEY - 1).join("")}…` : chars.join("");
}

export const fail = (key: string, message: string): { errors: FieldErrors } => ({
  errors: { [errorKey(key)]: [message] },
});

/**
 * The value at `path` (dotted) in a JSON value, or undefined. A level may spell a field nested or
 * with dots in one key, as ECS allows (`{"host": {"name": ...}}` or `{"host.name": ...}`): the
 * longest key that matches is taken first.
 */
export function lookup(root: unknown, path: string): unknown {
  const parts = path.split(".");
  let node: unknown = root;
  walk: for (let at = 0; at < parts.length; ) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    for (let end = parts.length; end > at; end--) {
      const key = parts.slice(at, end).join(".");
      if (Object.hasOwn(node, key)) {
        node = (node as Record<string, unknown>)[key];
        at = end;
        continue walk;
      }
    }
    return undefined;
  }
  return node;
}

/** The first of `paths` holding text that is not blank; a value of another type there is a problem. */
export function firstText(root: unknown, paths: readonly string[]): Reading {
  for (const from of paths) {
    const value = lookup(root, from);
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") return { problem: "Must be a string.", from };
    if (value.trim() !== "") return { value, from };
  }
  return null;
}

/** An integer at `path`, or a problem; null when absent. */
export function integerAt(root: unknown, from: string): Reading {
  const value = lookup(root, from);
  if (value === undefined || value === null) return null;
  return Number.isSafeInteger(value) ? { value, from } : { problem: "Must be an integer.", from };
}

/** Fields of the item that must be there, as a message naming them. */
export function required(paths: readonly string[]): string {
  return paths.length === 1 ? "This field is required." : `One of ${paths.join(", ")} is required.`;
}

/** Null when the item is a JSON object; else its failure (`what` names what it should be). */
export function notAnObject(raw: unknown, what: string): { errors: FieldErrors } | null {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw)
    ? null
    : fail("non_field_errors", `Must be a JSON object (${what}).`);
}

/**
 * Where an item breaks the JSON text rules (NUL or a lone surrogate, a `__proto__` key, a number
 * beyond a double, too deep), named by the field; null when it does not. The item is kept one
 * level down in metadata (`metadata.ocsf`, `metadata.alertmanager`), hence the depth.
 */
export function textRulesProblem(raw: unknown): { errors: FieldErrors } | null {
  const walked = jsonValueProblem(raw, MAX_METADATA_DEPTH - 1);
  return walked ? fail(walked.path.length ? errorKey(walked.path) : "non_field_errors", walked.problem) : null;
}

/**
 * Maps one item (`raw` as sent, a JSON object) with a table, then checks the event with the
 * single-ingest rules; a failure names the sender's field. The item is walked once, by the
 * metadata check, where it is kept: only when that fails is it walked again to say where.
 */
export function mapItem<I>(table: MappingTable<I>, item: I, raw: unknown): Mapped {
  const event: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  let sourceId: string | undefined;
  for (const row of table.fields) {
    const reading = row.read(item);
    if (reading && "problem" in reading) return textRulesProblem(raw) ?? fail(reading.from, reading.problem);
    if (reading && row.field === "source_id") {
      const id = SourceIdSchema.safeParse(reading.value);
      if (!id.success) {
        return textRulesProblem(raw) ?? { errors: { [errorKey(reading.from)]: id.error.issues.map((i) => i.message) } };
      }
      sourceId = id.data;
    } else if (reading) {
      event[row.field] = reading.value;
      origin.set(row.field, reading.from);
    }
  }
  for (const field of ["source_name", "event_type"] as const) {
    if (event[field] === undefined) {
      const from = table.fields.find((row) => row.field === field)?.from ?? [field];
      return textRulesProblem(raw) ?? fail(from[0] ?? field, required(from));
    }
  }
  event.description = describe(table.title, event);
  const parsed = EventCreateSchema.safeParse(event);
  if (parsed.success) return sourceId === undefined ? { event: parsed.data } : { event: parsed.data, sourceId };
  return textRulesProblem(raw) ?? { errors: senderErrors(fieldErrors(parsed.error), origin) };
}

/**
 * The text, when the sender gave one; else, and for a Critical event whose text is too short to
 * say what happened (the Critical rule), a line saying what and where:
 * `<event_type> on <source_name> (<format>)` (at least 20 characters: the format's title is).
 */
function describe(title: string, event: Record<string, unknown>): string | undefined {
  const text = typeof event.description === "string" ? event.description.trim() : "";
  const headline = `${String(event.event_type).trim()} on ${String(event.source_name).trim()} (${title})`;
  if (text === "") return headline;
  if (event.severity === "Critical" && [...text].length < MIN_CRITICAL_DESCRIPTION) return `${text}: ${headline}`;
  return event.description as string;
}

/** Errors on our fields renamed to the sender's field each came from; metadata is the whole item. */
function senderErrors(errors: FieldErrors, origin: Map<string, string>): FieldErrors {
  const renamed = new Map<string, string[]>();
  for (const [key, messages] of Object.entries(errors)) {
    const [field = "", ...rest] = key.split(".");
    const name =
      field === "metadata"
        ? "non_field_errors"
        : errorKey([origin.get(field) ?? field, ...rest].filter((part) => part !== ""));
    const worded = field === "metadata" ? messages.map((m) => `As kept in metadata: ${m}`) : messages;
    renamed.set(name, [...(renamed.get(name) ?? []), ...worded]);
  }
  return Object.fromEntries(renamed);
}
