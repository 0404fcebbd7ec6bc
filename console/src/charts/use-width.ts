import { useEffect, useRef, useState } from "hono/jsx/dom";

/**
 * The width of the element `ref` is put on, kept current as the window resizes, so a chart is
 * drawn at the size it is shown (text stays legible on a phone instead of shrinking with it).
 */
export function useWidth<T extends HTMLElement>(initial = 600) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}
