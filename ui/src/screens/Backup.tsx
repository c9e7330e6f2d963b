// Backups. Settings > Backup (managers): the folder (a USB stick, a network share), the daily
// automatic backup, how many to keep, the passphrase (kept in the keyring, never shown), the
// time and result of the last backup, and a warning after 7 days without one. And "Restore
// from a backup": on the first-start screen and on the page of a till whose keys are missing.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, BackupStatusDto, ErrorCode } from "../bindings";
import { api } from "../api";
import { useI18n } from "../i18n";
import { Field } from "./Field";

export function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The last backup in words: when, and what came of it. */
export function LastBackup({ s }: { s: BackupStatusDto }) {
  const { t, tError } = useI18n();
  if (s.last_at === null) return <p data-testid="backup-last">{t("backup.never")}</p>;
  return (
    <p data-testid="backup-last" data-ok={String(s.last_ok)}>
      {s.last_ok
        ? t("backup.last_ok", { time: stamp(s.last_at), file: s.last_detail ?? "" })
        : t("backup.last_failed", {
            time: stamp(s.last_at),
            why: tError({ code: (s.last_code ?? "io") as ErrorCode, message: s.last_detail ?? "" }),
          })}
    </p>
  );
}

export function BackupSection() {
  const { t, tError } = useI18n();
  const [s, setS] = useState<BackupStatusDto | null>(null);
  const [f, setF] = useState({ folder: "", keep: "7", daily: true });
  const [pass, setPass] = useState({ a: "", b: "" });
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const show = (n: BackupStatusDto) => {
    setS(n);
    setF({ folder: n.folder ?? "", keep: String(n.keep), daily: n.daily });
  };
  const fail = (e: unknown) => setMsg({ ok: false, text: tError(e as ApiError) });
  useEffect(() => {
    api.backupStatus().then(show, fail);
  }, []);
  if (!s) return null;
  return (
    <section class="backup" data-testid="backup">
      <h3>{t("backup.title")}</h3>
      {s.overdue && (
        <div class="banner down" role="alert" data-testid="backup-overdue">
          {t("backup.overdue")}
        </div>
      )}
      <LastBackup s={s} />
      <form
        class="backup-settings"
        onSubmit={async (e) => {
          e.preventDefault();
          setMsg(null);
          try {
            show(await api.setBackup(f.folder, f.daily, Number(f.keep)));
            setMsg({ ok: true, text: t("settings.saved") });
          } catch (err) {
            fail(err);
          }
        }}
      >
        <Field label="backup.folder" testid="backup-folder" value={f.folder} onInput={(v) => setF({ ...f, folder: v })} />
        <Field label="backup.keep" testid="backup-keep" numeric value={f.keep} onInput={(v) => setF({ ...f, keep: v })} />
        <label>
          <input
            type="checkbox"
            data-testid="backup-daily"
            checked={f.daily}
            onChange={(e) => setF({ ...f, daily: (e.target as HTMLInputElement).checked })}
          />
          {t("backup.daily")}
        </label>
        <button type="submit" data-testid="backup-save">{t("settings.save")}</button>
      </form>
      <form
        class="backup-passphrase"
        onSubmit={async (e) => {
          e.preventDefault();
          setMsg(null);
          if (pass.a !== pass.b) {
            setMsg({ ok: false, text: t("backup.passphrase_differs") });
            return;
          }
          try {
            show(await api.setBackupPassphrase(pass.a));
            setPass({ a: "", b: "" });
            setMsg({ ok: true, text: t("backup.passphrase_saved") });
          } catch (err) {
            fail(err);
          }
        }}
      >
        <p>{s.passphrase_set ? t("backup.passphrase_set") : t("backup.passphrase_missing")}</p>
        <Field label="backup.passphrase" testid="backup-pass" type="password" value={pass.a} onInput={(v) => setPass({ ...pass, a: v })} />
        <Field label="backup.passphrase2" testid="backup-pass2" type="password" value={pass.b} onInput={(v) => setPass({ ...pass, b: v })} />
        <button type="submit" data-testid="backup-pass-save">{t("backup.passphrase_submit")}</button>
      </form>
      <p class="hint">{t("backup.keep_passphrase")}</p>
      <button
        data-testid="backup-now"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setMsg(null);
          try {
            const done = await api.backupNow();
            setMsg({ ok: true, text: t("backup.done", { file: done.path }) });
          } catch (err) {
            fail(err);
          }
          setBusy(false);
          // Only the status: what a manager is typing in the form stays.
          api.backupStatus().then(setS, () => {});
        }}
      >
        {t("backup.now")}
      </button>
      {msg && (
        <div class={msg.ok ? "ok-line" : "error"} data-testid="backup-msg">
          {msg.text}
        </div>
      )}
    </section>
  );
}

/** "Restore from a backup": a file and its passphrase. On success the shell runs the restored
 *  till and every window starts afresh (the `till_changed` event). */
export function RestoreForm({ replaces }: { replaces: boolean }) {
  const { t, tError } = useI18n();
  const [open, setOpen] = useState(replaces);
  const [path, setPath] = useState("");
  const [pass, setPass] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (!open) {
    return (
      <button type="button" class="link" data-testid="restore-open" onClick={() => setOpen(true)}>
        {t("restore.open")}
      </button>
    );
  }
  return (
    <form
      class="restore"
      data-testid="restore-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (busy) return;
        setBusy(true);
        setError(null);
        try {
          await api.restoreBackup(path, pass);
        } catch (err) {
          setError(err as ApiError);
          setPass("");
          setBusy(false);
        }
      }}
    >
      <h3>{t("restore.title")}</h3>
      <p>{t(replaces ? "restore.help_replace" : "restore.help")}</p>
      <Field label="restore.file" testid="restore-file" value={path} onInput={setPath} />
      <Field label="restore.passphrase" testid="restore-pass" type="password" value={pass} onInput={setPass} />
      <button type="submit" disabled={busy} data-testid="restore-submit">{t("restore.submit")}</button>
      {busy && <div class="msg" data-testid="restore-busy">{t("restore.busy")}</div>}
      {error && (
        <div class="error" data-testid="restore-error" data-code={error.code}>
          {tError(error)}
        </div>
      )}
    </form>
  );
}
