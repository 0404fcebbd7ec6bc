import { z } from "@hono/zod-openapi";
import { TEXT_PATTERN, textProblem } from "./text";

/**
 * The guard for free-form JSON objects from clients (an event's `metadata`): whatever passes is
 * stored and returned exactly as sent. Refused with 400:
 * - nesting deeper than `maxDepth` objects and arrays (the object itself is level 1): deep
 *   values overflow the stack of any recursive walk, including JSON.stringify and PostgreSQL's;
 * - a string or key that fails the text rules (NUL, lone surrogates; see text.ts);
 * - a key named `__proto__`: JSON.parse keeps it as a plain key, but JavaScript code downstream
 *   (our own schema library, the console, webhook receivers) turns it into a prototype;
 * - a number too large for a double (`1e400` parses as Infinity and would be stored as null);
 * - more than `maxBytes` once serialized.
 * The walk is iterative, so no input can exhaust the stack. The problem comes with where it is:
 * the keys and indexes from the root to the value (or key) at fault.
 */
export function jsonValueProblem(root: unknown, maxDepth: number): { path: string[]; problem: string } | null {
  // Each node links to its parent: the path is spelled out only for the one at fault.
  type Node = { value: unknown; depth: number; key: string | number; parent: Node | null };
  const fault = (node: Node, problem: string, key?: string) => {
    const path: string[] = key === undefined ? [] : [key];
    for (let at: Node | null = node; at?.parent; at = at.parent) path.unshift(String(at.key));
    return { path, problem };
  };
  const pending: Node[] = [{ value: root, depth: 1, key: "", parent: null }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value, depth } = node;
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) return fault(node, problem);
    } else if (typeof value === "number") {
      if (!Number.isFinite(value)) return fault(node, "Numbers must fit in a 64-bit float.");
    } else if (typeof value === "object" && value !== null) {
      if (depth > maxDepth) return fault(node, `Nested too deeply: at most ${maxDepth} levels of objects and arrays.`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          pending.push({ value: value[i], depth: depth + 1, key: i, parent: node });
      } else {
        for (const key of Object.keys(value)) {
          if (key === "__proto__") return fault(node, 'The key "__proto__" is not allowed.', key);
          const problem = textProblem(key);
          if (problem) return fault(node, `${problem.slice(0, -1)} (in a key).`, key);
          pending.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, key, parent: node });
        }
      }
    }
  }
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A free-form JSON object, checked by jsonValueProblem() and passed on as the very object
 * JSON.parse made (a rebuilt copy would lose a `__proto__` key silently, among others).
 *
 * @example metadata: jsonObject({ maxBytes: 16 * 1024, maxDepth: 32 }).optional()
 */
export function jsonObject(options: { maxBytes: number; maxDepth: number }) {
  const { maxBytes, maxDepth } = options;
  return z
    .custom<Record<string, unknown>>(isObject, { error: "Must be a JSON object." })
    .superRefine((value, ctx) => {
      // Depth first: serializing a deeply nested value is itself what must not happen.
      const problem = jsonValueProblem(value, maxDepth)?.problem;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      else if (new TextEncoder().encode(JSON.stringify(value)).byteLength > maxBytes) {
        ctx.addIssue({ code: "custom", message: `Must be at most ${maxBytes / 1024} KiB once serialized.` });
      }
    })
    .openapi(documented(maxBytes, maxDepth));
}

// What JSON Schema cannot say goes in the description and, for tools, in two extensions:
// `x-max-depth` and `x-max-bytes` (the fuzz test's validator reads them). A variable rather than
// an inline literal: `propertyNames` is JSON Schema (OpenAPI 3.1) that the metadata type, shared
// with OpenAPI 3.0, does not list.
function documented(maxBytes: number, maxDepth: number) {
  const schema = {
    type: "object" as const,
    additionalProperties: true,
    propertyNames: { pattern: TEXT_PATTERN, not: { const: "__proto__" } },
    "x-max-depth": maxDepth,
    "x-max-bytes": maxBytes,
    description:
      `A JSON object, at most ${maxBytes / 1024} KiB serialized and ${maxDepth} levels of objects and arrays deep ` +
      "(the object itself is level 1); no NUL or lone surrogate in any key or string, no key `__proto__`, " +
      "no number beyond a 64-bit float. Stored and returned as sent.",
  };
  return schema;
}
