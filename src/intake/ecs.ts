import type { Severity } from "../db/schema";
import { documentsReceiver } from "./events-body";
import { type FieldRule, firstText, integerAt, lookup, type Reading, required } from "./mapping";
import type { Receiver } from "./receiver";
import { severityOfWord, UNKNOWN_SEVERITY, wordRules } from "./severity";

/**
 * Elastic Common Schema documents, as Logstash's and Vector's HTTP outputs and syslog-ng send
 * them; fields nested (`{"event": {"action": ...}}`) or dotted (`{"event.action": ...}`) alike.
 * The whole document is kept in `metadata.ecs`.
 */
const DOCUMENTATION = "https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html";

/**
 * `event.severity` is numeric and its meaning is the source's (ECS says so): Vigil reads it as a
 * 0-100 score, higher worse, cut where Elastic Security's default risk scores for its rule
 * severities fall (21 low, 47 medium, 73 high, 99 critical). A source that puts syslog codes
 * there (0 is the worst) should send `log.level` instead.
 */
const SEVERITY_RANGES: { min: number; max: number; severity: Severity }[] = [
  { min: 0, max: 21, severity: "Low" },
  { min: 22, max: 47, severity: "Medium" },
  { min: 48, max: 73, severity: "High" },
  { min: 74, max: 100, severity: "Critical" },
];

type Document = Record<string, unknown>;

const SOURCES = ["host.name", "host.hostname", "observer.name", "service.name", "agent.name"];
const TYPES = ["event.action", "event.category", "event.dataset", "event.kind"];

/** The first of TYPES present; `event.category` is an array of categories, joined by commas. */
function eventType(doc: Document): Reading {
  for (const from of TYPES) {
    const value = lookup(doc, from);
    if (Array.isArray(value) && value.length > 0) {
      return value.every((v) => typeof v === "string")
        ? { value: value.join(","), from }
        : { problem: "Must be a string or an array of strings.", from };
    }
    const text = firstText(doc, [from]);
    if (text) return text;
  }
  return { problem: required(TYPES), from: "event.action" };
}

function severity(doc: Document): Reading {
  const score = integerAt(doc, "event.severity");
  if (score && "problem" in score) return score;
  if (score) {
    const range = SEVERITY_RANGES.find((r) => Number(score.value) >= r.min && Number(score.value) <= r.max);
    return range
      ? { value: range.severity, from: "event.severity" }
      : { problem: "Must be from 0 to 100 (see the severity table).", from: "event.severity" };
  }
  const level = firstText(doc, ["log.level"]);
  if (level && "problem" in level) return level;
  return { value: level ? severityOfWord(String(level.value)) : UNKNOWN_SEVERITY, from: "log.level" };
}

const fields: FieldRule<Document>[] = [
  {
    field: "source_name",
    from: SOURCES,
    rule: "The first present: the host, else the observer (a firewall, an IDS), else the service or agent.",
    read: (doc) => firstText(doc, SOURCES),
  },
  {
    field: "event_type",
    from: TYPES,
    rule: "The first present (categories joined by commas).",
    read: eventType,
  },
  { field: "severity", from: ["event.severity", "log.level"], rule: "By the severity table.", read: severity },
  { field: "description", from: ["message"], rule: "As it is.", read: (doc) => firstText(doc, ["message"]) },
  {
    field: "occurred_at",
    from: ["@timestamp"],
    rule: "As it is (RFC 3339 with a time zone); else when it arrived.",
    read: (doc) => firstText(doc, ["@timestamp"]),
  },
  {
    field: "source_id",
    from: ["event.id"],
    rule:
      "The sender's id of the event: an id this key already had stored is not stored again (a batch sent " +
      "again after a lost answer stores each event once); its result says `duplicate`.",
    read: (doc) => firstText(doc, ["event.id"]),
  },
];

export const ecs: Receiver = documentsReceiver({
  name: "ecs",
  title: "Elastic Common Schema (ECS)",
  tableTitle: "Elastic Common Schema",
  what: "ECS document",
  documentation: DOCUMENTATION,
  fields,
  severities: [
    ...SEVERITY_RANGES.map((r) => ({ when: `event.severity is ${r.min} to ${r.max}`, severity: r.severity })),
    ...wordRules("log.level (without event.severity)"),
  ],
  notes: [
    "event.severity is read as a 0-100 score (higher is worse); a source that writes syslog codes there (0 is the " +
      "worst) should send log.level instead.",
    "No dedup key: every High or Critical document opens its own alert.",
  ],
});
