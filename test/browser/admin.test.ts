import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { createDb } from "../../src/db/client";
import { markFailed } from "../../src/webhooks/store";
import { api, tokenFor } from "./api";
import { type ConsolePage, createUser, openConsole, signIn, type TestUser, useBrowser } from "./helpers";

const browser = useBrowser();

async function adminOn(path: string): Promise<ConsolePage & { admin: TestUser; token: string }> {
  const admin = await createUser("admin");
  const opened = await openConsole(browser(), path);
  await opened.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(opened.page, admin);
  return { ...opened, admin, token: await tokenFor(admin) };
}

/** The secret in the shown-once panel, after copying it with its button (the clipboard must hold it). */
async function copySecret(page: Page): Promise<string> {
  const secret = (await page.locator("[data-secret]").textContent()) ?? "";
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Copied" }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await page.getByRole("button", { name: "Done" }).click();
  await page.locator("[data-secret]").waitFor({ state: "detached" });
  return secret;
}

describe("the admin pages (issue 20)", () => {
  it("API keys: create with scopes and an expiry, copy the key shown once, revoke it", async () => {
    const { page } = await adminOn("/admin/keys");
    const name = `sensor-${crypto.randomUUID().slice(0, 6)}`;
    await page.getByLabel("Name").fill(name);
    await page.getByRole("checkbox", { name: /^read/ }).check();
    await page.getByLabel("Expires").fill("2099-01-01T00:00");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("heading", { name: `Key for ${name}` }).waitFor();
    const key = await copySecret(page);
    expect(key).toMatch(/^vgl_/);

    const row = page.locator("tr", { hasText: name });
    expect(await row.locator("td").nth(2).textContent()).toBe("ingest, read");
    expect(await row.locator("td").nth(5).textContent()).toMatch(/2099/);
    // The key works as a sensor's credential (scope read)...
    expect((await api("/api/alerts/", { token: key })).status).toBe(200);
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: "Revoke now" }).click();
    await row.locator(".badge", { hasText: "revoked" }).waitFor();
    // ...and not from the very next request on.
    expect((await api("/api/alerts/", { token: key })).status).toBe(401);
  });

  it("webhooks: subscribe (secret shown once), ping, read the deliveries log, retry a failed one, unsubscribe", async () => {
    const { page, token } = await adminOn("/admin/webhooks");
    const url = `https://hooks.example.com/${crypto.randomUUID().slice(0, 8)}`;
    await page.getByLabel("URL").fill(url);
    await page.getByRole("checkbox", { name: "heartbeat.late" }).check();
    await page.getByLabel("Alerts at least").selectOption("Critical");
    await page.getByRole("button", { name: "Subscribe" }).click();
    expect(await copySecret(page)).toMatch(/^whsec_/);

    const row = page.locator("tr", { hasText: url });
    expect(await row.locator("td").nth(1).textContent()).toBe("alert.created, alert.updated, heartbeat.late");
    const id = Number(await row.getAttribute("data-webhook-id"));
    await row.getByRole("button", { name: "Send test ping" }).click();
    await page.getByRole("status").filter({ hasText: "queued" }).waitFor();

    await row.getByRole("link", { name: "Deliveries" }).click();
    await page.waitForURL(`**/admin/webhooks/${id}`);
    const ping = page.locator("tr[data-delivery-id]").first();
    await ping.waitFor();
    expect(await ping.locator("td").nth(1).textContent()).toBe("ping");
    const deliveryId = Number(await ping.getAttribute("data-delivery-id"));

    // The target cannot be reached from here; say its retries ran out.
    await markFailed(createDb(inject("databaseUrl")), deliveryId, "answered 503");
    await page.getByRole("button", { name: "Reload" }).click();
    await ping.locator(".badge", { hasText: "failed" }).waitFor();
    await ping.getByRole("button", { name: "Retry" }).click();
    await page.getByRole("status").filter({ hasText: "queued again" }).waitFor();
    const log = (await (await api(`/api/webhooks/${id}/deliveries/`, { token })).json()) as {
      results: { id: number; status: string }[];
    };
    expect(log.results.find((d) => d.id === deliveryId)?.status).not.toBe("failed");

    await page.getByRole("link", { name: "← Webhooks" }).click();
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Delete now" }).click();
    await row.waitFor({ state: "detached" });
    expect((await api(`/api/webhooks/${id}/`, { token })).status).toBe(404);
  });

  it("users: create with a generated password, change the role, deactivate, reactivate, reset the password; all audited", async () => {
    const { page, admin, token } = await adminOn("/admin/users");
    const username = `carol-${crypto.randomUUID().slice(0, 6)}`;
    await page.getByLabel("Username").fill(username);
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("heading", { name: `Password for ${username}` }).waitFor();
    const password = await copySecret(page);
    const carol = { id: 0, username, password, role: "analyst" as const };
    const carolToken = await tokenFor(carol);

    const row = page.locator(`tr[data-user="${username}"]`);
    await row.getByLabel(`Role of ${username}`).selectOption("admin");
    await page
      .getByRole("status")
      .filter({ hasText: `${username} is now admin` })
      .waitFor();
    // The old token (analyst) is refused from the next request on.
    expect((await api("/api/auth/me/", { token: carolToken })).status).toBe(401);
    const promoted = await tokenFor(carol);
    expect(await (await api("/api/auth/me/", { token: promoted })).json()).toMatchObject({ role: "admin" });

    await row.getByRole("button", { name: "Deactivate" }).click();
    await row.getByRole("button", { name: "Deactivate now" }).click();
    await row.locator(".badge", { hasText: "deactivated" }).waitFor();
    expect((await api("/api/auth/me/", { token: promoted })).status).toBe(401);
    await row.getByRole("button", { name: "Reactivate" }).click();
    await row.locator(".badge", { hasText: "active" }).waitFor();

    await row.getByRole("button", { name: "Reset password" }).click();
    await row.getByRole("button", { name: "Generate a new password" }).click();
    const renewed = await copySecret(page);
    expect(renewed).not.toBe(password);
    expect((await api("/api/auth/token/", { json: { username, password } })).status).toBe(401);
    expect(await tokenFor({ ...carol, password: renewed })).toBeTruthy();

    // Your own row cannot demote or deactivate you.
    const mine = page.locator(`tr[data-user="${admin.username}"]`);
    expect(await mine.getByLabel(`Role of ${admin.username}`).isDisabled()).toBe(true);
    expect(await mine.getByRole("button", { name: "Deactivate" }).count()).toBe(0);

    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit" }).click();
    const entries = page.locator("tr[data-audit-id]", { hasText: username });
    await entries.first().waitFor();
    expect(await entries.locator("td:nth-child(3)").allTextContents()).toEqual([
      "user.password_reset",
      "user.reactivated",
      "user.deactivated",
      "user.role_changed",
      "user.created",
    ]);
    expect(await entries.nth(3).locator("td").nth(4).textContent()).toBe("analyst → admin");
    expect(await entries.first().locator("td").nth(1).textContent()).toBe(admin.username);
    expect((await api("/api/audit/", { token })).status).toBe(200);

    // The user's name leads to their history alone (the API's filter, in the page's URL), and back.
    await entries.first().locator("td").nth(3).getByRole("link").click();
    await page.locator("[data-audit-filter]").waitFor();
    expect(new URL(page.url()).search).toMatch(/^\?target_type=user&target_id=\d+$/);
    const history = page.locator("tr[data-audit-id]");
    // The whole log stays on screen until the filtered page arrives.
    await expect.poll(() => history.count(), { timeout: 10_000 }).toBe(5);
    expect(await history.locator("td:nth-child(4)").allTextContents()).toEqual(Array(5).fill(`user ${username}`));
    await page.getByRole("link", { name: "Show all" }).click();
    await page.locator("[data-audit-filter]").waitFor({ state: "detached" });
  });

  it("analysts see no admin links, and an admin page tells them it is for admins", async () => {
    const { page } = await openConsole(browser(), "/admin/users");
    await signIn(page, await createUser("analyst"));
    await page.getByText("This page is for admins.").waitFor();
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "Dashboard",
      "Alerts",
      "Silences",
      "Heartbeats",
      "Rules",
      "API docs",
    ]);
  });
});
