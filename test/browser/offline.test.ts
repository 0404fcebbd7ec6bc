import { describe, expect, it } from "vitest";
import { raiseAlert, tokenFor } from "./api";
import { createUser, ORIGIN, openConsole, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

describe("no request leaves the origin (contract section 14)", () => {
  it("/api/docs/ renders the API's operations from the Worker's own assets", async () => {
    const { page, offOrigin, requested } = await openConsole(browser(), "/api/docs/");
    // The first group (Authentication) is open; Scalar renders a 4 MB bundle, give it time.
    await page.getByText("Who am I").first().waitFor({ timeout: 30_000 });
    await page.locator("nav, aside").getByText("Alerts", { exact: true }).first().click();
    await page.getByText("List alerts, newest first").first().waitFor();
    expect(requested).toContain(`${ORIGIN}/vendor/scalar/standalone.js`);
    expect(requested).toContain(`${ORIGIN}/api/openapi.json`);
    expect(offOrigin).toEqual([]);
  });

  it("the console, signed out and in, on the dashboard, the queue and an alert, asks only its own origin", async () => {
    const admin = await createUser("admin");
    const id = await raiseAlert(await tokenFor(admin));
    const { page, offOrigin, requested } = await openConsole(browser());
    await signIn(page, admin);
    await page.locator(".dashboard svg").first().waitFor();
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Alerts" }).click();
    await page.getByRole("link", { name: `#${id}`, exact: true }).click();
    await page.locator(".summary").waitFor();
    // The docs page itself (and its own requests) is the test above: rendering it twice costs
    // Scalar's 4 MB bundle twice.
    expect(await page.getByRole("link", { name: "API docs" }).getAttribute("href")).toBe("/api/docs/");

    expect(offOrigin).toEqual([]);
    // The recorder saw the page's own traffic, so an empty list above means something.
    const paths = requested.map((url) => new URL(url).pathname);
    expect(paths).toEqual(
      expect.arrayContaining(["/", "/api/auth/token/", "/api/alerts/stats/", "/api/alerts/", `/api/alerts/${id}/`]),
    );
    expect(paths.some((p) => /^\/assets\/index-[\w-]+\.js$/.test(p))).toBe(true);
  });
});
