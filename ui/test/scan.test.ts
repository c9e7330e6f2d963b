import { test } from "node:test";
import assert from "node:assert/strict";
import { PAYMENT_ID, ScanReader } from "../src/scan.ts";
import { en } from "../src/i18n/en.ts";
import { ru } from "../src/i18n/ru.ts";
import { uz } from "../src/i18n/uz.ts";

/** Types `text` then Enter, `gap` ms apart; what the reader said at each key. */
function type(r: ScanReader, text: string, gap: number, start = 1000, amount = "") {
  const keys = [...text, "Enter"];
  return keys.map((k, i) => r.key(k, start + i * gap, amount));
}

test("a scanned slip's payment id opens its sale at its Enter; the amount as it was is kept", () => {
  const r = new ScanReader();
  const said = type(r, "T1-S261201-101500-a3f9c1", 8, 1000, "150");
  assert.equal(said.at(-1), "T1-S261201-101500-a3f9c1");
  assert.ok(said.slice(0, -1).every((s) => s === null), "only the Enter is the scan's");
  assert.equal(r.before, "150", "the amount as it was before the scan");
});

test("a till code of digits: the amount before the scan is known", () => {
  const r = new ScanReader();
  const said = type(r, "12-S261201-101500-00ff00", 10, 5000, "7");
  assert.equal(said.at(-1), "12-S261201-101500-00ff00");
  assert.equal(r.before, "7");
});

test("a person typing an amount and Enter is never a scan", () => {
  const r = new ScanReader();
  for (const gap of [8, 150]) {
    const said = type(r, "15000", gap, 10_000 * gap);
    assert.ok(said.every((s) => s === null), `gap ${gap}`);
  }
  assert.ok(type(r, "12abc", 5, 2_000_000).every((s) => s === null));
  // The same id typed slowly by hand is not a scan (its Enter is the sale screen's).
  const said = type(r, "T1-S261201-101500-a3f9c1", 200, 90_000);
  assert.equal(said.at(-1), null);
  assert.ok(PAYMENT_ID.test("IT-P261201-101500-abcdef"));
  assert.ok(!PAYMENT_ID.test("T1-S261201-101500-a3f9c1x"));
});

test("every receipt word exists in every language", () => {
  for (const k of Object.keys(en).filter((k) => k.startsWith("print."))) {
    for (const [name, d] of [["ru", ru], ["uz", uz]] as const) {
      assert.ok((d as Record<string, string>)[k]?.trim(), `${name} lacks ${k}`);
    }
  }
});
