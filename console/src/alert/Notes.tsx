import { useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import { readJson } from "../api/session";
import type { Note } from "../api/types";
import { useServices } from "../context";
import { ErrorText, Time, Untrusted } from "../ui/bits";
import { usePagedList } from "../ui/use-paged-list";

const MAX_NOTE = 10_000;

/**
 * Notes, oldest first, and the form to add one (admins and analysts alike; append-only). A note
 * added here bumps `revision` through `onAdded`, which reloads notes and history.
 */
export function Notes({ alertId, revision, onAdded }: { alertId: number; revision: number; onAdded: () => void }) {
  const { session } = useServices();
  const notes = usePagedList<Note>(`/api/alerts/${alertId}/notes/?page_size=100`, revision);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const add = async (event?: Event) => {
    event?.preventDefault();
    if (!draft.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await readJson<Note>(await session.json(`/api/alerts/${alertId}/notes/`, "POST", { body: draft }));
      setDraft("");
      onAdded();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  // Enter makes a new line, as in any text area; Ctrl+Enter (Cmd+Enter) sends.
  const keydown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void add(event);
  };

  return (
    <section aria-labelledby="notes-title">
      <h2 id="notes-title">Notes</h2>
      <ErrorText message={notes.error} />
      {notes.items && notes.items.length === 0 && <p class="muted">No notes yet.</p>}
      {notes.items && notes.items.length > 0 && (
        <ol class="notes">
          {notes.items.map((note) => (
            <li key={note.id} data-note-id={note.id}>
              <p class="note-meta">
                <strong>
                  <Untrusted text={note.author} />
                </strong>{" "}
                · <Time iso={note.created_at} />
              </p>
              <p class="prose">
                <Untrusted text={note.body} />
              </p>
            </li>
          ))}
        </ol>
      )}
      {notes.hasMore && (
        <button type="button" onClick={notes.loadMore}>
          Load more notes
        </button>
      )}
      <form class="note-form" onSubmit={add}>
        <label for="note-body">Add a note</label>
        <textarea
          id="note-body"
          name="body"
          rows={3}
          maxLength={MAX_NOTE}
          value={draft}
          onInput={(e: Event) => setDraft((e.target as HTMLTextAreaElement).value)}
          onKeyDown={keydown}
          aria-describedby="note-hint"
        />
        <p id="note-hint" class="muted small">
          Ctrl+Enter to send.
        </p>
        <ErrorText message={error} />
        <button type="submit" disabled={busy || !draft.trim()}>
          {busy ? "Adding…" : "Add note"}
        </button>
      </form>
    </section>
  );
}
