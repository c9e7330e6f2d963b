// Returns from the sale, the totals bar, plain states, the timeline's words and the sign-in
// helpers (ui/src/report.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  lastUser,
  lockedUntil,
  lockMessage,
  peopleState,
  pinKey,
  returnFor,
  returnOffer,
  returnOfferText,
  rowAmount,
  signedSom,
  somDigits,
  timelineText,
  totalsParts,
  type Tr,
} from "../src/report.ts";
import { reportEn } from "../src/i18n/report.ts";
import { reportRu } from "../src/i18n/report.ru.ts";
import { reportUz } from "../src/i18n/report.uz.ts";
import { en } from "../src/i18n/en.ts";
import { ru } from "../src/i18n/ru.ts";
import { uz } from "../src/i18n/uz.ts";
import type { ReturnableDto, TotalsDto, UserTileDto } from "../src/bindings";

const SOM = 100;
/** English `t`, as i18n's: placeholders filled. */
const t: Tr = (k, p = {}) => {
  let s: string = (en as Record<string, string>)[k];
  assert.ok(s !== undefined, `no key ${k}`);
  for (const [a, b] of Object.entries(p)) s = s.split(`{${a}}`).join(String(b));
  return s;
};

function sale(over: Partial<ReturnableDto>): ReturnableDto {
  return {
    sale: { payment_id: "DEMO-S1", amount: 15_000 * SOM, created_at: 0 },
    card_id: 3,
    masked_card: "860003******7890",
    eligible: true,
    returned: 0,
    pending: 0,
    returnable: 15_000 * SOM,
    ...over,
  };
}

test("a paid sale offers what is left to return; a fully returned one offers nothing more", () => {
  assert.deepEqual(returnOffer(sale({})), { kind: "offer", left: 15_000 * SOM });
  assert.equal(returnOfferText(returnOffer(sale({})), t), "Return money (up to 15 000 so'm)");
  assert.deepEqual(returnFor(sale({})), { sale: "DEMO-S1", card: 3, amount: 15_000 * SOM });

  const part = sale({ returned: 5_000 * SOM, pending: 2_000 * SOM, returnable: 8_000 * SOM });
  assert.deepEqual(returnOffer(part), { kind: "offer", left: 8_000 * SOM });
  assert.equal(returnFor(part)?.amount, 8_000 * SOM, "the form starts from what is left, not the sale");

  const full = sale({ returned: 15_000 * SOM, returnable: 0 });
  assert.equal(returnOffer(full).kind, "full");
  assert.equal(returnOfferText(returnOffer(full), t), "Returned 15 000 of 15 000 so'm");
  assert.equal(returnFor(full), null, "no form for a sale returned in full");

  const waiting = sale({ returned: 10_000 * SOM, pending: 5_000 * SOM, returnable: 0 });
  assert.equal(returnFor(waiting), null);
  assert.equal(returnOfferText(returnOffer(waiting), t), "Returned 10 000 of 15 000 so'm · on its way: 5 000 so'm");

  assert.deepEqual(returnOffer(sale({ eligible: false, returnable: 0 })), { kind: "none" });
  assert.deepEqual(returnOffer(null), { kind: "none" });
  assert.equal(returnFor(sale({ card_id: null })), null, "no card, no return");
});

test("the totals bar: paid, not paid, returned as money going out, net", () => {
  const x: TotalsDto = {
    paid_count: 3,
    paid_sum: 45_000 * SOM,
    unpaid_count: 2,
    open_count: 0,
    returned_count: 1,
    returned_sum: 15_000 * SOM,
    returning_sum: 0,
    net: 30_000 * SOM,
  };
  assert.deepEqual(
    totalsParts(x, t).map((p) => p.text),
    ["Paid: 3 · 45 000 so'm", "Not paid: 2", "Returned: \u221215 000 so'm", "Net: 30 000 so'm"],
  );
  const busy = { ...x, open_count: 1, returning_sum: 500 * SOM, net: -1_000 * SOM };
  assert.deepEqual(
    totalsParts(busy, t).map((p) => p.id),
    ["paid", "unpaid", "open", "returned", "net"],
  );
  assert.equal(totalsParts(busy, t)[3].text, "Returned: \u221215 000 so'm (on its way: \u2212500 so'm)");
  assert.equal(totalsParts(busy, t)[4].text, "Net: \u22121 000 so'm");
});

