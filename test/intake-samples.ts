/**
 * Payloads from each format's own documentation, as published there (trimmed only where said),
 * for the mapping tables' tests. Each names where it comes from.
 */

/**
 * A real Alertmanager webhook notification (version 4) of a blackbox probe failure, the shape
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config specifies; as published
 * with the `alertmanager-webhook-types` crate (assets/sample-v4-payload.json).
 */
export const alertmanagerProbeFailure = {
  receiver: "sms",
  status: "firing",
  alerts: [
    {
      status: "firing",
      labels: {
        alertname: "ProbeFailure",
        instance: "https://server.example.org",
        job: "http_checks",
        monitor: "master",
        severity: "critical",
      },
      annotations: {
        description: "Instance https://server.example.org has been down for over 5m. Job: http_checks",
        summary: "BlackBox Probe Failure: https://server.example.org",
      },
      startsAt: "2023-02-06T13:08:45.828Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0\\u0026g0.tab=1",
      fingerprint: "1a30ba71cca2921f",
    },
  ],
  groupLabels: { alertname: "ProbeFailure" },
  commonLabels: {
    alertname: "ProbeFailure",
    instance: "https://server.example.org",
    job: "http_checks",
    monitor: "master",
    severity: "critical",
  },
  commonAnnotations: {
    description: "Instance https://server.example.org has been down for over 5m. Job: http_checks",
    summary: "BlackBox Probe Failure: https://server.example.org",
  },
  externalURL: "http://prometheus.example.org:9093",
  version: "4",
  groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
  truncatedAlerts: 0,
};

/**
 * Grafana's webhook contact point sends Alertmanager's alerts with fields of its own (orgId,
 * silenceURL, values, ...): the example body of
 * https://grafana.com/docs/grafana/v10.1/alerting/alerting-rules/manage-contact-points/webhook-notifier/
 * (its two alerts; the top-level title/state/message fields trimmed).
 */
export const grafanaWebhook = {
  receiver: "My Super Webhook",
  status: "firing",
  orgId: 1,
  alerts: [
    {
      status: "firing",
      labels: { alertname: "High memory usage", team: "blue", zone: "us-1" },
      annotations: {
        description: "The system has high memory usage",
        runbook_url: "https://myrunbook.com/runbook/1234",
        summary: "This alert was triggered for zone us-1",
      },
      startsAt: "2021-10-12T09:51:03.157076+02:00",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "https://play.grafana.org/alerting/1afz29v7z/edit",
      fingerprint: "c6eadffa33fcdf37",
      silenceURL:
        "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
      dashboardURL: "",
      panelURL: "",
      values: { B: 44.23943737541908, C: 1 },
    },
    {
      status: "firing",
      labels: { alertname: "High CPU usage", team: "blue", zone: "eu-1" },
      annotations: {
        description: "The system has high CPU usage",
        runbook_url: "https://myrunbook.com/runbook/1234",
        summary: "This alert was triggered for zone eu-1",
      },
      startsAt: "2021-10-12T09:56:03.157076+02:00",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "https://play.grafana.org/alerting/d1rdpdv7k/edit",
      fingerprint: "bc97ff14869b13e3",
      silenceURL:
        "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1",
      dashboardURL: "",
      panelURL: "",
      values: { B: 44.23943737541908, C: 1 },
    },
  ],
  groupLabels: {},
  commonLabels: { team: "blue" },
  commonAnnotations: {},
  externalURL: "https://play.grafana.org/",
  version: "1",
  groupKey: "{}:{}",
  truncatedAlerts: 0,
};

