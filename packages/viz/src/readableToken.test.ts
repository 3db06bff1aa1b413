import { describe, expect, it } from "vitest";
import { displayWidth, padToWidth, truncateToWidth } from "./displayWidth.js";
import { printableText } from "./printableText.js";
import { readableToken } from "./readableToken.js";
import { visibleToken } from "./visibleToken.js";

describe("readableToken", () => {
  it("decodes byte-level BPE tokens", () => {
    expect(readableToken("Ġcat")).toBe(" cat");
    expect(readableToken("Ċ")).toBe("\n");
    expect(readableToken("ĊĊ")).toBe("\n\n");
    expect(readableToken("čĊ")).toBe("\r\n");
    expect(readableToken("ĉ")).toBe("\t");
    expect(readableToken("ĠcafÃ©")).toBe(" café");
    expect(readableToken("ĠæĹ¥æľ¬")).toBe(" 日本");
  });

  it("decodes SentencePiece tokens", () => {
    expect(readableToken("▁Le")).toBe(" Le");
    expect(readableToken("▁")).toBe(" ");
    expect(readableToken("<0x0A>")).toBe("\n");
  });

  it("keeps special tokens, ASCII, partial UTF-8 and real letters of the byte alphabet unchanged", () => {
    for (const t of ["</s>", "<pad>", "<|endoftext|>", "cat", "âĢ", "ą", "č", "ğ", "ł", "é", "für", "<0xE2>"]) expect(readableToken(t)).toBe(t);
  });
});

describe("visibleToken / printableText", () => {
  it("marks spaces and newlines visibly, or keeps spaces when asked", () => {
    expect(visibleToken("Ġcat")).toBe("␣cat");
    expect(visibleToken("Ċ")).toBe("⏎");
    expect(visibleToken("ĉ")).toBe("⇥");
    expect(visibleToken("▁Le", { spaceMarker: " " })).toBe(" Le");
  });

  it("replaces control characters, bidi overrides and lone surrogates", () => {
    expect(printableText("\x1b[2J\u0007\u007f")).toBe("␛[2J␇␡");
    expect(printableText("a\u009bb\u202ec\ud800")).toBe("a�b�c�");
    expect(printableText("😀 é")).toBe("😀 é");
  });
});

describe("displayWidth", () => {
  it("counts wide characters twice and combining marks not at all", () => {
    expect(displayWidth("cat")).toBe(3);
    expect(displayWidth("日本")).toBe(4);
    expect(displayWidth("e\u0301")).toBe(1);
    expect(displayWidth("😀")).toBe(2);
  });

  it("truncates with an ellipsis within the width and pads", () => {
    expect(truncateToWidth("abcdefgh", 5)).toBe("abcd…");
    expect(truncateToWidth("abc", 5)).toBe("abc");
    expect(truncateToWidth("日本語テキスト", 6)).toBe("日本…");
    expect(displayWidth(truncateToWidth("日本語テキスト", 6))).toBeLessThanOrEqual(6);
    expect(padToWidth("日本", 6, "start")).toBe("  日本");
    expect(padToWidth("ab", 4, "end")).toBe("ab  ");
  });
});
