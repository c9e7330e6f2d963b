// Settings: everyone changes their own PIN; managers edit the till's settings, the write-only
// secret and users, and in demo mode connect the till to ECommPay.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, AppInfo, RoleDto, SettingsView, UserDto } from "../bindings";
import { api } from "../api";
import { hasKey, useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { parseSom, tiyinSettingToSom } from "../money";
import { BackupSection, RestoreForm } from "./Backup";
import { ConnectForm } from "./Connect";
import { ReconnectForm } from "./Reconnect";
import { Field } from "./Field";
import { FlowSection } from "./Flow";
import { DisplaySettings } from "./DisplaySettings";
import { ReconcileSection } from "./Reconcile";
import { PrinterSettings } from "./Receipt";

/** The settings a manager edits here (the rest are for the `cashier` tool). */
const EDITABLE = [
  "project_id",
  "gateway_url",
  "payment_page_url",
  "sale.force_payment_method",
  "till_code",
  "limits.sale_max_tiyin",
  "limits.payout_max_tiyin",
  "limits.daily_payout_max_tiyin",
  "callback.enabled",
  "callback.listen",
  "callback.public_url",
];

/** Limits are stored in tiyin and edited in so'm. */
const inTiyin = (k: string) => k.endsWith("_tiyin");

/** One setting. `saved`: it was the last one saved (the row is re-created with the saved value,
 *  and still says so). */
function Row({ k, value, saved, onSaved }: { k: string; value: string; saved: boolean; onSaved: () => void }) {
  const { t, tError } = useI18n();
  const [v, setV] = useState(inTiyin(k) ? tiyinSettingToSom(value) : value);
  const [msg, setMsg] = useState<string | null>(saved ? t("settings.saved") : null);
  const label = `setting.${k}`;
  const flag = value === "true" || value === "false";
  async function save(stored: string): Promise<boolean> {
    try {
      await api.setSetting(k, stored);
      setMsg(t("settings.saved"));
      onSaved();
      return true;
    } catch (err) {
      setMsg(tError(err as ApiError));
      return false;
    }
  }
  if (flag) {
    // An on/off setting is a checkbox, saved as soon as it changes.
    return (
      <div class="setting">
        <label for={`setting-${k}`}>{hasKey(label) ? t(label) : k}</label>
        <input
          id={`setting-${k}`}
          type="checkbox"
          data-testid={`setting-${k}`}
          checked={v === "true"}
          onChange={(e) => {
            // Shown as clicked at once (the row is re-created from the saved settings once
            // they are read again); back to the stored value when saving fails.
            const next = String((e.target as HTMLInputElement).checked);
            setV(next);
            void save(next).then((ok) => ok || setV(value));
          }}
        />
        <span />
        <span class="msg" data-testid={`setting-msg-${k}`}>{msg}</span>
      </div>
    );
  }
  return (
    <form
      class="setting"
      onSubmit={async (e) => {
        e.preventDefault();
        let stored = v;
        if (inTiyin(k)) {
          const tiyin = parseSom(v);
          if (tiyin === null || tiyin <= 0) {
            setMsg(t("settings.not_amount"));
            return;
          }
          stored = String(tiyin);
        }
        await save(stored);
      }}
    >
      <label>{hasKey(label) ? t(label) : k}</label>
      <input data-testid={`setting-${k}`} value={v} onInput={(e) => setV((e.target as HTMLInputElement).value)} />
      <button type="submit">{t("settings.save")}</button>
      <span class="msg" data-testid={`setting-msg-${k}`}>{msg}</span>
    </form>
  );
}

type UserAction = "reset" | "unlock" | "active";

/** One user with the manager's actions: reset PIN, unlock, deactivate/activate. Each asks for
 *  the signed-in manager's PIN again; Escape closes the open action. */
function UserRow({ u, onChanged }: { u: UserDto; onChanged: (msg: string) => void }) {
  const { t, tError } = useI18n();
  const [action, setAction] = useState<UserAction | null>(null);
  const [newPin, setNewPin] = useState("");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const open = (a: UserAction) => {
    setAction(a);
    setNewPin("");
    setPin("");
    setError(null);
  };
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      let msg: string;
      if (action === "reset") {
        await api.resetPin(pin, u.name, newPin);
        msg = t("settings.user_pin_reset", { name: u.name });
      } else if (action === "unlock") {
        await api.unlockUser(pin, u.name);
        msg = t("settings.user_unlocked", { name: u.name });
      } else {
        const changed = await api.setUserActive(pin, u.name, !u.active);
        msg = t(changed.active ? "settings.user_activated" : "settings.user_deactivated", { name: u.name });
      }
      setAction(null);
      onChanged(msg);
    } catch (err) {
      setError(err as ApiError);
      setPin("");
    }
  }
  return (
    <li class={u.active ? "user" : "user inactive"} data-testid="user-row" data-user={u.name} data-active={String(u.active)}>
      <span>
        {`${u.name} · ${t(`role.${u.role}`)}`}
        {!u.active && <i data-testid="user-inactive">{` · ${t("settings.inactive")}`}</i>}
      </span>{" "}
      <button type="button" data-testid="user-reset" onClick={() => open("reset")}>{t("settings.reset_pin")}</button>
      <button type="button" data-testid="user-unlock" onClick={() => open("unlock")}>{t("settings.unlock")}</button>
      <button type="button" data-testid="user-active" onClick={() => open("active")}>
        {u.active ? t("settings.deactivate") : t("settings.activate")}
      </button>
      {action && (
        <form class="setting" data-testid="user-form" onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && setAction(null)}>
          {action === "reset" && (
            <input
              type="password"
              inputMode="numeric"
              autoComplete="off"
              autoFocus
              data-testid="user-new-pin"
              placeholder={t("settings.new_pin")}
              aria-label={t("settings.new_pin")}
              value={newPin}
              onInput={(e) => setNewPin((e.target as HTMLInputElement).value)}
            />
          )}
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            autoFocus={action !== "reset"}
            data-testid="user-manager-pin"
            placeholder={t("settings.your_pin")}
            aria-label={t("settings.your_pin")}
            value={pin}
            onInput={(e) => setPin((e.target as HTMLInputElement).value)}
          />
          <button type="submit" data-testid="user-confirm">{t("settings.confirm")}</button>
          <button type="button" onClick={() => setAction(null)}>{t("settings.cancel")}</button>
          {error && <span class="error" data-testid="user-error">{tError(error)}</span>}
        </form>
      )}
    </li>
  );
}

