import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { hashPassword } from "../../src/auth/password";
import { createDb } from "../../src/db/client";
import type { Role } from "../../src/db/schema";
import { insertUser } from "../../src/users/store";

export const ORIGIN = inject("consoleUrl");

// `npm run screenshots` sets this to docs/screenshots, for the README; a plain test run takes
// the same pictures (so this path stays tested) without writing them.
const SCREENSHOTS = process.env.VIGIL_SCREENSHOTS;

/** Options for `page.screenshot`: written to docs/screenshots/<name> under `npm run screenshots`. */
export const shoot = (name: string) => (SCREENSHOTS ? { path: join(SCREENSHOTS, name) } : {});

/**
 * One browser connection per test file (the Chromium itself is shared, see global-setup.ts).
 * Call at the top of a file.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.connect(inject("browserEndpoint"));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("useBrowser(): the browser is not connected yet");
    return browser;
  };
}

export type ConsolePage = {
  page: Page;
  context: BrowserContext;
  /** Every request the page tried to send outside the origin (each was refused). */
  offOrigin: string[];
  /** Every same-origin URL the page requested, WebSockets included. */
  requested: string[];
  /** What Chromium refused under the page's Content-Security-Policy (it logs each refusal). */
  cspViolations: string[];
};

/** A laptop (the default) and an on-call phone. */
export const SCREENS = { laptop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;

/**
 * A fresh browser profile (no cookies) on a laptop-sized screen (or `screen`, in `colorScheme`).
 * Requests outside the origin are refused and recorded, so a test fails rather than the page
 * quietly using a CDN.
 */
export async function openConsole(
  browser: Browser,
  path = "/",
  options: { screen?: keyof typeof SCREENS; colorScheme?: "light" | "dark" } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: SCREENS[options.screen ?? "laptop"],
    colorScheme: options.colorScheme ?? "light",
    baseURL: ORIGIN,
  });
  // Well under the test's own timeout, so a state that never comes fails with the locator named.
  context.setDefaultTimeout(10_000);
  const offOrigin: string[] = [];
  const requested: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === ORIGIN) {
      requested.push(url);
      return route.continue();
    }
    offOrigin.push(url);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
  });
  page.on("websocket", (ws) =>
    (new URL(ws.url()).host === new URL(ORIGIN).host ? requested : offOrigin).push(ws.url()),
  );
  await page.goto(path);
  return { page, context, offOrigin, requested, cspViolations };
}

export type TestUser = { id: number; username: string; password: string; role: Role };

/** A fresh user with a unique name (tests never share principals), created as the CLI does. */
export async function createUser(role: Role): Promise<TestUser> {
  const password = `pw-${crypto.randomUUID()}`;
  const username = `${role}-${crypto.randomUUID().slice(0, 8)}`;
  const user = await insertUser(
    createDb(inject("databaseUrl")),
    { username, role, passwordHash: await hashPassword(password) },
    { type: "cli", name: "test fixture" },
  );
  if (!user) throw new Error(`could not create ${username}`);
  return { id: user.id, username, password, role };
}

/** Signs in through the form, as a person would, and waits for the console to show the queue. */
export async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}
