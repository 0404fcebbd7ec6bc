import { useEffect, useRef } from "hono/jsx/dom";

/** The queue's keyboard shortcuts, as the help dialog lists them. */
export const SHORTCUTS = [
  { keys: "j / k", what: "Next / previous alert" },
  { keys: "x", what: "Select or unselect it (admins)" },
  { keys: "a", what: "Acknowledge the selected alerts, or this one (admins)" },
  { keys: "o or Enter", what: "Open it" },
  { keys: "/", what: "Search" },
  { keys: "?", what: "This help" },
] as const;

export type QueueKeyActions = {
  move: (step: 1 | -1) => void;
  toggle: () => void;
  acknowledge: () => void;
  open: () => void;
  search: () => void;
  help: () => void;
};

/** Keys pressed while typing in a field, in a dialog, or with a modifier are left alone. */
function ignored(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  return target?.closest("input, textarea, select, dialog, [contenteditable]") != null;
}

/** Binds the shortcuts on the document while the queue is shown; the latest actions are used. */
export function useQueueKeys(actions: QueueKeyActions): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (ignored(event)) return;
      const act = latest.current;
      const bindings: Record<string, () => void> = {
        j: () => act.move(1),
        k: () => act.move(-1),
        x: act.toggle,
        a: act.acknowledge,
        o: act.open,
        "/": act.search,
        "?": act.help,
      };
      const action = bindings[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
