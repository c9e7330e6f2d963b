// The sale screen: digits, Enter, QR. Enter never starts a second sale (a local guard and
// the shell's own); Esc stops waiting; Enter or Esc after a result goes back to a new sale.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError, AppInfo } from "../bindings";
import { api } from "../api";
import { formatSom, parseSom } from "../money";
import { useI18n } from "../i18n";
import { useStore } from "../store";
import { SaleStatus } from "./SaleStatus";

export function Sale({ info, focusTick = 0 }: { info: AppInfo; focusTick?: number }) {
  const { t, tError } = useI18n();
  const { sale } = useStore();
  const [text, setText] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const busy = useRef(false);
  const input = useRef<HTMLInputElement>(null);

  const amount = parseSom(text);
  const tooLarge = amount !== null && amount > info.sale_max;

  // Focus the amount field whenever the screen is back to a new sale.
  useEffect(() => {
    if (sale === null) {
      input.current?.focus();
      api.uiReady().catch(() => {});
    }
  }, [sale === null, focusTick]);

  async function start() {
    if (busy.current || sale !== null) return;
    if (amount === null || amount <= 0 || tooLarge) {
      setError(null);
      return;
    }
    busy.current = true;
    setError(null);
    try {
      await api.startSale(amount);
      setText("");
    } catch (e) {
      setError(e as ApiError);
    } finally {
      busy.current = false;
    }
  }

  // The key handler reads the sale through a ref set while rendering: a key pressed the moment
  // a result appears acts on that result (a listener re-registered after the render would
  // leave a gap where the previous state's handler swallows it).
  const current = useRef(sale);
  current.current = sale;
  useEffect(() => {
    async function onKey(e: KeyboardEvent) {
      if (e.key !== "Enter" && e.key !== "Escape") return;
      const sale = current.current;
      if (sale === null) return; // the input handles Enter itself
      e.preventDefault();
      if (sale.phase === "success" || sale.phase === "declined") {
        await api.newSale().catch(() => {});
      } else if (e.key === "Escape") {
        await api.abandonSale().catch((err) => setError(err as ApiError));
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (sale !== null) {
    return (
      <section class="sale" data-testid="sale-screen">
        <SaleStatus sale={sale} validSecs={info.qr_valid_secs} />
        {error && <div class="error" data-testid="sale-error">{tError(error)}</div>}
      </section>
    );
  }

  return (
    <section class="sale idle" data-testid="sale-screen">
      <label class="amount-label" for="amount">{t("sale.amount")}</label>
      <input
        id="amount"
        ref={input}
        class="amount-input"
        data-testid="amount"
        inputMode="numeric"
        autoComplete="off"
        autoFocus
        value={text}
        onInput={(e) => {
          setText((e.target as HTMLInputElement).value.replace(/[^\d\s,.]/g, ""));
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            void start();
          }
        }}
      />
      <div class="amount-preview" data-testid="amount-preview">
        {amount !== null ? formatSom(amount) : "\u00a0"}
      </div>
      <div class="hint" data-testid="sale-hint">
        {text !== "" && amount === null
          ? t("sale.invalid")
          : tooLarge
            ? t("sale.too_large", { limit: formatSom(info.sale_max) })
            : t("sale.hint")}
      </div>
      {error && <div class="error" data-testid="sale-error">{tError(error)}</div>}
    </section>
  );
}
