import { MAX_BATCH_ITEMS } from "../events/rules";
import { ApiError } from "../http/errors";
import { JSON_MEDIA_TYPE } from "../http/json-body";
import { jsonValueProblem } from "../http/json-value";
import { fieldErrors } from "../http/validation";
import {
  errorKey,
  type FieldRule,
  fail,
  firstText,
  lookup,
  type MappingTable,
  mapItem,
  notAnObject,
  required,
  textRulesProblem,
} from "./mapping";
import type { IntakeBody, ItemOutcome, Receiver } from "./receiver";
import { type AlertmanagerPayload, AlertmanagerPayloadSchema } from "./schemas";
import { severityOfWord, wordRules } from "./severity";

/**
 * Prometheus Alertmanager's webhook (`webhook_config`, payload version 4; Grafana's webhook sends
 * the same alerts): each alert of a notification is an item. A firing alert is an event whose
 * dedup key is `am:<fingerprint>`, so the repeats Alertmanager sends (every group_interval and
 * repeat_interval, and each alert again whenever its group changes) join the alert the first one
 * opened instead of opening another; a resolved one resolves that alert (intake/store.ts).
 */
const DOCUMENTATION = "https://prometheus.io/docs/alerting/latest/configuration/#webhook_config";
export const ALERTMANAGER_KEY_PREFIX = "am:";
const DEFAULT_SOURCE = "alertmanager";

/** One alert, and the notification's fields every one of its events keeps. */
type Item = { alert: Record<string, unknown>; notification: Record<string, unknown> };

const NOTIFICATION_FIELDS = ["receiver", "groupKey", "externalURL", "version", "truncatedAlerts"] as const;

const objectAt = (alert: Record<string, unknown>, from: "labels" | "annotations") => {
  const value = alert[from];
  return value === undefined || value === null || (typeof value === "object" && !Array.isArray(value))
    ? null
    : { problem: "Must be a JSON object.", from };
};

const fields: FieldRule<Item>[] = [
  {
    field: "source_name",
    from: ["labels.instance", "labels.job"],
    rule: `The first present; without either (an aggregated alert), "${DEFAULT_SOURCE}".`,
    read: ({ alert }) =>
      firstText(alert, ["labels.instance", "labels.job"]) ?? { value: DEFAULT_SOURCE, from: "labels" },
  },
  {
    field: "event_type",
    from: ["labels.alertname"],
    rule: "As it is.",
    read: ({ alert }) => firstText(alert, ["labels.alertname"]),
  },
  {
    field: "severity",
    from: ["labels.severity"],
    rule: "By the severity table.",
    read: ({ alert }) => {
      const word = firstText(alert, ["labels.severity"]);
      if (word && "problem" in word) return word;
      return { value: severityOfWord(word ? String(word.value) : ""), from: "labels.severity" };
    },
  },
  {
    field: "description",
    from: ["annotations.summary", "annotations.description", "annotations.message"],
    rule: "Summary and description, one per line, those present; else message.",
    read: ({ alert }) => {
      const parts = ["annotations.summary", "annotations.description"].map((path) => firstText(alert, [path]));
      const problem = parts.find((part) => part && "problem" in part);
      if (problem) return problem;
      const text = parts.flatMap((part) => (part && "value" in part ? [String(part.value)] : []));
      return text.length ? { value: text.join("\n"), from: "annotations" } : firstText(alert, ["annotations.message"]);
    },
  },
  {
    field: "occurred_at",
    from: ["startsAt"],
    rule: "When it started firing.",
    read: ({ alert }) => firstText(alert, ["startsAt"]),
  },
  {
    field: "dedup_key",
    from: ["fingerprint"],
    rule: `"${ALERTMANAGER_KEY_PREFIX}<fingerprint>": repeats of a firing alert join its alert.`,
    read: ({ alert }) => fingerprintKey(alert),
  },
  {
    field: "metadata",
    from: ["labels", "annotations", "(the rest of the alert)", ...NOTIFICATION_FIELDS],
    rule:
      "`labels` and `annotations` as they are; the rest of the alert, with the notification's receiver, groupKey, " +
      "externalURL, version and truncatedAlerts, under `alertmanager`.",
    read: ({ alert, notification }) => {
      const problem = objectAt(alert, "labels") ?? objectAt(alert, "annotations");
      if (problem) return problem;
      const { labels = {}, annotations = {}, ...rest } = alert;
      return { value: { labels, annotations, alertmanager: { ...rest, ...notification } }, from: "labels" };
    },
  },
];

const TABLE: MappingTable<Item> = { title: "Prometheus Alertmanager", fields };

