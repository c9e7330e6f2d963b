// The sale screen. The amount field is the till's home: it has the focus whenever a new sale
// can be typed, and no keystroke is lost on the way to it. Digits typed on a result screen
// start the next amount (and an Enter after them starts that sale once the new-sale screen is
// up); keys typed while something else on this screen has the focus still go into the field.
// Enter never starts a second sale (a local guard and the shell's own). Esc while a sale is
// open asks before it stops waiting; Enter or Esc after a result goes back to a new sale.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ApiError, AppInfo, SaleView } from "../bindings";
import { api } from "../api";
import { amountChars, formatSom, parseSom } from "../money";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { getState, update, useStore } from "../store";
import { SaleStatus } from "./SaleStatus";
import { Keypad, keypadWanted, type PadKey } from "../components/Keypad";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { ScanToOpen } from "./Receipt";

const isResult = (s: SaleView | null) => s !== null && (s.phase === "success" || s.phase === "declined");
/** Keys that belong in the amount field. */
const AMOUNT_KEY = /^[0-9.,]$/;
const EDITABLE = "input, textarea, select, [contenteditable]";

export function Sale({ info, manager = false, focusTick = 0 }: { info: AppInfo; manager?: boolean; focusTick?: number }) {
  const { t } = useI18n();
  const { sale, amount: text, stopped, prefs } = useStore();
  const [error, setError] = useState<ApiError | null>(null);
  /** Why the last Enter started nothing (a key, said in the language on screen). */
  const [why, setWhy] = useState<Key | null>(null);
  const [confirm, setConfirm] = useState(false);
  const busy = useRef(false);
  const newing = useRef(false);
  const startWhenIdle = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  const confirmOpen = useRef(false);
  confirmOpen.current = confirm;

  const amount = parseSom(text);
  const tooLarge = amount !== null && amount > info.sale_max;
  const showPad = keypadWanted(prefs?.keypad);

  function setText(v: string) {
    update({ amount: v, stopped: null });
    setWhy(null);
    setError(null);
  }

  function focusAmount() {
    const el = input.current;
    if (!el) return;
    el.focus();
    const n = el.value.length;
    try {
      el.setSelectionRange(n, n);
    } catch {
      /* not a text field yet */
    }
  }

  async function start() {
    const s = getState();
    if (busy.current || s.sale !== null) return;
    const a = parseSom(s.amount);
    const reason: Key | null =
      s.amount.trim() === ""
        ? "sale.empty"
        : a === null
          ? "sale.invalid"
          : a <= 0
            ? "sale.zero"
            : a > info.sale_max
              ? "sale.too_large"
              : null;
    if (reason !== null || a === null) {
      setWhy(reason);
      return;
    }
    busy.current = true;
    setError(null);
    setWhy(null);
    try {
      await api.startSale(a);
      update({ amount: "", stopped: null });
    } catch (e) {
      setError(e as ApiError);
    } finally {
      busy.current = false;
    }
  }

  function toNewSale() {
    if (newing.current) return;
    newing.current = true;
    void api
      .newSale()
      .catch(() => {})
      .finally(() => {
        newing.current = false;
      });
  }

  async function stopWaiting() {
    setConfirm(false);
    const s = getState().sale;
    if (s === null || isResult(s)) return;
    update({ stopped: { amount: s.amount } });
    try {
      await api.abandonSale();
    } catch (err) {
      update({ stopped: null });
      setError(err as ApiError);
    }
  }

  // Back to a new sale (or the Sale tab chosen, or a header button used): the amount field
  // takes the focus before the page paints, and an Enter typed on the result starts the sale.
  useLayoutEffect(() => {
    if (sale === null) {
      focusAmount();
      // For the start-up benchmark: the till takes keys now (said once by the shell).
      if (performance.getEntriesByName("cashier:ready").length === 0) performance.mark("cashier:ready");
      api.uiReady().catch(() => {});
      if (startWhenIdle.current) {
        startWhenIdle.current = false;
        void start();
      }
    }
  }, [sale === null, focusTick]);

  // The question "stop waiting?" is moot once the sale has its result.
  useEffect(() => {
    if (sale === null || isResult(sale)) setConfirm(false);
  }, [sale?.phase ?? null]);

  // The key handler reads the sale through a ref set while rendering: a key pressed the moment
  // a result appears acts on that result (a listener re-registered after the render would
  // leave a gap where the previous state's handler swallows it).
  const current = useRef(sale);
  current.current = sale;
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
      if (confirmOpen.current) return; // the dialog has the keys
      const s = current.current;
      const target = e.target as HTMLElement | null;
      const onButton = target instanceof HTMLButtonElement;
      if (isResult(s)) {
        if (e.key === "Enter" || e.key === "Escape") {
          e.preventDefault();
          if (e.key === "Enter" && getState().amount !== "") startWhenIdle.current = true;
          toNewSale();
        } else if (AMOUNT_KEY.test(e.key) || e.key === " ") {
          // The next amount, typed before the new-sale screen is up: kept.
          e.preventDefault();
          update({ amount: amountChars(getState().amount + e.key), stopped: null });
          toNewSale();
        } else if (e.key === "Backspace") {
          e.preventDefault();
          update({ amount: getState().amount.slice(0, -1) });
        }
        return;
      }
      if (s !== null) {
        if (e.key === "Escape") {
          e.preventDefault();
          setConfirm(true);
        } else if (e.key === "Enter" && !onButton) {
          e.preventDefault(); // a stray Enter while waiting does nothing
        }
        return;
      }
      // A new sale: keys typed while the amount field is not focused still go into it.
      const el = input.current;
      if (!el || target === el || (target && !onButton && target.closest(EDITABLE))) return;
      let next: string | null = null;
      if (AMOUNT_KEY.test(e.key)) next = amountChars(getState().amount + e.key);
      else if (e.key === "Backspace") next = getState().amount.slice(0, -1);
      if (next !== null) {
        e.preventDefault();
        el.value = next;
        setText(next);
        focusAmount();
      } else if (e.key === "Enter" && !onButton) {
        e.preventDefault();
        focusAmount();
        void start();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  function pad(k: PadKey) {
    if (k === "enter") {
      void start();
      return;
    }
    const cur = getState().amount;
    setText(k === "back" ? cur.slice(0, -1) : k === "clear" ? "" : amountChars(cur + k));
    focusAmount();
  }

  if (sale !== null) {
    const done = isResult(sale);
    return (
      <section class="sale" data-testid="sale-screen">
        <SaleStatus sale={sale} validSecs={info.qr_valid_secs} manager={manager} />
        <div class="sale-actions">
          {done ? (
            <button class="primary" data-testid="new-sale" onClick={() => toNewSale()}>
              {t("sale.new")}
            </button>
          ) : (
            <button data-testid="stop-waiting" onClick={() => setConfirm(true)}>
              {t("sale.stop")}
            </button>
          )}
        </div>
        {error && <ErrorText error={error} manager={manager} testid="sale-error" />}
        {confirm && !done && (
          <Dialog title={t("sale.stop_title")} onClose={() => setConfirm(false)} testid="stop-dialog">
            <h2>{t("sale.stop_title")}</h2>
            <p>{t("sale.stop_explain", { amount: formatSom(sale.amount) })}</p>
            <div class="dialog-actions">
              <button class="primary" autofocus data-testid="stop-confirm" onClick={() => void stopWaiting()}>
                {t("sale.stop_yes")}
              </button>
              <button data-testid="stop-cancel" onClick={() => setConfirm(false)}>
                {t("sale.stop_no")}
              </button>
            </div>
          </Dialog>
        )}
        <ScanToOpen manager={manager} />
      </section>
    );
  }

  const hint: { key: Key; bad: boolean } =
    why !== null
      ? { key: why, bad: true }
      : text !== "" && amount === null
        ? { key: "sale.invalid", bad: false }
        : tooLarge
          ? { key: "sale.too_large", bad: true }
          : { key: "sale.hint", bad: false };

  return (
    <section class={showPad ? "sale idle with-pad" : "sale idle"} data-testid="sale-screen">
      <div class="amount-box">
        <label class="amount-label" for="amount">{t("sale.amount")}</label>
        <input
          id="amount"
          ref={input}
          class="amount-input"
          data-testid="amount"
          inputMode={showPad ? "none" : "decimal"}
          autoComplete="off"
          aria-describedby="amount-hint"
          autoFocus
          value={text}
          onBeforeInput={(e) => {
            const d = (e as InputEvent).data;
            if (d && amountChars(d) !== d) e.preventDefault(); // letters never enter the field
          }}
          onInput={(e) => {
            const el = e.target as HTMLInputElement;
            const clean = amountChars(el.value);
            if (clean !== el.value) {
              const at = Math.max(0, (el.selectionStart ?? clean.length) - (el.value.length - clean.length));
              el.value = clean;
              el.setSelectionRange(at, at);
            }
            setText(clean);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              void start();
            }
          }}
        />
        <div class="amount-preview" data-testid="amount-preview" aria-hidden="true">
          {amount !== null ? formatSom(amount) : "\u00a0"}
        </div>
        <div
          id="amount-hint"
          class={hint.bad ? "hint bad" : "hint"}
          data-testid="sale-hint"
          data-why={why ?? undefined}
          role="status"
          aria-live="polite"
        >
          {t(hint.key, { limit: formatSom(info.sale_max) })}
        </div>
        {stopped && (
          <div class="stopped" data-testid="sale-stopped" role="status">
            {t("sale.stopped", { amount: formatSom(stopped.amount) })}
          </div>
        )}
        {error && <ErrorText error={error} manager={manager} testid="sale-error" />}
      </div>
      {showPad && <Keypad onKey={pad} />}
      <ScanToOpen manager={manager} />
    </section>
  );
}
