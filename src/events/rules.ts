import type { Severity } from "../db/schema";

/** Severities that raise an alert at ingest. */
export const ALERTING_SEVERITIES = ["High", "Critical"] as const satisfies readonly Severity[];

/** A Critical event must say what happened: at least this many characters after trimming. */
export const MIN_CRITICAL_DESCRIPTION = 20;

export const MAX_SOURCE_NAME = 255;
export const MAX_EVENT_TYPE = 100;
export const MAX_DESCRIPTION = 10_000;
export const MAX_METADATA_BYTES = 16 * 1024;
/** Levels of objects and arrays in metadata, itself included; sensors' metadata is shallow. */
export const MAX_METADATA_DEPTH = 32;
/** How far in the future `occurred_at` may be, for sensors whose clocks run a little fast. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function criticalDescriptionProblem(severity: Severity, description: string | undefined): string | null {
  if (severity !== "Critical") return null;
  // Characters, as every other length in the API (an emoji is one).
  const length = [...(description ?? "").trim()].length;
  return length >= MIN_CRITICAL_DESCRIPTION
    ? null
    : `A Critical event needs a meaningful description: at least ${MIN_CRITICAL_DESCRIPTION} characters (got ${length}).`;
}

/** Tags a sensor may send with one event (rules may add more). */
export const MAX_EVENT_TAGS = 20;
/** Tags an event or an alert keeps at most (the first, sorted; vigil_evaluate and alerts/grouping.ts). */
export const MAX_STORED_TAGS = 100;
/** Rules that can apply to one event: every enabled one (rules/schemas.ts' MAX_ENABLED_RULES). */
export const MAX_RULES_APPLIED = 200;

/** Events in one batch (contract section 10). */
export const MAX_BATCH_ITEMS = 1000;