/** `am:<fingerprint>`, or why the alert has none. */
function fingerprintKey(alert: Record<string, unknown>) {
  const fingerprint = firstText(alert, ["fingerprint"]);
  if (!fingerprint || "problem" in fingerprint)
    return fingerprint ?? { problem: required(["fingerprint"]), from: "fingerprint" };
  return { value: `${ALERTMANAGER_KEY_PREFIX}${String(fingerprint.value).trim()}`, from: "fingerprint" };
}

function outcome(raw: unknown, index: number, notification: Record<string, unknown>): ItemOutcome {
  const problem = notAnObject(raw, "an Alertmanager alert");
  if (problem) return { index, ...problem };
  const alert = raw as Record<string, unknown>;
  const status = lookup(alert, "status");
  if (status === "firing") return { index, ...mapItem(TABLE, { alert, notification }, alert) };
  // Not mapped, so not checked by the event rules: the text rules hold for it all the same.
  const unfit = textRulesProblem(alert);
  if (unfit) return { index, ...unfit };
  if (status !== "resolved") return { index, ...fail("status", 'Must be "firing" or "resolved".') };
  const key = fingerprintKey(alert);
  if ("problem" in key) return { index, ...fail(key.from, key.problem) };
  // The same bound as a key an event carries (EventCreate's dedup_key).
  if ([...key.value].length > 255) {
    return { index, ...fail("fingerprint", "Ensure this field has no more than 252 characters.") };
  }
  return { index, resolve: key.value };
}

/**
 * An alert resolved in the notification that also fires in it (Alertmanager never sends both)
 * would change one alert twice in one statement: it fails instead.
 */
function withoutContradictions(outcomes: ItemOutcome[]): ItemOutcome[] {
  const firing = new Set(outcomes.flatMap((o) => ("event" in o && o.event.dedup_key ? [o.event.dedup_key] : [])));
  return outcomes.map((o) =>
    "resolve" in o && firing.has(o.resolve)
      ? { index: o.index, ...fail("fingerprint", "This alert also fires in this notification: it cannot resolve too.") }
      : o,
  );
}

function notTheFormat(detail: string, errors?: Record<string, string[]>): ApiError {
  return new ApiError(
    errors ? "VALIDATION_FAILED" : "BAD_REQUEST",
    `${detail} An Alertmanager webhook notification is a JSON object with \`alerts\` (see ${DOCUMENTATION}).`,
    errors ? { errors } : {},
  );
}

function parse(text: string): IntakeBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notTheFormat("The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw notTheFormat("The request body is not a JSON object.");
  }
  const { alerts: _, ...rest } = value as Record<string, unknown>;
  // Outside `alerts` (each alert is checked alone), the text rules hold everywhere.
  const walked = jsonValueProblem(rest, 32);
  if (walked) throw notTheFormat("The notification is malformed.", { [errorKey(walked.path)]: [walked.problem] });
  const parsed = AlertmanagerPayloadSchema.safeParse(value);
  if (!parsed.success) throw notTheFormat("The notification is malformed.", fieldErrors(parsed.error));
  const payload: AlertmanagerPayload = parsed.data;
  const notification = Object.fromEntries(
    NOTIFICATION_FIELDS.flatMap((field) => (payload[field] === undefined ? [] : [[field, payload[field]]])),
  );
  return {
    count: payload.alerts.length,
    fingerprint: value,
    outcomes: () => withoutContradictions(payload.alerts.map((alert, index) => outcome(alert, index, notification))),
  };
}

export const alertmanager: Receiver = {
  name: "alertmanager",
  title: "Prometheus Alertmanager webhook",
  documentation: DOCUMENTATION,
  mediaTypes: [JSON_MEDIA_TYPE],
  body:
    `One notification of a webhook_config (payload version 4; Grafana's webhook too): 1 to ${MAX_BATCH_ITEMS} ` +
    "alerts, each an item (set max_alerts to at most that).",
  fields,
  severities: wordRules("labels.severity"),
  notes: [
    `\`status: firing\`: an event; with its dedup key "${ALERTMANAGER_KEY_PREFIX}<fingerprint>", Alertmanager's ` +
      "repeats join the alert the first one opened (High and Critical), never a second.",
    `\`status: resolved\`: no event; the unresolved alert with dedup key "${ALERTMANAGER_KEY_PREFIX}<fingerprint>" is ` +
      "Resolved by the sending key, with its history, in the same statement (answered 200 with that alert, or " +
      "`alert: null` when none is open).",
    "The notification's other fields (groupLabels, commonLabels, commonAnnotations, status) are derived from its " +
      "alerts and not stored again; fields Vigil does not know are ignored.",
  ],
  parse,
};
