// Returns ("Qaytarishlar"): the return of a sale's money, started from that sale (its detail or
// its result screen), showing the sale it belongs to and cleared once sent; a manager's
// separate "money to a saved card" not tied to a sale; the approval queue, where another
// manager approves with a PIN, each request with the sale it returns; live states from events.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, CardDto, PayoutRequestDto, ReturnableDto, StateDto, UserDto } from "../bindings";
import { api } from "../api";
import { reportApi } from "../reportApi";
import { formatSom, parseSom } from "../money";
import { useI18n } from "../i18n";
import { useStore } from "../store";
import type { Key } from "../i18n/en";
import { peopleState, returnOffer, type ReturnFor } from "../report";
import "../report.css";

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

/** The return of one sale's money: the sale, its card, what is left; gone once sent. */
function ReturnForm({ start, onSent, onCancel }: { start: ReturnFor; onSent: (id: string) => void; onCancel: () => void }) {
  const { t, tError } = useI18n();
  const [info, setInfo] = useState<ReturnableDto | null>(null);
  const [amount, setAmount] = useState(String(start.amount / 100));
  const [reason, setReason] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    reportApi.returnable(start.sale).then(setInfo, setError);
  }, [start.sale]);
  const offer = returnOffer(info);
  async function submit(e: Event) {
    e.preventDefault();
    const tiyin = parseSom(amount);
    if (tiyin === null || tiyin <= 0) {
      setError({ code: "invalid_amount", message: "" });
      return;
    }
    setBusy(true);
    try {
      await api.requestPayout({ card_id: start.card, amount: tiyin, reason, sale_payment_id: start.sale });
      onSent(start.sale);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="return-form" onSubmit={submit} data-testid="return-form">
      <h2>{t("returns.title")}</h2>
      <p class="sale-line" data-testid="return-for">
        {info
          ? t("returns.sale", { id: start.sale, time: time(info.sale.created_at), amount: formatSom(info.sale.amount) })
          : t("payouts.for_sale", { id: start.sale })}
      </p>
      {info?.masked_card && <p>{t("returns.card", { card: info.masked_card })}</p>}
      {info && info.returned + info.pending > 0 && (
        <p data-testid="return-so-far">
          {t("returns.so_far", { returned: formatSom(info.returned), pending: formatSom(info.pending) })}
        </p>
      )}
      {offer.kind === "offer" && <p data-testid="return-left">{t("returns.left", { amount: formatSom(offer.left) })}</p>}
      <label>
        {t("payouts.amount")}
        <input data-testid="payout-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t("payouts.reason")}
        <input data-testid="payout-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <div class="actions">
        <button type="submit" data-testid="payout-submit" disabled={busy}>{t("returns.submit")}</button>
        <button type="button" data-testid="return-cancel" onClick={onCancel}>{t("returns.cancel")}</button>
      </div>
      {error && <div class="error" data-testid="payout-error" role="alert">{tError(error)}</div>}
    </form>
  );
}

/** A manager's money to a saved card, not tied to a sale: a separate, named action. */
function FreePayout({ onSent, onCancel }: { onSent: () => void; onCancel: () => void }) {
  const { t, tError } = useI18n();
  const [cards, setCards] = useState<CardDto[]>([]);
  const [card, setCard] = useState<number | null>(null);
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    api.cards().then((c) => {
      setCards(c);
      if (c.length > 0) setCard(c[0].id);
    }, setError);
  }, []);
  async function submit(e: Event) {
    e.preventDefault();
    const tiyin = parseSom(amount);
    if (card === null || tiyin === null || tiyin <= 0) {
      setError({ code: "invalid_amount", message: "" });
      return;
    }
    try {
      await api.requestPayout({ card_id: card, amount: tiyin, reason, sale_payment_id: null });
      onSent();
    } catch (err) {
      setError(err as ApiError);
    }
  }
  return (
    <form class="return-form" onSubmit={submit} data-testid="free-form">
      <h2>{t("returns.free_title")}</h2>
      <p>{t("returns.free_hint")}</p>
      {cards.length === 0 ? (
        <p>{t("payouts.no_cards")}</p>
      ) : (
        <>
          <label>
            {t("payouts.card")}
            <select data-testid="free-card" value={String(card ?? "")} onChange={(e) => setCard(Number((e.target as HTMLSelectElement).value))}>
              {cards.map((c) => <option value={String(c.id)}>{c.masked}</option>)}
            </select>
          </label>
          <label>
            {t("payouts.amount")}
            <input data-testid="free-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t("payouts.reason")}
            <input data-testid="free-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
          <div class="actions">
            <button type="submit" data-testid="free-submit">{t("returns.free_submit")}</button>
            <button type="button" onClick={onCancel}>{t("returns.cancel")}</button>
          </div>
        </>
      )}
      {error && <div class="error" data-testid="free-error" role="alert">{tError(error)}</div>}
    </form>
  );
}

