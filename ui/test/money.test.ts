import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSom, parseSom, somInput, tiyinSettingToSom } from "../src/money.ts";

test("formats so'm with spaces between thousands", () => {
  assert.equal(formatSom(15_000_000), "150 000 so'm");
  assert.equal(formatSom(100), "1 so'm");
  assert.equal(formatSom(0), "0 so'm");
  assert.equal(formatSom(123_456_789_00), "123 456 789 so'm");
  assert.equal(formatSom(100_000_000), "1 000 000 so'm");
});

test("shows tiyin only when non-zero", () => {
  assert.equal(formatSom(15_000_050), "150 000,50 so'm");
  assert.equal(formatSom(15_000_005), "150 000,05 so'm");
  assert.equal(formatSom(99), "0,99 so'm");
});

test("parses what a cashier types", () => {
  assert.equal(parseSom("150000"), 15_000_000);
  assert.equal(parseSom("150 000"), 15_000_000);
  assert.equal(parseSom("150000,50"), 15_000_050);
  assert.equal(parseSom("150000.05"), 15_000_005);
  assert.equal(parseSom("150000,5"), null, "tiyin are two digits");
  assert.equal(parseSom(""), null);
  assert.equal(parseSom("12a"), null);
  assert.equal(parseSom("1,234"), 123_400, "a comma before three digits groups thousands");
  assert.equal(parseSom("-5"), null);
});

test("round-trips", () => {
  for (const t of [1, 99, 100, 15_000_050, 987_654_321]) {
    assert.equal(parseSom(formatSom(t).replace(" so'm", "")), t);
  }
});

test("limits are edited in so'm and stored in tiyin", () => {
  assert.equal(somInput(10_000_000_000), "100 000 000");
  assert.equal(somInput(50_050), "500,50");
  assert.equal(tiyinSettingToSom("500000000"), "5 000 000");
  assert.equal(tiyinSettingToSom("x"), "x");
  for (const t of [1, 100, 50_050, 2_000_000_000]) assert.equal(parseSom(somInput(t)), t);
});
