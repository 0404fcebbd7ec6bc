import { Frame } from "./Frame";
import { bucketLabel, bucketName, labelEvery, niceMax } from "./scale";

export type Stack = { start: string; values: number[] };
export type Layer = { name: string; className: string };

/**
 * Bars per time bucket, each stacked from its layers (first layer at the bottom). Colours come
 * from the stylesheet (dark mode included); each bar has its numbers as a tooltip, and `label`
 * says what the chart shows to screen readers (the same numbers are in the table that goes with it).
 */
export function StackedBars({
  stacks,
  layers,
  bucket,
  label,
}: {
  stacks: Stack[];
  layers: Layer[];
  bucket: "hour" | "day";
  label: string;
}) {
  return (
    <Frame
      height={200}
      margins={{ top: 10, right: 8, bottom: 24, left: 40 }}
      label={label}
      draw={({ plotW, plotH, margins }) => {
        const max = niceMax(Math.max(0, ...stacks.map((s) => s.values.reduce((a, b) => a + b, 0))));
        const y = (v: number) => margins.top + plotH - (v / max) * plotH;
        const slot = plotW / Math.max(1, stacks.length);
        const gap = slot > 6 ? 1 : 0;
        const barW = Math.max(1, slot - gap);
        const every = labelEvery(stacks.length, plotW, 64);
        const x = (i: number) => margins.left + i * slot + gap;
        return {
          ticks: [0, max / 2, max].map((v) => ({ y: y(v), text: Number.isInteger(v) ? String(v) : "" })),
          xLabels: stacks.flatMap((s, i) =>
            i % every === 0 ? [{ x: x(i) + slot / 2, text: bucketLabel(s.start, bucket) }] : [],
          ),
          marks: stacks.map((stack, i) => {
            let base = 0;
            return (
              <g>
                <title>
                  {`${bucketName(stack.start, bucket)}: ${layers.map((l, j) => `${stack.values[j] ?? 0} ${l.name}`).join(", ")}`}
                </title>
                {/* A transparent full-height bar, so a tooltip shows over empty buckets too. */}
                <rect class="hit" x={x(i)} y={margins.top} width={barW} height={plotH} />
                {layers.map((layer, j) => {
                  const value = stack.values[j] ?? 0;
                  const top = y(base + value);
                  const bottom = y(base);
                  base += value;
                  return value > 0 ? (
                    <rect class={layer.className} x={x(i)} y={top} width={barW} height={bottom - top} />
                  ) : null;
                })}
              </g>
            );
          }),
        };
      }}
    />
  );
}
