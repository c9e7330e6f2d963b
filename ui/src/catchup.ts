// The window's first answers are asked beside the listener's start (one round trip, not two:
// issue 12, start-up), so a change told between an answer and the listener's start would be
// missed until the next one. Once listening, the window asks again; this decides what of that
// second answer to take (store.ts `catchUp`). Pure, for the unit tests.
import type { SaleView } from "./bindings";

/** What the window had, and had been told, when it asked again (and when the answer came). */
export type Seen = {
  sale: SaleView | null;
  gatewayOk: boolean;
  /** Health events told so far. */
  healthTold: number;
};

/** The second answer, as the shell gave it. */
export type Answer = { sale: SaleView | null; gatewayOk: boolean };

/** What to change: only what differs from the screen and has not changed since the question
 *  was sent (an event, or the cashier's own sale, told after it is newer than this answer). */
export function catchUpPatch(asked: Seen, now: Seen, answer: Answer): Partial<Answer> {
  const patch: Partial<Answer> = {};
  // The same object: nothing replaced the sale while the question was out.
  if (now.sale === asked.sale && !sameSale(now.sale, answer.sale)) patch.sale = answer.sale;
  if (now.healthTold === asked.healthTold && now.gatewayOk !== answer.gatewayOk) patch.gatewayOk = answer.gatewayOk;
  return patch;
}

function sameSale(a: SaleView | null, b: SaleView | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
