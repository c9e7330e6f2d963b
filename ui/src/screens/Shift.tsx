// The cashier's shift: open since when, the X report any time, "Close shift" (the PIN asked
// again) with the Z report on screen; a manager also gets the day report across shifts. The
// reports' lines come from the core in each language (the lines the printer prints), so a
// language switch shows the same report again at once.
import { useEffect, useState } from "preact/hooks";
import { invoke } from "@tauri-apps/api/core";
import type { ApiError, Command, ExportDone, ReportDto, ShiftDto, UserDto } from "../bindings";
import { asApiError } from "../api";
import { useI18n } from "../i18n";
import { formatSom } from "../money";
import { clock, dateInput } from "../report";
import { Field } from "./Field";
import "../shift.css";

function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(cmd, args).catch((e: unknown) => {
    throw asApiError(e);
  });
}

export const shiftApi = {
  status: () => call<ShiftDto | null>("shift_status"),
  open: () => call<ShiftDto>("open_shift"),
  x: () => call<ReportDto>("x_report"),
  close: (pin: string) => call<ReportDto>("close_shift", { pin }),
  day: (date: string) => call<ReportDto>("day_report", { date }),
  print: (a: { shift_id?: number; date?: string; lang: string }) =>
    call<void>("print_report", { shift_id: a.shift_id ?? null, date: a.date ?? null, lang: a.lang }),
  save: (a: { shift_id?: number; date?: string; format: "csv" | "xlsx"; lang: string }) =>
    call<ExportDone>("export_report", { shift_id: a.shift_id ?? null, date: a.date ?? null, format: a.format, lang: a.lang }),
};

/** A report as on paper: its lines, monospaced, with its key figures above. */
function ReportView({ report, testid }: { report: ReportDto; testid: string }) {
  const { t, lang } = useI18n();
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const { tError } = useI18n();
  async function print() {
    setSaved(null);
    setError(null);
    try {
      await shiftApi.print({
        shift_id: report.kind === "day" ? undefined : report.shift?.id,
        date: report.kind === "day" ? dateOfDay(report) : undefined,
        lang,
      });
      setSaved(t("shift.printed"));
    } catch (e) {
      setError(e as ApiError);
    }
  }
  async function save(format: "csv" | "xlsx") {
    setSaved(null);
    setError(null);
    try {
      const done = await shiftApi.save({
        shift_id: report.kind === "day" ? undefined : report.shift?.id,
        date: report.kind === "day" ? dateOfDay(report) : undefined,
        format,
        lang,
      });
      setSaved(done.path);
    } catch (e) {
      setError(e as ApiError);
    }
  }
  return (
    <div class="report-view" data-testid={testid} data-kind={report.kind}>
      <div class="report-figures">
        <span data-testid={`${testid}-paid`}>
          {t("shift.paid", { count: report.paid_count, sum: formatSom(report.paid_sum) })}
        </span>
        <span data-testid={`${testid}-net`}>{t("shift.net", { sum: formatSom(report.net) })}</span>
      </div>
      {report.open.length > 0 && (
        <div class="banner late" data-testid={`${testid}-open`}>
          {t("shift.open_payments", { count: report.open.length })}
        </div>
      )}
      <pre class="slip" data-testid={`${testid}-lines`} lang={lang}>
        {report.lines[lang].join("\n")}
      </pre>
      <div class="row">
        <button data-testid={`${testid}-csv`} onClick={() => void save("csv")}>{t("shift.save_csv")}</button>
        <button data-testid={`${testid}-xlsx`} onClick={() => void save("xlsx")}>{t("shift.save_xlsx")}</button>
        <button data-testid={`${testid}-print`} onClick={() => void print()}>{t("shift.print")}</button>
      </div>
      {saved && (
        <div class="ok-line" data-testid={`${testid}-saved`}>
          {saved === t("shift.printed") ? saved : t("shift.saved", { path: saved })}
        </div>
      )}
      {error && <div class="error" data-code={error.code}>{tError(error)}</div>}
    </div>
  );
}

