import { dbError } from "./client";

/**
 * Statements that lock many rows (a bulk action by alert id, a batch grouping by key) can meet
 * in a deadlock, which PostgreSQL breaks by aborting one of them whole (SQLSTATE 40P01; 40001 for
 * a serialization failure). Nothing of the aborted statement was written, so it is simply run
 * again, a few times, after a short random pause.
 */
const RETRYABLE = new Set(["40P01", "40001"]);

function isRetryable(error: unknown): boolean {
  return RETRYABLE.has(dbError(error)?.code ?? "");
}

export async function retryOnConflict<T>(statement: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
