import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

/** The number a dashboard figure shows. */
const figure = async (page: Page, label: string) =>
  Number(await page.locator(`.figure:has(dt:text-is("${label}")) dd`).textContent());

describe("the dashboard (issue 20)", () => {
  it("shows the range's figures, charts and loudest sources from the stats API, and counts new alerts live", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const source = `loud-${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 3; i++) await raiseAlert(token, { source_name: source, event_type: "port_scan" });

    const { page } = await openConsole(browser());
    await signIn(page, await createUser("analyst"));
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.locator(".dashboard").waitFor();
    const stats = (await (
      await api(`/api/alerts/stats/?created_after=${new Date(Date.now() - 86_400_000).toISOString()}`, { token })
    ).json()) as { total: number; by_status: { Open: number } };
    expect(await figure(page, "Raised")).toBe(stats.total);
    expect(await figure(page, "Open")).toBe(stats.by_status.Open);

    // 24 hourly stacks, drawn, with their numbers in a table too.
    const chart = page.getByRole("img", { name: /^Alerts raised per hour/ });
    expect(await chart.locator("rect.hit").count()).toBeGreaterThanOrEqual(24);
    expect(await chart.locator("rect.severity-high-fill").count()).toBeGreaterThan(0);
    await page.getByText("The numbers").click();
    expect(await page.locator(`section[aria-labelledby="raised-title"] tbody tr`).count()).toBeGreaterThanOrEqual(24);
    await page.getByRole("img", { name: /^Mean time to acknowledge/ }).waitFor();

    // The loudest source links to the queue, searched for it over the same range.
    const loud = page
      .getByRole("list", { name: "Top 10 sources by alerts raised" })
      .getByRole("link", { name: source });
    await loud.waitFor();
    const count = page
      .locator(".bar-list li", { has: page.getByRole("link", { name: source, exact: true }) })
      .locator(".num");
    expect(await count.textContent()).toBe("3");

    // A new alert is counted the moment the stream says so, without a reload.
    await page.locator('.connection[data-state="live"]').waitFor();
    const before = await figure(page, "Raised");
    await page.evaluate(() => document.documentElement.setAttribute("data-test-marker", "kept"));
    await raiseAlert(token, { source_name: source, event_type: "port_scan" });
    await expect.poll(() => figure(page, "Raised")).toBe(before + 1);
    await expect.poll(() => count.textContent()).toBe("4");
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-test-marker"))).toBe("kept");

    await loud.click();
    await page.waitForURL(`**/alerts?q=${source}&range=24h`);
    await expect.poll(() => page.locator("tbody tr[data-alert-id]").count()).toBe(4);
  });

  it("lists the most frequent tags from the stats API (group_by=tag), each linking to the queue filtered by it", async () => {
    const token = await tokenFor(await createUser("admin"));
    // More alerts than other files tag alike, so it ranks among the top 10 of the shared database.
    const tag = `dash-${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 5; i++) await raiseAlert(token, { tags: [tag] });

    const { page } = await openConsole(browser());
    await signIn(page, await createUser("analyst"));
    const tags = page.getByRole("list", { name: "Top 10 tags by alerts carrying them" });
    const link = tags.getByRole("link", { name: tag, exact: true });
    await link.waitFor();
    const row = tags.locator("li", { has: page.getByRole("link", { name: tag, exact: true }) });
    expect(await row.locator(".num").textContent()).toBe("5");
    // Largest first.
    const counts = (await tags.locator(".num").allTextContents()).map(Number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    await link.click();
    await page.waitForURL(`**/alerts?tag=${tag}&range=24h`);
    await expect.poll(() => page.locator("tbody tr[data-alert-id]").count()).toBe(5);
  });

  it("the range and bucket live in the URL; 30 days are drawn per day", async () => {
    const { page } = await openConsole(browser());
    await signIn(page, await createUser("analyst"));
    await page.locator(".dashboard").waitFor();
    const requested = page.waitForRequest(
      (r) => r.url().includes("/api/alerts/stats/") && r.url().includes("bucket=day"),
    );
    await page.locator("#dashboard-range").selectOption("30d");
    await page.waitForURL("**/?range=30d&bucket=day");
    const url = new URL((await requested).url());
    expect(url.searchParams.get("group_by")).toBe("source_name,event_type,tag");
    await expect
      .poll(() =>
        page
          .getByRole("img", { name: /^Alerts raised per day/ })
          .locator("rect.hit")
          .count(),
      )
      .toBe(31);
    // Hourly buckets do not fit 90 days (the API draws at most 1000): the choice is offered only where it fits.
    await page.locator("#dashboard-range").selectOption("90d");
    await page.waitForURL("**/?range=90d&bucket=day");
    expect(await page.locator('option[value="hour"]').isDisabled()).toBe(true);
    await page.goBack();
    await page.waitForURL("**/?range=30d&bucket=day");
    // The page follows the URL when it renders again, just after the navigation.
    await expect.poll(() => page.locator("#dashboard-range").inputValue()).toBe("30d");
  });
});
