import { Frame } from "./Frame";
import { bucketLabel, formatDuration, labelEvery } from "./scale";

export type Line = { name: string; className: string; values: (number | null)[] };

/**
 * Durations per time bucket as lines (a bucket with nothing to average leaves a gap). The y axis
 * is in the unit a person would use (s, min, h, d).
 */
export function Lines({
  starts,
  lines,
  bucket,
  label,
}: {
  starts: string[];
  lines: Line[];
  bucket: "hour" | "day";
  label: string;
}) {
  return (
    <Frame
      height={180}
      margins={{ top: 10, right: 8, bottom: 24, left: 56 }}
      label={label}
      draw={({ plotW, plotH, margins }) => {
        const all = lines.flatMap((l) => l.values).filter((v): v is number => v !== null);
        const max = Math.max(60, ...all) * 1.1;
        const slot = plotW / Math.max(1, starts.length);
        const x = (i: number) => margins.left + i * slot + slot / 2;
        const y = (v: number) => margins.top + plotH - (v / max) * plotH;
        const every = labelEvery(starts.length, plotW, 64);
        // Path segments through the points that have a value; a null starts a new segment.
        const path = (values: (number | null)[]) =>
          values
            .map((v, i) => (v === null ? "" : `${i === 0 || values[i - 1] === null ? "M" : "L"}${x(i)},${y(v)}`))
            .join("");
        return {
          ticks: [0, max / 2, max].map((v) => ({ y: y(v), text: formatDuration(v) })),
          xLabels: starts.flatMap((s, i) => (i % every === 0 ? [{ x: x(i), text: bucketLabel(s, bucket) }] : [])),
          marks: lines.map((line) => (
            <g class={line.className}>
              <path d={path(line.values)} class="line" />
              {line.values.map((v, i) =>
                v === null || starts.length > 60 ? null : (
                  <circle cx={x(i)} cy={y(v)} r={3}>
                    <title>{`${line.name}: ${formatDuration(v)}`}</title>
                  </circle>
                ),
              )}
            </g>
          )),
        };
      }}
    />
  );
}
