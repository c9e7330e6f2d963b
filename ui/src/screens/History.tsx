// History: filters, a virtualised list paged in SQL (keyset), a detail view, CSV export.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError, CursorDto, HistoryQuery, HistoryRowDto, KindDto, StateDto, UserDto } from "../bindings";
import { api } from "../api";
import { formatSom, parseSom } from "../money";
import { useI18n } from "../i18n";
import { update, useStore } from "../store";
import { VirtualList } from "./VirtualList";
import { Detail } from "./Detail";

const PAGE = 200;
const ROW_H = 40;
const STATES: StateDto[] = ["created", "sending", "accepted", "pending", "success", "failed"];
const KINDS: KindDto[] = ["sale", "payout"];

type Form = { from: string; to: string; state: string; kind: string; min: string; max: string; text: string };
const EMPTY: Form = { from: "", to: "", state: "", kind: "", min: "", max: "", text: "" };

/** Local midnight of a `YYYY-MM-DD` date input, in ms. */
function dayStart(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : null;
}

export function toQuery(f: Form): HistoryQuery {
  const to = dayStart(f.to);
  return {
    from_ms: dayStart(f.from),
    to_ms: to === null ? null : to + 24 * 3600 * 1000,
    state: (f.state || null) as StateDto | null,
    kind: (f.kind || null) as KindDto | null,
    amount_min: f.min ? parseSom(f.min) : null,
    amount_max: f.max ? parseSom(f.max) : null,
    text: f.text.trim() || null,
  };
}

function time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function History({
  user,
  onReturn,
}: {
  user: UserDto;
  onReturn: (sale: string, card: number, amount: number) => void;
}) {
  const { t, tError } = useI18n();
  const { changes, exportRows } = useStore();
  const [form, setForm] = useState<Form>(EMPTY);
  const [rows, setRows] = useState<HistoryRowDto[]>([]);
  const [next, setNext] = useState<CursorDto | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const generation = useRef(0);

  async function load(reset: boolean) {
    const gen = reset ? ++generation.current : generation.current;
    if (!reset && (loading || next === null)) return;
    setLoading(true);
    try {
      const page = await api.history(toQuery(form), reset ? null : next, PAGE);
      if (gen !== generation.current) return;
      setRows((old) => (reset ? page.rows : [...old, ...page.rows]));
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    const id = setTimeout(() => void load(true), 250);
    return () => clearTimeout(id);
  }, [form, changes]);

  const set = (k: keyof Form) => (e: Event) =>
    setForm({ ...form, [k]: (e.target as HTMLInputElement).value });

  async function exportCsv() {
    setExported(null);
    update({ exportRows: 0 });
    try {
      const done = await api.exportHistory(toQuery(form));
      setExported(t("history.exported", { rows: done.rows, path: done.path }));
    } catch (e) {
      setError(e as ApiError);
    } finally {
      update({ exportRows: null });
    }
  }

  return (
    <section class="history" data-testid="history">
      <div class="filters">
        <label>{t("history.from")}<input type="date" data-testid="f-from" value={form.from} onInput={set("from")} /></label>
        <label>{t("history.to")}<input type="date" data-testid="f-to" value={form.to} onInput={set("to")} /></label>
        <label>
          {t("history.status")}
          <select data-testid="f-state" value={form.state} onChange={set("state")}>
            <option value="">{t("history.any")}</option>
            {STATES.map((s) => <option value={s}>{t(`state.${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t("history.kind")}
          <select data-testid="f-kind" value={form.kind} onChange={set("kind")}>
            <option value="">{t("history.any")}</option>
            {KINDS.map((k) => <option value={k}>{t(`kind.${k}`)}</option>)}
          </select>
        </label>
        <label>{t("history.amount_min")}<input class="num" data-testid="f-min" value={form.min} onInput={set("min")} /></label>
        <label>{t("history.amount_max")}<input class="num" data-testid="f-max" value={form.max} onInput={set("max")} /></label>
        <label class="grow">
          {t("history.search")}
          <input data-testid="f-text" value={form.text} onInput={set("text")} />
        </label>
        <button data-testid="export" disabled={exportRows !== null} onClick={() => void exportCsv()}>
          {t("history.export")}
        </button>
      </div>
      {exportRows !== null && (
        <div class="progress" data-testid="export-progress">
          <progress />
          {t("history.exporting", { rows: exportRows })}
        </div>
      )}
      {exported && <div class="ok-line" data-testid="export-done">{exported}</div>}
      {error && <div class="error">{tError(error)}</div>}
      <div class="hrow head">
        <span>{t("history.col.time")}</span>
        <span>{t("history.col.id")}</span>
        <span>{t("history.col.kind")}</span>
        <span class="num">{t("history.col.amount")}</span>
        <span>{t("history.col.state")}</span>
        <span>{t("history.col.card")}</span>
      </div>
      {rows.length === 0 && !loading ? (
        <div class="empty" data-testid="history-empty">{t("history.empty")}</div>
      ) : (
        <VirtualList
          testid="history-list"
          items={rows}
          rowHeight={ROW_H}
          onNearEnd={() => void load(false)}
          render={(r) => (
            <button class={`hrow ${r.state}`} data-testid="history-row" data-payment={r.payment_id} onClick={() => setOpen(r.payment_id)}>
              <span>{time(r.created_at)}</span>
              <span class="mono">{r.payment_id}</span>
              <span>{t(`kind.${r.kind}`)}</span>
              <span class="num">{formatSom(r.amount)}</span>
              <span>
                {t(`state.${r.state}`)}
                {r.abandoned && <em> · {t("history.abandoned")}</em>}
                {r.flagged && <em class="flag"> · {t("history.flagged")}</em>}
              </span>
              <span class="mono">{r.masked_card ?? ""}</span>
            </button>
          )}
        />
      )}
      {open && (
        <Detail
          paymentId={open}
          manager={user.role === "manager"}
          onClose={() => setOpen(null)}
          onReturn={onReturn}
          time={time}
        />
      )}
    </section>
  );
}
