// A payment's detail: its fields in plain words (the technical state beside them), what is
// left to return of a sale (or the sale a return belongs to), and the timeline of gateway
// messages in the user's language (raw JSON, redacted by the core, for managers only).
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError, PaymentDetail } from "../bindings";
import { api } from "../api";
import { formatSom } from "../money";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { declineKey } from "../words";
import { Receipt } from "./Receipt";
import { peopleState, returnFor, returnOffer, returnOfferText, rowAmount, signedSom, timelineText, type ReturnFor } from "../report";

export function Detail({
  paymentId,
  manager,
  onClose,
  onReturn,
  time,
}: {
  paymentId: string;
  manager: boolean;
  onClose: () => void;
  onReturn: (r: ReturnFor) => void;
  time: (ms: number) => string;
}) {
  const { t, tError } = useI18n();
  const [d, setD] = useState<PaymentDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.paymentDetail(paymentId).then(setD, setError);
    const before = document.activeElement as HTMLElement | null;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    box.current?.focus();
    return () => {
      window.removeEventListener("keydown", onKey);
      before?.focus?.();
    };
  }, [paymentId]);

  const offer = returnOffer(d?.returns);
  const start = returnFor(d?.returns);
  const row = d?.row;
  const failedReason = row && row.state === "failed" ? t(declineKey(row.code)) : null;

  return (
    <div class="modal" data-testid="detail" role="dialog" aria-modal="true" aria-labelledby="detail-title">
      <div class="modal-box" ref={box} tabIndex={-1}>
        <h2 id="detail-title">{t("detail.title", { id: paymentId })}</h2>
        {error && <div class="error">{tError(error)}</div>}
        {d && row && (
          <>
            <dl>
              <dt>{t("history.col.amount")}</dt><dd data-testid="detail-amount">{signedSom(rowAmount(row))}</dd>
              <dt>{t("history.col.kind")}</dt><dd>{t(`kind.${row.kind}`)}</dd>
              <dt>{t("history.col.state")}</dt>
              <dd data-testid="detail-state">
                {t(`pstate.${peopleState(row)}` as Key)}
                {failedReason && ` — ${failedReason}`}
              </dd>
              <dt>{t("detail.technical")}</dt>
              <dd data-testid="detail-technical">
                {t(`state.${row.state}`)}
                {row.gateway_status ? ` · ${row.gateway_status}` : ""}
              </dd>
              {row.state === "failed" && row.code && (
                <>
                  <dt>{t("detail.bank_code")}</dt>
                  <dd data-testid="detail-code">{manager && row.message ? `${row.code}: ${row.message}` : row.code}</dd>
                </>
              )}
              <dt>{t("history.col.card")}</dt><dd>{row.masked_card ?? "—"}</dd>
              <dt>{t("history.col.time")}</dt><dd>{time(row.created_at)}</dd>
              <dt>{t("detail.created_by")}</dt><dd>{d.created_by ?? "—"}</dd>
            </dl>
            {d.returns_sale && (
              <p data-testid="detail-returns-sale">
                {t("detail.returns_sale", {
                  id: d.returns_sale.payment_id,
                  time: time(d.returns_sale.created_at),
                  amount: formatSom(d.returns_sale.amount),
                })}
              </p>
            )}
            {offer.kind !== "none" && (
              <div class="detail-return">
                {offer.kind === "offer" && start ? (
                  <button data-testid="detail-return" onClick={() => onReturn(start)}>
                    {returnOfferText(offer, t)}
                  </button>
                ) : (
                  <span class="returned-line" data-testid="detail-returned">{returnOfferText(offer, t)}</span>
                )}
                {offer.kind === "offer" && d.returns && d.returns.returned + d.returns.pending > 0 && (
                  <span data-testid="detail-returned-so-far">
                    {t("returns.so_far", { returned: formatSom(d.returns.returned), pending: formatSom(d.returns.pending) })}
                  </span>
                )}
              </div>
            )}
            {row.state === "success" && <Receipt paymentId={paymentId} />}
            <h3>{t("detail.timeline")}</h3>
            {d.timeline.length === 0 && <p>{t("detail.none")}</p>}
            <ol class="timeline" data-testid="timeline">
              {d.timeline.map((m) => (
                <li>
                  <span>{time(m.received_at)}</span> {timelineText(m, t)}
                  {manager && m.flag && <em class="flag"> · {m.flag}</em>}
                  {manager && m.raw !== null && (
                    <details>
                      <summary>{t("detail.raw")}</summary>
                      <pre data-testid="raw-json">{JSON.stringify(m.raw, null, 2)}</pre>
                    </details>
                  )}
                </li>
              ))}
            </ol>
          </>
        )}
        <button data-testid="detail-close" onClick={onClose}>{t("detail.close")}</button>
      </div>
    </div>
  );
}
