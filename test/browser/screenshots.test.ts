import { sql } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { createDb } from "../../src/db/client";
import { api, createRule, deleteRulesOf, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, shoot, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

/** A morning's worth of alerts, as a SOC would see them. */
const SCENE = [
  {
    source_name: "waf-eu-1",
    event_type: "sql_injection",
    description: "UNION-based probe on /api/v2/orders",
    tags: ["env:prod", "pci"],
  },
  { source_name: "ids-core-02", event_type: "port_scan", description: "SYN scan of 1,024 ports from 198.51.100.23" },
  {
    source_name: "mail-gw-01",
    event_type: "phishing_click",
    description: "Credential-harvesting URL opened by 3 users",
  },
  {
    source_name: "idp-okta",
    event_type: "impossible_travel",
    severity: "Critical",
    description: "Sign-in from Lagos 12 minutes after one from Berlin, same account",
  },
  { source_name: "vpn-gw-2", event_type: "anomalous_login", description: "First login from a new country for j.doe" },
  {
    source_name: "dc-01",
    event_type: "dcsync",
    severity: "Critical",
    description: "Directory replication requested by non-DC host WS-2231",
    tags: ["crown-jewels"],
  },
  { source_name: "fw-edge-01", event_type: "brute_force", description: "50 failed SSH logins for root in 60 s" },
  {
    source_name: "edr-laptop-113",
    event_type: "ransomware_behavior",
    severity: "Critical",
    description: "Mass renames to .lockbit on \\\\finance\\share by outlook.exe child process",
    dedup_key: "edr:laptop-113:lockbit",
    metadata: { host: "laptop-113", user: "m.keller", process: "rundll32.exe", files_renamed: 1843 },
    tags: ["env:prod", "finance"],
  },
];
const STATUSES = ["Resolved", "Acknowledged", "Investigating", "Acknowledged", "Open", "Investigating", "Open", "Open"];
/** Which alerts the analyst has taken. */
const TAKEN = [2, 5, 7];

describe("README screenshots (issue 12)", () => {
  it("the queue and an alert page, on a laptop screen", async () => {
    const admin = await createUser("admin");
    const analyst = await createUser("analyst");
    const token = await tokenFor(admin);
    let last = 0;
    for (const [i, fields] of SCENE.entries()) {
      last = await raiseAlert(token, { metadata: { src_ip: "203.0.113.7" }, ...fields });
      const change = {
        ...(STATUSES[i] !== "Open" && { status: STATUSES[i] }),
        ...(TAKEN.includes(i) && { assignee: analyst.username }),
      };
      if (Object.keys(change).length) await api(`/api/alerts/${last}/`, { method: "PATCH", token, json: change });
    }
    // The last one is a campaign: two more detections group into it; the analyst takes it and says what was done.
    const ransomware = SCENE.at(-1) ?? {};
    for (const files_renamed of [2210, 2874]) {
      const grouped = await raiseAlert(token, { ...ransomware, metadata: { host: "laptop-113", files_renamed } });
      expect(grouped).toBe(last);
    }
    const taken = await api(`/api/alerts/${last}/`, { method: "PATCH", token, json: { status: "Investigating" } });
    expect(taken.status).toBe(200);
    const note = await api(`/api/alerts/${last}/notes/`, {
      token: await tokenFor(analyst),
      json: {
        body: "Isolated laptop-113 from the network at 09:12; pulling the EDR triage package. m.keller informed.",
      },
    });
    expect(note.status).toBe(201);

    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, admin);
    await page.locator(`tr[data-alert-id="${last}"]`).waitFor();
    expect(await page.locator("tbody tr").count()).toBeGreaterThanOrEqual(SCENE.length);
    const queue = await page.screenshot(shoot("console-queue.png"));

    await page.getByRole("link", { name: `#${last}`, exact: true }).click();
    await page.locator(".metadata").waitFor();
    expect(await page.locator(".metadata th").allTextContents()).toEqual(["host", "user", "process", "files_renamed"]);
    const alert = await page.screenshot(shoot("console-alert.png"));

    for (const png of [queue, alert]) expect(png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("the dashboard over a day of alerts, the admin pages, and a phone in dark mode", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    await spreadOverADay(token);
    // What it sets up matches nothing the other browser tests send (they run after it, on its database).
    const silence = await api("/api/silences/", {
      token,
      json: {
        matchers: [{ field: "source_name", op: "glob", value: "fw-core-*" }],
        ends_at: new Date(Date.now() + 4 * 3_600_000).toISOString(),
        comment: "Firmware upgrade on the core firewalls, CHG-4821",
      },
    });
    const watched = ["fw-core-01", "ids-core-02"];
    for (const name of watched) await api("/api/heartbeats/", { token, json: { name, timeout_seconds: 300 } });
    await api("/api/heartbeats/fw-core-01/", { token, json: {} });
    const pngs: Buffer[] = [];
    const { page } = await openConsole(browser());
    await signIn(page, admin);
    await page.locator(".dashboard svg").first().waitFor();
    await settle(page);
    pngs.push(await page.screenshot({ ...shoot("console-dashboard.png"), fullPage: true }));

    for (const [path, ready, name] of [
      ["/silences", "tr[data-silence-id]", "console-silences.png"],
      ["/heartbeats", "tr[data-heartbeat]", "console-heartbeats.png"],
    ] as const) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      pngs.push(await page.screenshot(shoot(name)));
    }

    await page.goto("/admin/keys");
    await page.getByLabel("Name").fill("fw-edge-01");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator("[data-secret]").waitFor();
    pngs.push(await page.screenshot(shoot("console-keys.png")));

    await page.goto("/admin/webhooks");
    await page.getByLabel("URL").fill("https://soar.example.com/hooks/vigil");
    await page.getByLabel("Description").fill("SOAR playbook trigger");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.locator("tr[data-webhook-id]").first().waitFor();
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Send test ping" }).first().click();
    await page.getByRole("status").filter({ hasText: "queued" }).waitFor();
    pngs.push(await page.screenshot(shoot("console-webhooks.png")));
    await page.getByRole("link", { name: "Deliveries" }).first().click();
    await page.locator("tr[data-delivery-id]").first().waitFor();
    pngs.push(await page.screenshot(shoot("console-webhook-deliveries.png")));

    await page.goto("/admin/users");
    await page.locator("tr[data-user]").first().waitFor();
    pngs.push(await page.screenshot(shoot("console-users.png")));
    await page.goto("/admin/audit");
    await page.locator("tr[data-audit-id]").first().waitFor();
    pngs.push(await page.screenshot(shoot("console-audit.png")));

    // On call: a phone, in dark mode, the dashboard and the queue with a bulk action's outcome.
    const phone = await openConsole(browser(), "/", { screen: "phone", colorScheme: "dark" });
    await signIn(phone.page, admin);
    await phone.page.locator(".dashboard svg").first().waitFor();
    await settle(phone.page);
    pngs.push(await phone.page.screenshot(shoot("console-dashboard-phone-dark.png")));
    await phone.page.goto("/alerts?status=Open");
    await phone.page.locator("tbody tr[data-alert-id]").nth(2).waitFor();
    for (const box of (await phone.page.getByRole("checkbox", { name: /^Select alert/ }).all()).slice(0, 2)) {
      await box.check();
    }
    await phone.page.getByRole("button", { name: "Acknowledge", exact: true }).click();
    await phone.page.locator(".outcome").first().waitFor();
    pngs.push(await phone.page.screenshot(shoot("console-queue-phone-dark.png")));

    for (const png of pngs) expect(png.subarray(1, 4).toString()).toBe("PNG");

    // Nothing stays to alert, notify or silence while the other files run.
    const { id: silenceId } = (await silence.json()) as { id: number };
    expect((await api(`/api/silences/${silenceId}/`, { method: "DELETE", token })).status).toBe(204);
    for (const name of watched) await api(`/api/heartbeats/${name}/`, { method: "DELETE", token });
    const hooks = (await (await api("/api/webhooks/", { token })).json()) as { results: { id: number; url: string }[] };
    for (const hook of hooks.results.filter((h) => h.url.startsWith("https://soar.example.com/"))) {
      await api(`/api/webhooks/${hook.id}/`, { method: "DELETE", token });
    }
  });

  it("the rules page, with a rule open and samples tested against it", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    // Rules are global: these match only sources no other test sends, and are deleted below.
    try {
      await createRule(token, {
        name: "Scanner port scans are Low",
        description: "The weekly vulnerability scan: expected, never worth an alert",
        conditions: [
          { field: "source_name", op: "eq", value: "vuln-scanner-01" },
          { field: "event_type", op: "eq", value: "port_scan" },
        ],
        actions: { set_severity: "Low", stop: true },
      });
      const pci = await createRule(token, {
        name: "PCI segment: tag it, one alert per host",
        conditions: [
          { field: "metadata.segment", op: "eq", value: "pci" },
          { field: "source_name", op: "glob", value: "pci-fw-*" },
        ],
        actions: { add_tags: ["pci"], set_dedup_key: "{source_name}:{event_type}:{metadata.host}" },
      });
      await createRule(token, {
        name: "Admin login brute force",
        description: "Three failed admin logins from one source within 5 minutes",
        conditions: [
          { field: "event_type", op: "eq", value: "admin_login_failed" },
          { field: "source_name", op: "glob", value: "idp-eu-*" },
        ],
        actions: { set_severity: "High" },
        threshold: { count: 3, within_seconds: 300, group_by: ["source_name"] },
      });
      await createRule(token, {
        name: "Lab sensors are noise",
        enabled: false,
        conditions: [
          { field: "tags", op: "in", value: ["lab", "staging"] },
          { field: "source_name", op: "glob", value: "lab-*" },
        ],
        actions: { suppress: true },
      });

      const { page } = await openConsole(browser(), "/rules");
      await signIn(page, admin);
      await page.locator(`tr[data-rule-id="${pci.id}"]`).getByRole("button", { name: "Edit" }).click();
      const login = { source_name: "pci-fw-02", event_type: "login_failed", severity: "High" };
      const samples = [
        { ...login, metadata: { segment: "pci", host: "db-7" } },
        { ...login, metadata: { segment: "pci", host: "db-7" } },
        { ...login, severity: "Medium", metadata: { segment: "pci", host: "db-9" } },
        { source_name: "vuln-scanner-01", event_type: "port_scan", severity: "High" },
      ];
      await page.getByLabel("Sample events").fill(`[\n${samples.map((e) => JSON.stringify(e)).join(",\n")}\n]`);
      await page.getByRole("button", { name: "Test", exact: true }).click();
      await page.locator("tr[data-sample]").nth(3).waitFor();
      const png = await page.screenshot({ ...shoot("console-rules.png"), fullPage: true });
      expect(png.subarray(1, 4).toString()).toBe("PNG");
    } finally {
      await deleteRulesOf(token, [admin.username]);
    }
  });
});

