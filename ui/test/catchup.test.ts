// What the window takes from its second answer at start-up (ui/src/catchup.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { catchUpPatch, type Seen } from "../src/catchup.ts";
import type { SaleView } from "../src/bindings";

function sale(phase: SaleView["phase"], id = "DEMO-1"): SaleView {
  return { payment_id: id, amount: 1_500_000, phase, link: null, link_at: null, masked_card: null, code: null, message: null, link_missing: false };
}

const idle: Seen = { sale: null, gatewayOk: true, healthTold: 0 };

test("a change told before the listener started is taken", () => {
  // The first answer said no sale; the sale had started (and was told) before listening.
  assert.deepEqual(catchUpPatch(idle, idle, { sale: sale("waiting"), gatewayOk: true }), { sale: sale("waiting") });
  assert.deepEqual(catchUpPatch(idle, idle, { sale: null, gatewayOk: false }), { gatewayOk: false });
  const waiting: Seen = { ...idle, sale: sale("waiting") };
  assert.deepEqual(catchUpPatch(waiting, waiting, { sale: sale("success"), gatewayOk: true }), { sale: sale("success") });
});

test("nothing changes when the answer says what the screen shows", () => {
  const waiting: Seen = { ...idle, sale: sale("waiting") };
  assert.deepEqual(catchUpPatch(waiting, waiting, { sale: sale("waiting"), gatewayOk: true }), {});
  assert.deepEqual(catchUpPatch(idle, idle, { sale: null, gatewayOk: true }), {});
});

test("what changed while the question was out stays: it is newer than the answer", () => {
  // The cashier started a sale (or an event replaced it) after the question was sent.
  const after: Seen = { ...idle, sale: sale("waiting", "DEMO-2") };
  assert.deepEqual(catchUpPatch(idle, after, { sale: null, gatewayOk: true }), {});
  // A health event came after the question: its word stands, the sale is still taken.
  const told: Seen = { ...idle, gatewayOk: true, healthTold: 1 };
  assert.deepEqual(catchUpPatch(idle, told, { sale: sale("waiting"), gatewayOk: false }), { sale: sale("waiting") });
});
