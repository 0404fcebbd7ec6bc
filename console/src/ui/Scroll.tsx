import type { Child } from "hono/jsx";

/**
 * A table wider than a phone scrolls sideways inside this box, not the whole page. The box
 * takes keyboard focus so it can be scrolled without a mouse (WCAG 2.1.1), and is a named
 * region so a screen reader says what it holds.
 */
export function Scroll({ label, children }: { label: string; children: Child }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <section class="table-wrap" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
