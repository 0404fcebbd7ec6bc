import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import type { RuleView } from "../../src/rules/schemas";
import { api, createRule, deleteRulesOf, listRules, tokenFor } from "./api";
import { createUser, openConsole, signIn, type TestUser, useBrowser } from "./helpers";

const browser = useBrowser();

// Rules are global: each test's rules name sources of its own, and every rule this file's admins
// made is deleted when it ends.
const admins: TestUser[] = [];
afterAll(async () => {
  const [first] = admins;
  if (first)
    await deleteRulesOf(
      await tokenFor(first),
      admins.map((a) => a.username),
    );
});

const uniqueSource = (label: string) => `rules-${label}-${crypto.randomUUID().slice(0, 8)}`;
const bySource = (value: string) => ({ field: "source_name", op: "eq", value });

async function adminOn(path: string): Promise<{ page: Page; token: string }> {
  const admin = await createUser("admin");
  admins.push(admin);
  const { page } = await openConsole(browser(), path);
  await signIn(page, admin);
  await page.locator("tr[data-rule-id]").first().waitFor();
  return { page, token: await tokenFor(admin) };
}

async function ruleNamed(token: string, name: string): Promise<RuleView> {
  const rule = (await listRules(token)).find((r) => r.name === name);
  if (!rule) throw new Error(`no rule named ${name}`);
  return rule;
}

