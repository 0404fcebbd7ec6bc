import { describe, expect, it } from "vitest";
import { api, raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

describe("signing in and out (contract sections 2 and 14)", () => {
  it("signs in with username and password and shows the dashboard with who is signed in", async () => {
    const analyst = await createUser("analyst");
    const { page } = await openConsole(browser());
    await signIn(page, analyst);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(await page.locator(".user").textContent()).toBe(`${analyst.username} (analyst)`);
  });

  it("a wrong password shows the API's detail and stays on the form", async () => {
    const analyst = await createUser("analyst");
    const { page } = await openConsole(browser());
    await page.getByLabel("Username").fill(analyst.username);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const error = page.getByRole("alert");
    await error.waitFor();
    expect(await error.textContent()).toBe("No active account found with the given credentials.");
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
  });

  it("a deep link to an alert asks to sign in, then opens that alert", async () => {
    const admin = await createUser("admin");
    const analyst = await createUser("analyst");
    const id = await raiseAlert(await tokenFor(admin));
    const { page } = await openConsole(browser(), `/alerts/${id}`);
    await signIn(page, analyst);
    await page.getByRole("heading", { name: new RegExp(`^Alert #${id}\\b`) }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/alerts/${id}`);
  });

  it("keeps the refresh token in an HttpOnly cookie: a reload stays signed in", async () => {
    const analyst = await createUser("analyst");
    const { page, context } = await openConsole(browser());
    await signIn(page, analyst);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "vigil_refresh", httpOnly: true, sameSite: "Strict", path: "/api/auth/" });
    // Page scripts cannot read it, and nothing was put in web storage.
    expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual([
      "",
      0,
      0,
    ]);
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(await page.locator(".user").textContent()).toBe(`${analyst.username} (analyst)`);
  });

  it("refreshes the access token before it expires", async () => {
    const analyst = await createUser("analyst");
    const { page } = await openConsole(browser(), "/alerts");
    await page.clock.install();
    await page.reload();
    await signIn(page, analyst);
    const refreshed = page.waitForResponse((r) => r.url().endsWith("/api/auth/token/refresh/"));
    // The access token lives 15 minutes (ACCESS_TOKEN_TTL_SECONDS): the console renews it before.
    await page.clock.fastForward("14:30");
    expect((await refreshed).status()).toBe(200);
    const reloaded = page.waitForResponse((r) => r.url().includes("/api/alerts/?"));
    await page.getByRole("button", { name: "Reload" }).click();
    expect((await reloaded).status()).toBe(200);
  });

  it("sign out revokes the session on the server and forgets it in the browser", async () => {
    const analyst = await createUser("analyst");
    const { page, context } = await openConsole(browser());
    await signIn(page, analyst);
    const [cookie] = await context.cookies();
    if (!cookie) throw new Error("no refresh cookie after signing in");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("status").count()).toBe(0); // no "could not end the session" notice
    expect(await context.cookies()).toEqual([]);
    // The server agrees: the old cookie no longer refreshes.
    const res = await api("/api/auth/token/refresh/", {
      json: {},
      headers: { "X-Vigil-Session": "cookie", Cookie: `${cookie.name}=${cookie.value}` },
    });
    expect(res.status).toBe(401);
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
  });
});