test("three plain states, an abandoned sale not 'in progress', returns negative", () => {
  assert.equal(peopleState({ kind: "sale", state: "success", abandoned: false }), "paid");
  assert.equal(peopleState({ kind: "sale", state: "success", abandoned: true }), "paid");
  assert.equal(peopleState({ kind: "sale", state: "failed", abandoned: false }), "not_paid");
  for (const s of ["created", "sending", "accepted", "pending"] as const) {
    assert.equal(peopleState({ kind: "sale", state: s, abandoned: false }), "in_progress");
    assert.equal(peopleState({ kind: "sale", state: s, abandoned: true }), "abandoned");
  }
  assert.equal(peopleState({ kind: "payout", state: "success", abandoned: false }), "returned");
  assert.equal(peopleState({ kind: "payout", state: "pending", abandoned: false }), "returning");
  assert.equal(rowAmount({ kind: "payout", amount: 5_000 * SOM }), -5_000 * SOM);
  assert.equal(rowAmount({ kind: "sale", amount: 5_000 * SOM }), 5_000 * SOM);
  assert.equal(signedSom(-5_000 * SOM), "\u22125 000 so'm");
  assert.equal(somDigits(1_500_050), "15 000,50");
});

test("the timeline in words, never 'answer success · absent'", () => {
  const line = timelineText({ source: "answer", status: "success", signature: "absent", applied: true, flag: null }, t);
  assert.equal(line, "Bank's answer to the request · paid · not signed (normal for this answer)");
  assert.ok(!line.includes("absent") && !line.startsWith("answer"), line);
  assert.equal(
    timelineText({ source: "callback", status: "decline", signature: "verified", applied: true, flag: null }, t),
    "Message sent by the bank · declined · signature checked",
  );
  assert.equal(
    timelineText({ source: "status", status: "weird", signature: "bad", applied: false, flag: null }, t),
    "Status check with the bank · status “weird” · signature wrong: not trusted · kept, not applied",
  );
  assert.equal(timelineText({ source: "error", status: null, signature: "none", applied: false, flag: null }, t), "No answer (connection problem)");
});

test("sign-in: the last user pre-selected, the lock-out says until when and who unlocks, the keypad", () => {
  const tile = (name: string, last: number | null, locked: number | null = null): UserTileDto => ({
    id: 1,
    name,
    role: "cashier",
    locked_until: locked,
    last_sign_in: last,
  });
  assert.equal(lastUser([tile("A", null), tile("B", 5), tile("C", 3)]), "B");
  assert.equal(lastUser([tile("A", null), tile("B", null)]), "A");
  assert.equal(lastUser([]), "");
  const until = new Date(2026, 11, 2, 14, 35).getTime();
  assert.equal(lockedUntil(tile("A", null, until), ""), until);
  assert.equal(lockedUntil(undefined, "locked; try again after 2026-12-02 14:35:00"), until);
  const msg = lockMessage("locked", "Kassir", until, t) ?? "";
  assert.ok(msg.includes("Kassir") && msg.includes("14:35") && msg.includes("manager"), msg);
  assert.equal(lockMessage("wrong_pin", "Kassir", until, t), null);
  let pin = "";
  for (const k of ["1", "2", "back", "3", "x", "4"]) pin = pinKey(pin, k);
  assert.equal(pin, "134");
  assert.equal(pinKey("1234", "clear"), "");
  assert.equal(pinKey("123456789012", "5"), "123456789012", "at most 12 digits");
});

test("every word of returns, the report and sign-in in all three languages", () => {
  const keys = Object.keys(reportEn);
  for (const [name, d] of [["ru", reportRu], ["uz", reportUz]] as const) {
    for (const k of keys) {
      const v = (d as Record<string, string>)[k];
      assert.ok(v !== undefined, `${name} misses ${k}`);
      if (k !== "tl.sig.none") assert.ok(v.length > 0, `${name} ${k} empty`);
      for (const p of ((reportEn as Record<string, string>)[k].match(/\{\w+\}/g) ?? [])) {
        assert.ok(v.includes(p), `${name} ${k} lacks ${p}`);
      }
    }
  }
  assert.equal(uz["tab.payouts"], "Qaytarishlar");
  assert.equal(ru["tab.payouts"], "Возвраты");
  assert.equal(en["tab.payouts"], "Returns");
});
