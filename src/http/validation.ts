import type { ZodError } from "zod";
import { ApiError, type FieldErrors } from "./errors";
import { displayable } from "./text";

/**
 * Zod issues as the DRF-style field map: `{"severity": ["..."]}`, `{"3.severity": [...]}`;
 * an unknown key is reported under its own name; issues about the whole body go under
 * `non_field_errors`, as DRF does.
 */
export function fieldErrors(error: ZodError): FieldErrors {
  // A Map, not a plain object: field names come from the client, and `constructor` or
  // `__proto__` would otherwise read or replace the object's prototype.
  const errors = new Map<string, string[]>();
  const add = (path: PropertyKey[], message: string) => {
    const key = path.length ? path.map(String).join(".") : "non_field_errors";
    errors.set(key, [...(errors.get(key) ?? []), message]);
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add([...issue.path, key], "Unknown field.");
    } else {
      add(issue.path, issue.message);
    }
  }
  // fromEntries defines own properties, so even `__proto__` stays a plain key.
  return Object.fromEntries(errors);
}

type ValidationResult = { target: string } & ({ success: true } | { success: false; error: ZodError });

const WHERE: Record<string, string> = { query: "query parameters", header: "request headers" };

type Target = "json" | "query" | "header";

/**
 * A 400 for one field, worded as the validator words its own (`The request body failed
 * validation: url.`), for the rules a schema cannot check (a URL's target, an unknown assignee).
 */
export function fieldError(target: Target, field: string, message: string): ApiError {
  return fieldProblems(target, { [field]: message });
}

/** The same for several fields at once (rules that hold between fields: a rule's actions and threshold). */
export function fieldProblems(target: Target, problems: Record<string, string>): ApiError {
  const fields = Object.keys(problems);
  return new ApiError(
    "VALIDATION_FAILED",
    `The ${WHERE[target] ?? "request body"} failed validation: ${fieldList(fields)}.`,
    {
      errors: Object.fromEntries(Object.entries(problems).map(([field, message]) => [field, [message]])),
    },
  );
}

/**
 * The hook every route validator uses: failures become problem+json. A malformed path id is a
 * resource that cannot exist, so it is 404 rather than 400.
 */
export function validationHook(result: ValidationResult): void {
  if (result.success) return;
  if (result.target === "param") throw new ApiError("NOT_FOUND", "No such resource.");
  const errors = fieldErrors(result.error);
  const where = WHERE[result.target] ?? "request body";
  throw new ApiError("VALIDATION_FAILED", `The ${where} failed validation: ${fieldList(Object.keys(errors))}.`, {
    errors,
  });
}

// Field names come from the client: the sentence names a few, each cut short and made displayable,
// and counts the rest.
const LISTED_FIELDS = 10;
const LISTED_NAME_CHARS = 64;

function fieldList(names: string[]): string {
  const listed = names.slice(0, LISTED_FIELDS).map((name) => {
    const chars = [...displayable(name)];
    return chars.length > LISTED_NAME_CHARS ? `${chars.slice(0, LISTED_NAME_CHARS - 1).join("")}…` : chars.join("");
  });
  const rest = names.length - listed.length;
  return rest > 0 ? `${listed.join(", ")} and ${rest} more` : listed.join(", ");
}
