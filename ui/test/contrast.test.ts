// WCAG AA contrast of the colours the stylesheet uses for text: at least 4.5:1 for normal
// text (computed with the WCAG 2 relative luminance formula from the :root variables and the
// fixed colours in styles.css).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const css = readFileSync(join(process.cwd(), "src", "styles.css"), "utf8");

function variable(name: string): string {
  const m = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  assert.ok(m, `--${name} in styles.css`);
  return m[1];
}

function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = c.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("the formula gives the known ratios", () => {
  assert.equal(Math.round(contrast("#000000", "#ffffff")), 21);
  assert.equal(contrast("#777777", "#777777"), 1);
});

test("every text colour on its background is at least 4.5:1", () => {
  const v = (n: string) => variable(n);
  const white = "#ffffff";
  const pairs: [string, string, string][] = [
    ["text on the page", v("fg"), v("bg")],
    ["muted text on the page", v("muted"), v("bg")],
    ["muted text on a card", v("muted"), white],
    ["links and the accent on a card", v("accent"), white],
    ["links and the accent on the page", v("accent"), v("bg")],
    ["active tab, primary button", white, v("accent")],
    ["green (paid) on a card", v("ok"), white],
    ["green (paid) on the page", v("ok"), v("bg")],
    ["red (not paid, errors) on a card", v("bad"), white],
    ["red (not paid, errors) on the page", v("bad"), v("bg")],
    ["red on the no-connection banner", v("bad"), "#fdecea"],
    ["the DEMO badge", white, v("warn")],
    ["warnings on a card", v("warn"), white],
    ["the late-payment banner", "#6b4700", "#fff4d6"],
    ["the slow-bank note", "#6b4700", "#fff8e8"],
    ["muted text in the link-missing box", v("muted"), "#fff8e8"],
  ];
  for (const [what, fg, bg] of pairs) {
    const r = contrast(fg, bg);
    assert.ok(r >= 4.5, `${what}: ${fg} on ${bg} is ${r.toFixed(2)}:1`);
  }
});
