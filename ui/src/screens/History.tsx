// History as a till's report: filters (with "Today" and "This shift"), the totals of everything
// the filter matches (computed by the core, not from the loaded page), a virtualised list paged
// in SQL (keyset) in plain states with returns as negative amounts, a detail view, CSV export.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError, CursorDto, HistoryQuery, HistoryRowDto, KindDto, TotalsDto, UserDto } from "../bindings";
import { api } from "../api";
import { reportApi } from "../reportApi";
import { parseSom } from "../money";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { update, useStore } from "../store";
import { dateInput, outcomeOf, peopleState, peopleTone, rowAmount, signedSom, totalsParts, type ReturnFor } from "../report";
import { VirtualList } from "./VirtualList";
import { Detail } from "./Detail";
import "../report.css";

const PAGE = 200;
const ROW_H = 48;
const OUTCOMES = ["paid", "not_paid", "open"] as const;
const KINDS: KindDto[] = ["sale", "payout"];

type Form = {
  from: string;
  to: string;
  /** Exact start (ms) when "This shift" is chosen; the date fields show its day. */
  since: number | null;
  outcome: string;
  kind: string;
  min: string;
  max: string;
  text: string;
};
const EMPTY: Form = { from: "", to: "", since: null, outcome: "", kind: "", min: "", max: "", text: "" };

/** Local midnight of a `YYYY-MM-DD` date input, in ms. */
function dayStart(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : null;
}

export function toQuery(f: Form): HistoryQuery {
  const to = dayStart(f.to);
  return {
    from_ms: f.since ?? dayStart(f.from),
    to_ms: to === null ? null : to + 24 * 3600 * 1000,
    state: null,
    kind: (f.kind || null) as KindDto | null,
    amount_min: f.min ? parseSom(f.min) : null,
    amount_max: f.max ? parseSom(f.max) : null,
    text: f.text.trim() || null,
    outcome: outcomeOf(f.outcome),
  };
}

function time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A cell that never overflows its row: cut with an ellipsis, the whole text on hover. */
function Cell({ text, cls = "" }: { text: string; cls?: string }) {
  return <span class={`cell ${cls}`} title={text}>{text}</span>;
}

