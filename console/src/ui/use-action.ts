import { useState } from "hono/jsx/dom";
import { ApiProblem, explain, type FieldErrors } from "../api/problem";

export type Action = {
  busy: boolean;
  /** What the last run failed with, as the API explained it (field messages included, but those placed by their field). */
  error: string | null;
  /** The last failure's messages by field, for a form that shows them next to its fields. */
  fieldErrors: FieldErrors;
  /** Runs `work` unless one is running; resolves true when it succeeded. */
  run: (work: () => Promise<void>) => Promise<boolean>;
};

const NONE: FieldErrors = {};

/**
 * A form's one action at a time: busy while it runs, its failure kept to show. `placed` says
 * which fields' messages the form shows next to the field, so the sentence leaves them out.
 */
export function useAction(placed?: (field: string) => boolean): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>(NONE);
  return {
    busy,
    error,
    fieldErrors,
    run: async (work) => {
      setBusy(true);
      setError(null);
      setFieldErrors(NONE);
      try {
        await work();
        return true;
      } catch (e) {
        setError(explain(e, placed));
        if (e instanceof ApiProblem) setFieldErrors(e.errors);
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}
