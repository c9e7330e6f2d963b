// Reconciliation with ECommPay's records: Settings > Reconciliation (managers) sets the Data
// API's token and secret (write-only: the window learns only "set") and reconciles a day;
// the banner (every signed-in window) says loudly when ECommPay reports a payment paid that
// the till recorded as not paid. Asking for the status each minute also lets the app run the
// automatic reconciliation of the previous day after midnight.
import { useEffect, useState } from "preact/hooks";
import { invoke } from "@tauri-apps/api/core";
import type {
  ApiError,
  Command,
  ReconcileItemDto,
  ReconcileReportDto,
  ReconcileStatusDto,
} from "../bindings";
import { asApiError } from "../api";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { formatSom } from "../money";

function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(cmd, args).catch((e: unknown) => {
    throw asApiError(e);
  });
}

const STATUS_EVERY_MS = 60_000;
/** A window event after a run here, so the banner need not wait for its next minute. */
const RECONCILED = "cashier-reconciled";

/** The till's local day today, `YYYY-MM-DD` (the computer's clock). */
function todayText(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function useStatus(): [ReconcileStatusDto | null] {
  const [s, setS] = useState<ReconcileStatusDto | null>(null);
  const reload = () => {
    call<ReconcileStatusDto>("reconcile_status").then(setS, () => {});
  };
  useEffect(() => {
    reload();
    const id = setInterval(reload, STATUS_EVERY_MS);
    window.addEventListener(RECONCILED, reload);
    return () => {
      clearInterval(id);
      window.removeEventListener(RECONCILED, reload);
    };
  }, []);
  return [s];
}

/** The loud banner: payments ECommPay says were paid that the till recorded as not paid. */
export function ReconcileBanner() {
  const { t } = useI18n();
  const [s] = useStatus();
  const [hidden, setHidden] = useState<string | null>(null);
  if (!s || s.missed_successes.length === 0) return null;
  const key = `${s.last_date}:${s.missed_successes.join(",")}`;
  if (hidden === key) return null;
  return (
    <div class="banner late" role="alert" data-testid="banner-reconcile">
      {t("reconcile.banner", {
        count: s.missed_successes.length,
        date: s.last_date ?? "",
        ids: s.missed_successes.join(", "),
      })}
      <button onClick={() => setHidden(key)}>{t("reconcile.dismiss")}</button>
    </div>
  );
}

function amount(a: number | null, raw: string | null, t: ReturnType<typeof useI18n>["t"]) {
  if (a !== null) return formatSom(a);
  if (raw !== null) return t("reconcile.not_integer", { raw });
  return "–";
}

function ItemRow({ i }: { i: ReconcileItemDto }) {
  const { t } = useI18n();
  return (
    <li
      class={i.loud ? "reconcile-item loud" : i.is_difference ? "reconcile-item" : "reconcile-item note"}
      data-testid={`reconcile-item-${i.kind}`}
      role={i.loud ? "alert" : undefined}
    >
      <strong>{t(`reconcile.kind.${i.kind}` as Key)}</strong>{" "}
      <code>{i.payment_id}</code> {i.at ?? ""}
      <div>
        {t("reconcile.till")}:{" "}
        <span title={i.till_state ?? ""}>
          {i.till_outcome ? t(`reconcile.outcome.${i.till_outcome}` as Key) : t("reconcile.no_record")}
        </span>{" "}
        {i.till_amount !== null ? formatSom(i.till_amount) : ""} · {t("reconcile.gateway")}:{" "}
        <span title={i.gateway_status ?? ""}>
          {i.gateway_outcome
            ? t(`reconcile.outcome.${i.gateway_outcome}` as Key)
            : t("reconcile.not_listed")}
        </span>{" "}
        {i.gateway_status !== null ? amount(i.gateway_amount, i.gateway_amount_raw, t) : ""}
      </div>
      <div class="action">{t(`reconcile.do.${i.kind}` as Key)}</div>
    </li>
  );
}

/** Settings > Reconciliation (managers). */
export function ReconcileSection() {
  const { t, tError } = useI18n();
  const [status] = useStatus();
  const [token, setToken] = useState("");
  const [secret, setSecret] = useState("");
  const [date, setDate] = useState(todayText());
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ReconcileReportDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function save(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      await call<boolean>("set_data_api", { token, secret });
      setToken("");
      setSecret("");
      window.dispatchEvent(new Event(RECONCILED));
    } catch (err) {
      setError(err as ApiError);
    }
  }

  async function run() {
    setError(null);
    setBusy(true);
    try {
      setReport(await call<ReconcileReportDto>("reconcile_day", { date }));
      window.dispatchEvent(new Event(RECONCILED));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="reconcile" data-testid="reconcile">
      <h3>{t("reconcile.title")}</h3>
      <p>{t("reconcile.hint")}</p>
      <form onSubmit={(e) => void save(e)}>
        <div class="setting">
          <label for="data-api-token">{t("reconcile.token")}</label>
          <input
            id="data-api-token"
            type="password"
            autoComplete="off"
            data-testid="data-api-token"
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          />
          <span class="msg" data-testid="data-api-state" title={t("reconcile.write_only")}>
            {status?.configured ? t("reconcile.configured") : t("reconcile.not_configured")}
          </span>
        </div>
        <div class="setting">
          <label for="data-api-secret">{t("reconcile.secret")}</label>
          <input
            id="data-api-secret"
            type="password"
            autoComplete="off"
            data-testid="data-api-secret"
            value={secret}
            onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
          />
          <button type="submit" disabled={!token.trim() || !secret.trim()}>
            {t("reconcile.save")}
          </button>
        </div>
      </form>
      <div class="setting">
        <label for="reconcile-date">{t("reconcile.date")}</label>
        <input
          id="reconcile-date"
          type="date"
          data-testid="reconcile-date"
          value={date}
          onInput={(e) => setDate((e.target as HTMLInputElement).value)}
        />
        <button
          data-testid="reconcile-run"
          disabled={busy || !status?.configured || !date}
          onClick={() => void run()}
        >
          {t("reconcile.run")}
        </button>
        {busy && <span class="msg">{t("reconcile.running")}</span>}
      </div>
      {error && (
        <div class="error" role="alert" data-testid="reconcile-error">
          {tError(error)}
        </div>
      )}
      {report && (
        <div data-testid="reconcile-report">
          <p data-testid="reconcile-summary">
            {t("reconcile.summary", {
              date: report.date,
              payments: report.till_payments,
              matched: report.matched,
              differences: report.differences,
              others: report.other_tills,
            })}
          </p>
          {report.differences === 0 && <p>{t("reconcile.nothing")}</p>}
          <ul class="reconcile-items">
            {report.items.map((i) => (
              <ItemRow key={`${i.kind}:${i.payment_id}`} i={i} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
