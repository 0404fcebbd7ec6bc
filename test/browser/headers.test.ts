import { describe, expect, it } from "vitest";
import { CONSOLE_CSP, DOCS_CSP } from "../../src/http/content-policy";
import { raiseAlert, tokenFor } from "./api";
import { createUser, ORIGIN, openConsole, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

/** Issue 21, item 6: the console and the docs page under a strict policy, and still working. */
describe("Content-Security-Policy, framing and referrer rules in Chromium", () => {
  it("the console sends its policy on the page, deep links and its assets", async () => {
    for (const path of ["/", "/alerts/12345", "/alerts?status=Open"]) {
      const res = await fetch(`${ORIGIN}${path}`);
      expect(res.headers.get("Content-Type"), path).toMatch(/^text\/html/);
      expect(res.headers.get("Content-Security-Policy"), path).toBe(CONSOLE_CSP);
      expect(res.headers.get("X-Frame-Options"), path).toBe("DENY");
      expect(res.headers.get("Referrer-Policy"), path).toBe("no-referrer");
    }
    const html = await (await fetch(`${ORIGIN}/`)).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${ORIGIN}${script}`);
    expect(asset.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(asset.headers.get("Content-Security-Policy")).toBe(CONSOLE_CSP);
  });

  it("signs in, follows the live stream, opens an alert: no refusal under the policy", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const { page, cspViolations } = await openConsole(browser(), "/alerts");
    await signIn(page, admin);
    // Raised once the queue is on screen and the stream is live: it can only arrive through the stream's WebSocket.
    await page.locator("main table, main .empty").first().waitFor();
    await page.locator('.connection[data-state="live"]').waitFor();
    const id = await raiseAlert(token);
    await page.locator(`tr[data-alert-id="${id}"]`).waitFor();
    await page.getByRole("link", { name: `#${id}`, exact: true }).click();
    await page.locator(".summary").waitFor();
    expect(cspViolations).toEqual([]);
  });

  it("the policy is enforced: a script injected into the page does not run, and the refusal is seen", async () => {
    const { page, cspViolations } = await openConsole(browser());
    await page.getByLabel("Username").waitFor();
    const ran = await page.evaluate(async () => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.body.appendChild(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return "__injected" in window;
    });
    expect(ran).toBe(false);
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
    expect(cspViolations[0]).toMatch(/script-src 'self'/);
  });

  it("another site cannot frame the sign-in form", async () => {
    const { page, context } = await openConsole(browser(), "/api/health/");
    const other = await context.newPage();
    // An attacker's page (about:blank, another origin) embedding the console.
    await other.setContent(`<iframe id="victim" src="${ORIGIN}/" width="800" height="600"></iframe>`);
    const frame = await (await other.locator("#victim").elementHandle())?.contentFrame();
    expect(frame).toBeTruthy();
    await frame?.waitForLoadState();
    // Chromium replaces a refused frame with its error page: the form never renders there.
    expect(await frame?.locator("form").count()).toBe(0);
    expect(frame?.url()).not.toBe(`${ORIGIN}/`);
    await page.close();
  });

  it("/api/docs/ renders Scalar with no inline script and no refusal under its own policy", async () => {
    const res = await fetch(`${ORIGIN}/api/docs/`);
    expect(res.headers.get("Content-Security-Policy")).toBe(DOCS_CSP);
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    const html = await res.text();
    // Every script has a src (from this origin); none carries code of its own.
    expect(html.match(/<script(?![^>]*\ssrc=")[^>]*>/g)).toBeNull();

    const { page, cspViolations } = await openConsole(browser(), "/api/docs/");
    await page.getByText("Who am I").first().waitFor({ timeout: 30_000 });
    await page.locator("nav, aside").getByText("Alerts", { exact: true }).first().click();
    await page.getByText("List alerts, newest first").first().waitFor();
    expect(cspViolations).toEqual([]);
  });
});
