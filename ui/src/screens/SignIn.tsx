// Sign-in: one big tile per active user (the last one to sign in pre-selected), the PIN typed
// on the keyboard or on an on-screen keypad; a locked-out user is shown as such, with until
// when and who can unlock. On a till without users, the first manager is created here.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError, AppInfo, UserDto, UserTileDto } from "../bindings";
import { api } from "../api";
import { reportApi } from "../reportApi";
import { useI18n } from "../i18n";
import { clock, lastUser, lockedUntil, lockMessage, pinKey } from "../report";
import "../report.css";

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"];

function PinPad({ onKey }: { onKey: (k: string) => void }) {
  const { t } = useI18n();
  return (
    <div class="pinpad" role="group" aria-label={t("signin.keypad")} data-testid="pinpad">
      {KEYS.map((k) => (
        <button
          type="button"
          data-testid={`pin-key-${k}`}
          aria-label={k === "back" ? t("signin.key_back") : k === "clear" ? t("signin.key_clear") : k}
          // The PIN field keeps the keyboard focus while the keypad is used.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onKey(k)}
        >
          {k === "back" ? "⌫" : k === "clear" ? "C" : k}
        </button>
      ))}
    </div>
  );
}

export function SignIn({ info, onDone }: { info: AppInfo; onDone: (u: UserDto) => void }) {
  const { t, tError } = useI18n();
  const [tiles, setTiles] = useState<UserTileDto[]>([]);
  const [name, setName] = useState("");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const pinField = useRef<HTMLInputElement>(null);
  const first = !info.has_users;

  function load(keep: string | null) {
    return reportApi.signInChoices().then((u) => {
      setTiles(u);
      setName((n) => keep ?? (n && u.some((x) => x.name === n) ? n : lastUser(u)));
      return u;
    }, setError);
  }

  useEffect(() => {
    if (!first) void load(null);
  }, []);

  function pick(n: string) {
    setName(n);
    setPin("");
    setError(null);
    pinField.current?.focus();
  }

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      onDone(first ? await api.createFirstManager(name, pin) : await api.signIn(name, pin));
    } catch (err) {
      setError(err as ApiError);
      setPin("");
      // A lock-out just set shows on its tile.
      if ((err as ApiError).code === "locked") void load(name);
      pinField.current?.focus();
    }
  }

  const tile = tiles.find((u) => u.name === name);
  const until = tile?.locked_until ?? null;
  const lockText =
    (error && lockMessage(error.code, name, lockedUntil(tile, error.message), t)) ??
    (tile?.locked_for_good
      ? lockMessage("locked_until_unlocked", name, null, t)
      : until !== null
        ? lockMessage("locked", name, until, t)
        : null);

  return (
    <form class="signin wide" onSubmit={submit} data-testid="signin">
      <h1>{t("signin.title")}</h1>
      {first && <p data-testid="signin-first">{t("signin.first_manager")}</p>}
      <div class={first ? "" : "signin-grid"}>
        {first ? (
          <label>
            {t("signin.name")}
            <input data-testid="signin-name" autoFocus value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </label>
        ) : (
          <div class="who-col">
            <div id="signin-who">{t("signin.user")}</div>
            <div class="tiles" role="radiogroup" aria-labelledby="signin-who" data-testid="user-tiles">
              {tiles.map((u) => (
                <button
                  type="button"
                  role="radio"
                  aria-checked={u.name === name}
                  class={`tile ${u.locked_until !== null || u.locked_for_good ? "locked" : ""}`}
                  data-testid="user-tile"
                  data-user={u.name}
                  data-locked={u.locked_until !== null || u.locked_for_good ? "true" : "false"}
                  onClick={() => pick(u.name)}
                >
                  <span class="tile-name" title={u.name}>{u.name}</span>
                  <span class="tile-sub">
                    {u.locked_for_good
                      ? t("signin.locked_for_good_tile")
                      : u.locked_until !== null
                        ? t("signin.locked_tile", { time: clock(u.locked_until) })
                        : t(`role.${u.role}`)}
                  </span>
                </button>
              ))}
            </div>
            {/* The same choice as a list: quicker with the keyboard, and on a till with many users. */}
            <label class="user-list">
              {t("signin.user_list")}
              <select data-testid="signin-user" value={name} onChange={(e) => pick((e.target as HTMLSelectElement).value)}>
                {tiles.map((u) => (
                  <option value={u.name}>{`${u.name} (${t(`role.${u.role}`)})`}</option>
                ))}
              </select>
            </label>
          </div>
        )}
        <div class="pin-col">
          <label class="pin-row">
            {t("signin.pin")}
            <input
              ref={pinField}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              autoFocus={!first}
              data-testid="signin-pin"
              value={pin}
              onInput={(e) => setPin((e.target as HTMLInputElement).value.replace(/\D/g, "").slice(0, 12))}
            />
          </label>
          {lockText ? (
            <div class="error lock-msg" role="alert" data-testid="signin-error">{lockText}</div>
          ) : (
            error && <div class="error" role="alert" data-testid="signin-error">{tError(error)}</div>
          )}
          <PinPad onKey={(k) => setPin((p) => pinKey(p, k))} />
          <button type="submit" class="signin-submit" data-testid="signin-submit">
            {first ? t("signin.create") : t("signin.submit")}
          </button>
        </div>
      </div>
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
