// The sale as both the cashier and the customer see it: QR, amount, countdown, live state,
// result. `big` is the customer display's variant.
import { useEffect, useState } from "preact/hooks";
import type { SaleView } from "../bindings";
import { formatSom } from "../money";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { declineKey } from "../words";
import { ReturnButton } from "./ReturnButton";
import { PaySlipButton, Receipt } from "./Receipt";

function mmss(secs: number): string {
  const s = Math.max(0, secs);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function Countdown({ from, validSecs }: { from: number; validSecs: number }) {
  const { t } = useI18n();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const left = Math.ceil((from + validSecs * 1000 - now) / 1000);
  return (
    <div class="countdown" data-testid="countdown">
      {left > 0 ? t("sale.expires_in", { time: mmss(left) }) : t("sale.expired")}
    </div>
  );
}

/** After 5 s of "creating the payment" the cashier is told that the bank is slow. */
export const SLOW_MS = 5000;

function SlowNote({ since }: { since: number }) {
  const { t } = useI18n();
  const [slow, setSlow] = useState(Date.now() - since >= SLOW_MS);
  useEffect(() => {
    if (slow) return;
    const id = setTimeout(() => setSlow(true), Math.max(0, since + SLOW_MS - Date.now()));
    return () => clearTimeout(id);
  }, [since]);
  if (!slow) return null;
  return (
    <div class="slow" data-testid="slow-gateway">
      {t("sale.slow")}
    </div>
  );
}

/** When this window first saw each sale start (the payment id is empty until it is written). */
const startedAt = new Map<string, number>();
function firstSeen(sale: SaleView): number {
  const k = sale.payment_id;
  if (k === "") return Date.now(); // being written: a moment
  let at = startedAt.get(k);
  if (at === undefined) {
    at = Date.now();
    startedAt.set(k, at);
    if (startedAt.size > 50) startedAt.delete(startedAt.keys().next().value as string);
  }
  return at;
}

/** The decline reason in plain words. */
export function declineReason(sale: SaleView, t: (k: Key) => string): string {
  return t(declineKey(sale.code));
}

export function SaleStatus({
  sale,
  validSecs,
  big = false,
  manager = false,
}: {
  sale: SaleView;
  validSecs: number;
  big?: boolean;
  /** A manager also sees the bank's own code and words of a decline. */
  manager?: boolean;
}) {
  const { t } = useI18n();
  // Screen readers hear the state (not the countdown ticking): one polite live region.
  const said =
    sale.phase === "success"
      ? t("sale.success")
      : sale.phase === "declined"
        ? `${t("sale.declined")}. ${declineReason(sale, t)}`
        : sale.phase === "checking"
          ? t("sale.checking")
          : sale.phase === "waiting_customer"
            ? t("sale.waiting")
            : t("sale.starting");
  return (
    <>
      <Phase sale={sale} validSecs={validSecs} big={big} manager={manager} t={t} />
      {!big && (
        <div class="sr-only" role="status" aria-live="polite" data-testid="sale-announce">
          {`${formatSom(sale.amount)}: ${said}`}
        </div>
      )}
    </>
  );
}

function Phase({
  sale,
  validSecs,
  big,
  manager,
  t,
}: {
  sale: SaleView;
  validSecs: number;
  big: boolean;
  manager: boolean;
  t: (k: Key, p?: Record<string, string | number>) => string;
}) {
  const amount = <div class="amount-big" data-testid="sale-amount">{formatSom(sale.amount)}</div>;
  switch (sale.phase) {
    case "starting":
      return (
        <div class="sale-status result" data-testid="sale-state" data-phase="starting">
          {amount}
          <div class="state-line">
            <span class="spinner" />
            {t(sale.link_missing ? "sale.link_waiting" : "sale.starting")}
          </div>
          {/* Gate flow, no link came: the cashier learns why (the customer just waits). */}
          {sale.link_missing && !big && (
            <div class="link-missing" role="alert" data-testid="link-missing">
              <p>{t("sale.link_missing")}</p>
              <p class="fix">{t("sale.link_missing_fix")}</p>
            </div>
          )}
          {!big && !sale.link_missing && <SlowNote key={firstSeen(sale)} since={firstSeen(sale)} />}
          {sale.link_missing && !big && <div class="key-hint">{t("sale.esc_cancel")}</div>}
        </div>
      );
    case "waiting_customer":
    case "checking": {
      const link = sale.link;
      return (
        <div class={`sale-status ${big ? "big" : ""}`}>
          {link && link.scannable && link.qr_svg ? (
            <div
              class="qr"
              data-testid="qr"
              data-url={link.url}
              data-flow={link.flow}
              role="img"
              aria-label={t("sale.qr_label", { amount: formatSom(sale.amount) })}
              // The SVG is rendered by the shell from the link (no script, no external refs).
              dangerouslySetInnerHTML={{ __html: link.qr_svg }}
            />
          ) : link ? (
            <div class="post-link" data-testid="post-link">{t("sale.post_link")}</div>
          ) : null}
          <div class="qr-side">
            {amount}
            <div class="state-line" data-testid="sale-state" data-phase={sale.phase}>
              <span class="spinner" />
              {sale.phase === "checking" ? t("sale.checking") : t("sale.waiting")}
            </div>
            {link?.scannable && <div class="scan-hint">{t("sale.scan")}</div>}
            {sale.link_at !== null && <Countdown from={sale.link_at} validSecs={validSecs} />}
            {!big && link && (
              <div class="link-text">
                {t("sale.link")}: <code data-testid="link-url">{link.url}</code>
              </div>
            )}
            {!big && link?.scannable && <PaySlipButton paymentId={sale.payment_id} />}
            {!big && <div class="key-hint">{t("sale.esc_cancel")}</div>}
          </div>
        </div>
      );
    }
    case "success":
      return (
        <div class="sale-status result ok" data-testid="sale-state" data-phase="success">
          <div class="result-mark">✓</div>
          {amount}
          <div class="result-title">{big ? t("customer.thanks") : t("sale.success")}</div>
          {sale.masked_card && (
            <div class="card" data-testid="masked-card">
              {t("sale.paid_with", { card: sale.masked_card })}
            </div>
          )}
          {!big && <ReturnButton paymentId={sale.payment_id} />}
          {!big && <Receipt paymentId={sale.payment_id} />}
          {!big && <div class="key-hint">{t("sale.next")}</div>}
        </div>
      );
    case "declined":
      return (
        <div class="sale-status result bad" data-testid="sale-state" data-phase="declined">
          <div class="result-mark">✕</div>
          {amount}
          <div class="result-title">{t("sale.declined")}</div>
          <div class="reason" data-testid="decline-reason">{declineReason(sale, t)}</div>
          {manager && !big && (sale.code || sale.message) && (
            <details class="original">
              <summary>{t("error.details")}</summary>
              <code data-testid="decline-original">{[sale.code, sale.message].filter(Boolean).join(": ")}</code>
            </details>
          )}
          {!big && <div class="key-hint">{t("sale.next")}</div>}
        </div>
      );
  }
}
