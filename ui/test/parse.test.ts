// The amount parser: every way a cashier writes fifteen thousand, tiyin only after exactly two
// digits, and what is unclear or not an amount refused (null).
import { test } from "node:test";
import assert from "node:assert/strict";
import { amountChars, formatSom, parseSom, setSomUnit, somInput } from "../src/money.ts";

const SOM = 100;

test("fifteen thousand, however it is written", () => {
  for (const s of ["15000", "15 000", "15.000", "15,000", " 15 000 ", "15\u00a0000", "15\u202f000", "015000"]) {
    assert.equal(parseSom(s), 15_000 * SOM, s);
  }
});

test("groups of thousands with dots, commas or spaces", () => {
  assert.equal(parseSom("1.234.567"), 1_234_567 * SOM);
  assert.equal(parseSom("1,234,567"), 1_234_567 * SOM);
  assert.equal(parseSom("1 234 567"), 1_234_567 * SOM);
  assert.equal(parseSom("150.000"), 150_000 * SOM);
  assert.equal(parseSom("1,234"), 1_234 * SOM);
  assert.equal(parseSom("999.999.999"), 999_999_999 * SOM);
});

test("tiyin only after exactly two digits", () => {
  assert.equal(parseSom("15.50"), 15 * SOM + 50);
  assert.equal(parseSom("15,50"), 15 * SOM + 50);
  assert.equal(parseSom("150000,05"), 150_000 * SOM + 5);
  assert.equal(parseSom("150 000,50"), 150_000 * SOM + 50);
  assert.equal(parseSom("15.000,50"), 15_000 * SOM + 50);
  assert.equal(parseSom("15,000.50"), 15_000 * SOM + 50);
  assert.equal(parseSom("1.234.567,89"), 1_234_567 * SOM + 89);
  assert.equal(parseSom("0,99"), 99);
  assert.equal(parseSom("0.01"), 1);
});

test("unclear amounts are refused, never guessed", () => {
  for (const s of [
    "15.5", // one tiyin digit: 15,50 or a typo?
    "15,5",
    "15.0000", // four digits after the dot
    "15000.000", // a group after five digits
    "1234.567",
    "1.234,5",
    "1.000.50", // the same mark for thousands and tiyin
    "1,000,50",
    "1.23.456",
    "1.234.56.7",
    "15.",
    ".50",
    ",",
    "15..000",
    "15.000,",
  ]) {
    assert.equal(parseSom(s), null, s);
  }
});

test("what is not an amount at all", () => {
  for (const s of ["", " ", "12abc", "abc", "-5", "+5", "1e5", "0x10", "15 000 so'm", "١٥"]) {
    assert.equal(parseSom(s), null, s);
  }
  assert.equal(parseSom("99999999999999"), null, "more than 13 digits of so'm");
  assert.equal(parseSom("9999999999999"), 9_999_999_999_999 * SOM);
});

test("zero parses (the sale screen says why it starts nothing)", () => {
  assert.equal(parseSom("0"), 0);
  assert.equal(parseSom("0,00"), 0);
});

test("letters never enter the amount field", () => {
  assert.equal(amountChars("12abc"), "12");
  assert.equal(amountChars("15.000,50 so'm"), "15.000,50 ");
  assert.equal(amountChars("-1e5"), "15");
  assert.equal(amountChars("1".repeat(40)).length, 24);
});

test("formatted amounts parse back", () => {
  for (const t of [1, 99, 100, 15_000_050, 987_654_321, 1_500_000]) {
    assert.equal(parseSom(somInput(t)), t);
  }
});

test("the unit follows the language", () => {
  setSomUnit("сум");
  assert.equal(formatSom(1_500_000), "15 000 сум");
  setSomUnit("so'm");
  assert.equal(formatSom(1_500_000), "15 000 so'm");
});
