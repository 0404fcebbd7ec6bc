import { useState } from "hono/jsx/dom";
import { explain } from "../api/problem";

export type Action = {
  busy: boolean;
  /** What the last run failed with, as the API explained it (field messages included). */
  error: string | null;
  /** Runs `work` unless one is running; resolves true when it succeeded. */
  run: (work: () => Promise<void>) => Promise<boolean>;
};

/** A form's one action at a time: busy while it runs, its failure kept to show. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return {
    busy,
    error,
    run: async (work) => {
      setBusy(true);
      setError(null);
      try {
        await work();
        return true;
      } catch (e) {
        setError(explain(e));
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}
