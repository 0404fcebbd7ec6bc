import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, createRule, deleteRulesOf, getAlert, ingest, listRules, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, signIn, type TestUser, useBrowser } from "./helpers";

const browser = useBrowser();

/** Signs in on the queue, then follows the alert's link, as an analyst would. */
async function openAlert(user: TestUser, id: number): Promise<Page> {
  const { page } = await openConsole(browser(), "/alerts");
  await signIn(page, user);
  await page.getByRole("link", { name: `#${id}`, exact: true }).click();
  await page.waitForURL(`**/alerts/${id}`);
  await page.locator(".summary").waitFor();
  return page;
}

/** The value next to a label in a definition list. */
const field = (page: Page, scope: string, label: string) =>
  page.locator(`${scope} dt:text-is("${label}") + dd`).textContent();

describe("the alert page (contract section 14)", () => {
  it("shows the event's fields and metadata; an analyst gets no triage controls", async () => {
    const token = await tokenFor(await createUser("admin"));
    const id = await raiseAlert(token, {
      source_name: "edr-laptop-113",
      event_type: "malware_detected",
      description: "Quarantined Emotet dropper in Outlook cache",
      metadata: { host: "laptop-113", sha256: "9f86d081884c7d65", ports: [445, 139] },
    });
    const page = await openAlert(await createUser("analyst"), id);

    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(
      `Alert #${id} malware_detected on edr-laptop-113`,
    );
    expect(await field(page, ".summary", "Status")).toBe("Open");
    expect(await field(page, ".summary", "Severity")).toBe("High");
    expect(await field(page, "section", "Source")).toBe("edr-laptop-113");
    expect(await field(page, "section", "Description")).toBe("Quarantined Emotet dropper in Outlook cache");
    const metadata = await page
      .locator(".metadata tr")
      .evaluateAll((rows) => rows.map((r) => [r.querySelector("th")?.textContent, r.querySelector("td")?.textContent]));
    expect(Object.fromEntries(metadata)).toEqual({
      host: "laptop-113",
      sha256: "9f86d081884c7d65",
      ports: "[445,139]",
    });
    expect(await page.getByRole("heading", { name: "Triage" }).count()).toBe(0);
  });

  it("shows grouped events, notes and history", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const dedup = `ssh-bruteforce-${crypto.randomUUID()}`;
    const id = await raiseAlert(token, { dedup_key: dedup });
    await ingest(token, { dedup_key: dedup, description: "Another burst, from 198.51.100.4" });
    const note = await api(`/api/alerts/${id}/notes/`, { token, json: { body: "Blocked 203.0.113.7 at the edge." } });
    expect(note.status).toBe(201);

    const page = await openAlert(await createUser("analyst"), id);
    expect(await field(page, ".summary", "Events")).toBe("2");
    expect(await field(page, ".summary", "Dedup key")).toBe(dedup);
    await page.locator("#events-title ~ .table-wrap tbody tr").nth(1).waitFor();
    expect(await page.locator("#events-title ~ .table-wrap tbody tr").count()).toBe(2);
    await page.locator(".notes li", { hasText: "Blocked 203.0.113.7 at the edge." }).waitFor();
    expect(await page.locator(".notes .note-meta strong").textContent()).toBe(admin.username);
    await page.locator('.history li[data-action="note_added"]').waitFor();
    const actions = await page
      .locator(".history li")
      .evaluateAll((items) => items.map((i) => i.getAttribute("data-action")));
    expect(actions).toEqual(["created", "event_grouped", "note_added"]);
  });

  it("an analyst adds a note: it shows at once and the API has it", async () => {
    const token = await tokenFor(await createUser("admin"));
    const id = await raiseAlert(token);
    const analyst = await createUser("analyst");
    const page = await openAlert(analyst, id);

    await page.getByLabel("Add a note").fill("Checked the VPN logs: no session from that IP.");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.locator(".notes li", { hasText: "Checked the VPN logs" }).waitFor();
    expect(await page.getByLabel("Add a note").inputValue()).toBe("");

    const res = await api(`/api/alerts/${id}/notes/`, { token });
    const notes = (await res.json()) as { results: { author: string; body: string }[] };
    expect(notes.results).toEqual([
      expect.objectContaining({ author: analyst.username, body: "Checked the VPN logs: no session from that IP." }),
    ]);
  });

  it("an admin resolves the alert; the API confirms and the status locks", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const id = await raiseAlert(token);
    const page = await openAlert(admin, id);

    await page.getByLabel("Status", { exact: true }).selectOption("Resolved");
    await page.getByRole("button", { name: "Set status" }).click();
    await page.getByRole("status").filter({ hasText: "Status set to Resolved." }).waitFor();
    expect(await field(page, ".summary", "Status")).toBe("Resolved");
    expect(await page.getByLabel("Status", { exact: true }).isDisabled()).toBe(true);
    expect(await field(page, ".summary", "Resolved")).not.toBe("—");

    const alert = await getAlert(token, id);
    expect(alert.status).toBe("Resolved");
  });

  it("an admin assigns the alert; the API confirms; an unknown user shows the detail", async () => {
    const admin = await createUser("admin");
    const analyst = await createUser("analyst");
    const token = await tokenFor(admin);
    const id = await raiseAlert(token);
    const page = await openAlert(admin, id);

    await page.getByLabel("Assignee").fill(analyst.username);
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Assigned to ${analyst.username}.` })
      .waitFor();
    expect(await field(page, ".summary", "Assignee")).toBe(analyst.username);
    expect((await getAlert(token, id)).assignee).toBe(analyst.username);
    await page.locator('.history li[data-action="assigned"]').waitFor();

    await page.getByLabel("Assignee").fill("nobody-by-this-name");
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    const error = page.locator(".triage").getByRole("alert");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/assignee/i);
    expect((await getAlert(token, id)).assignee).toBe(analyst.username);
  });

  it("shows the alert's tags and the rule that opened it, and the event's tags and the rules applied to it", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const source = `tagged-${crypto.randomUUID().slice(0, 8)}`;
    try {
      const pci = await createRule(token, {
        name: "PCI segment",
        conditions: [{ field: "source_name", op: "eq", value: source }],
        actions: { add_tags: ["pci"] },
      });
      const burst = await createRule(token, {
        name: "Login bursts",
        conditions: [{ field: "source_name", op: "eq", value: `${source}-burst` }],
        actions: {},
        threshold: { count: 2, within_seconds: 60, group_by: ["source_name"] },
      });
      const builtin = (await listRules(token)).at(-1);
      const id = await raiseAlert(token, { source_name: source, tags: ["env:prod"] });
      const page = await openAlert(await createUser("analyst"), id);
      expect(await page.locator(".summary .tags li").allTextContents()).toEqual(["env:prod", "pci"]);
      expect(await field(page, ".summary", "Opened by")).toBe(`rule #${builtin?.id} ${builtin?.name}`);
      expect(await field(page, "section", "Tags")).toBe("env:prodpci");
      // Each applied rule by id and by name, in the order they applied.
      const applied = page.locator("section .rule-names li");
      await expect
        .poll(() => applied.allTextContents())
        .toEqual([`#${pci.id} PCI segment`, `#${builtin?.id} ${builtin?.name}`]);
      // A rule deleted since keeps its id on the event, and says it is gone.
      expect((await api(`/api/rules/${pci.id}/`, { method: "DELETE", token })).status).toBe(204);
      await page.reload();
      await expect
        .poll(() => applied.allTextContents())
        .toEqual([`#${pci.id} (deleted)`, `#${builtin?.id} ${builtin?.name}`]);
      // A tag leads to the queue filtered by it.
      await page.locator(".summary").getByRole("link", { name: "pci" }).click();
      await page.waitForURL("**/alerts?tag=pci");
      await page.locator(`tr[data-alert-id="${id}"]`).waitFor();

      // An alert a threshold opened says which, and with what threshold.
      await ingest(token, { source_name: `${source}-burst`, severity: "Low" });
      const opened = await raiseAlert(token, { source_name: `${source}-burst`, severity: "Low" });
      await page.goto(`/alerts/${opened}`);
      await page.locator(".summary").waitFor();
      expect(await field(page, ".summary", "Opened by")).toBe(
        `threshold rule #${burst.id} Login bursts: 2 within 60 s per source_name`,
      );
    } finally {
      await deleteRulesOf(token, [admin.username]);
    }
  });

  it("an unknown alert shows the API's detail", async () => {
    const { page } = await openConsole(browser(), "/alerts/999999999");
    await signIn(page, await createUser("analyst"));
    const error = page.getByRole("alert");
    await error.waitFor();
    expect(await error.textContent()).toBe("No alert with this id.");
  });

  it("works from the keyboard: sign in, open an alert, Escape back to the queue", async () => {
    const token = await tokenFor(await createUser("admin"));
    const id = await raiseAlert(token);
    const analyst = await createUser("analyst");
    const { page } = await openConsole(browser(), "/alerts");

    // The username field has focus on arrival; Tab moves on, Enter submits.
    await page.getByLabel("Username").waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("username");
    await page.keyboard.type(analyst.username);
    await page.keyboard.press("Tab");
    await page.keyboard.type(analyst.password);
    await page.keyboard.press("Enter");
    await page.locator(`tr[data-alert-id="${id}"]`).waitFor();

    const link = page.getByRole("link", { name: `#${id}`, exact: true });
    await link.focus();
    expect(await link.evaluate((a) => getComputedStyle(a).outlineStyle)).toBe("solid"); // visible focus
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/alerts/${id}`);
    // Focus moved to the new page's heading (once the page has rendered: under load, a moment later).
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");

    await page.keyboard.press("Escape");
    await page.waitForURL((url) => url.pathname === "/alerts");
    await page.locator(`tr[data-alert-id="${id}"]`).waitFor();
  });
});
