import { Untrusted } from "../ui/bits";

export type BarItem = { key: string; count: number; href: string; className?: string };

/**
 * A ranked list with a bar per item, each a link (to the queue, filtered by it). The bars are
 * SVG with percentage widths: the console's policy allows no inline styles.
 */
export function BarList({ items, label, empty }: { items: BarItem[]; label: string; empty: string }) {
  if (items.length === 0) return <p class="muted">{empty}</p>;
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <ol class="bar-list" aria-label={label}>
      {items.map((item) => (
        <li>
          <a href={item.href}>
            <Untrusted text={item.key} />
          </a>
          <span class="num">{item.count}</span>
          <svg class="bar" width="100%" height="8" aria-hidden="true">
            <rect class={item.className ?? "bar-fill"} width={`${(item.count / max) * 100}%`} height="8" rx="2" />
          </svg>
        </li>
      ))}
    </ol>
  );
}
