import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, getAlert, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, signIn, type TestUser, useBrowser } from "./helpers";

const browser = useBrowser();

const outcome = (page: Page, id: number) => page.locator(`tr[data-alert-id="${id}"] .outcome`);

/** An admin on the queue searched down to the alerts of one test (its own source). */
async function queueOf(admin: TestUser, source: string): Promise<Page> {
  const { page } = await openConsole(browser(), `/alerts?q=${source}`);
  await signIn(page, admin);
  await page.locator("tbody tr[data-alert-id]").first().waitFor();
  return page;
}

describe("bulk triage in the queue (issue 20)", () => {
  it("selects rows, acknowledges them in one request, and shows each row's outcome (200, 409)", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const source = `bulk-${crypto.randomUUID().slice(0, 6)}`;
    const [a, b, resolved] = [
      await raiseAlert(token, { source_name: source }),
      await raiseAlert(token, { source_name: source }),
      await raiseAlert(token, { source_name: source }),
    ];
    const page = await queueOf(admin, source);
    // Resolved by someone else after the page was loaded: the row still looks Open.
    await api(`/api/alerts/${resolved}/`, { method: "PATCH", token, json: { status: "Resolved" } });

    const bulk = page.waitForRequest((r) => r.url().endsWith("/api/alerts/bulk/"));
    await page.getByRole("checkbox", { name: "Select every alert on this page" }).check();
    await page.getByRole("status").filter({ hasText: "3 selected" }).waitFor();
    await page.getByRole("button", { name: "Acknowledge", exact: true }).click();
    expect((await bulk).postDataJSON()).toEqual({ ids: [resolved, b, a], status: "Acknowledged" });

    await expect.poll(() => outcome(page, a).textContent()).toMatch(/^200/);
    expect(await outcome(page, b).textContent()).toMatch(/^200/);
    expect(await outcome(page, resolved).textContent()).toMatch(/^409/);
    expect(await outcome(page, resolved).getAttribute("title")).toMatch(/Resolved/);
    expect(await page.locator(".notice").textContent()).toMatch(/2 acknowledged \(200\); 1 refused \(409\)/);
    expect((await getAlert(token, a)).status).toBe("Acknowledged");
    expect((await getAlert(token, resolved)).status).toBe("Resolved");

    await page.getByRole("checkbox", { name: `Select alert #${a}` }).check();
    await page.getByRole("button", { name: "Assign to me" }).click();
    await expect.poll(async () => (await getAlert(token, a)).assignee).toBe(admin.username);
    await page.getByRole("checkbox", { name: `Select alert #${b}` }).check();
    await page.getByRole("button", { name: "Resolve", exact: true }).click();
    await expect.poll(async () => (await getAlert(token, b)).status).toBe("Resolved");
  });

  it("from the keyboard: j/k move, x selects, a acknowledges, ? lists the keys", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const source = `keys-${crypto.randomUUID().slice(0, 6)}`;
    const older = await raiseAlert(token, { source_name: source });
    const newer = await raiseAlert(token, { source_name: source });
    const page = await queueOf(admin, source);
    await page.locator("h1").click();

    await page.keyboard.press("j");
    expect(await page.evaluate(() => document.activeElement?.closest("tr")?.dataset.alertId)).toBe(String(newer));
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await page.keyboard.press("j");
    await page.locator(`tr.cursor[data-alert-id="${older}"]`).waitFor();
    await page.keyboard.press("x");
    await expect.poll(() => page.getByRole("checkbox", { name: `Select alert #${older}` }).isChecked()).toBe(true);
    await page.keyboard.press("a");
    await expect.poll(async () => (await getAlert(token, older)).status).toBe("Acknowledged");
    expect((await getAlert(token, newer)).status).toBe("Open");
    await expect.poll(() => outcome(page, older).textContent()).toMatch(/^200/);

    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    expect(await help.textContent()).toContain("Acknowledge the selected alerts");
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden" });
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("queue-search");
  });

  it("analysts get no selection or bulk actions (the API would refuse them)", async () => {
    const token = await tokenFor(await createUser("admin"));
    const source = `analyst-${crypto.randomUUID().slice(0, 6)}`;
    await raiseAlert(token, { source_name: source });
    const { page } = await openConsole(browser(), `/alerts?q=${source}`);
    await signIn(page, await createUser("analyst"));
    await page.locator("tbody tr[data-alert-id]").first().waitFor();
    expect(await page.getByRole("checkbox", { name: /^Select/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Acknowledge", exact: true }).count()).toBe(0);
  });
});
