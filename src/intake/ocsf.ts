import type { Severity } from "../db/schema";
import { documentsReceiver } from "./events-body";
import { type FieldRule, firstText, integerAt, type Reading, required } from "./mapping";
import type { Receiver } from "./receiver";

/**
 * Open Cybersecurity Schema Framework 1.x events, of any class: the fields every OCSF event has
 * (its class, activity, severity, time, producing product or device) make the event, and the
 * whole event is kept in `metadata.ocsf`.
 */
const DOCUMENTATION = "https://schema.ocsf.io/";
export const OCSF_KEY_PREFIX = "ocsf:";

/** OCSF's severity_id (0-6, 99) as Vigil's severities; Unknown and Other are Medium, as an unknown word is. */
const SEVERITY_IDS: { id: number; name: string; severity: Severity }[] = [
  { id: 0, name: "Unknown", severity: "Medium" },
  { id: 1, name: "Informational", severity: "Low" },
  { id: 2, name: "Low", severity: "Low" },
  { id: 3, name: "Medium", severity: "Medium" },
  { id: 4, name: "High", severity: "High" },
  { id: 5, name: "Critical", severity: "Critical" },
  { id: 6, name: "Fatal", severity: "Critical" },
  { id: 99, name: "Other", severity: "Medium" },
];

type Event = Record<string, unknown>;

/** A name, else its id spelled out (`class 3002`); null when neither is sent. */
function named(event: Event, name: string, id: string, word: string): Reading {
  const text = firstText(event, [name]);
  if (text) return text;
  const number = integerAt(event, id);
  return number && "value" in number ? { value: `${word} ${number.value}`, from: id } : number;
}

function eventType(event: Event): Reading {
  const kind = named(event, "class_name", "class_uid", "class");
  if (!kind) return { problem: required(["class_name", "class_uid"]), from: "class_uid" };
  if ("problem" in kind) return kind;
  const activity = named(event, "activity_name", "activity_id", "activity");
  if (activity && "problem" in activity) return activity;
  return { value: activity ? `${kind.value}: ${activity.value}` : kind.value, from: kind.from };
}

function severity(event: Event): Reading {
  const id = integerAt(event, "severity_id");
  if (!id) return { problem: `${required(["severity_id"])} (0 to 6, or 99)`, from: "severity_id" };
  if ("problem" in id) return id;
  const known = SEVERITY_IDS.find((s) => s.id === id.value);
  return known
    ? { value: known.severity, from: "severity_id" }
    : { problem: "Must be 0 to 6, or 99.", from: "severity_id" };
}

/** 9999-12-31T23:59:59.999Z, the last instant an event may carry. */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `time` (epoch milliseconds, OCSF's timestamp_t), else `time_dt` (its datetime profile). */
function occurredAt(event: Event): Reading {
  const ms = integerAt(event, "time");
  if (ms && "problem" in ms) return ms;
  if (ms) {
    const value = Number(ms.value);
    if (value < 0 || value > LAST_MS) return { problem: "Must be epoch milliseconds from 1970 to 9999.", from: "time" };
    return { value: new Date(value).toISOString(), from: "time" };
  }
  return firstText(event, ["time_dt"]);
}

function findingKey(event: Event): Reading {
  const uid = firstText(event, ["finding_info.uid", "finding.uid"]);
  return uid && "value" in uid ? { value: `${OCSF_KEY_PREFIX}${String(uid.value).trim()}`, from: uid.from } : uid;
}

const fields: FieldRule<Event>[] = [
  {
    field: "source_name",
    from: ["device.hostname", "device.name", "metadata.product.name"],
    rule: "The device it happened on, else the product that reported it.",
    read: (event) => firstText(event, ["device.hostname", "device.name", "metadata.product.name"]),
  },
  {
    field: "event_type",
    from: ["class_name", "class_uid", "activity_name", "activity_id"],
    rule:
      '"<class_name>: <activity_name>" (as OCSF\'s type_name), an id where a name is missing ("class 3002: ' +
      'activity 1"), without the activity when there is none.',
    read: eventType,
  },
  { field: "severity", from: ["severity_id"], rule: "By the severity table.", read: severity },
  { field: "description", from: ["message"], rule: "As it is.", read: (event) => firstText(event, ["message"]) },
  {
    field: "occurred_at",
    from: ["time", "time_dt"],
    rule: "time (epoch milliseconds), else time_dt; else when it arrived.",
    read: occurredAt,
  },
  {
    field: "dedup_key",
    from: ["finding_info.uid", "finding.uid"],
    rule: `"${OCSF_KEY_PREFIX}<uid>" for findings: updates of one finding join its alert. Other events have none.`,
    read: findingKey,
  },
  {
    field: "source_id",
    from: ["metadata.uid"],
    rule:
      "The event's unique id: an id this key already had stored is not stored again (a batch sent again " +
      "after a lost answer stores each event once); its result says `duplicate`.",
    read: (event) => firstText(event, ["metadata.uid"]),
  },
];

export const ocsf: Receiver = documentsReceiver({
  name: "ocsf",
  title: "Open Cybersecurity Schema Framework (OCSF) 1.x",
  tableTitle: "Open Cybersecurity Schema Framework",
  what: "OCSF event",
  documentation: DOCUMENTATION,
  fields,
  severities: SEVERITY_IDS.map((s) => ({ when: `severity_id is ${s.id} (${s.name})`, severity: s.severity })),
  notes: ["Events of any class: the fields every OCSF event has make the event."],
});
