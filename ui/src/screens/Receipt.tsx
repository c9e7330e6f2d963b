// Receipts: a payment's slip as the printer lays it out (monospace lines of the printer's
// width, the amount double size, the QR code) with "Print receipt"; the "scan to pay" slip for
// a till without a customer display; Settings > Receipt printer with a test page; and a
// scanned slip (the barcode scanner types the payment id and Enter) opening that sale.
import { useEffect, useRef, useState } from "preact/hooks";
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { ApiError, Command, PrintFailedDto, ReceiptDto, SettingsView, UiEvent } from "../bindings";
import { EVENT } from "../bindings";
import { asApiError } from "../api";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { getState, update } from "../store";
import { askReturn } from "../returns";
import { Detail } from "./Detail";
import { ScanReader } from "../scan";
import "../print.css";

function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(cmd, args).catch((e: unknown) => {
    throw asApiError(e);
  });
}

export const printApi = {
  preview: (payment_id: string) => call<ReceiptDto>("receipt_preview", { payment_id }),
  print: (payment_id: string) => call<void>("print_receipt", { payment_id }),
  paySlip: (payment_id: string) => call<void>("print_pay_slip", { payment_id }),
  test: () => call<void>("test_print"),
  settings: () => call<SettingsView>("settings"),
  set: (key: string, value: string) => call<void>("set_setting", { key, value }),
};

type Msg = { key: Key; params?: Record<string, string> } | null;

function useWhy() {
  const { tError } = useI18n();
  return (e: ApiError) => (e.message ? `${tError(e)} (${e.message})` : tError(e));
}

/** The slip as it prints. */
export function SlipPreview({ r }: { r: ReceiptDto }) {
  return (
    <div class="slip" data-testid="receipt-preview">
      {r.lines.map((l) =>
        l.kind === "text" ? (
          <div class={l.bold ? "slip-line bold" : "slip-line"}>{l.text || "\u00a0"}</div>
        ) : l.kind === "big" ? (
          <div class="slip-line big">{l.text}</div>
        ) : (
          <div
            class="slip-qr"
            data-testid="receipt-qr"
            data-qr={l.data}
            // Our own SVG (src-tauri's qr.rs), never text from elsewhere.
            dangerouslySetInnerHTML={{ __html: l.svg ?? "" }}
          />
        ),
      )}
    </div>
  );
}

