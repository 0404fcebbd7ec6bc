import { describe, expect, it } from "vitest";
import { alertmanager } from "../src/intake/alertmanager";
import { ecs } from "../src/intake/ecs";
import { lookup } from "../src/intake/mapping";
import { ocsf } from "../src/intake/ocsf";
import type { Receiver } from "../src/intake/receiver";
import { severityOfWord } from "../src/intake/severity";
import {
  alertmanagerProbeFailure,
  ecsApacheAccess,
  ecsLoggingLines,
  grafanaWebhook,
  ocsfFalcoFinding,
  ocsfSecurityHub,
  ocsfWindows4625,
} from "./intake-samples";

/**
 * The mapping tables (src/intake/*.ts) as pure functions, on payloads from each format's own
 * documentation (test/intake-samples.ts): what each item becomes, or which of the sender's
 * fields it fails on. The receivers' HTTP behaviour is in intake.*.test.ts.
 */
const JSON_TYPE = "application/json";
const outcomes = (receiver: Receiver, body: unknown, mediaType = JSON_TYPE) =>
  receiver.parse(typeof body === "string" ? body : JSON.stringify(body), mediaType).outcomes();

describe("Alertmanager's mapping table", () => {
  it("maps a real v4 notification: instance, alertname, critical, summary and description, startsAt, am:<fingerprint>", () => {
    const [outcome] = outcomes(alertmanager, alertmanagerProbeFailure);
    expect(outcome).toEqual({
      index: 0,
      event: {
        source_name: "https://server.example.org",
        event_type: "ProbeFailure",
        severity: "Critical",
        description:
          "BlackBox Probe Failure: https://server.example.org\n" +
          "Instance https://server.example.org has been down for over 5m. Job: http_checks",
        occurred_at: "2023-02-06T13:08:45.828000Z",
        dedup_key: "am:1a30ba71cca2921f",
        metadata: {
          labels: alertmanagerProbeFailure.alerts[0]?.labels,
          annotations: alertmanagerProbeFailure.alerts[0]?.annotations,
          alertmanager: {
            status: "firing",
            startsAt: "2023-02-06T13:08:45.828Z",
            endsAt: "0001-01-01T00:00:00Z",
            generatorURL: alertmanagerProbeFailure.alerts[0]?.generatorURL,
            fingerprint: "1a30ba71cca2921f",
            receiver: "sms",
            groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
            externalURL: "http://prometheus.example.org:9093",
            version: "4",
            truncatedAlerts: 0,
          },
        },
      },
    });
  });

  it("takes Grafana's webhook as it is: no instance or job is source 'alertmanager', no severity label is Medium, its extra fields kept", () => {
    const [first, second] = outcomes(alertmanager, grafanaWebhook);
    expect(first).toMatchObject({
      index: 0,
      event: {
        source_name: "alertmanager",
        event_type: "High memory usage",
        severity: "Medium",
        description: "This alert was triggered for zone us-1\nThe system has high memory usage",
        occurred_at: "2021-10-12T07:51:03.157076Z",
        dedup_key: "am:c6eadffa33fcdf37",
        metadata: { alertmanager: { values: { B: 44.23943737541908, C: 1 }, version: "1" } },
      },
    });
    expect(second).toMatchObject({ index: 1, event: { dedup_key: "am:bc97ff14869b13e3" } });
  });

  it("a resolved alert resolves the alert of its key instead of making an event", () => {
    const resolved = structuredClone(alertmanagerProbeFailure);
    resolved.alerts[0] = { ...alertmanagerProbeFailure.alerts[0], status: "resolved" } as (typeof resolved.alerts)[0];
    expect(outcomes(alertmanager, resolved)).toEqual([{ index: 0, resolve: "am:1a30ba71cca2921f" }]);
  });

  it("labels.instance before labels.job; job alone names the source", () => {
    const alert = structuredClone(alertmanagerProbeFailure.alerts[0]) as { labels: Record<string, string> };
    delete alert.labels.instance;
    const [outcome] = outcomes(alertmanager, { alerts: [alert] });
    expect(outcome).toMatchObject({ event: { source_name: "http_checks" } });
  });

  it("a malformed alert fails alone, named by the sender's field; the others map", () => {
    const good = alertmanagerProbeFailure.alerts[0];
    const body = {
      alerts: [
        { ...good, labels: { ...good?.labels, alertname: undefined } },
        good,
        { ...good, status: "pending" },
        { ...good, fingerprint: undefined, status: "resolved" },
        { ...good, labels: { ...good?.labels, team: "a\u0000b" } },
        { ...good, startsAt: "yesterday" },
        "not an alert",
        { ...good, labels: "x" },
      ],
    };
    const results = outcomes(alertmanager, body).map((o) => ("errors" in o ? o.errors : "event" in o ? "event" : o));
    expect(results).toEqual([
      { "labels.alertname": ["This field is required."] },
      "event",
      { status: ['Must be "firing" or "resolved".'] },
      { fingerprint: ["This field is required."] },
      { "labels.team": ["Null characters are not allowed."] },
      { startsAt: ["Must be an RFC 3339 timestamp with a time zone, from 1970 to 9999, e.g. 2026-11-24T10:15:00Z."] },
      { non_field_errors: ["Must be a JSON object (an Alertmanager alert)."] },
      { labels: ["Must be a JSON object."] },
    ]);
  });

  it("an alert both firing and resolved in one notification fails its resolved copy", () => {
    const good = alertmanagerProbeFailure.alerts[0];
    const results = outcomes(alertmanager, { alerts: [good, { ...good, status: "resolved" }] });
    expect(results[0]).toHaveProperty("event");
    expect(results[1]).toEqual({
      index: 1,
      errors: { fingerprint: ["This alert also fires in this notification: it cannot resolve too."] },
    });
  });

  it("a Critical alert without a summary or description says what and where (the Critical rule)", () => {
    const alert = { ...alertmanagerProbeFailure.alerts[0], annotations: {} };
    const [outcome] = outcomes(alertmanager, { alerts: [alert] });
    expect(outcome).toMatchObject({
      event: {
        severity: "Critical",
        description: "ProbeFailure on https://server.example.org (Prometheus Alertmanager)",
      },
    });
  });

  it("a payload that is not a notification is refused whole, pointing at Alertmanager's documentation", () => {
    for (const body of ["[]", "{}", '{"alerts": []}', '{"alerts": {}}', '{"alerts":[{}],"receiver":5}', "nope"]) {
      expect(() => alertmanager.parse(body, JSON_TYPE), body).toThrow(/prometheus\.io\/docs\/alerting/);
    }
    expect(() => alertmanager.parse(JSON.stringify({ alerts: Array(1001).fill({}) }), JSON_TYPE)).toThrow(
      /webhook notification/,
    );
  });

  it("severity words: the table's, any case; anything else Medium", () => {
    expect(["critical", "PAGE", " fatal "].map(severityOfWord)).toEqual(["Critical", "Critical", "Critical"]);
    expect(["error", "High"].map(severityOfWord)).toEqual(["High", "High"]);
    expect(["warning", "bogus", ""].map(severityOfWord)).toEqual(["Medium", "Medium", "Medium"]);
    expect(["info", "debug", "none"].map(severityOfWord)).toEqual(["Low", "Low", "Low"]);
  });
});

