// Settings, for managers: the till's settings, the write-only secret, users, language.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, AppInfo, RoleDto, SettingsView, UserDto } from "../bindings";
import { api } from "../api";
import { hasKey, useI18n } from "../i18n";

/** The settings a manager edits here (the rest are for the `cashier` tool). */
const EDITABLE = [
  "project_id",
  "gateway_url",
  "till_code",
  "limits.sale_max_tiyin",
  "limits.payout_max_tiyin",
  "limits.daily_payout_max_tiyin",
  "callback.enabled",
  "callback.listen",
  "callback.public_url",
];

function Row({ k, value, onSaved }: { k: string; value: string; onSaved: () => void }) {
  const { t, tError } = useI18n();
  const [v, setV] = useState(value);
  const [msg, setMsg] = useState<string | null>(null);
  const label = `setting.${k}`;
  return (
    <form
      class="setting"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.setSetting(k, v);
          setMsg(t("settings.saved"));
          onSaved();
        } catch (err) {
          setMsg(tError(err as ApiError));
        }
      }}
    >
      <label>{hasKey(label) ? t(label) : k}</label>
      <input data-testid={`setting-${k}`} value={v} onInput={(e) => setV((e.target as HTMLInputElement).value)} />
      <button type="submit">{t("settings.save")}</button>
      <span class="msg">{msg}</span>
    </form>
  );
}

export function Settings({ user, info }: { user: UserDto; info: AppInfo }) {
  const { t, tError } = useI18n();
  const [view, setView] = useState<SettingsView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [secret, setSecret] = useState("");
  const [nu, setNu] = useState({ name: "", role: "cashier" as RoleDto, pin: "" });

  const reload = () => api.settings().then(setView, setError);
  useEffect(() => {
    if (user.role === "manager") void reload();
  }, [user]);

  if (user.role !== "manager") {
    return <section class="settings" data-testid="settings-denied"><p>{t("settings.managers_only")}</p></section>;
  }
  return (
    <section class="settings" data-testid="settings">
      <h2>{t("settings.title")}</h2>
      {info.demo && <p class="demo-note">{t("settings.demo")}</p>}
      {error && <div class="error">{tError(error)}</div>}
      {view && (
        <>
          {EDITABLE.map((k) => {
            const v = view.values.find((x) => x.key === k)?.value ?? "";
            return <Row key={`${k}=${v}`} k={k} value={v} onSaved={() => void reload()} />;
          })}
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
          <p>{t("settings.data_dir")}: <code>{view.data_dir}</code></p>
          <h3>{t("settings.users")}</h3>
          <ul>
            {view.users.map((u) => <li>{`${u.name} · ${t(`role.${u.role}`)}`}</li>)}
          </ul>
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
