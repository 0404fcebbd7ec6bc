import type { Severity } from "../db/schema";

/** Severities that raise an alert at ingest. */
export const ALERTING_SEVERITIES: readonly Severity[] = ["High", "Critical"];

/** A Critical event must say what happened: at least this many characters after trimming. */
export const MIN_CRITICAL_DESCRIPTION = 20;

export const MAX_DESCRIPTION = 10_000;
export const MAX_METADATA_BYTES = 16 * 1024;
/** How far in the future `occurred_at` may be, for sensors whose clocks run a little fast. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function criticalDescriptionProblem(severity: Severity, description: string | undefined): string | null {
  if (severity !== "Critical") return null;
  const length = (description ?? "").trim().length;
  return length >= MIN_CRITICAL_DESCRIPTION
    ? null
    : `A Critical event needs a meaningful description: at least ${MIN_CRITICAL_DESCRIPTION} characters (got ${length}).`;
}

/** PostgreSQL text and jsonb cannot hold U+0000; find one anywhere in a JSON value. */
export function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === "object") {
    return Object.entries(value).some(([k, v]) => k.includes("\u0000") || containsNul(v));
  }
  return false;
}

export function jsonByteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}