/** The day a day report is of (its third line holds the date; the lines are the same in every language). */
function dateOfDay(r: ReportDto): string | undefined {
  return r.lines.en.map((l) => /(\d{4}-\d{2}-\d{2})\s*$/.exec(l)?.[1]).find((d) => d !== undefined);
}

export function Shift({ user }: { user: UserDto }) {
  const { t, tError } = useI18n();
  const [shift, setShift] = useState<ShiftDto | null | undefined>(undefined);
  const [report, setReport] = useState<ReportDto | null>(null);
  const [closing, setClosing] = useState(false);
  const [pin, setPin] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [day, setDay] = useState(dateInput(Date.now()));
  const [dayReport, setDayReport] = useState<ReportDto | null>(null);
  const manager = user.role === "manager";

  useEffect(() => {
    shiftApi.status().then(setShift, (e) => setError(e as ApiError));
  }, [user.id]);

  async function run<T>(f: () => Promise<T>, then: (v: T) => void) {
    setError(null);
    try {
      then(await f());
    } catch (e) {
      setError(e as ApiError);
    }
  }

  async function close(e: Event) {
    e.preventDefault();
    await run(() => shiftApi.close(pin), (z) => {
      setReport(z);
      setShift(null);
      setClosing(false);
    });
    setPin("");
  }

  return (
    <section class="shift" data-testid="shift">
      <h2>{t("shift.title")}</h2>
      {shift === undefined ? null : shift ? (
        <div class="shift-state">
          <p data-testid="shift-open" data-shift={shift.id}>
            {t("shift.open_since", { time: clock(shift.opened_at) })}
            {" · "}
            {t(shift.opened_how === "sign_in" ? "shift.opened_how.sign_in" : "shift.opened_how.explicit")}
          </p>
          <div class="row">
            <button data-testid="shift-x" onClick={() => void run(shiftApi.x, setReport)}>
              {t("shift.x")}
            </button>
            {!closing && (
              <button class="danger" data-testid="shift-close" onClick={() => { setClosing(true); setReport(null); }}>
                {t("shift.close")}
              </button>
            )}
          </div>
          {closing && (
            <form class="shift-close" data-testid="shift-close-form" onSubmit={close}>
              <h3>{t("shift.close_title")}</h3>
              <p>{t("shift.close_hint")}</p>
              <Field label="shift.pin" testid="shift-pin" type="password" numeric value={pin} onInput={(v) => { setPin(v); setError(null); }} />
              <div class="row">
                <button type="submit" class="danger" data-testid="shift-close-confirm">{t("shift.close_confirm")}</button>
                <button type="button" data-testid="shift-close-cancel" onClick={() => { setClosing(false); setPin(""); }}>
                  {t("shift.cancel")}
                </button>
              </div>
            </form>
          )}
        </div>
      ) : (
        <div class="shift-state">
          <p data-testid="shift-none">{t("shift.none")}</p>
          <button data-testid="shift-open-button" onClick={() => void run(shiftApi.open, (s) => { setShift(s); setReport(null); })}>
            {t("shift.open")}
          </button>
        </div>
      )}
      {error && <div class="error" role="alert" data-testid="shift-error" data-code={error.code}>{tError(error)}</div>}
      {report && (
        <>
          {report.kind === "z" && <p class="ok-line" data-testid="shift-closed">{t("shift.closed")}</p>}
          <ReportView report={report} testid="shift-report" />
        </>
      )}
      {manager && (
        <div class="day-report">
          <h2>{t("shift.day_title")}</h2>
          <div class="row">
            <label>
              {t("shift.day_date")}
              <input type="date" data-testid="day-date" value={day} onInput={(e) => setDay((e.target as HTMLInputElement).value)} />
            </label>
            <button data-testid="day-show" onClick={() => void run(() => shiftApi.day(day), setDayReport)}>
              {t("shift.day_show")}
            </button>
          </div>
          {dayReport && <ReportView report={dayReport} testid="day-report" />}
        </div>
      )}
    </section>
  );
}
