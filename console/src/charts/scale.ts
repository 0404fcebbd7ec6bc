/** A round upper bound for an axis (1, 2, 5 × 10^n), at least 1. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/** Every how many of `count` labels to draw, so they are at least `minGap` pixels apart. */
export function labelEvery(count: number, width: number, minGap: number): number {
  if (count <= 0 || width <= 0) return 1;
  return Math.max(1, Math.ceil(count / Math.max(1, Math.floor(width / minGap))));
}

/** How an axis label at `x` is anchored so it stays inside a chart `width` wide. */
export function anchorAt(x: number, width: number): "start" | "middle" | "end" {
  if (x > width - 28) return "end";
  return x < 28 ? "start" : "middle";
}

/** 42 -> "42 s", 720 -> "12 min", 5400 -> "1.5 h", 259200 -> "3 d". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${trim(seconds / 3600)} h`;
  return `${trim(seconds / 86_400)} d`;
}

const trim = (n: number) => (n < 10 ? n.toFixed(1).replace(/\.0$/, "") : String(Math.round(n)));

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric" });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A bucket's label on an axis: its hour, or its day (in the reader's time zone). */
export function bucketLabel(iso: string, bucket: "hour" | "day"): string {
  return (bucket === "hour" ? hourFormat : dayFormat).format(new Date(iso));
}

/** A bucket named in full, for tooltips and tables. */
export function bucketName(iso: string, bucket: "hour" | "day"): string {
  return bucket === "hour" ? fullFormat.format(new Date(iso)) : dayFormat.format(new Date(iso));
}
