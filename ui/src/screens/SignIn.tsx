// Sign-in with a PIN; on a till without users, the first manager is created here.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, AppInfo, UserDto } from "../bindings";
import { api } from "../api";
import { useI18n } from "../i18n";

export function SignIn({ info, onDone }: { info: AppInfo; onDone: (u: UserDto) => void }) {
  const { t, tError } = useI18n();
  const [users, setUsers] = useState<UserDto[]>([]);
  const [name, setName] = useState("");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const first = !info.has_users;

  useEffect(() => {
    api.userNames().then((u) => {
      setUsers(u);
      if (u.length > 0) setName(u[0].name);
    }, setError);
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      onDone(first ? await api.createFirstManager(name, pin) : await api.signIn(name, pin));
    } catch (err) {
      setError(err as ApiError);
      setPin("");
    }
  }

  return (
    <form class="signin" onSubmit={submit} data-testid="signin">
      <h1>{t("signin.title")}</h1>
      {first && <p data-testid="signin-first">{t("signin.first_manager")}</p>}
      <label>
        {first ? t("signin.name") : t("signin.user")}
        {first ? (
          <input data-testid="signin-name" autoFocus value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        ) : (
          <select
            data-testid="signin-user"
            value={name}
            onChange={(e) => setName((e.target as HTMLSelectElement).value)}
          >
            {users.map((u) => (
              <option value={u.name}>{`${u.name} (${t(`role.${u.role}`)})`}</option>
            ))}
          </select>
        )}
      </label>
      <label>
        {t("signin.pin")}
        <input
          type="password"
          inputMode="numeric"
          autoFocus={!first}
          data-testid="signin-pin"
          value={pin}
          onInput={(e) => setPin((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" data-testid="signin-submit">
        {first ? t("signin.create") : t("signin.submit")}
      </button>
      {error && <div class="error" data-testid="signin-error">{tError(error)}</div>}
      {info.demo && (
        <div class="demo-pins">
          {t("signin.demo_pins")}
          <ul>
            {info.demo.users.map((u) => (
              <li>{`${u.name} (${t(`role.${u.role}`)}): ${u.pin}`}</li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
