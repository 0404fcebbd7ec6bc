import { describe, expect, it } from "vitest";
import { revealHidden, revealHiddenAsText } from "./controls";

describe("revealHidden: what a sensor hid in a string, shown as U+XXXX", () => {
  it("the right-to-left override of a file-name spoof", () => {
    expect(revealHidden("invoice\u202Efdp.exe")).toEqual([
      "invoice",
      { codePoint: "U+202E", name: "RIGHT-TO-LEFT OVERRIDE" },
      "fdp.exe",
    ]);
  });

  it("every bidi control, invisible separator, C0/C1 control and tag character; in order, adjacent ones apart", () => {
    const hidden = [
      "\u061C",
      "\u200B",
      "\u200E",
      "\u200F",
      "\u2028",
      "\u2029",
      "\u202A",
      "\u202B",
      "\u202C",
      "\u202D",
      "\u202E",
      "\u2060",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
      "\uFEFF",
      "\u0000",
      "\u0007",
      "\u001B",
      "\u007F",
      "\u0085",
      "\u009F",
      "\u{E0001}",
      "\u{E0041}",
      "\u{E007F}",
    ];
    const pieces = revealHidden(`a${hidden.join("")}b`);
    expect(pieces[0]).toBe("a");
    expect(pieces.at(-1)).toBe("b");
    const codes = pieces.slice(1, -1).map((piece) => (typeof piece === "string" ? piece : piece.codePoint));
    expect(codes).toEqual(
      hidden.map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`),
    );
    expect(revealHidden("\u{E0041}")).toEqual([{ codePoint: "U+E0041", name: "TAG CHARACTER" }]);
    expect(revealHidden("\u001B")).toEqual([{ codePoint: "U+001B", name: "CONTROL CHARACTER" }]);
  });

  it("leaves readable text alone: tabs, newlines, joiners of scripts and emoji, right-to-left letters", () => {
    for (const text of ["", "fw-edge-01", "line one\n\tline two", "می\u200Cخواهم", "👨\u200D👩\u200D👧", "שלום עולם"]) {
      expect(revealHidden(text)).toEqual(text === "" ? [] : [text]);
    }
  });

  it("as plain text, for the tab title", () => {
    expect(revealHiddenAsText("invoice\u202Efdp.exe")).toBe("invoice[U+202E]fdp.exe");
  });
});
