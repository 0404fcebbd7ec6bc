import type { Child } from "hono/jsx";
import { ErrorText } from "./bits";
import type { Action } from "./use-action";

/**
 * A panel that creates or edits something (a key, a webhook, a user, a silence, a heartbeat, a
 * rule): its title, its fields, one submit button that is off while `action` runs (and Cancel,
 * when it can be closed), and `action`'s failure as the API explained it.
 */
export function FormPanel({
  id,
  title,
  submit,
  action,
  onSubmit,
  onCancel,
  intro,
  class: className,
  children,
}: {
  id: string;
  title: string;
  submit: string;
  action: Action;
  onSubmit: () => void;
  onCancel?: () => void;
  /** What to read before the fields. */
  intro?: Child;
  /** A class for the panel besides its own. */
  class?: string;
  children: Child;
}) {
  return (
    <section aria-labelledby={`${id}-title`} class={className ? `triage ${className}` : "triage"}>
      <h2 id={`${id}-title`}>{title}</h2>
      {intro}
      <form
        onSubmit={(e: Event) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
        {onCancel ? (
          <div class="actions">
            <button type="submit" class="primary" disabled={action.busy}>
              {submit}
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="submit" class="primary" disabled={action.busy}>
            {submit}
          </button>
        )}
      </form>
      <ErrorText message={action.error} />
    </section>
  );
}
