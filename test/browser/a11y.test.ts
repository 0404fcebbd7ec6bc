import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, raiseAlert, tokenFor } from "./api";
import { axeViolations, serious } from "./axe";
import { createUser, openConsole, signIn, type TestUser, useBrowser } from "./helpers";

const browser = useBrowser();

type Scene = { admin: TestUser; alertId: number; webhookId: number; done: () => Promise<void> };

/** Every page of the console, and what shows it has finished loading. */
function pages({ alertId, webhookId }: Scene): [string, string][] {
  return [
    ["/", ".dashboard svg"],
    ["/alerts", "tbody tr[data-alert-id]"],
    [`/alerts/${alertId}`, ".history li"],
    ["/silences", "main table, main .empty"],
    ["/heartbeats", "main table, main .empty"],
    ["/rules", "tr[data-rule-id]"],
    ["/admin/keys", "main table, main .empty"],
    ["/admin/webhooks", "tr[data-webhook-id]"],
    [`/admin/webhooks/${webhookId}`, "tr[data-delivery-id], main .empty"],
    ["/admin/users", "tr[data-user]"],
    ["/admin/audit", "tr[data-audit-id]"],
    ["/no-such-page", "main h1"],
  ];
}

async function scene(): Promise<Scene> {
  const admin = await createUser("admin");
  const token = await tokenFor(admin);
  const alertId = await raiseAlert(token, { severity: "Critical", description: "Directory replication from WS-2231" });
  await api(`/api/alerts/${alertId}/notes/`, { token, json: { body: "Looking into it." } });
  const hook = await api("/api/webhooks/", {
    token,
    json: { url: "https://hooks.example.com/a11y", events: ["alert.created"], min_severity: "Critical" },
  });
  const { id: webhookId } = (await hook.json()) as { id: number };
  // Subscribed only to be seen: unsubscribed once looked at, so later files' alerts go nowhere.
  const done = async () => {
    await api(`/api/webhooks/${webhookId}/`, { method: "DELETE", token });
  };
  return { admin, alertId, webhookId, done };
}

/**
 * The rules page with its editor open as a refused draft left it (the API's problems next to the
 * fields) and a sample's outcome shown.
 */
async function openRuleEditor(page: Page): Promise<void> {
  await page.goto("/rules");
  await page.getByRole("button", { name: "New rule" }).click();
  await page.getByRole("button", { name: "Create rule" }).click();
  await page.locator("#rule-name-problems").waitFor();
  await page
    .getByLabel("Sample events")
    .fill('{"source_name": "a11y-sample", "event_type": "probe", "severity": "Low"}');
  await page.getByLabel("Value 1").fill("a11y-sample");
  await page.getByLabel("Name", { exact: true }).fill("A rule under test");
  await page.getByLabel("Add tags").fill("a11y");
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await page.locator("tr[data-sample]").waitFor();
}

/** What axe-core finds serious or critical on the page, named by where it was found. */
async function check(page: Page, where: string): Promise<string[]> {
  return serious(await axeViolations(page)).map((v) => `${where}: ${v.id} (${v.impact}) ${v.targets.join(", ")}`);
}

describe("accessibility, dark mode and phones (issue 20)", () => {
  // axe over every page, twice: slower than the default 30 s on a busy machine.
  it("no serious or critical axe-core violation on any page, light on a laptop and dark on a phone", async () => {
    const s = await scene();
    const found: string[] = [];
    for (const [screen, colorScheme] of [
      ["laptop", "light"],
      ["phone", "dark"],
    ] as const) {
      const { page } = await openConsole(browser(), "/", { screen, colorScheme });
      await page.getByLabel("Username").waitFor();
      found.push(...(await check(page, `sign-in (${screen}, ${colorScheme})`)));
      await signIn(page, s.admin);
      for (const [path, ready] of pages(s)) {
        await page.goto(path);
        await page.locator(ready).first().waitFor();
        found.push(...(await check(page, `${path} (${screen}, ${colorScheme})`)));
      }
      // The shortcuts dialog, open.
      await page.goto("/alerts");
      await page.locator("tbody tr[data-alert-id]").first().waitFor();
      await page.locator("h1").click();
      await page.keyboard.press("?");
      await page.getByRole("dialog").waitFor();
      found.push(...(await check(page, `/alerts with its dialog (${screen}, ${colorScheme})`)));
      await page.context().close();
    }
    await s.done();
    expect(found).toEqual([]);
  }, 120_000);

  it("follows the system's dark mode, and fits a 390 px phone without sideways scrolling", async () => {
    const s = await scene();
    const { page } = await openConsole(browser(), "/", { screen: "phone", colorScheme: "dark" });
    await signIn(page, s.admin);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await background()).toBe("rgb(17, 20, 24)");
    const wide: string[] = [];
    for (const [path, ready] of pages(s)) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) wide.push(`${path} is ${width} px wide`);
    }
    await s.done();
    expect(wide).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });
    expect(await background()).toBe("rgb(246, 247, 249)");
  });

  it("the rules editor, open with refused fields and a test's results: no serious violation, and it fits a phone", async () => {
    const admin = await createUser("admin");
    const found: string[] = [];
    for (const [screen, colorScheme] of [
      ["laptop", "light"],
      ["phone", "dark"],
    ] as const) {
      const { page } = await openConsole(browser(), "/rules", { screen, colorScheme });
      await signIn(page, admin);
      await openRuleEditor(page);
      found.push(...(await check(page, `/rules with its editor (${screen}, ${colorScheme})`)));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390 && screen === "phone") found.push(`/rules with its editor is ${width} px wide`);
      await page.context().close();
    }
    expect(found).toEqual([]);
  });
});
