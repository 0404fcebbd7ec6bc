/** An error the console shows to the user: the problem's `detail`, as the API phrased it. */
export class ApiProblem extends Error {
  override name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(detail);
  }
}

type ProblemBody = { detail?: unknown; errors?: unknown };

function isFieldErrors(value: unknown): value is Record<string, string[]> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads an RFC 9457 body; anything else (a proxy's HTML page, say) still yields a sentence. */
export async function problemFrom(res: Response): Promise<ApiProblem> {
  const type = res.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    const body = (await res.json().catch(() => ({}))) as ProblemBody;
    if (typeof body.detail === "string" && body.detail) {
      return new ApiProblem(res.status, body.detail, isFieldErrors(body.errors) ? body.errors : {});
    }
  }
  return new ApiProblem(res.status, `The server answered ${res.status} ${res.statusText}.`.replace(" .", "."));
}

export const networkProblem = () =>
  new ApiProblem(0, "Cannot reach the Vigil server. Check your connection and try again.");

/** The sentence to show for anything thrown while talking to the API. */
export function describe(error: unknown): string {
  if (error instanceof ApiProblem) return error.detail;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The sentence, then the field messages of a 400 (e.g. "... timeout_seconds: Must be at least
 * 60."), leaving out those of fields the form shows next to the field itself (`placed`).
 */
export function explain(error: unknown, placed: (field: string) => boolean = () => false): string {
  if (!(error instanceof ApiProblem)) return describe(error);
  const fields = Object.entries(error.errors)
    .filter(([field]) => !placed(field))
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`);
  return [error.detail, ...fields].join(" ");
}

/** A 400's messages by field path (`conditions.0.value`), as the API names them. */
export type FieldErrors = Record<string, string[]>;

/** Whether the field path `field` is `path` or below it (`conditions.0.value` is under `conditions`). */
export const isUnder = (field: string, path: string) => field === path || field.startsWith(`${path}.`);

/** The messages at `path` and below it, a deeper one prefixed with the rest of its path (`value.1: ...`). */
export function messagesAt(errors: FieldErrors, path: string): string[] {
  return Object.entries(errors).flatMap(([key, messages]) => {
    if (key === path) return messages;
    if (!isUnder(key, path)) return [];
    return messages.map((m) => `${key.slice(path.length + 1)}: ${m}`);
  });
}