describe("OCSF's mapping table", () => {
  it("Windows 4625 (no class or activity names): ids spelled out, the device, severity_id 1 is Low, time in ms", () => {
    const [outcome] = outcomes(ocsf, ocsfWindows4625);
    expect(outcome).toEqual({
      index: 0,
      event: {
        source_name: "EC2AMAZ-6KJ2BPP",
        event_type: "class 3002: activity 1",
        severity: "Low",
        description: "An account failed to log on.",
        occurred_at: "2020-10-08T16:41:47.000000Z",
        metadata: { ocsf: ocsfWindows4625 },
      },
      sourceId: "dd6755af-393a-4eab-8f44-0c24f5ffc590",
    });
  });

  it("findings: named activity, the product when no device, a dedup key from the finding's uid", () => {
    const [falco, hub] = outcomes(ocsf, [ocsfFalcoFinding, ocsfSecurityHub]);
    expect(falco).toMatchObject({
      event: {
        source_name: "Falco",
        event_type: "class 2001: Generate",
        severity: "Medium",
        dedup_key: "ocsf:ec834826-90c1-458a-8eec-a014e7266754",
      },
    });
    expect(hub).toMatchObject({
      event: {
        source_name: "Security Hub",
        event_type: "Security Finding: Update",
        severity: "Low",
        dedup_key: `ocsf:${ocsfSecurityHub.finding.uid}`,
        occurred_at: "2022-08-04T18:09:19.100000Z",
      },
    });
  });

  it("severity_id 0-6 and 99 by the table; anything else fails naming severity_id", () => {
    const severities = [0, 1, 2, 3, 4, 5, 6, 99].map((id) => {
      const [o] = outcomes(ocsf, { ...ocsfWindows4625, severity_id: id, message: "x".repeat(30) });
      return o && "event" in o ? o.event.severity : o;
    });
    expect(severities).toEqual(["Medium", "Low", "Low", "Medium", "High", "Critical", "Critical", "Medium"]);
    for (const bad of [7, -1, "5", 1.5, undefined]) {
      const [o] = outcomes(ocsf, { ...ocsfWindows4625, severity_id: bad });
      expect(o && "errors" in o && Object.keys(o.errors), String(bad)).toEqual(["severity_id"]);
    }
  });

  it("a Critical event with a short message gets what and where appended (the Critical rule)", () => {
    const [o] = outcomes(ocsf, { ...ocsfWindows4625, severity_id: 6, message: "Boom" });
    expect(o).toMatchObject({
      event: { description: "Boom: class 3002: activity 1 on EC2AMAZ-6KJ2BPP (Open Cybersecurity Schema Framework)" },
    });
  });

  it("fails an event naming the field: no class, no source, time past 9999 or ahead of now, too big", () => {
    const { class_uid: _, ...noClass } = ocsfWindows4625;
    const { device: __, metadata: ___, ...noSource } = ocsfWindows4625;
    const cases = [
      noClass,
      noSource,
      { ...ocsfWindows4625, time: 1e17 },
      { ...ocsfWindows4625, time: Date.now() + 3_600_000 },
      { ...ocsfWindows4625, padding: "x".repeat(17 * 1024) },
      { ...ocsfWindows4625, message: 42 },
    ];
    const keys = outcomes(ocsf, cases).map((o) => ("errors" in o ? Object.keys(o.errors) : o));
    expect(keys).toEqual([["class_uid"], ["device.hostname"], ["time"], ["time"], ["non_field_errors"], ["message"]]);
  });

  it("NDJSON: each line an event; a line that is not JSON or not an object fails alone", () => {
    const body = [JSON.stringify(ocsfWindows4625), "", "{nope", "[1]", JSON.stringify(ocsfFalcoFinding)].join("\n");
    const results = outcomes(ocsf, body, "application/x-ndjson").map((o) =>
      "errors" in o ? o.errors.non_field_errors?.[0] : "event",
    );
    expect(results).toEqual([
      "event",
      "This line is not valid JSON.",
      "Must be a JSON object (an OCSF event).",
      "event",
    ]);
  });
});

