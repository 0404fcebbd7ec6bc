import { describe, expect, it } from "vitest";
import { api, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, shoot, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

/** A morning's worth of alerts, as a SOC would see them. */
const SCENE = [
  { source_name: "waf-eu-1", event_type: "sql_injection", description: "UNION-based probe on /api/v2/orders" },
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
  },
  { source_name: "fw-edge-01", event_type: "brute_force", description: "50 failed SSH logins for root in 60 s" },
  {
    source_name: "edr-laptop-113",
    event_type: "ransomware_behavior",
    severity: "Critical",
    description: "Mass renames to .lockbit on \\\\finance\\share by outlook.exe child process",
    dedup_key: "edr:laptop-113:lockbit",
    metadata: { host: "laptop-113", user: "m.keller", process: "rundll32.exe", files_renamed: 1843 },
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

    const { page } = await openConsole(browser());
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
});
