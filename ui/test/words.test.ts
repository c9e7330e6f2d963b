import { test } from "node:test";
import assert from "node:assert/strict";
import { declineKey, flowArg, flowChoice, flowHintKey, flowInUseKeys, FLOW_CHOICES } from "../src/words.ts";
import { en } from "../src/i18n/en.ts";
import { ru } from "../src/i18n/ru.ts";
import { uz } from "../src/i18n/uz.ts";

test("a sale whose link expired unopened says so, not 'declined by the bank'", () => {
  assert.equal(declineKey("link_expired"), "decline.link_expired");
  assert.equal(declineKey("20105"), "decline.20105");
  assert.equal(declineKey("gateway_timeout"), "decline.not_sent");
  assert.equal(declineKey("3061"), "decline.other");
  assert.equal(declineKey(null), "decline.other");
});

test("automatic is sale.flow unset, both ways", () => {
  assert.equal(flowChoice(null), "auto");
  assert.equal(flowChoice("gate"), "gate");
  assert.equal(flowArg("auto"), null);
  assert.equal(flowArg("payment_page"), "payment_page");
});

test("every flow word exists in every language", () => {
  const keys = FLOW_CHOICES.map(flowHintKey);
  for (const flow of ["payment_page", "gate"] as const) {
    for (const reason of ["configured", "listener_public", "no_inbound"] as const) {
      const k = flowInUseKeys({ flow, reason, chosen: null, link_cannot_arrive: true });
      keys.push(k.name, k.reason, k.warning!);
    }
  }
  keys.push(declineKey("link_expired"));
  for (const dict of [en, ru, uz] as Record<string, string>[]) {
    for (const k of keys) assert.ok(dict[k], `missing ${k}`);
  }
});
