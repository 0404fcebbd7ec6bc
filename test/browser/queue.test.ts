import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, getAlert, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

/** The ids of the rows on screen, top to bottom. */
const rowIds = (page: Page) =>
  page
    .locator("tbody tr[data-alert-id]")
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-alert-id"))));

const column = (page: Page, index: number) =>
  page.locator(`tbody tr td:nth-child(${index})`).evaluateAll((cells) => cells.map((c) => c.textContent?.trim()));

const isNewestFirst = (ids: number[]) => ids.every((id, i) => i === 0 || (ids[i - 1] ?? 0) > id);

describe("the alert queue (contract section 14)", () => {
  it("lists alerts newest first and filters by status and severity, in the URL", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const high = await raiseAlert(token);
    const critical = await raiseAlert(token, {
      severity: "Critical",
      description: "Domain admin credentials seen on a paste site",
    });
    await api(`/api/alerts/${critical}/`, { method: "PATCH", token, json: { status: "Acknowledged" } });

    const { page } = await openConsole(browser());
    await signIn(page, await createUser("analyst"));
    await page.locator(`tr[data-alert-id="${critical}"]`).waitFor();
    expect(isNewestFirst(await rowIds(page))).toBe(true);

    await page.getByLabel("Severity").selectOption("Critical");
    await page.waitForURL("**/?severity=Critical");
    await page.locator(`tr[data-alert-id="${high}"]`).waitFor({ state: "detached" });
    expect(await rowIds(page)).toContain(critical);
    expect(new Set(await column(page, 2))).toEqual(new Set(["Critical"]));

    await page.getByLabel("Status").selectOption("Open");
    await page.waitForURL("**/?status=Open&severity=Critical");
    await page.locator(`tr[data-alert-id="${critical}"]`).waitFor({ state: "detached" });
    expect(new Set(await column(page, 3))).not.toContain("Acknowledged");

    // Back restores the previous filters, as the URL holds them.
    await page.goBack();
    await page.locator(`tr[data-alert-id="${critical}"]`).waitFor();
    expect(await page.getByLabel("Status").inputValue()).toBe("");
  });

  it("pages through the queue with Next and Previous", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    for (let i = 0; i < 21; i++) await raiseAlert(token);

    const { page } = await openConsole(browser());
    await signIn(page, await createUser("analyst"));
    await page.locator("tbody tr").nth(19).waitFor();
    const first = await rowIds(page);
    expect(first).toHaveLength(20);
    expect(await page.locator(".pager").textContent()).toMatch(/Page 1 of \d+ · \d+ alerts/);

    await page.getByRole("link", { name: "Next →" }).click();
    await page.waitForURL("**/?page=2");
    await page.locator(".pager", { hasText: "Page 2 of" }).waitFor();
    await expect.poll(async () => (await rowIds(page))[0]).toBeLessThan(Math.min(...first));
    expect(isNewestFirst(await rowIds(page))).toBe(true);

    await page.getByRole("link", { name: "← Previous" }).click();
    await page.waitForURL((url) => url.search === "");
    await expect.poll(() => rowIds(page)).toEqual(first);
  });

  it("the assignee filter shows my alerts and the unassigned ones", async () => {
    const admin = await createUser("admin");
    const analyst = await createUser("analyst");
    const token = await tokenFor(admin);
    const mine = await raiseAlert(token);
    const unassigned = await raiseAlert(token);
    const patched = await api(`/api/alerts/${mine}/`, { method: "PATCH", token, json: { assignee: analyst.username } });
    expect(patched.status).toBe(200);

    const { page } = await openConsole(browser());
    await signIn(page, analyst);
    await page.getByLabel("Assignee").selectOption("me");
    await page.waitForURL("**/?assignee=me");
    // Both alerts are on the unfiltered first page: the filtered page has come once the other has gone.
    await page.locator(`tr[data-alert-id="${unassigned}"]`).waitFor({ state: "detached" });
    await page.locator(`tr[data-alert-id="${mine}"]`).waitFor();
    expect(new Set(await column(page, 7))).toEqual(new Set([analyst.username]));

    await page.getByLabel("Assignee").selectOption("none");
    await page.locator(`tr[data-alert-id="${unassigned}"]`).waitFor();
    expect(await rowIds(page)).not.toContain(mine);
  });

  it("an alert created through the API appears without a reload, and changes follow live", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const { page } = await openConsole(browser());
    await signIn(page, await createUser("analyst"));
    await page.locator('.connection[data-state="live"]').waitFor();
    // A reload would lose this marker.
    await page.evaluate(() => document.documentElement.setAttribute("data-test-marker", "kept"));

    const id = await raiseAlert(token);
    const row = page.locator(`tr[data-alert-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator(".new-tag").textContent()).toBe("new");
    expect((await rowIds(page))[0]).toBe(id);

    await api(`/api/alerts/${id}/`, { method: "PATCH", token, json: { status: "Investigating" } });
    await row.locator(".badge", { hasText: "Investigating" }).waitFor();
    expect((await getAlert(token, id)).status).toBe("Investigating");
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-test-marker"))).toBe("kept");
  });
});