/** Opens the editor on a new rule named `name`, its first condition `source_name eq <source>`. */
async function newDraft(page: Page, name: string, source: string): Promise<void> {
  await page.getByRole("button", { name: "New rule" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Value 1").fill(source);
}

/** The ids of the rows on screen, top to bottom. */
const rowIds = (page: Page) =>
  page.locator("tr[data-rule-id]").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-rule-id"))));

describe("the rules page (issue 18)", () => {
  it("an admin creates a rule from the form, in effect from the next event; edits it; disables and enables it", async () => {
    const { page, token } = await adminOn("/rules");
    const source = uniqueSource("form");
    const name = `Quiet ${source}`;
    await newDraft(page, name, source);
    await page.getByRole("button", { name: "Add a condition" }).click();
    await page.getByLabel("Field 2").fill("tags");
    await page.getByLabel("Operator 2").selectOption("exists");
    expect(await page.getByLabel("Value 2").inputValue()).toBe("true");
    await page.getByLabel("Set severity").selectOption("Low");
    await page.getByLabel("Add tags").fill("quiet, seen");
    await page.getByRole("checkbox", { name: /^Stop/ }).check();
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.getByRole("status").filter({ hasText: "created" }).waitFor();

    const created = await ruleNamed(token, name);
    expect(created).toMatchObject({
      enabled: true,
      builtin: false,
      conditions: [bySource(source), { field: "tags", op: "exists", value: true }],
      actions: { set_severity: "Low", add_tags: ["quiet", "seen"], stop: true },
      threshold: null,
    });
    // Placed after the other rules, before the built-in one; and in effect at once.
    const all = await listRules(token);
    expect(all.at(-2)?.id).toBe(created.id);
    const row = page.locator(`tr[data-rule-id="${created.id}"]`);
    await row.waitFor();
    expect(await row.locator("td").nth(4).locator("li").allTextContents()).toEqual([
      "severity → Low",
      "add tags quiet, seen",
      "stop",
    ]);
    const sent = await api("/api/events/", {
      token,
      json: { source_name: source, event_type: "probe", severity: "High", tags: ["x"] },
    });
    expect(await sent.json()).toMatchObject({
      severity: "Low",
      tags: ["quiet", "seen", "x"],
      rules_applied: [created.id],
      alert: null,
    });

    await row.getByRole("button", { name: "Edit" }).click();
    const nameField = page.getByLabel("Name", { exact: true });
    expect(await nameField.inputValue()).toBe(name);
    await nameField.fill(`${name}, 3 a minute`);
    await page.getByRole("checkbox", { name: /^Only when enough/ }).check();
    await page.getByLabel("Count").fill("3");
    await page.getByLabel("Within (s)").fill("60");
    expect(await page.getByLabel("Group by").inputValue()).toBe("source_name");
    await page.getByRole("button", { name: "Save rule" }).click();
    await page.getByRole("status").filter({ hasText: "saved" }).waitFor();
    const edited = await ruleNamed(token, `${name}, 3 a minute`);
    expect(edited).toMatchObject({
      id: created.id,
      conditions: created.conditions,
      actions: created.actions,
      threshold: { count: 3, within_seconds: 60, group_by: ["source_name"] },
    });
    await row.getByText("3 within 60 s per source_name").waitFor();

    await row.getByRole("button", { name: "Disable" }).click();
    await row.locator(".badge", { hasText: "disabled" }).waitFor();
    expect((await ruleNamed(token, edited.name)).enabled).toBe(false);
    await row.getByRole("button", { name: "Enable" }).click();
    await row.locator(".badge", { hasText: "enabled" }).waitFor();
    expect((await ruleNamed(token, edited.name)).enabled).toBe(true);
  });

  it("moves rules up and down and deletes one; the built-in rule stays last, neither movable nor deletable", async () => {
    const admin = await createUser("admin");
    admins.push(admin);
    const token = await tokenFor(admin);
    const s = uniqueSource("order");
    const a = await createRule(token, {
      name: `A ${s}`,
      conditions: [bySource(`${s}-a`)],
      actions: { add_tags: ["a"] },
    });
    const b = await createRule(token, {
      name: `B ${s}`,
      conditions: [bySource(`${s}-b`)],
      actions: { add_tags: ["b"] },
    });
    expect(b.position).toBe(a.position + 1);
    const { page } = await openConsole(browser(), "/rules");
    await signIn(page, admin);
    const rowA = page.locator(`tr[data-rule-id="${a.id}"]`);
    const rowB = page.locator(`tr[data-rule-id="${b.id}"]`);
    await rowB.waitFor();
    // B is the last of the rules: it cannot go below the built-in one.
    expect(await rowB.getByRole("button", { name: "Move down" }).isDisabled()).toBe(true);

    await rowB.getByRole("button", { name: "Move up" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Rule #${b.id} moved up.` })
      .waitFor();
    const position = async (id: number) => (await listRules(token)).find((r) => r.id === id)?.position;
    expect([await position(b.id), await position(a.id)]).toEqual([a.position, b.position]);
    await expect.poll(async () => (await rowIds(page)).indexOf(b.id) < (await rowIds(page)).indexOf(a.id)).toBe(true);
    await rowB.getByRole("button", { name: "Move down" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Rule #${b.id} moved down.` })
      .waitFor();
    expect([await position(a.id), await position(b.id)]).toEqual([a.position, b.position]);

    const builtin = page.locator("tr[data-rule-id]", { has: page.locator(".badge.builtin") });
    expect((await rowIds(page)).at(-1)).toBe(Number(await builtin.getAttribute("data-rule-id")));
    expect(await builtin.getByRole("button").allTextContents()).toEqual(["Disable", "Edit"]);

    await rowA.getByRole("button", { name: "Delete" }).click();
    await rowA.getByRole("button", { name: "Delete now" }).click();
    await rowA.waitFor({ state: "detached" });
    expect((await api(`/api/rules/${a.id}/`, { token })).status).toBe(404);
    // The gap closes.
    expect(await position(b.id)).toBe(a.position);
  });

  it("tests a draft against pasted events: each sample's outcome, whether it matched, the event as stored; nothing is stored", async () => {
    const { page, token } = await adminOn("/rules");
    const source = uniqueSource("trial");
    const name = `Trial ${source}`;
    await newDraft(page, name, source);
    await page.getByLabel("Add tags").fill("trial");
    await page.getByLabel("Set dedup key").fill("{source_name}:{metadata.host}");
    const sample = { source_name: source, event_type: "login", severity: "High", metadata: { host: "db-7" } };
    const other = { source_name: `${source}-other`, event_type: "login", severity: "Low" };
    await page.getByLabel("Sample events").fill(JSON.stringify([sample, other, sample]));
    await page.getByRole("button", { name: "Test", exact: true }).click();

    const results = page.locator("tr[data-sample]");
    await results.nth(2).waitFor();
    const cells = (i: number) => results.nth(i).locator("td").allTextContents();
    const builtin = (await listRules(token)).at(-1);
    expect(await cells(0)).toEqual([
      "1",
      "Opens an alert",
      "matched",
      "High",
      `${source}:db-7`,
      "trial",
      `this rule, rule #${builtin?.id}`,
    ]);
    expect(await cells(1)).toEqual(["2", "Stored, no alert", "did not match", "Low", "—", "—", "none"]);
    expect((await cells(2)).slice(1, 3)).toEqual(["Joins the alert an earlier sample opens", "matched"]);
    // Nothing was stored: no event, no rule.
    const events = (await (await api(`/api/events/?source_name=${source}`, { token })).json()) as { count: number };
    expect(events.count).toBe(0);
    expect((await listRules(token)).some((r) => r.name === name)).toBe(false);

    // What the samples get wrong is said next to them.
    const sampleProblems = page.locator("#rule-samples-problems");
    await page.getByLabel("Sample events").fill("{nope");
    await page.getByRole("button", { name: "Test", exact: true }).click();
    expect(await sampleProblems.textContent()).toMatch(/^This is not JSON/);
    await page.getByLabel("Sample events").fill(JSON.stringify({ ...sample, severity: "Severe" }));
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await sampleProblems.filter({ hasText: "Sample 1, severity: " }).waitFor();
    expect(await page.getByLabel("Sample events").getAttribute("aria-invalid")).toBe("true");
  });

  it("shows the API's detail, and each field's problem next to that field; nothing is saved", async () => {
    const { page, token } = await adminOn("/rules");
    const source = uniqueSource("bad");
    await newDraft(page, `Bad ${source}`, source);
    await page.getByLabel("Operator 1").selectOption("in");
    await page.getByLabel("Value 1").fill(" , ");
    await page.getByLabel("Add tags").fill("PCI");
    await page.getByRole("checkbox", { name: /^Only when enough/ }).check();
    await page.getByLabel("Count").fill("1");
    await page.getByRole("button", { name: "Create rule" }).click();

    await page.getByRole("alert").filter({ hasText: "failed validation" }).waitFor();
    expect(await page.locator("#rule-count-problems").textContent()).toBe("Must be at least 2.");
    expect(await page.getByLabel("Count").getAttribute("aria-describedby")).toBe("rule-count-problems");
    expect(await page.locator("#rule-tags-problems").textContent()).toMatch(/^0: Must be 1 to 64 of a-z/);
    expect(await page.locator("#condition-problem-0").textContent()).toMatch(/^value: /);
    expect(await page.getByLabel("Value 1").getAttribute("aria-invalid")).toBe("true");
    expect((await listRules(token)).some((r) => r.name === `Bad ${source}`)).toBe(false);
  });

  it("analysts read the rules in evaluation order, and get no controls (the API would refuse them)", async () => {
    const { page } = await openConsole(browser(), "/rules");
    await signIn(page, await createUser("analyst"));
    const builtin = page.locator("tr[data-rule-id]", { has: page.locator(".badge.builtin") });
    await builtin.waitFor();
    expect(await builtin.locator("td").nth(3).textContent()).toBe("severity in (High, Critical)");
    await page.getByText("Admins change them.").waitFor();
    expect(await page.getByRole("button", { name: "New rule" }).count()).toBe(0);
    expect(await page.locator("main table").getByRole("button").count()).toBe(0);
    expect(await page.getByRole("columnheader").allTextContents()).not.toContain("Manage");
  });
});
