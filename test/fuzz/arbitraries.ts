import fc from "fast-check";
import { codePoints, type Document, resolve, type Schema, validate } from "./json-schema";

/**
 * fast-check arbitraries drawn from JSON Schemas of the OpenAPI document: values the schema
 * accepts (valid()), and mutations of a value that usually break it (mutated()). Whether a
 * generated value is valid is always decided by the validator, never assumed.
 */

/** Strings that have hurt parsers, databases and renderers; the schema decides if they are valid. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "\t\r\n",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfff",
  "\ud83d",
  "\u202Egnp.exe",
  "\u200B\u200D\uFEFF",
  "e\u0301\u0327",
  "🛡️🔥",
  "'; drop table events; --",
  '" OR "1"="1',
  "<script>alert(1)</script>",
  "{{7*7}}<%= 7*7 %>",
  "../../../etc/passwd",
  "%00%ff",
  "constructor",
  "__proto__",
  "toString",
  "x".repeat(300),
];

export const PROTOTYPE_KEYS = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "isPrototypeOf"];

/** Timestamps at and past the edges of what RFC 3339, PostgreSQL and the document allow. */
export const ODD_TIMESTAMPS = [
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00+01:00",
  "1969-12-31T23:59:59Z",
  "2026-01-01T00:00:00+16:00",
  "2026-01-01T00:00:00-23:59",
  `2026-01-01T00:00:00.${"9".repeat(20)}Z`,
  "2026-02-30T00:00:00Z",
  "2026-01-01T00:00:60Z",
  "2026-01-01 00:00:00Z",
  "2026-01-01T00:00:00",
  "10000-01-01T00:00:00Z",
  "2024-02-29t12:00:00.123456789z",
];

/** Numbers that JSON can write and a double cannot hold, written into the body as raw text. */
export const HUGE_NUMBER = "1e400";
export const HUGE_NUMBER_MARK = "\u0001huge-number\u0001";

const SAFE_KEY = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/),
  fc.constantFrom(...PROTOTYPE_KEYS.filter((k) => k !== "__proto__"), "🔑", "ключ"),
);

function dateTime(): fc.Arbitrary<string> {
  // Past instants only (a timestamp may have to be "not in the future", stated in prose), and a
  // fixed range, so that a seed gives the same cases on any day.
  const instant = fc.date({
    min: new Date("1970-01-02T00:00:00Z"),
    max: new Date("2025-12-31T23:59:59Z"),
    noInvalidDate: true,
  });
  const offsetMinutes = fc.oneof(fc.constant(0), fc.integer({ min: -959, max: 959 }));
  return fc
    .tuple(instant, offsetMinutes, fc.constantFrom("", ".5", ".123456", ".123456789"), fc.boolean())
    .map(([date, offset, fraction, lower]) => {
      const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
      const sign = offset < 0 ? "-" : "+";
      const abs = Math.abs(offset);
      const zone =
        offset === 0
          ? "Z"
          : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
      const text = `${local}${fraction}${zone}`;
      return lower ? text.toLowerCase() : text;
    });
}

/** For fields that must be after now (`x-vigil-future`): from a minute to 29 days ahead of the run. */
function futureDateTime(): fc.Arbitrary<string> {
  return fc
    .integer({ min: 60, max: 29 * 86_400 })
    .map((seconds) => new Date(Date.now() + seconds * 1000).toISOString());
}

function stringOf(doc: Document, s: Schema): fc.Arbitrary<string> {
  if (s.format === "date-time") return s["x-vigil-future"] === true ? futureDateTime() : dateTime();
  const max = typeof s.maxLength === "number" ? s.maxLength : 64;
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const base =
    typeof s.pattern === "string"
      ? fc.stringMatching(new RegExp(s.pattern, "u"))
      : fc.string({ unit: "grapheme", minLength: min, maxLength: Math.min(max, 40) });
  // The edges: exactly the longest allowed, in one-unit and two-unit characters.
  const edges = fc.constantFrom(
    "a".repeat(max),
    "🛡".repeat(max),
    ` ${"é".repeat(Math.max(0, max - 2))} `,
    ...HOSTILE_STRINGS,
  );
  // And the document's own example, which may be the only kind of value a prose rule lets
  // through (a URL to a public host, say).
  const example = typeof s.example === "string" ? [{ weight: 1, arbitrary: fc.constant(s.example) }] : [];
  return fc
    .oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: edges }, ...example)
    .filter((value) => codePoints(value) >= min && validate(doc, s, value).length === 0);
}

function integerOf(s: Schema): fc.Arbitrary<number> {
  const min = typeof s.minimum === "number" ? s.minimum : Number.MIN_SAFE_INTEGER;
  const max = typeof s.maximum === "number" ? s.maximum : Number.MAX_SAFE_INTEGER;
  return fc.oneof(
    fc.integer({ min, max: Math.min(max, min + 1000) }),
    fc.constantFrom(min, max),
    fc.integer({ min, max }),
  );
}

/** A free-form JSON object: shallow, with keys built-in properties are named after. */
function freeObject(doc: Document, s: Schema): fc.Arbitrary<Record<string, unknown>> {
  const value = fc.jsonValue({ maxDepth: 3 }).filter((v) => JSON.stringify(v) !== undefined);
  return fc.dictionary(SAFE_KEY, value, { maxKeys: 6 }).filter((object) => validate(doc, s, object).length === 0);
}

