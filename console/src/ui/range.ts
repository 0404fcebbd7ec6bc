/**
 * A time range over when alerts were raised, kept in the console's URL so a view can be shared:
 * `range=24h` (relative: it stays "the last 24 hours" whenever the link is opened) or
 * `from=…&to=…` (absolute, ISO 8601 UTC; either may be left out).
 */
export const RANGE_PRESETS = [
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { id: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
  { id: "90d", label: "Last 90 days", ms: 90 * 86_400_000 },
] as const;
export type PresetId = (typeof RANGE_PRESETS)[number]["id"];

export type TimeRange =
  | { kind: "all" }
  | { kind: "preset"; id: PresetId }
  | { kind: "custom"; from: string | null; to: string | null };

const isoOrNull = (value: string | null) => (value && !Number.isNaN(Date.parse(value)) ? value : null);

/** The range a URL names; `fallback` when it names none (or nothing valid). */
export function rangeFrom(query: URLSearchParams, fallback: TimeRange): TimeRange {
  const preset = RANGE_PRESETS.find((p) => p.id === query.get("range"));
  if (preset) return { kind: "preset", id: preset.id };
  const from = isoOrNull(query.get("from"));
  const to = isoOrNull(query.get("to"));
  return from || to ? { kind: "custom", from, to } : fallback;
}

/** Writes the range into a console URL's query (nothing for "all"). */
export function writeRange(range: TimeRange, query: URLSearchParams): void {
  if (range.kind === "preset") query.set("range", range.id);
  if (range.kind === "custom") {
    if (range.from) query.set("from", range.from);
    if (range.to) query.set("to", range.to);
  }
}

/** The API's `created_after` / `created_before` for the range, at `now`. */
export function rangeBounds(range: TimeRange, now: number): { created_after?: string; created_before?: string } {
  switch (range.kind) {
    case "all":
      return {};
    case "preset": {
      const preset = RANGE_PRESETS.find((p) => p.id === range.id);
      return preset ? { created_after: new Date(now - preset.ms).toISOString() } : {};
    }
    case "custom":
      return {
        ...(range.from ? { created_after: range.from } : {}),
        ...(range.to ? { created_before: range.to } : {}),
      };
  }
}

/** Whether an alert raised at `iso` is in the range (a relative range ends now, so new alerts are). */
export function inRange(iso: string, range: TimeRange, now: number): boolean {
  const { created_after, created_before } = rangeBounds(range, now);
  const at = Date.parse(iso);
  return (!created_after || at >= Date.parse(created_after)) && (!created_before || at <= Date.parse(created_before));
}

/** `2026-11-24T10:15:00.000Z` as a datetime-local input's value, in the reader's time zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A datetime-local input's value back to ISO UTC (empty: no bound). */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
