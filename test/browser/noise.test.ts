import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, getAlert, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, signIn, type TestUser, useBrowser } from "./helpers";

const browser = useBrowser();

/** Issue 17 in the console: snooze on the alert page, the silences page, the heartbeats page. */
async function signedIn(user: TestUser, path: string): Promise<Page> {
  const { page } = await openConsole(browser());
  await signIn(page, user);
  await page.goto(path);
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return page;
}

describe("noise control in the console", () => {
  it("an analyst snoozes an alert and wakes it; both are in its history", async () => {
    const token = await tokenFor(await createUser("admin"));
    const id = await raiseAlert(token);
    const page = await signedIn(await createUser("analyst"), `/alerts/${id}`);
    await page.getByLabel("Snooze for").selectOption({ label: "1 hour" });
    await page.getByRole("button", { name: "Snooze", exact: true }).click();
    // The summary always names the field; once snoozed, it holds a time.
    await page.locator(".summary dt:text-is('Snoozed until') + dd time").waitFor();
    const snoozed = (await getAlert(token, id)) as { snoozed_until?: string | null };
    expect(Date.parse(snoozed.snoozed_until ?? "") - Date.now()).toBeGreaterThan(50 * 60_000);
    await page.locator('.history li[data-action="snoozed"]').waitFor();

    await page.getByRole("button", { name: "Wake now" }).click();
    await page.locator('.history li[data-action="unsnoozed"]').waitFor();
    expect(((await getAlert(token, id)) as { snoozed_until?: string | null }).snoozed_until).toBeNull();
    expect(await page.locator(".summary dt:text-is('Snoozed until') + dd").textContent()).toBe("Not snoozed");
  });

  it("an admin silences events like an alert's, prefilled, then ends the silence", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const source = `fw-maint-${crypto.randomUUID().slice(0, 6)}`;
    const id = await raiseAlert(token, { source_name: source, event_type: "port_scan" });
    const page = await signedIn(admin, `/alerts/${id}`);
    await page.getByRole("link", { name: "Silence similar events…" }).click();
    await page.waitForURL(`**/silences?alert=${id}`);
    await expect.poll(() => page.getByLabel("Value 1").inputValue()).toBe(source);
    expect(await page.getByLabel("Field 2").inputValue()).toBe("event_type");
    expect(await page.getByLabel("Value 2").inputValue()).toBe("port_scan");
    await page.getByLabel("For").selectOption({ label: "4 hours" });
    await page.getByLabel("Why").fill("Firmware upgrade on the edge firewall");
    await page.getByRole("button", { name: "Silence", exact: true }).click();
    const notice = await page.getByRole("status").filter({ hasText: "created" }).textContent();
    const silenceId = Number(/#(\d+)/.exec(notice ?? "")?.[1]);
    const stored = await api(`/api/silences/${silenceId}/`, { token });
    expect(await stored.json()).toMatchObject({
      state: "active",
      comment: "Firmware upgrade on the edge firewall",
      matchers: [
        { field: "source_name", op: "eq", value: source },
        { field: "event_type", op: "eq", value: "port_scan" },
      ],
    });
    // While it runs, the same event is stored silenced and raises nothing.
    const silenced = await api("/api/events/", {
      token,
      json: { source_name: source, event_type: "port_scan", severity: "High" },
    });
    expect(((await silenced.json()) as { silenced_by: number | null }).silenced_by).toBe(silenceId);

    const row = page.locator(`tr[data-silence-id="${silenceId}"]`);
    await row.getByRole("button", { name: "End now" }).click();
    await row.locator(".badge", { hasText: "expired" }).waitFor();
    expect(((await (await api(`/api/silences/${silenceId}/`, { token })).json()) as { state: string }).state).toBe(
      "expired",
    );
  });

  it("an admin watches a sensor from the heartbeats page; a beat shows it ok; analysts only look", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const name = `fw-hb-${crypto.randomUUID().slice(0, 8)}`;
    const page = await signedIn(admin, "/heartbeats");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Timeout (s)").fill("120");
    await page.getByRole("button", { name: "Watch", exact: true }).click();
    const row = page.locator(`tr[data-heartbeat="${name}"]`);
    await row.locator(".badge", { hasText: "unknown" }).waitFor();

    expect((await api(`/api/heartbeats/${name}/`, { token, json: {} })).status).toBe(200);
    await page.reload();
    await row.locator(".badge", { hasText: "ok" }).waitFor();
    expect(await row.locator("td").nth(4).textContent()).toBe("120 s");

    const analystPage = await signedIn(await createUser("analyst"), "/heartbeats?status=ok");
    await analystPage.locator(`tr[data-heartbeat="${name}"]`).waitFor();
    expect(await analystPage.getByRole("button", { name: "Watch", exact: true }).count()).toBe(0);
    expect(await analystPage.getByRole("button", { name: "Stop watching" }).count()).toBe(0);

    await row.getByRole("button", { name: "Stop watching" }).click();
    await row.waitFor({ state: "detached" });
    expect((await api(`/api/heartbeats/${name}/`, { token })).status).toBe(404);
  });
});
