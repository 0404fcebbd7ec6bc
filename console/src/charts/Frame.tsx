import type { Child } from "hono/jsx";
import { anchorAt } from "./scale";
import { useWidth } from "./use-width";

/** The space around a chart's plot: room for the y labels on the left and the x labels below. */
export type Margins = { top: number; right: number; bottom: number; left: number };

export type Plot = { width: number; plotW: number; plotH: number; margins: Margins };

/**
 * What the charts share: an SVG drawn at the width it is shown (text stays legible on a phone),
 * named for screen readers, with horizontal grid lines at `ticks` and labels under the x axis.
 * `draw` gets the measured size and returns the ticks, the x labels and the marks.
 */
export function Frame({
  height,
  margins,
  label,
  draw,
}: {
  height: number;
  margins: Margins;
  label: string;
  draw: (plot: Plot) => {
    ticks: { y: number; text: string }[];
    xLabels: { x: number; text: string }[];
    marks: Child;
  };
}) {
  const { ref, width } = useWidth<HTMLDivElement>();
  const plot = { width, plotW: width - margins.left - margins.right, plotH: height - margins.top - margins.bottom };
  const { ticks, xLabels, marks } = draw({ ...plot, margins });
  return (
    <div ref={ref} class="chart">
      <svg width={width} height={height} role="img" aria-label={label}>
        {ticks.map((tick) => (
          <g class="tick">
            <line x1={margins.left} x2={width - margins.right} y1={tick.y} y2={tick.y} />
            <text x={margins.left - 6} y={tick.y + 4} text-anchor="end">
              {tick.text}
            </text>
          </g>
        ))}
        {marks}
        {xLabels.map((l) => (
          <text class="axis" x={l.x} y={height - 6} text-anchor={anchorAt(l.x, width)}>
            {l.text}
          </text>
        ))}
      </svg>
    </div>
  );
}
