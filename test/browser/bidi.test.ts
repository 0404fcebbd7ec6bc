import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { raiseAlert, tokenFor } from "./api";
import { createUser, openConsole, shoot, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

const RLO = "\u202E";

/**
 * The characters of an element's text in the order they appear on screen, left to right and top
 * to bottom, as an analyst reads them (zero-width characters leave no mark and are skipped).
 */
async function readOnScreen(element: Locator): Promise<string> {
  return element.evaluate((root) => {
    const glyphs: { char: string; middle: number; left: number }[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width > 0) glyphs.push({ char: text[i] ?? "", middle: rect.top + rect.height / 2, left: rect.left });
      }
    }
    // One line per 12 px band of glyph middles: a marked character's smaller box sits on the same line.
    const lineOf = (middle: number) => Math.round(middle / 12);
    glyphs.sort((a, b) => lineOf(a.middle) - lineOf(b.middle) || a.left - b.left);
    return glyphs.map((g) => g.char).join("");
  });
}

/** Issue 21, item 7: text a sensor sends cannot reorder what an analyst reads. */
describe("bidirectional text and hidden controls in the console", () => {
  it("a right-to-left override reads in the order it was sent, marked; RTL text stays in its box", async () => {
    const admin = await createUser("admin");
    const token = await tokenFor(admin);
    const id = await raiseAlert(token, {
      source_name: `invoice${RLO}fdp.exe`,
      event_type: `dropper${RLO}gpj`,
      description: `Attachment invoice${RLO}fdp.exe opened by\u200B m.keller; שלום 42 then the rest`,
      metadata: { [`file${RLO}`]: `payroll${RLO}xslx.scr`, hidden: "ad\u{E0061}\u{E0064}min" },
    });
    const { page } = await openConsole(browser(), "/alerts");
    await signIn(page, admin);

    // The queue: the spoofed name reads as sent, the override shown as a marked U+202E.
    const row = page.locator(`tr[data-alert-id="${id}"]`);
    await row.waitFor();
    expect(await readOnScreen(row.locator("td.clip").nth(0))).toBe("invoiceU+202Efdp.exe");
    expect(await readOnScreen(row.locator("td.clip").nth(1))).toBe("dropperU+202Egpj");

    await page.getByRole("link", { name: `#${id}`, exact: true }).click();
    const fields = page.locator(`section[aria-labelledby="event-title"] dl.fields`);
    await fields.waitFor();
    const source = fields.locator("dd").nth(0);
    expect(await readOnScreen(source)).toBe("invoiceU+202Efdp.exe");
    expect(await source.locator(".hidden-char").getAttribute("title")).toBe("U+202E RIGHT-TO-LEFT OVERRIDE");
    // No override reaches the page as a character: nothing left to reorder the text after it.
    expect(await page.locator("main").textContent()).not.toContain(RLO);

    // The heading puts two sensor strings in one sentence: each is isolated, the sentence stays put.
    const subtitle = page.locator("h1 .subtitle");
    expect((await readOnScreen(subtitle)).trim()).toBe("dropperU+202Egpj on invoiceU+202Efdp.exe");
    for (const bdi of await subtitle.locator("bdi").all()) {
      expect(await bdi.getAttribute("dir")).toBe("auto");
      expect(await bdi.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe("isolate");
    }

    // Zero-width space and tag characters (invisible ASCII) are shown too; Hebrew stays readable.
    const description = fields.locator("dd").nth(5);
    const descriptionText = await description.textContent();
    expect(descriptionText).toContain("byU+200B m.keller");
    expect(descriptionText).toContain("שלום 42");
    const metadata = page.locator("table.metadata");
    expect(await readOnScreen(metadata.locator("tr", { hasText: "payroll" }))).toBe("fileU+202EpayrollU+202Exslx.scr");
    expect(await metadata.locator("tr", { hasText: "hidden" }).locator("td").textContent()).toBe("adU+E0061U+E0064min");

    await page.screenshot(shoot("bidi.png"));
  });
});
