import { useEffect, useRef } from "hono/jsx/dom";

/**
 * Names the page in the tab title and, when a page is opened, moves focus to its heading: a
 * keyboard or screen-reader user starts at the new content, not at the link they followed.
 */
export function usePageHeading(title: string) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Vigil`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return heading;
}
