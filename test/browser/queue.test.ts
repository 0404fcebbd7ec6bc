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

/** Each row's place in the API's order: when it was raised (to the microsecond), then its id. */
type Place = { at: string; id: number };
const rowPlaces = (page: Page): Promise<Place[]> =>
  page.locator("tbody tr[data-alert-id]").evaluateAll((rows) =>
    rows.map((r) => ({
      at: r.querySelector("time")?.getAttribute("datetime") ?? "",
      id: Number(r.getAttribute("data-alert-id")),
    })),
  );
/** Whether `a` comes after `b` in the newest-first order. */
const older = (a: Place, b: Place) => a.at < b.at || (a.at === b.at && a.id < b.id);
const isNewestFirst = (places: Place[]) => places.every((p, i) => i === 0 || older(p, places[i - 1] as Place));

describe("the alert queue (contract section 14)", () => {
  it("lists alerts newest first and filters by status and severities, in the URL", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const high = await raiseAlert(token);
    const critical = await raiseAlert(token, {
      severity: "Critical",
      description: "Domain admin credentials seen on a paste site",
    });
    await api(`/api/alerts/${critical}/`, { method: "PATCH", token, json: { status: "Acknowledged" } });

    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, await createUser("analyst"));
    await page.locator(`tr[data-alert-id="${critical}"]`).waitFor();
    expect(isNewestFirst(await rowPlaces(page))).toBe(true);

    await page.getByRole("checkbox", { name: "Critical" }).check();
    await page.waitForURL("**/alerts?severity=Critical");
    await page.locator(`tr[data-alert-id="${high}"]`).waitFor({ state: "detached" });
    expect(await rowIds(page)).toContain(critical);
    expect(new Set(await column(page, 2))).toEqual(new Set(["Critical"]));
    // Both severities: both kinds again, as the API's severity=Critical,High.
    await page.getByRole("checkbox", { name: "High" }).check();
    await page.waitForURL("**/alerts?severity=Critical%2CHigh");
    await page.locator(`tr[data-alert-id="${high}"]`).waitFor();

    await page.getByLabel("Status").selectOption("Open");
    await page.waitForURL("**/alerts?status=Open&severity=Critical%2CHigh");
    await page.locator(`tr[data-alert-id="${critical}"]`).waitFor({ state: "detached" });
    expect(new Set(await column(page, 3))).not.toContain("Acknowledged");

    // Back restores the previous filters, as the URL holds them.
    await page.goBack();
    await page.locator(`tr[data-alert-id="${critical}"]`).waitFor();
    expect(await page.getByLabel("Status").inputValue()).toBe("");
  });

  it("searches source, type and description (every word), and takes a time range, all in the URL", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const tag = crypto.randomUUID().slice(0, 8);
    const found = await raiseAlert(token, { source_name: `vpn-${tag}`, description: "Impossible travel from Lagos" });
    const other = await raiseAlert(token, { source_name: `vpn-${tag}`, description: "First login from a new country" });

    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, await createUser("analyst"));
    await page.getByLabel("Search").fill(`LAGOS vpn-${tag}`);
    await page.getByLabel("Search").press("Enter");
    await page.waitForURL(`**/alerts?q=LAGOS+vpn-${tag}`);
    // Both: the search's answer is on screen (not the unfiltered list, nor nothing loaded yet).
    await page.locator(`tr[data-alert-id="${found}"]`).waitFor();
    await page.locator(`tr[data-alert-id="${other}"]`).waitFor({ state: "detached" });
    expect(await rowIds(page)).toEqual([found]);

    // A shared link opens the same view; a range that ended before they were raised shows neither.
    await page.goto(`/alerts?q=vpn-${tag}&to=2020-01-01T00:00:00.000Z`);
    await page.getByText("No alerts match these filters.").waitFor();
    expect(await page.locator("#queue-range").inputValue()).toBe("custom");
    await page.locator("#queue-range").selectOption("1h");
    await page.waitForURL(`**/alerts?q=vpn-${tag}&range=1h`);
    await page.locator(`tr[data-alert-id="${other}"]`).waitFor();
    expect((await rowIds(page)).sort()).toEqual([found, other].sort());
  });

  it("shows each alert's tags and filters by tags (all must hold), in the URL; a row's tag adds itself; live too", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const t = `q-${crypto.randomUUID().slice(0, 8)}`;
    const both = await raiseAlert(token, { tags: [t, `${t}.x`] });
    const one = await raiseAlert(token, { tags: [t] });
    const none = await raiseAlert(token);

    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, await createUser("analyst"));
    const tagsOf = (id: number) => page.locator(`tr[data-alert-id="${id}"] .tags li`).allTextContents();
    await page.locator(`tr[data-alert-id="${none}"]`).waitFor();
    expect(await tagsOf(both)).toEqual([t, `${t}.x`]);

    // Typed as a person might: upper case, Enter to apply.
    const tagsField = page.getByRole("textbox", { name: /^Tags/ });
    await tagsField.fill(t.toUpperCase());
    await tagsField.press("Enter");
    await page.waitForURL(`**/alerts?tag=${t}`);
    await page.locator(`tr[data-alert-id="${none}"]`).waitFor({ state: "detached" });
    expect((await rowIds(page)).sort()).toEqual([both, one].sort());

    // A tag on a row narrows the queue to it as well: both tags must be on the alert.
    await page
      .locator(`tr[data-alert-id="${both}"]`)
      .getByRole("link", { name: `${t}.x` })
      .click();
    await page.waitForURL(`**/alerts?tag=${t}&tag=${t}.x`);
    await page.locator(`tr[data-alert-id="${one}"]`).waitFor({ state: "detached" });
    expect(await rowIds(page)).toEqual([both]);
    expect(await tagsField.inputValue()).toBe(`${t} ${t}.x`);
    const listed = (await (await api(`/api/alerts/?tag=${t}&tag=${t}.x`, { token })).json()) as {
      results: { id: number }[];
    };
    expect(listed.results.map((a) => a.id)).toEqual([both]);

    // Live: an alert with only one of the tags stays out, one with both comes in.
    await page.locator('.connection[data-state="live"]').waitFor();
    const half = await raiseAlert(token, { tags: [`${t}.x`] });
    const whole = await raiseAlert(token, { tags: [`${t}.x`, t, "extra"] });
    await page.locator(`tr[data-alert-id="${whole}"]`).waitFor();
    expect(await rowIds(page)).toEqual([whole, both]);
    expect(await rowIds(page)).not.toContain(half);
  });

  it("says which typed tags it left out (not tags, or beyond ten) and applies the rest", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const t = `q-${crypto.randomUUID().slice(0, 8)}`;
    const tagged = await raiseAlert(token, { tags: [t] });
    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, await createUser("analyst"));
    await page.locator(`tr[data-alert-id="${tagged}"]`).waitFor();
    const tagsField = page.getByRole("textbox", { name: /^Tags/ });
    const hint = page.locator("#tags-hint");

    // Said while typing, before anything is applied.
    await tagsField.fill(`${t} not/a/tag`);
    await expect.poll(() => hint.textContent()).toMatch(/^Not tags, left out: not\/a\/tag /);
    // Applied: the valid tag filters the queue, and the field and its hint say what was left out.
    await tagsField.press("Enter");
    await page.waitForURL(`**/alerts?tag=${t}`);
    await expect.poll(() => tagsField.inputValue()).toBe(t);
    await expect.poll(() => hint.textContent()).toMatch(/^Not tags, left out: not\/a\/tag /);
    await expect.poll(() => rowIds(page)).toEqual([tagged]);
    // Typing again clears it; more than ten tags names the ones beyond.
    const eleven = Array.from({ length: 11 }, (_, i) => `${t}-${i}`);
    await tagsField.fill(eleven.join(" "));
    await expect.poll(() => hint.textContent()).toBe(`At most 10 tags; left out: ${t}-10.`);
    await tagsField.fill(t);
    await expect.poll(() => hint.textContent()).toBe("All must be on the alert. Enter to apply.");
  });

  it("an old link to the filtered queue (at /, before the dashboard) still opens the queue", async () => {
    const { page } = await openConsole(browser(), "/?status=Open");
    await signIn(page, await createUser("analyst"));
    await page.getByRole("heading", { name: "Alert queue" }).waitFor();
    await page.waitForURL("**/alerts?status=Open");
    expect(await page.getByLabel("Status").inputValue()).toBe("Open");
  });

  it("pages through the queue with Next and Previous", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    for (let i = 0; i < 21; i++) await raiseAlert(token);

    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, await createUser("analyst"));
    await page.locator("tbody tr").nth(19).waitFor();
    const first = await rowIds(page);
    const lastOfFirst = (await rowPlaces(page)).at(-1) as Place;
    expect(first).toHaveLength(20);
    expect(await page.locator(".pager").textContent()).toMatch(/Page 1 of \d+ · \d+ alerts/);

    await page.getByRole("link", { name: "Next →" }).click();
    await page.waitForURL("**/alerts?page=2");
    await page.locator(".pager", { hasText: "Page 2 of" }).waitFor();
    await expect.poll(async () => older((await rowPlaces(page))[0] as Place, lastOfFirst)).toBe(true);
    expect(isNewestFirst(await rowPlaces(page))).toBe(true);

    await page.getByRole("link", { name: "← Previous" }).click();
    await page.waitForURL((url) => url.pathname === "/alerts" && url.search === "");
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

    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, analyst);
    await page.getByLabel("Assignee").selectOption("me");
    await page.waitForURL("**/alerts?assignee=me");
    // Both alerts are on the unfiltered first page: the filtered page has come once the other has gone.
    await page.locator(`tr[data-alert-id="${unassigned}"]`).waitFor({ state: "detached" });
    await page.locator(`tr[data-alert-id="${mine}"]`).waitFor();
    expect(new Set(await column(page, 8))).toEqual(new Set([analyst.username]));

    await page.getByLabel("Assignee").selectOption("none");
    await page.locator(`tr[data-alert-id="${unassigned}"]`).waitFor();
    expect(await rowIds(page)).not.toContain(mine);
  });

  it("an alert created through the API appears without a reload, and changes follow live", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const { page } = await openConsole(browser(), "/alerts");
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
