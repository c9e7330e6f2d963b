// A payment's detail: its fields and the timeline of gateway messages (raw JSON, redacted by
// the core, for managers only).
import { useEffect, useState } from "preact/hooks";
import type { ApiError, PaymentDetail } from "../bindings";
import { api } from "../api";
import { formatSom } from "../money";
import { useI18n } from "../i18n";

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
  onReturn: (sale: string, card: number, amount: number) => void;
  time: (ms: number) => string;
}) {
  const { t, tError } = useI18n();
  const [d, setD] = useState<PaymentDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api.paymentDetail(paymentId).then(setD, setError);
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [paymentId]);

  return (
    <div class="modal" data-testid="detail">
      <div class="modal-box">
        <h2>{t("detail.title", { id: paymentId })}</h2>
        {error && <div class="error">{tError(error)}</div>}
        {d && (
          <>
            <dl>
              <dt>{t("history.col.amount")}</dt><dd>{formatSom(d.row.amount)}</dd>
              <dt>{t("history.col.kind")}</dt><dd>{t(`kind.${d.row.kind}`)}</dd>
              <dt>{t("history.col.state")}</dt><dd data-testid="detail-state">{t(`state.${d.row.state}`)}{d.row.code ? ` (${d.row.code} ${d.row.message ?? ""})` : ""}</dd>
              <dt>{t("history.col.card")}</dt><dd>{d.row.masked_card ?? "—"}</dd>
              <dt>{t("history.col.time")}</dt><dd>{time(d.row.created_at)}</dd>
              <dt>{t("detail.created_by")}</dt><dd>{d.created_by ?? "—"}</dd>
            </dl>
            {d.returnable && d.card_id !== null && (
              <button data-testid="detail-return" onClick={() => onReturn(d.row.payment_id, d.card_id!, d.row.amount)}>
                {t("detail.return")}
              </button>
            )}
            <h3>{t("detail.timeline")}</h3>
            {d.timeline.length === 0 && <p>{t("detail.none")}</p>}
            <ol class="timeline" data-testid="timeline">
              {d.timeline.map((m) => (
                <li>
                  <span>{time(m.received_at)}</span> <b>{m.source}</b> {m.status ?? ""} · {m.signature}
                  {m.flag && <em class="flag"> · {m.flag}</em>}
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