describe("ECS's mapping table", () => {
  it("the getting-started Apache event: host.hostname, categories joined, no severity is Medium, @timestamp", () => {
    const [o] = outcomes(ecs, ecsApacheAccess);
    expect(o).toEqual({
      index: 0,
      event: {
        source_name: "mbp.example.com",
        event_type: "network,web",
        severity: "Medium",
        description: ecsApacheAccess.message,
        occurred_at: "2020-07-15T20:48:32.000000Z",
        metadata: { ecs: ecsApacheAccess },
      },
    });
  });

  it("ECS logging's own lines (dotted names) have no event type: each fails naming event.action", () => {
    const results = outcomes(ecs, ecsLoggingLines.join("\n"), "application/x-ndjson");
    expect(results).toEqual(
      [0, 1, 2].map((index) => ({
        index,
        errors: { "event.action": ["One of event.action, event.category, event.dataset, event.kind is required."] },
      })),
    );
    // With an action they map, dotted names and all: log.level by the word table, service.name the source.
    const line = JSON.parse(ecsLoggingLines[0] ?? "{}") as Record<string, unknown>;
    const [o] = outcomes(ecs, { ...line, "event.action": "started", "log.level": "ERROR" });
    expect(o).toMatchObject({ event: { source_name: "spring-petclinic", event_type: "started", severity: "High" } });
  });

  it("event.severity 0-100 by its ranges, before log.level; out of range fails naming it", () => {
    const scores = [0, 21, 22, 47, 48, 73, 74, 100].map((score) => {
      const [o] = outcomes(ecs, { ...ecsApacheAccess, "event.severity": score, "log.level": "debug" });
      return o && "event" in o ? o.event.severity : o;
    });
    expect(scores).toEqual(["Low", "Low", "Medium", "Medium", "High", "High", "Critical", "Critical"]);
    for (const bad of [101, -1, 7.5, "high"]) {
      const [o] = outcomes(ecs, { ...ecsApacheAccess, event: { ...ecsApacheAccess.event, severity: bad } });
      expect(o && "errors" in o && Object.keys(o.errors), String(bad)).toEqual(["event.severity"]);
    }
  });

  it("a body that is neither an object, an array nor NDJSON is refused whole, pointing at ECS", () => {
    for (const body of ["42", '"x"', "[]", "null", "{", `[${Array(1001).fill("{}").join(",")}]`]) {
      expect(() => ecs.parse(body, JSON_TYPE), body).toThrow(/elastic\.co/);
    }
  });
});

describe("lookup", () => {
  it("reads nested and dotted names alike, the longest dotted key first", () => {
    const doc = { "host.name": "a", host: { ip: "b" }, "event.category": ["x"], a: { "b.c": { d: 1 } } };
    expect(lookup(doc, "host.name")).toBe("a");
    expect(lookup(doc, "host.ip")).toBe("b");
    expect(lookup(doc, "a.b.c.d")).toBe(1);
    expect(lookup(doc, "host.missing")).toBeUndefined();
    expect(lookup(JSON.parse('{"__proto__": {"x": 1}}'), "x")).toBeUndefined();
  });
});