/** "Show receipt" and "Print receipt" for a payment (its detail and result screens). */
export function Receipt({ paymentId }: { paymentId: string }) {
  const { t } = useI18n();
  const why = useWhy();
  const [r, setR] = useState<ReceiptDto | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  // The slip is in the till's language: read again once a switch is saved (its echo).
  const [said, setSaid] = useState(0);
  useEffect(() => {
    const stop = listen<UiEvent>(EVENT, (e) => {
      if (e.payload.event === "language") setSaid((n) => n + 1);
    });
    return () => void stop.then((f) => f());
  }, []);
  useEffect(() => {
    printApi.preview(paymentId).then(setR, () => setR(null));
  }, [paymentId, said]);
  useEffect(() => {
    setMsg(null);
    // A slip that did not print after this sale (printer.after_sale): said here.
    const stop = listen<PrintFailedDto>("print_failed", (e) => {
      if (e.payload.payment_id === paymentId) {
        setMsg({ key: "print.after_sale_failed", params: { why: why(e.payload.error) } });
      }
    });
    return () => void stop.then((f) => f());
  }, [paymentId]);
  if (!r) return null;

  async function print() {
    setBusy(true);
    setMsg(null);
    try {
      await printApi.print(paymentId);
      setMsg({ key: "print.printed" });
    } catch (e) {
      setMsg({ key: "print.failed", params: { why: why(e as ApiError) } });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="receipt" data-testid="receipt">
      <div class="receipt-actions">
        <button
          data-testid="receipt-show"
          // Enter on the result screen still starts the next sale: never keeps the focus.
          onMouseDown={(e) => e.preventDefault()}
          tabIndex={-1}
          onClick={() => setOpen(!open)}
        >
          {open ? t("print.hide") : t("print.show")}
        </button>
        {r.printer_configured && (
          <button
            data-testid="receipt-print"
            onMouseDown={(e) => e.preventDefault()}
            tabIndex={-1}
            disabled={busy}
            onClick={() => void print()}
          >
            {busy ? t("print.printing") : t("print.print")}
          </button>
        )}
      </div>
      {msg && (
        <div class={msg.key === "print.printed" ? "msg" : "error"} role="status" data-testid="receipt-msg">
          {t(msg.key, msg.params)}
        </div>
      )}
      {open && <SlipPreview r={r} />}
    </div>
  );
}

/** "Print the QR for the customer": an open sale's link on paper (when a printer is set). */
export function PaySlipButton({ paymentId }: { paymentId: string }) {
  const { t } = useI18n();
  const why = useWhy();
  const [msg, setMsg] = useState<Msg>(null);
  // Offered only when there is a printer.
  const [printer, setPrinter] = useState(false);
  useEffect(() => {
    printApi.preview(paymentId).then((r) => setPrinter(r.printer_configured), () => setPrinter(false));
  }, [paymentId]);
  if (!printer) return null;
  return (
    <div class="pay-slip">
      <button
        data-testid="pay-slip"
        onMouseDown={(e) => e.preventDefault()}
        tabIndex={-1}
        onClick={() =>
          printApi.paySlip(paymentId).then(
            () => setMsg({ key: "print.pay_slip_printed" }),
            (e) => setMsg({ key: "print.failed", params: { why: why(e as ApiError) } }),
          )
        }
      >
        {t("print.pay_slip")}
      </button>
      {msg && <span class="msg" data-testid="pay-slip-msg">{t(msg.key, msg.params)}</span>}
    </div>
  );
}

/** Settings > Receipt printer (managers): where, which code page, after each sale, a test page. */
export function PrinterSettings() {
  const { t } = useI18n();
  const why = useWhy();
  const [v, setV] = useState<Record<string, string> | null>(null);
  const [msg, setMsg] = useState<Msg>(null);
  const reload = () =>
    printApi.settings().then(
      (s) => setV(Object.fromEntries(s.values.filter((x) => x.key.startsWith("printer.")).map((x) => [x.key, x.value]))),
      () => setV(null),
    );
  useEffect(() => {
    void reload();
  }, []);
  if (!v) return null;

  async function save(key: string, value: string) {
    try {
      await printApi.set(key, value);
      setMsg({ key: "print.saved" });
    } catch (e) {
      setMsg({ key: "print.failed", params: { why: why(e as ApiError) } });
    }
    await reload();
  }

  return (
    <section class="printer-settings" data-testid="printer-settings">
      <h3>{t("print.settings_title")}</h3>
      {(["printer.address", "printer.shop_name"] as const).map((k) => (
        <TextSetting
          key={`${k}=${v[k] ?? ""}`}
          k={k}
          label={k === "printer.address" ? t("print.address") : t("print.shop_name")}
          hint={k === "printer.address" ? t("print.address_hint") : undefined}
          value={v[k] ?? ""}
          onSave={(x) => void save(k, x)}
        />
      ))}
      <div class="setting">
        <label for="printer-code-page">{t("print.code_page")}</label>
        <select
          id="printer-code-page"
          data-testid="setting-printer.code_page"
          value={v["printer.code_page"] ?? "cp866"}
          onChange={(e) => void save("printer.code_page", (e.target as HTMLSelectElement).value)}
        >
          <option value="cp866">CP866</option>
          <option value="wpc1251">Windows-1251</option>
        </select>
      </div>
      <div class="setting">
        <label for="printer-after-sale">{t("print.after_sale")}</label>
        <input
          id="printer-after-sale"
          type="checkbox"
          data-testid="setting-printer.after_sale"
          checked={v["printer.after_sale"] === "true"}
          onChange={(e) => void save("printer.after_sale", String((e.target as HTMLInputElement).checked))}
        />
      </div>
      <div class="setting">
        <button
          data-testid="printer-test"
          disabled={!v["printer.address"]}
          onClick={() =>
            printApi.test().then(
              () => setMsg({ key: "print.test_sent" }),
              (e) => setMsg({ key: "print.failed", params: { why: why(e as ApiError) } }),
            )
          }
        >
          {t("print.test")}
        </button>
        {!v["printer.address"] && <span class="msg">{t("print.no_printer")}</span>}
      </div>
      {msg && (
        <div class={msg.key === "print.failed" ? "error" : "msg"} role="status" data-testid="printer-msg">
          {t(msg.key, msg.params)}
        </div>
      )}
    </section>
  );
}

function TextSetting(p: { k: string; label: string; hint?: string; value: string; onSave: (v: string) => void }) {
  const { t } = useI18n();
  const [x, setX] = useState(p.value);
  const id = `setting-${p.k}`;
  return (
    <form
      class="setting"
      onSubmit={(e) => {
        e.preventDefault();
        p.onSave(x.trim());
      }}
    >
      <label for={id}>{p.label}</label>
      <input id={id} data-testid={id} value={x} placeholder={p.hint} onInput={(e) => setX((e.target as HTMLInputElement).value)} />
      <button type="submit" data-testid={`${id}-save`}>{t("print.save")}</button>
    </form>
  );
}

function time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Mounted on the sale screen: a scanned slip opens its payment's detail, with "Return money"
 * when anything is left to return; the amount field keeps what it had before the scan.
 */
export function ScanToOpen({ manager }: { manager: boolean }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const [unknown, setUnknown] = useState<string | null>(null);
  const reader = useRef(new ScanReader());
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      // Another field's keys are that field's (the scanner types into the amount field).
      const target = e.target as HTMLElement | null;
      if (target?.closest?.("input, textarea, select, [contenteditable]") && target.id !== "amount") return;
      const id = reader.current.key(e.key, e.timeStamp || performance.now(), getState().amount);
      if (!id) return;
      // The scan's Enter: no sale starts, and the id's digits leave the amount field.
      e.preventDefault();
      e.stopImmediatePropagation();
      update({ amount: reader.current.before });
      printApi.preview(id).then(
        () => {
          setUnknown(null);
          setOpen(id);
        },
        () => setUnknown(id),
      );
    }
    // Capture: before the amount field and the sale screen's own keys see them.
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);
  // A real element (never an empty fragment), last on its screen: the screen's own dialogs
  // keep their place and focus beside it.
  return (
    <div class="scan-to-open">
      {unknown && (
        <div class="error" role="alert" data-testid="scan-unknown">
          {t("print.scan_unknown", { id: unknown })}
        </div>
      )}
      {open && (
        <Detail
          paymentId={open}
          manager={manager}
          time={time}
          onClose={() => setOpen(null)}
          onReturn={(r) => {
            setOpen(null);
            askReturn(r);
          }}
        />
      )}
    </div>
  );
}
