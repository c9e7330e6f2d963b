// Payouts: "return money" for a sale or money to a saved card, asked by anyone signed in;
// the approval queue, where another manager approves with a PIN; live states from events.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, CardDto, PayoutRequestDto, UserDto } from "../bindings";
import { api } from "../api";
import { formatSom, parseSom } from "../money";
import { useI18n } from "../i18n";
import { useStore } from "../store";
import type { Key } from "../i18n/en";

function time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getDate())}.${p(d.getMonth() + 1)} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A manager's decision on a request: approve (another manager) or reject (any manager,
 *  an optional reason). Both take the manager's PIN. */
function Decide({ req, reject, onDone }: { req: PayoutRequestDto; reject: boolean; onDone: () => void }) {
  const { t, tError } = useI18n();
  const [managers, setManagers] = useState<UserDto[]>([]);
  const [manager, setManager] = useState("");
  const [pin, setPin] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const id = reject ? "reject" : "approve";
  useEffect(() => {
    api.userNames().then((u) => {
      // A manager may reject their own request (no money moves), not approve it.
      const m = u.filter((x) => x.role === "manager" && x.active && (reject || x.name !== req.requested_name));
      setManagers(m);
      if (m.length > 0) setManager(m[0].name);
    }, setError);
  }, []);
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      if (reject) await api.rejectPayout(req.id, manager, pin, reason.trim() === "" ? null : reason);
      else await api.approvePayout(req.id, manager, pin);
      onDone();
    } catch (err) {
      setError(err as ApiError);
      setPin("");
    }
  }
  return (
    <form class="approve" onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && onDone()} data-testid={`${id}-form`}>
      <label>
        {t("payouts.manager")}
        <select data-testid={`${id}-manager`} value={manager} onChange={(e) => setManager((e.target as HTMLSelectElement).value)}>
          {managers.map((m) => <option value={m.name}>{m.name}</option>)}
        </select>
      </label>
      <label>
        {t("payouts.pin")}
        <input type="password" inputMode="numeric" autoFocus data-testid={`${id}-pin`} value={pin} onInput={(e) => setPin((e.target as HTMLInputElement).value)} />
      </label>
      {reject && (
        <label>
          {t("payouts.reject_reason")}
          <input data-testid="reject-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
      )}
      <button type="submit" data-testid={`${id}-confirm`}>{reject ? t("payouts.reject_confirm") : t("payouts.confirm")}</button>
      <button type="button" onClick={onDone}>{t("payouts.cancel")}</button>
      {error && <div class="error" data-testid={`${id}-error`}>{tError(error)}</div>}
    </form>
  );
}

export function Payouts({
  returnFor,
  onReturnUsed,
}: {
  user: UserDto;
  returnFor: { sale: string; card: number; amount: number } | null;
  onReturnUsed: () => void;
}) {
  const { t, tError } = useI18n();
  const { changes } = useStore();
  const [cards, setCards] = useState<CardDto[]>([]);
  const [queue, setQueue] = useState<PayoutRequestDto[]>([]);
  const [card, setCard] = useState<number | null>(returnFor?.card ?? null);
  const [amount, setAmount] = useState(returnFor ? String(returnFor.amount / 100) : "");
  const [reason, setReason] = useState("");
  const [sale, setSale] = useState<string | null>(returnFor?.sale ?? null);
  const [error, setError] = useState<ApiError | null>(null);
  const [sent, setSent] = useState(false);
  const [deciding, setDeciding] = useState<{ id: number; reject: boolean } | null>(null);

  useEffect(() => {
    api.cards().then((c) => {
      setCards(c);
      if (card === null && c.length > 0) setCard(c[0].id);
    }, setError);
    if (returnFor) onReturnUsed();
  }, []);

  useEffect(() => {
    api.payoutRequests().then(setQueue, setError);
  }, [changes]);

  async function submit(e: Event) {
    e.preventDefault();
    setSent(false);
    const tiyin = parseSom(amount);
    if (card === null || tiyin === null) {
      setError({ code: "invalid_amount", message: "" });
      return;
    }
    try {
      await api.requestPayout({ card_id: card, amount: tiyin, reason, sale_payment_id: sale });
      setSent(true);
      setError(null);
      setReason("");
      setSale(null);
      setQueue(await api.payoutRequests());
    } catch (err) {
      setError(err as ApiError);
    }
  }

  return (
    <section class="payouts" data-testid="payouts">
      <form class="request" onSubmit={submit}>
        <h2>{t("payouts.request")}</h2>
        {sale && <p data-testid="return-for">{t("payouts.for_sale", { id: sale })}</p>}
        {cards.length === 0 ? (
          <p>{t("payouts.no_cards")}</p>
        ) : (
          <>
            <label>
              {t("payouts.card")}
              <select data-testid="payout-card" value={String(card ?? "")} onChange={(e) => setCard(Number((e.target as HTMLSelectElement).value))}>
                {cards.map((c) => <option value={String(c.id)}>{c.masked}</option>)}
              </select>
            </label>
            <label>
              {t("payouts.amount")}
              <input data-testid="payout-amount" inputMode="numeric" value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              {t("payouts.reason")}
              <input data-testid="payout-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" data-testid="payout-submit">{t("payouts.submit")}</button>
          </>
        )}
        {sent && <div class="ok-line" data-testid="payout-sent">{t("payouts.requested")}</div>}
        {error && <div class="error" data-testid="payout-error">{tError(error)}</div>}
      </form>
      <h2>{t("payouts.queue")}</h2>
      {queue.length === 0 && <p>{t("payouts.empty")}</p>}
      <ul class="queue" data-testid="payout-queue">
        {queue.map((r) => (
          <li data-testid="payout-request" data-request={String(r.id)} data-status={r.status} data-payment-state={r.payment_state ?? ""}>
            <div class="q-main">
              <b>{formatSom(r.amount)}</b> → <span class="mono">{r.masked_card}</span> · {r.reason}
              <div class="q-sub">
                {t("payouts.by", { name: r.requested_name })} · {time(r.requested_at)}
                {r.status === "requested" && ` · ${t("payouts.expires", { time: time(r.expires_at) })}`}
                {r.approver && r.status !== "requested" && ` · ${t("payouts.decided_by", { name: r.approver })}`}
                {r.status === "rejected" && r.decision_note && (
                  <span data-testid="payout-note">{` · ${t("payouts.rejected_because", { reason: r.decision_note })}`}</span>
                )}
              </div>
            </div>
            <div class="q-state" data-testid="payout-state">
              {t(`payouts.status.${r.status}` as Key)}
              {r.payment_state && ` · ${t(`state.${r.payment_state}` as Key)}`}
            </div>
            {r.status === "requested" && deciding?.id !== r.id && (
              <>
                <button data-testid="approve" onClick={() => setDeciding({ id: r.id, reject: false })}>{t("payouts.approve")}</button>
                <button data-testid="reject" onClick={() => setDeciding({ id: r.id, reject: true })}>{t("payouts.reject")}</button>
              </>
            )}
            {deciding?.id === r.id && (
              <Decide key={`${r.id}-${deciding.reject}`} req={r} reject={deciding.reject} onDone={() => setDeciding(null)} />
            )}
          </li>
        ))}
      </ul>
      {error && queue.length === 0 && <div class="error">{tError(error)}</div>}
    </section>
  );
}