/** The signed-in user's own PIN (cashiers too). `onChanged`: the user as they are now. */
export function MyPin({ onChanged }: { onChanged?: (u: UserDto) => void } = {}) {
  const { t, tError } = useI18n();
  const empty = { old: "", pin: "", pin2: "" };
  const [f, setF] = useState(empty);
  const [msg, setMsg] = useState<{ ok: boolean; text: string; code?: string } | null>(null);
  const field = (k: keyof typeof f, label: Key) => (
    <Field label={label} testid={`mypin-${k}`} type="password" numeric value={f[k]} onInput={(v) => setF({ ...f, [k]: v })} />
  );
  async function submit(e: Event) {
    e.preventDefault();
    if (f.pin !== f.pin2) {
      setMsg({ ok: false, text: t("mypin.mismatch"), code: "pin_mismatch" });
      return;
    }
    try {
      const u = await api.changeOwnPin(f.old, f.pin);
      setF(empty);
      onChanged?.(u);
      setMsg({ ok: true, text: t("mypin.done") });
    } catch (err) {
      const e = err as ApiError;
      setF({ ...f, old: "" });
      setMsg({ ok: false, text: tError(e), code: e.code });
    }
  }
  return (
    <form class="mypin" data-testid="mypin" onSubmit={submit}>
      <h3>{t("mypin.title")}</h3>
      {field("old", "mypin.old")}
      {field("pin", "mypin.new")}
      {field("pin2", "mypin.new2")}
      <button type="submit" data-testid="mypin-submit">{t("mypin.submit")}</button>
      {msg && (
        <div class={msg.ok ? "ok-line" : "error"} data-testid="mypin-msg" data-code={msg.code ?? "ok"}>
          {msg.text}
        </div>
      )}
    </form>
  );
}

