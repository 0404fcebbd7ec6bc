import type { RefObject } from "hono/jsx";
import { SHORTCUTS } from "./use-queue-keys";

/** The `?` dialog: a native modal (Escape closes it, focus returns where it was). */
export function ShortcutsHelp({ dialog }: { dialog: RefObject<HTMLDialogElement | null> }) {
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-title" class="dialog">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl class="fields">
        {SHORTCUTS.map((s) => (
          <>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.what}</dd>
          </>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" class="primary">
          Close
        </button>
      </form>
    </dialog>
  );
}
