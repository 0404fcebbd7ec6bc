import type { ZodError } from "zod";
import { ApiError, type FieldErrors } from "./errors";

/**
 * Zod issues as the DRF-style field map: `{"severity": ["..."]}`, `{"3.severity": [...]}`;
 * an unknown key is reported under its own name; issues about the whole body go under
 * `non_field_errors`, as DRF does.
 */
export function fieldErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  const add = (path: PropertyKey[], message: string) => {
    const key = path.length ? path.map(String).join(".") : "non_field_errors";
    errors[key] = [...(errors[key] ?? []), message];
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add([...issue.path, key], "Unknown field.");
    } else {
      add(issue.path, issue.message);
    }
  }
  return errors;
}

type ValidationResult = { target: string } & ({ success: true } | { success: false; error: ZodError });

/**
 * The hook every route validator uses: failures become problem+json. A malformed path id is a
 * resource that cannot exist, so it is 404 rather than 400.
 */
export function validationHook(result: ValidationResult): void {
  if (result.success) return;
  if (result.target === "param") throw new ApiError("NOT_FOUND", "No such resource.");
  const errors = fieldErrors(result.error);
  const where = result.target === "query" ? "query parameters" : "request body";
  const fields = Object.keys(errors).join(", ");
  throw new ApiError("VALIDATION_FAILED", `The ${where} failed validation: ${fields}.`, { errors });
}