export function Payouts({
  user,
  returnFor,
  onReturnUsed,
}: {
  user: UserDto;
  returnFor: ReturnFor | null;
  onReturnUsed: () => void;
}) {
  const { t, tError } = useI18n();
  const { changes } = useStore();
  const [queue, setQueue] = useState<PayoutRequestDto[]>([]);
  const [start, setStart] = useState<ReturnFor | null>(returnFor);
  const [free, setFree] = useState(false);
  // Kept as words to say, not text: a language switch re-says it.
  const [sent, setSent] = useState<{ sale: string } | { free: true } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [deciding, setDeciding] = useState<{ id: number; reject: boolean } | null>(null);
  const manager = user.role === "manager";

  useEffect(() => {
    if (returnFor) onReturnUsed();
  }, []);

  useEffect(() => {
    api.payoutRequests().then(setQueue, setError);
  }, [changes]);

  async function reload() {
    setQueue(await api.payoutRequests().catch(() => queue));
  }

  return (
    <section class="payouts" data-testid="payouts">
      {start ? (
        <ReturnForm
          key={start.sale}
          start={start}
          onSent={(id) => {
            // Cleared at once: nothing is left over to send a second time.
            setStart(null);
            setSent({ sale: id });
            void reload();
          }}
          onCancel={() => setStart(null)}
        />
      ) : free && manager ? (
        <FreePayout
          onSent={() => {
            setFree(false);
            setSent({ free: true });
            void reload();
          }}
          onCancel={() => setFree(false)}
        />
      ) : (
        <div class="return-form" data-testid="return-how">
          <p>{t("returns.how")}</p>
          {manager && (
            <button class="free-open" data-testid="free-open" onClick={() => { setSent(null); setFree(true); }}>
              {t("returns.free_open")}
            </button>
          )}
        </div>
      )}
      {sent && (
        <div class="ok-line" data-testid="payout-sent" role="status">
          {"sale" in sent ? t("returns.sent", { id: sent.sale }) : t("returns.free_sent")}
        </div>
      )}
      <h2>{t("payouts.queue")}</h2>
      {queue.length === 0 && <p>{t("payouts.empty")}</p>}
      <ul class="queue" data-testid="payout-queue">
        {queue.map((r) => (
          <li data-testid="payout-request" data-request={String(r.id)} data-status={r.status} data-payment-state={r.payment_state ?? ""} data-sale={r.sale_payment_id ?? ""}>
            <div class="q-main">
              <b>{`\u2212${formatSom(r.amount)}`}</b> → <span class="mono">{r.masked_card}</span> · {r.reason}
              {r.sale_payment_id && (
                <div class="q-sale" data-testid="payout-sale">
                  {r.sale
                    ? t("returns.for_sale", { id: r.sale.payment_id, time: time(r.sale.created_at), amount: formatSom(r.sale.amount) })
                    : t("payouts.for_sale", { id: r.sale_payment_id })}
                </div>
              )}
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
              {r.payment_state &&
                ` · ${t(`pstate.${peopleState({ kind: "payout", state: r.payment_state as StateDto, abandoned: false })}` as Key)}`}
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