/** OCSF's examples repository (github.com/ocsf/examples): Windows event 4625 as Authentication (3002). */
export const ocsfWindows4625 = {
  activity_id: 1,
  actor: {
    process: { file: { name: "-", path: "-", type_id: 1 }, pid: 0 },
    user: {
      account_type: "Windows Account",
      account_type_id: 2,
      domain: "-",
      name: "-",
      session_uid: "0x0",
      uid: "NULL SID",
    },
  },
  auth_protocol: "NTLM",
  auth_protocol_id: 1,
  category_uid: 3,
  class_uid: 3002,
  device: { name: "EC2AMAZ-6KJ2BPP", os: { name: "Windows", type_id: 100 }, type_id: 0 },
  dst_endpoint: { hostname: "EC2AMAZ-6KJ2BPP" },
  logon_process: { name: "NtLmSsp ", pid: -1 },
  logon_type_id: 3,
  message: "An account failed to log on.",
  metadata: {
    original_time: "10/08/2020 12:41:47 PM",
    product: { feature: { name: "Security" }, name: "Microsoft Windows", vendor_name: "Microsoft" },
    profiles: ["host"],
    uid: "dd6755af-393a-4eab-8f44-0c24f5ffc590",
    version: "0.31.2",
  },
  severity_id: 1,
  src_endpoint: { ip: "-", name: "EC2AMAZ-6KJ2BPP", port: 0 },
  status: "0xC000006D",
  status_detail: "Unknown user name or bad password.",
  status_id: 2,
  time: 1602175307000,
  unmapped: {
    "Detailed Authentication Information": {
      "Key Length": "0",
      "Package Name (NTLM only)": "-",
      "Transited Services": "-",
    },
    EventCode: "4625",
    EventType: "0",
    "Failure Information": { "Sub Status": "0xC000006A" },
    OpCode: "Info",
    RecordNumber: "223742",
    SourceName: "Microsoft Windows security auditing.",
    TaskCategory: "Logon",
  },
  user: {
    account_type: "Windows Account",
    account_type_id: 2,
    domain: "EC2AMAZ-6KJ2BPP",
    name: "Administrator",
    uid: "NULL SID",
  },
};

/** OCSF's examples repository: a Falco rule as a Security Finding (2001), mappings/markdown/Falco/falco.json (observables trimmed). */
export const ocsfFalcoFinding = {
  activity_id: 1,
  activity_name: "Generate",
  category_name: "Findings",
  category_uid: 2,
  classname: "Security Finding",
  class_uid: 2001,
  finding: {
    created_time: 1672758699558,
    desc: "Linux Kernel Module injection using insmod detected (user=%user.name user_loginuid=%user.loginuid parent_process=%proc.pname module=%proc.args %container.info image=%container.image.repository:%container.image.tag)",
    title: "Linux Kernel Module Injection Detected",
    types: ["syscalls"],
    uid: "ec834826-90c1-458a-8eec-a014e7266754",
  },
  message: "Linux Kernel Module Injection Detected",
  metadata: { version: "0.1.0", product: { vendor_name: "Falcosecurity", name: "Falco" }, labels: ["process"] },
  observables: [{ name: "hostname", type: "Other", type_id: 0, value: "host0.local" }],
  severity: "Medium",
  severity_id: 3,
  state: "New",
  state_id: 1,
  status: "Warning",
  time: 1672758699558,
  type_name: "Security Finding: Generate",
  type_uid: 200101,
};

/**
 * OCSF's examples repository: AWS Security Hub as a Security Finding, "Findings/Security Finding/AWS/
 * Security Hub/Security Hub.json" (resources, malware, process, vulnerabilities and unmapped trimmed).
 */
