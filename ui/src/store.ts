// App-wide state fed by the shell's pushed events: the sale on screen, the gateway's health,
// notices, and a "payments changed" tick that lists reload on. No polling.
import { useEffect, useState } from "preact/hooks";
import type { DisplayPrefs, SaleView, UiEvent } from "./bindings";
import { api, onTill } from "./api";
import { isLang, setLang } from "./i18n";
import { playSound } from "./sound";
import { catchUpPatch, type Seen } from "./catchup";

export type Notice =
  | { kind: "late_success"; payment_id: string; amount: number }
  | { kind: "late_decline"; payment_id: string; amount: number }
  | { kind: "flagged"; payment_id: string };

type State = {
  sale: SaleView | null;
  gatewayOk: boolean;
  notices: Notice[];
  /** Bumped on every payment or payout change. */
  changes: number;
  /** Rows written by a running CSV export. */
  exportRows: number | null;
  /** What the cashier has typed in the amount field: kept while other screens show, and
   *  filled by digits typed on a result screen (they start the next amount). */
  amount: string;
  /** The last sale the cashier stopped waiting for (said on the new-sale screen). */
  stopped: { amount: number } | null;
  /** The keypad, sound and customer display settings (the cashier's window). */
  prefs: DisplayPrefs | null;
};

let state: State = {
  sale: null,
  gatewayOk: true,
  notices: [],
  changes: 0,
  exportRows: null,
  amount: "",
  stopped: null,
  prefs: null,
};

/** The cashier's window plays the result sounds (the customer display does not). */
let sounds = false;
export function enableSounds() {
  sounds = true;
}

const isFinal = (s: SaleView | null) => s !== null && (s.phase === "success" || s.phase === "declined");

/** A sale that has just reached its result (not the same result shown again). */
function resultSound(before: SaleView | null, after: SaleView | null) {
  if (!sounds || after === null || !isFinal(after) || state.prefs?.sound === false) return;
  if (before !== null && before.payment_id === after.payment_id && before.phase === after.phase) return;
  playSound(after.phase === "success" ? "success" : "decline");
}
const listeners = new Set<() => void>();

export function getState(): State {
  return state;
}

export function update(patch: Partial<State>) {
  state = { ...state, ...patch };
  listeners.forEach((f) => f());
}

export function useStore(): State {
  const [s, set] = useState(state);
  useEffect(() => {
    const f = () => set(state);
    listeners.add(f);
    f();
    return () => {
      listeners.delete(f);
    };
  }, []);
  return s;
}

/** Health events told so far (see `catchUp`). */
let healthTold = 0;

function handle(e: UiEvent) {
  if (e.event === "health") healthTold += 1;
  switch (e.event) {
    case "sale": {
      const before = state.sale;
      update({ sale: e.sale });
      resultSound(before, e.sale);
      break;
    }
    case "payment_changed":
    case "payout_requested":
    case "payout_decided":
    case "lagged":
      update({ changes: state.changes + 1 });
      break;
    case "late_success":
      update({
        notices: [...state.notices, { kind: "late_success", payment_id: e.payment_id, amount: e.amount }],
        changes: state.changes + 1,
      });
      break;
    case "late_decline":
      update({
        notices: [...state.notices, { kind: "late_decline", payment_id: e.payment_id, amount: e.amount }],
        changes: state.changes + 1,
      });
      break;
    case "flagged":
      update({ notices: [...state.notices, { kind: "flagged", payment_id: e.payment_id }] });
      break;
    case "health":
      update({ gatewayOk: e.gateway_ok });
      break;
    case "export_progress":
      update({ exportRows: e.rows });
      break;
    case "language":
      if (isLang(e.language)) void setLang(e.language);
      break;
    case "till_changed":
      // The demo till was connected to ECommPay: this window starts afresh on the real till.
      location.reload();
      break;
  }
}

/** Starts listening (once per window). */
export function connect(): Promise<unknown> {
  return onTill(handle);
}

/** Once listening: the sale and the gateway's health read again, for a change told before the
 *  listener started (see catchup.ts); then the late results (shown once each). */
export async function catchUp() {
  const seen = (): Seen => ({ sale: state.sale, gatewayOk: state.gatewayOk, healthTold });
  const asked = seen();
  const [info, sale] = await Promise.all([api.appInfo(), api.currentSale()]);
  const patch = catchUpPatch(asked, seen(), { sale, gatewayOk: info.gateway_ok });
  if (Object.keys(patch).length > 0) {
    const before = state.sale;
    update(patch);
    if ("sale" in patch) resultSound(before, state.sale);
  }
  showLate(info.late);
}

export function dismissNotice(n: Notice) {
  update({ notices: state.notices.filter((x) => x !== n) });
  if (n.kind === "late_success" || n.kind === "late_decline") {
    // Read: not shown again when a window opens or reloads.
    api.dismissLate(n.payment_id).catch(() => {});
  }
}

/** Late results told before this window listened (the till's followers start with the app). */
export function showLate(late: UiEvent[]) {
  for (const e of late) {
    if (e.event !== "late_success" && e.event !== "late_decline") continue;
    if (state.notices.some((n) => n.kind === e.event && "payment_id" in n && n.payment_id === e.payment_id)) continue;
    handle(e);
  }
}
