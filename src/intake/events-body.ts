import { batchFingerprint, NDJSON_MEDIA_TYPE, ndjsonItems } from "../events/batch";
import { MAX_BATCH_ITEMS } from "../events/rules";
import { ApiError } from "../http/errors";
import { JSON_MEDIA_TYPE } from "../http/json-body";
import { type FieldRule, fail, type Mapped, mapItem, notAnObject, type SeverityRule } from "./mapping";
import type { IntakeBody, Receiver } from "./receiver";

type Document = Record<string, unknown>;

/**
 * A receiver for a format whose items are whole documents (OCSF events, ECS documents): its
 * table's rows, then the document itself kept as `metadata.<name>`; bodies read by eventsBody().
 * `tableTitle` names the format in made-up descriptions (at least 20 characters: see mapping.ts).
 */
export function documentsReceiver(spec: {
  name: string;
  title: string;
  tableTitle: string;
  /** What one item is ("OCSF event"), for messages. */
  what: string;
  documentation: string;
  fields: FieldRule<Document>[];
  severities: SeverityRule[];
  notes: string[];
}): Receiver {
  const { name, what, documentation } = spec;
  const fields: FieldRule<Document>[] = [
    ...spec.fields,
    {
      field: "metadata",
      from: [`(the whole ${what})`],
      rule: `The whole ${what}, as sent, under \`${name}\`.`,
      read: (doc) => ({ value: { [name]: doc }, from: "" }),
    },
  ];
  const table = { title: spec.tableTitle, fields };
  return {
    name,
    title: spec.title,
    documentation,
    mediaTypes: [JSON_MEDIA_TYPE, NDJSON_MEDIA_TYPE],
    body: `${what}s: one JSON object, a JSON array or NDJSON (one per line), 1 to ${MAX_BATCH_ITEMS} a request.`,
    fields,
    severities: spec.severities,
    notes: [...spec.notes, `A ${what} is at most 16 KiB once serialized (it is kept whole as metadata.${name}).`],
    parse: (text, mediaType) =>
      eventsBody(text, mediaType, {
        what,
        documentation,
        map: (raw) => notAnObject(raw, `an ${what}`) ?? mapItem(table, raw as Document, raw),
      }),
  };
}

/**
 * A body of events as OCSF and ECS producers send them: one JSON object (Logstash's `json`
 * format), a JSON array (`json_batch`, Vector's `json` codec), or NDJSON (one per line: syslog-ng,
 * Vector's `newline_delimited` framing), 1 to MAX_BATCH_ITEMS items. A line that is not JSON,
 * or an item that is not an object, fails alone; a body that is neither is not the format.
 */
function eventsBody(
  text: string,
  mediaType: string,
  format: { what: string; documentation: string; map: (item: unknown) => Mapped },
): IntakeBody {
  const refuse = (detail: string) =>
    new ApiError(
      "BAD_REQUEST",
      `${detail} Send ${format.what}s as one JSON object, a JSON array or NDJSON (see ${format.documentation}).`,
    );
  let items: ({ json: unknown } | { malformed: string })[];
  if (mediaType === NDJSON_MEDIA_TYPE) {
    items = ndjsonItems(text);
  } else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw refuse("The request body is not valid JSON.");
    }
    if (typeof value !== "object" || value === null)
      throw refuse("The request body is neither an object nor an array.");
    items = (Array.isArray(value) ? value : [value]).map((json) => ({ json }));
  }
  if (items.length === 0) throw refuse("The request body holds no event.");
  if (items.length > MAX_BATCH_ITEMS) {
    throw refuse(`At most ${MAX_BATCH_ITEMS} events a request (got ${items.length}).`);
  }
  return {
    count: items.length,
    fingerprint: batchFingerprint(items),
    outcomes: () =>
      items.map((item, index) => ({
        index,
        ...("malformed" in item ? fail("non_field_errors", "This line is not valid JSON.") : format.map(item.json)),
      })),
  };
}
