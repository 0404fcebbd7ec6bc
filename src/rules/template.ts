import { HEARTBEAT_KEY_PREFIX } from "../heartbeats/json";
import { type FieldSpec, fieldSpec, VALUE_FIELD_PATTERN } from "../matchers/language";

/**
 * `set_dedup_key` templates: literal text with `{field}` placeholders, e.g.
 * `"{source_name}:{event_type}:{metadata.host}"`. A placeholder names a field with one value
 * (source_name, event_type, severity, dedup_key, metadata.<key>); `{` and `}` are always
 * delimiters (no escapes). Rendered by `vigil_render` in the database (drizzle/0009_rules.sql):
 * a missing field renders empty, an empty key is no key.
 */
export type TemplatePart = { l: string } | FieldSpec;

/** Threshold rules' alerts: `rule:<id>:<group values>` (vigil_group_key in drizzle/0009_rules.sql). */
export const THRESHOLD_KEY_PREFIX = "rule:";
/** Keys that start so are Vigil's own (heartbeat and threshold alerts); sensors and templates cannot claim them. */
export const RESERVED_KEY_PREFIXES = [HEARTBEAT_KEY_PREFIX, THRESHOLD_KEY_PREFIX] as const;

const valueField = new RegExp(VALUE_FIELD_PATTERN);

// One code point of literal text: not a brace, NUL or half a surrogate pair (as http/text.ts's rule).
const LITERAL = String.raw`(?:[^{}\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])`;
const PLACEHOLDER = `\\{(?:${VALUE_FIELD_PATTERN.slice(2, -2)})\\}`;
/**
 * parseTemplate()'s grammar as the document's `pattern` (what it accepts, this matches), and the
 * start it refuses, as a pattern a template must not match (`not`: no lookahead, which not every
 * JSON Schema tool knows).
 */
export const TEMPLATE_PATTERN = `^(?:${LITERAL}|${PLACEHOLDER})+$`;
export const RESERVED_START_PATTERN = `^(?:${RESERVED_KEY_PREFIXES.join("|")})`;

/** The template's parts, or why it is not one (a sentence for the 400). */
export function parseTemplate(template: string): { parts: TemplatePart[] } | { problem: string } {
  const parts: TemplatePart[] = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{");
    const close = rest.indexOf("}");
    if (close !== -1 && (open === -1 || close < open)) return { problem: "A '}' closes no placeholder." };
    if (open === -1) {
      parts.push({ l: rest });
      break;
    }
    if (open > 0) parts.push({ l: rest.slice(0, open) });
    if (close === -1) return { problem: "A '{' is never closed." };
    const name = rest.slice(open + 1, close);
    if (!valueField.test(name)) {
      return {
        problem: `Unknown field {${name}}: use source_name, event_type, severity, dedup_key or metadata.<key>.`,
      };
    }
    parts.push(fieldSpec(name));
    rest = rest.slice(close + 1);
  }
  const start = parts[0];
  if (start && "l" in start && RESERVED_KEY_PREFIXES.some((p) => start.l.startsWith(p))) {
    return { problem: `Keys starting ${RESERVED_KEY_PREFIXES.join(" or ")} are Vigil's own.` };
  }
  return { parts };
}