export function Settings({
  user,
  info,
  onInfoStale,
}: {
  user: UserDto;
  info: AppInfo;
  /** A saved setting may change what the app knows at start (limits, till code). */
  onInfoStale: () => void;
}) {
  const { t, tError } = useI18n();
  const [view, setView] = useState<SettingsView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [secret, setSecret] = useState("");
  const [nu, setNu] = useState({ name: "", role: "cashier" as RoleDto, pin: "" });
  const [userMsg, setUserMsg] = useState<string | null>(null);
  const [lastSaved, setLastSaved] = useState<string | null>(null);

  const reload = () => api.settings().then(setView, setError);
  useEffect(() => {
    if (user.role === "manager") void reload();
  }, [user]);

  if (user.role !== "manager") {
    return (
      <section class="settings" data-testid="settings-denied">
        <MyPin />
        <p>{t("settings.managers_only")}</p>
      </section>
    );
  }
  return (
    <section class="settings" data-testid="settings">
      <h2>{t("settings.title")}</h2>
      {info.demo && <p class="demo-note">{t("settings.demo")}</p>}
      {info.demo && <ConnectForm demo={info.demo} />}
      {/* Or bring a till from another computer back from its backup. */}
      {info.demo && <RestoreForm replaces={false} />}
      {error && <div class="error">{tError(error)}</div>}
      {view && (
        <>
          <FlowSection
            flow={view.flow}
            onSaved={() => {
              void reload();
              onInfoStale();
            }}
          />
          {/* The demo's gateway, project, secret and listener belong to the demo: real ones go
              through "Connect to ECommPay", never into the demo till. */}
          {/* A real till's project and gateway change only through the probed form below. */}
          {EDITABLE.filter((k) =>
            info.demo ? k.startsWith("limits.") : k !== "project_id" && k !== "gateway_url",
          ).map((k) => {
            const v = view.values.find((x) => x.key === k)?.value ?? "";
            return (
              <Row
                key={`${k}=${v}`}
                k={k}
                value={v}
                saved={lastSaved === k}
                onSaved={() => {
                  setLastSaved(k);
                  void reload();
                  onInfoStale();
                }}
              />
            );
          })}
          {!info.demo && (
          <form
            class="setting"
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await api.setSecret(secret);
                setSecret("");
                await reload();
              } catch (err) {
                setError(err as ApiError);
              }
            }}
          >
            <label>{t("settings.secret")}</label>
            <input
              type="password"
              autoComplete="off"
              data-testid="secret"
              placeholder={t("settings.secret_placeholder")}
              value={secret}
              onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
            />
            <button type="submit">{t("settings.save")}</button>
            <span class="msg" data-testid="secret-state">
              {view.secret_configured ? t("settings.secret_configured") : t("settings.secret_missing")}
            </span>
          </form>
          )}
          {!info.demo && (
            <ReconnectForm
              values={Object.fromEntries(view.values.map((x) => [x.key, x.value]))}
              onDone={() => {
                void reload();
                onInfoStale();
              }}
            />
          )}
          <p>{t("settings.data_dir")}: <code>{view.data_dir}</code></p>
          {!info.demo && <BackupSection />}
          <DisplaySettings />
          {!info.demo && <ReconcileSection />}
          <PrinterSettings />
          <MyPin />
          <h3>{t("settings.users")}</h3>
          <ul class="users" data-testid="users">
            {view.users.map((u) => (
              <UserRow
                key={u.name}
                u={u}
                onChanged={(msg) => {
                  setUserMsg(msg);
                  void reload();
                }}
              />
            ))}
          </ul>
          {userMsg && <div class="ok-line" data-testid="user-msg">{userMsg}</div>}
          <form
            class="setting"
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await api.addUser(nu.name, nu.role, nu.pin);
                setNu({ name: "", role: "cashier", pin: "" });
                await reload();
              } catch (err) {
                setError(err as ApiError);
              }
            }}
          >
            <input placeholder={t("signin.name")} value={nu.name} onInput={(e) => setNu({ ...nu, name: (e.target as HTMLInputElement).value })} />
            <select value={nu.role} onChange={(e) => setNu({ ...nu, role: (e.target as HTMLSelectElement).value as RoleDto })}>
              <option value="cashier">{t("role.cashier")}</option>
              <option value="manager">{t("role.manager")}</option>
            </select>
            <input type="password" inputMode="numeric" placeholder={t("signin.pin")} value={nu.pin} onInput={(e) => setNu({ ...nu, pin: (e.target as HTMLInputElement).value })} />
            <button type="submit">{t("settings.add_user")}</button>
          </form>
        </>
      )}
    </section>
  );
}