export const ocsfSecurityHub = {
  metadata: {
    product: {
      version: "2018-10-08",
      feature: { uid: "aws-foundational-security-best-practices/v/1.0.0/EC2.19", name: "Security Hub" },
      uid: "arn:aws:securityhub:us-east-1::product/aws/securityhub",
      vendor_name: "AWS",
      name: "Security Hub",
    },
    profiles: ["cloud"],
    version: "1.0.0-rc.2",
  },
  time: 1659636559100,
  cloud: { account_uid: "123456789100", region: "us-east-1", provider: "AWS" },
  finding: {
    created_time: 1635449619417,
    uid: "arn:aws:securityhub:us-east-1:123456789100:subscription/cis-aws-foundations-benchmark/v/1.2.0/3.9/finding/randomsample",
    desc: "This control checks whether unrestricted incoming traffic for the security groups is accessible to the specified ports [3389, 20, 23, 110, 143, 3306, 8080, 1433, 9200, 9300, 25, 445, 135, 21, 1434, 4333, 5432, 5500, 5601, 22, 3000, 5000, 8088, 8888] that have the highest risk. This control passes when none of the rules in a security group allow ingress traffic from 0.0.0.0/0 for the listed ports.",
    title: "EC2.19 Security groups should not allow unrestricted access to ports with high risk",
    modified_time: 1659636559100,
    first_seen_time: 1635449619417,
    last_seen_time: 1659636565316,
    types: [
      "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices",
    ],
  },
  compliance: {
    status: "PASSED",
    requirements: ["PCI1.2"],
    status_detail: "CloudWatch alarms do not exist in the account",
  },
  class_name: "Security Finding",
  class_uid: 2001,
  category_name: "Findings",
  category_uid: 2,
  severity_id: 1,
  severity: "Informational",
  activity_name: "Update",
  activity_id: 2,
  type_uid: 200102,
  type_name: "Security Finding: Update",
  state_id: 3,
  state: "Suppressed",
};

/**
 * ECS logging's own example (https://www.elastic.co/guide/en/ecs-logging/overview/current/intro.html):
 * three NDJSON lines with dotted field names, exactly as published.
 */
export const ecsLoggingLines = [
  `{"@timestamp":"2019-08-06T12:09:12.375Z", "log.level": "INFO", "message":"Tomcat started on port(s): 8080 (http) with context path ''", "service.name":"spring-petclinic","process.thread.name":"restartedMain","log.logger":"org.springframework.boot.web.embedded.tomcat.TomcatWebServer"}`,
  `{"@timestamp":"2019-08-06T12:09:12.379Z", "log.level": "INFO", "message":"Started PetClinicApplication in 7.095 seconds (JVM running for 9.082)", "service.name":"spring-petclinic","process.thread.name":"restartedMain","log.logger":"org.springframework.samples.petclinic.PetClinicApplication"}`,
  `{"@timestamp":"2019-08-06T14:08:40.199Z", "log.level":"DEBUG", "message":"init find form", "service.name":"spring-petclinic","process.thread.name":"http-nio-8080-exec-8","log.logger":"org.springframework.samples.petclinic.owner.OwnerController","transaction.id":"28b7fb8d5aba51f1","trace.id":"2869b25b5469590610fea49ac04af7da"}`,
];

/**
 * ECS's getting-started guide (https://www.elastic.co/guide/en/ecs/current/ecs-getting-started.html):
 * the Apache access event its three tables map, field for field, as one document.
 */
export const ecsApacheAccess = {
  "@timestamp": "2020-07-15T20:48:32.000Z",
  event: {
    original:
      '10.42.42.42 - - [15/Jul/2020:20:48:32 +0000] "GET /content HTTP/1.1" 200 2571 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.106 Safari/537.36"',
    module: "apache",
    dataset: "apache.access",
    kind: "event",
    category: ["network", "web"],
    type: ["access"],
    outcome: "success",
  },
  http: { request: { method: "GET" }, response: { body: { bytes: 2571 }, status_code: 200 }, version: "1.1" },
  message:
    'GET /content HTTP/1.1" 200 2571 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.106 Safari/537.36',
  source: { address: "10.42.42.42", ip: "10.42.42.42" },
  url: { original: "/content" },
  user_agent: {
    original:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/83.0.4103.106 Safari/537.36",
    name: "Chrome",
    os: { full: "Mac OS X 10.15.4", name: "Mac OS X", version: "10.15.4" },
    version: "83.0.4103.106",
  },
  ecs: { version: "1.5.0" },
  host: {
    architecture: "x86_64",
    hostname: "mbp.example.com",
    ip: ["192.168.1.100"],
    os: { family: "darwin", kernel: "19.4.0", name: "Mac OS X", version: "10.15.4" },
  },
};
