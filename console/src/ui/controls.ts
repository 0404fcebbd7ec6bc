/**
 * Characters a sensor can put in a string to change what an analyst reads without showing
 * themselves: bidirectional formatting (`invoice\u202Efdp.exe` reads as `invoiceexe.pdf`),
 * invisible separators and joiners used to split a word a filter matches, C0/C1 controls, and
 * Unicode tag characters (U+E0000..E007F: invisible ASCII). The console shows each as a marked
 * `U+XXXX` instead. Left alone: tab and newline (descriptions keep their lines), and the zero-width
 * (non-)joiners U+200C/U+200D, which Persian, Indic scripts and emoji sequences need.
 */
const NAMES: Record<number, string> = {
  1564: "ARABIC LETTER MARK",
  8203: "ZERO WIDTH SPACE",
  8206: "LEFT-TO-RIGHT MARK",
  8207: "RIGHT-TO-LEFT MARK",
  8232: "LINE SEPARATOR",
  8233: "PARAGRAPH SEPARATOR",
  8234: "LEFT-TO-RIGHT EMBEDDING",
  8235: "RIGHT-TO-LEFT EMBEDDING",
  8236: "POP DIRECTIONAL FORMATTING",
  8237: "LEFT-TO-RIGHT OVERRIDE",
  8238: "RIGHT-TO-LEFT OVERRIDE",
  8288: "WORD JOINER",
  8294: "LEFT-TO-RIGHT ISOLATE",
  8295: "RIGHT-TO-LEFT ISOLATE",
  8296: "FIRST STRONG ISOLATE",
  8297: "POP DIRECTIONAL ISOLATE",
  65279: "ZERO WIDTH NO-BREAK SPACE",
};

const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\u{e0000}-\u{e007f}]/gu;

export type Hidden = { codePoint: string; name: string };
export type Piece = string | Hidden;

function describe(char: string): Hidden {
  const code = char.codePointAt(0) ?? 0;
  const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name =
    NAMES[code] ?? (code >= 0xe0000 ? "TAG CHARACTER" : code >= 0x80 ? "C1 CONTROL CHARACTER" : "CONTROL CHARACTER");
  return { codePoint, name };
}

/** The text cut into runs of plain text and the hidden characters between them, in order. */
export function revealHidden(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(HIDDEN)) {
    if (match.index > last) pieces.push(text.slice(last, match.index));
    pieces.push(describe(match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return pieces;
}

/** The text as it should read in a title or a tab name, where no markup can go. */
export function revealHiddenAsText(text: string): string {
  return revealHidden(text)
    .map((piece) => (typeof piece === "string" ? piece : `[${piece.codePoint}]`))
    .join("");
}
