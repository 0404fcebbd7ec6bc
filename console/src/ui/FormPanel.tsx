import type { Child } from "hono/jsx";
import { ErrorText } from "./bits";
import type { Action } from "./use-action";

/**
 * A panel that creates something (a key, a webhook, a user, a silence, a heartbeat): its title,
 * its fields, one submit button that is off while `action` runs, and `action`'s failure as the
 * API explained it.
 */
export function FormPanel({
  id,
  title,
  submit,
  action,
  onSubmit,
  intro,
  children,
}: {
  id: string;
  title: string;
  submit: string;
  action: Action;
  onSubmit: () => void;
  /** What to read before the fields. */
  intro?: Child;
  children: Child;
}) {
  return (
    <section aria-labelledby={`${id}-title`} class="triage">
      <h2 id={`${id}-title`}>{title}</h2>
      {intro}
      <form
        onSubmit={(e: Event) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
        <button type="submit" class="primary" disabled={action.busy}>
          {submit}
        </button>
      </form>
      <ErrorText message={action.error} />
    </section>
  );
}