function TotalsBar({ totals }: { totals: TotalsDto | null }) {
  const { t } = useI18n();
  if (!totals) return <div class="totals" data-testid="totals" aria-busy="true" />;
  return (
    <div class="totals" data-testid="totals" role="status" aria-label={t("totals.label")}>
      {totalsParts(totals, t).map((p) => (
        <span class={`tot tot-${p.id}`} data-testid={`totals-${p.id}`} title={p.text}>{p.text}</span>
      ))}
    </div>
  );
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
  const [totals, setTotals] = useState<TotalsDto | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // Kept as what to say, not text: a language switch re-says it.
  const [exported, setExported] = useState<{ rows: number; path: string } | null>(null);
  const [shortcut, setShortcut] = useState<"" | "today" | "shift">("");
  const generation = useRef(0);

  async function load(reset: boolean) {
    const gen = reset ? ++generation.current : generation.current;
    if (!reset && (loading || next === null)) return;
    setLoading(true);
    try {
      const q = toQuery(form);
      // The totals scan the whole filter (a million rows take a moment): the rows never wait
      // for them.
      if (reset) {
        reportApi.historyTotals(q).then(
          (tot) => gen === generation.current && setTotals(tot),
          (e) => gen === generation.current && setError(e as ApiError),
        );
      }
      const page = await api.history(q, reset ? null : next, PAGE);
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

  const set = (k: keyof Form) => (e: Event) => {
    const value = (e.target as HTMLInputElement).value;
    // A date typed by hand ends a shortcut.
    if (k === "from" || k === "to") {
      setShortcut("");
      setForm({ ...form, since: null, [k]: value });
    } else {
      setForm({ ...form, [k]: value });
    }
  };

  function today() {
    const d = dateInput(Date.now());
    setShortcut("today");
    setForm({ ...form, from: d, to: d, since: null });
  }

  async function thisShift() {
    try {
      const from = await reportApi.shiftStart();
      setShortcut("shift");
      setForm({ ...form, from: dateInput(from), to: "", since: from });
    } catch (e) {
      setError(e as ApiError);
    }
  }

  function all() {
    setShortcut("");
    setForm({ ...form, from: "", to: "", since: null });
  }

  async function exportCsv(format: "csv" | "xlsx" = "csv") {
    setExported(null);
    update({ exportRows: 0 });
    try {
      const done = await api.exportHistory(toQuery(form), format);
      setExported({ rows: done.rows, path: done.path });
    } catch (e) {
      setError(e as ApiError);
    } finally {
      update({ exportRows: null });
    }
  }

  return (
    <section class="history" data-testid="history">
      <div class="shortcuts" role="group">
        <button class={shortcut === "today" ? "chip active" : "chip"} aria-pressed={shortcut === "today"} data-testid="f-today" onClick={today}>
          {t("history.today")}
        </button>
        <button class={shortcut === "shift" ? "chip active" : "chip"} aria-pressed={shortcut === "shift"} data-testid="f-shift" onClick={() => void thisShift()}>
          {t("history.shift")}
        </button>
        <button class="chip" data-testid="f-all" onClick={all}>{t("history.all")}</button>
      </div>
      <div class="filters">
        <label>{t("history.from")}<input type="date" data-testid="f-from" value={form.from} onInput={set("from")} /></label>
        <label>{t("history.to")}<input type="date" data-testid="f-to" value={form.to} onInput={set("to")} /></label>
        <label>
          {t("history.status")}
          <select data-testid="f-state" value={form.outcome} onChange={set("outcome")}>
            <option value="">{t("history.any")}</option>
            {OUTCOMES.map((s) => <option value={s}>{t(s === "open" ? "pstate.in_progress" : `pstate.${s}`)}</option>)}
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
        <button data-testid="export-xlsx" disabled={exportRows !== null} onClick={() => void exportCsv("xlsx")}>
          {t("history.export_xlsx")}
        </button>
      </div>
      <TotalsBar totals={totals} />
      {exportRows !== null && (
        <div class="progress" data-testid="export-progress">
          <progress />
          {t("history.exporting", { rows: exportRows })}
        </div>
      )}
      {exported && <div class="ok-line" data-testid="export-done">{t("history.exported", exported)}</div>}
      {error && <div class="error">{tError(error)}</div>}
      <div class="hrow head">
        <Cell text={t("history.col.time")} />
        <Cell text={t("history.col.id")} />
        <Cell text={t("history.col.kind")} />
        <Cell text={t("history.col.amount")} cls="num" />
        <Cell text={t("history.col.state")} />
        <Cell text={t("history.col.card")} />
      </div>
      {rows.length === 0 && !loading ? (
        <div class="empty" data-testid="history-empty">{t("history.empty")}</div>
      ) : (
        <VirtualList
          testid="history-list"
          items={rows}
          rowHeight={ROW_H}
          onNearEnd={() => void load(false)}
          render={(r) => {
            const ps = peopleState(r);
            const state = t(`pstate.${ps}` as Key) + (r.flagged ? ` · ${t("history.flagged")}` : "");
            return (
              <button
                class={`hrow tone-${peopleTone(ps)} ${r.kind}`}
                data-testid="history-row"
                data-payment={r.payment_id}
                data-pstate={ps}
                onClick={() => setOpen(r.payment_id)}
              >
                <Cell text={time(r.created_at)} />
                <Cell text={r.payment_id} cls="mono" />
                <Cell text={t(`kind.${r.kind}`)} />
                <Cell text={signedSom(rowAmount(r))} cls="num" />
                <Cell text={state} cls={r.flagged ? "flag" : ""} />
                <Cell text={r.masked_card ?? ""} cls="mono" />
              </button>
            );
          }}
        />
      )}
      {open && (
        <Detail
          paymentId={open}
          manager={user.role === "manager"}
          onClose={() => setOpen(null)}
          onReturn={(r: ReturnFor) => onReturn(r.sale, r.card, r.amount)}
          time={time}
        />
      )}
    </section>
  );
}
