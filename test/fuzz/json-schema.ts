/**
 * A small JSON Schema 2020-12 validator for the keywords the OpenAPI document uses, written for
 * the fuzz test: it runs inside workerd, where validators that compile schemas to code cannot
 * (no eval). It is the oracle: what it accepts is "valid by the document".
 *
 * Beyond the standard: strings are measured in code points; patterns use the `u` flag;
 * `format: date-time` is RFC 3339 with a real calendar date; numbers must be finite (a JSON
 * number past a double parses as Infinity); `x-max-depth` and `x-max-bytes` (the document's
 * extensions for free-form objects) bound nesting and serialized size; `x-vigil-future` (on
 * timestamps) asks for an instant after now.
 */
export type Schema = { [keyword: string]: unknown };
export type Document = { components?: { schemas?: Record<string, Schema>; headers?: Record<string, Schema> } };

export function resolve(doc: Document, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string"; hops++) {
    if (hops > 16) throw new Error(`$ref loop at ${current.$ref}`);
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(current.$ref) ?? [];
    const target = (doc.components as Record<string, Record<string, Schema>> | undefined)?.[kind ?? ""]?.[name ?? ""];
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = { ...target, ...omit(current, "$ref") };
  }
  return current;
}

function omit(schema: Schema, key: string): Schema {
  const { [key]: _, ...rest } = schema;
  return rest;
}

export const codePoints = (s: string) => [...s].length;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

export function isDateTime(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && s <= 59 && offsetOk;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** False when a number anywhere in the value is not finite (what `1e400` parses as). */
export function onlyFiniteNumbers(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value === "number" && !Number.isFinite(value)) return false;
    if (value !== null && typeof value === "object") pending.push(...Object.values(value));
  }
  return true;
}

function depthOf(root: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[root, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (value === null || typeof value !== "object") continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** Every way `value` breaks `schema`, as "path: reason"; empty when it is valid. */
export function validate(doc: Document, schema: Schema, value: unknown, path = "$"): string[] {
  const s = resolve(doc, schema);
  const errors: string[] = [];
  const fail = (reason: string) => errors.push(`${path}: ${reason}`);
  const type = typeOf(value);

  if (s.type !== undefined) {
    const allowed = [s.type].flat() as string[];
    const ok = allowed.includes(type) || (type === "integer" && allowed.includes("number"));
    if (!ok) return [`${path}: expected ${allowed.join("|")}, got ${type}`];
  }
  if (type === "number" && !Number.isFinite(value)) fail("number beyond a double");
  if (s.enum && !(s.enum as unknown[]).includes(value)) fail(`not one of ${JSON.stringify(s.enum)}`);
  if ("const" in s && s.const !== value) fail(`not ${JSON.stringify(s.const)}`);

  if (typeof value === "string") {
    const length = codePoints(value);
    if (typeof s.maxLength === "number" && length > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (typeof s.minLength === "number" && length < s.minLength) fail(`shorter than ${s.minLength}`);
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value)) fail(`does not match ${s.pattern}`);
    if (s.format === "date-time" && !isDateTime(value)) fail("not an RFC 3339 date-time");
    if (s["x-vigil-future"] === true && isDateTime(value) && !(Date.parse(value.toUpperCase()) > Date.now())) {
      fail("not in the future");
    }
    if (s.format === "uri" && !URL.canParse(value)) fail("not a URI");
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) fail(`below ${s.minimum}`);
    if (typeof s.maximum === "number" && value > s.maximum) fail(`above ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.maxItems === "number" && value.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (typeof s.minItems === "number" && value.length < s.minItems) fail(`fewer than ${s.minItems} items`);
    if (s.uniqueItems === true && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
      fail("items repeat");
    }
    for (const [i, item] of value.entries()) {
      if (s.items) errors.push(...validate(doc, s.items as Schema, item, `${path}[${i}]`));
    }
  }
  if (type === "object") {
    const object = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of (s.required ?? []) as string[]) if (!Object.hasOwn(object, key)) fail(`missing ${key}`);
    for (const [key, item] of Object.entries(object)) {
      if (s.propertyNames)
        errors.push(...validate(doc, s.propertyNames as Schema, key, `${path} key ${JSON.stringify(key)}`));
      if (Object.hasOwn(properties, key))
        errors.push(...validate(doc, properties[key] as Schema, item, `${path}.${key}`));
      else if (s.additionalProperties === false) fail(`unknown property ${JSON.stringify(key)}`);
      else if (typeof s.additionalProperties === "object") {
        errors.push(...validate(doc, s.additionalProperties as Schema, item, `${path}.${key}`));
      }
    }
    if (typeof s.minProperties === "number" && Object.keys(object).length < s.minProperties) {
      fail(`fewer than ${s.minProperties} properties`);
    }
    if (typeof s["x-max-depth"] === "number" && depthOf(value) > s["x-max-depth"]) fail("nested too deeply");
    if (typeof s["x-max-bytes"] === "number") {
      const bytes = new TextEncoder().encode(JSON.stringify(value)).byteLength;
      if (bytes > s["x-max-bytes"]) fail(`over ${s["x-max-bytes"]} bytes`);
    }
  }
  if (s.not && validate(doc, s.not as Schema, value, path).length === 0) fail("matches what `not` forbids");
  if (s.if && validate(doc, s.if as Schema, value, path).length === 0 && s.then) {
    errors.push(...validate(doc, s.then as Schema, value, path));
  }
  for (const sub of (s.allOf ?? []) as Schema[]) errors.push(...validate(doc, sub, value, path));
  if (s.anyOf && !(s.anyOf as Schema[]).some((sub) => validate(doc, sub, value, path).length === 0)) {
    fail("matches none of anyOf");
  }
  if (s.oneOf && (s.oneOf as Schema[]).filter((sub) => validate(doc, sub, value, path).length === 0).length !== 1) {
    fail("does not match exactly one of oneOf");
  }
  return errors;
}