/** Lets charts measure their width and draw (one more frame after the data arrived). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

const SOURCES = ["fw-edge-01", "fw-edge-02", "ids-core-02", "waf-eu-1", "idp-okta", "mail-gw-01", "vpn-gw-2"];
const TYPES = ["brute_force", "port_scan", "sql_injection", "impossible_travel", "phishing_click"];
const TAGS = ["env:prod", "pci", "crown-jewels", "team:blue"];

/**
 * Forty alerts moved back over the last day, some acknowledged and resolved after a while, so
 * the dashboard has something to draw. Times are set in the database: the API raises alerts now.
 */
async function spreadOverADay(token: string): Promise<void> {
  const db = createDb(inject("databaseUrl"));
  for (let i = 0; i < 40; i++) {
    const critical = i % 5 === 0;
    const id = await raiseAlert(token, {
      source_name: SOURCES[(i * i) % SOURCES.length],
      event_type: TYPES[i % TYPES.length],
      tags: TAGS.filter((_, t) => (i + t) % (t + 2) === 0),
      ...(critical ? { severity: "Critical", description: "Credential dumping tool seen on a domain controller" } : {}),
    });
    const hoursAgo = (i * 7) % 23;
    const acknowledged = i % 3 !== 0;
    await db.execute(sql`
      update alerts set
        created_at = now() - make_interval(hours => ${hoursAgo}, mins => ${i % 60}),
        status = (case when ${i % 4 === 0} then 'Resolved' when ${acknowledged} then 'Acknowledged' else 'Open' end)::alert_status,
        acknowledged_at = case when ${acknowledged} or ${i % 4 === 0}
          then now() - make_interval(hours => ${hoursAgo}, mins => ${i % 60}) + make_interval(mins => ${3 + (i % 9) * 4}) end,
        resolved_at = case when ${i % 4 === 0}
          then now() - make_interval(hours => ${hoursAgo}, mins => ${i % 60}) + make_interval(mins => ${40 + i * 3}) end
      where id = ${id}`);
  }
}