/** Values `schema` accepts. */
export function valid(doc: Document, schema: Schema): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if ("const" in s) return fc.constant(s.const);
  // Alternatives, unless they only constrain an object described beside them (objectOf() checks those).
  if ((s.anyOf || s.oneOf) && !s.properties) {
    return fc.oneof(...((s.anyOf ?? s.oneOf) as Schema[]).map((sub) => valid(doc, sub)));
  }
  const types = [s.type ?? "object"].flat() as string[];
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case "null":
          return fc.constant(null);
        case "boolean":
          return fc.boolean();
        case "string":
          return stringOf(doc, s);
        case "integer":
          return integerOf(s);
        case "number":
          return fc.double({ noNaN: true, noDefaultInfinity: true });
        case "array": {
          const item = valid(doc, (s.items ?? {}) as Schema);
          const minLength = typeof s.minItems === "number" ? s.minItems : 0;
          const maxLength = Math.max(minLength, Math.min(typeof s.maxItems === "number" ? s.maxItems : 5, 5));
          return s.uniqueItems === true
            ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
            : fc.array(item, { minLength, maxLength });
        }
        default:
          return objectOf(doc, s);
      }
    }),
  );
}

function objectOf(doc: Document, s: Schema): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  if (Object.keys(properties).length === 0) return freeObject(doc, s);
  const model = Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, valid(doc, sub)]));
  // if/then and the like are checked on the whole: drop what does not pass.
  return fc
    .record(model, { requiredKeys: (s.required ?? []) as string[] })
    .filter((object) => validate(doc, s, object).length === 0);
}

/** Something other than a value of the schema's type. */
const wrongType = fc.constantFrom<unknown>(42, -1.5, true, null, [], {}, ["x"], "text", Number.MAX_SAFE_INTEGER + 2);

/**
 * One change to a valid value that usually makes it invalid. In an object: a property of the
 * wrong type, too long, hostile, an odd timestamp, removed, an unknown property added, deep
 * nesting or a huge number in a free-form object. In an array: one item changed so. Or a value
 * of another type altogether.
 */
export function mutated(doc: Document, schema: Schema, base: unknown): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (Array.isArray(base) && base.length > 0 && s.items) {
    return fc.oneof(
      wrongType,
      fc.nat(base.length - 1).chain((i) => mutated(doc, s.items as Schema, base[i]).map((item) => base.with(i, item))),
    );
  }
  if (base === null || typeof base !== "object" || Array.isArray(base)) return wrongType;
  return fc.oneof(wrongType, ...objectMutations(doc, s, base as Record<string, unknown>));
}

function objectMutations(doc: Document, s: Schema, base: Record<string, unknown>): fc.Arbitrary<unknown>[] {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const keys = Object.keys(properties);
  const set = (key: string, value: unknown) => ({ ...base, [key]: value });
  const choices: fc.Arbitrary<unknown>[] = [
    fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, "id", "created_at", "role"), wrongType).map(([key, value]) => {
      // defineProperty, not assignment: `__proto__` must stay a plain key on its way to JSON.
      const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
      Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
      return copy;
    }),
  ];
  if (keys.length === 0) return choices;
  const key = fc.constantFrom(...keys);
  choices.push(
    fc.tuple(key, wrongType).map(([k, v]) => set(k, v)),
    key.map((k) => {
      const { [k]: _, ...rest } = base;
      return rest;
    }),
    fc.tuple(key, fc.constantFrom(...HOSTILE_STRINGS, ...ODD_TIMESTAMPS)).map(([k, v]) => set(k, v)),
    key.chain((k) => {
      const max = resolve(doc, properties[k] as Schema).maxLength;
      const length = typeof max === "number" ? max + 1 : 70_000;
      return fc.constantFrom("a", " ", "🛡").map((c) => set(k, c.repeat(length)));
    }),
  );
  const free = keys.filter((k) => typeof resolve(doc, properties[k] as Schema)["x-max-depth"] === "number");
  if (free.length > 0) {
    const k = fc.constantFrom(...free);
    choices.push(
      fc.tuple(k, fc.constantFrom(31, 32, 40, 4500)).map(([key, depth]) => {
        let nested: unknown = [];
        for (let i = 1; i < depth; i++) nested = [nested];
        return set(key, { nested });
      }),
      k.map((key) => set(key, JSON.parse('{"__proto__": {"polluted": true}}'))),
      k.map((key) => set(key, { bytes: HUGE_NUMBER_MARK })),
      k.map((key) => set(key, { blob: "m".repeat(17 * 1024) })),
    );
  }
  return choices;
}

/** Query or path values that are not what the parameter's schema describes. */
export const HOSTILE_PARAMETERS = fc.constantFrom(
  "",
  "abc",
  "0",
  "-1",
  "1.5",
  "1e3",
  "99999999999999999999",
  "\u0000",
  "\ud800",
  "Open\u0000",
  "low",
  " High",
  ...ODD_TIMESTAMPS,
  "x".repeat(300),
);
