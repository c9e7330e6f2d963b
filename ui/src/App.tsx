// The cashier's window: header (tabs, language, user, DEMO badge), banners, the screens.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, AppInfo, KeysMissingDto, UserDto } from "./bindings";
import { api } from "./api";
import { LANGS, isLang, preloadLangs, setLang, useI18n, type Lang } from "./i18n";
import { catchUp, connect, dismissNotice, enableSounds, showLate, update, useStore } from "./store";
import { unlockAudioOnGesture } from "./sound";
import { formatSom } from "./money";
import { Sale } from "./screens/Sale";
import { Fatal, NoKeyringBanner } from "./screens/Fatal";
import { RestoreForm } from "./screens/Backup";
import { ReconcileBanner } from "./screens/Reconcile";
import { SignOutButton } from "./screens/SignOut";
import { onReturnAsked } from "./returns";
import { lazy, preloadScreens } from "./lazy";

// Not the first screen of a till that is signed in: loaded when first shown (see lazy.tsx).
const SignIn = lazy(() => import("./screens/SignIn").then((m) => m.SignIn));
const PinChange = lazy(() => import("./screens/PinChange").then((m) => m.PinChange));
const History = lazy(() => import("./screens/History").then((m) => m.History));
const Payouts = lazy(() => import("./screens/Payouts").then((m) => m.Payouts));
const Settings = lazy(() => import("./screens/Settings").then((m) => m.Settings));
const KeysMissing = lazy(() => import("./screens/KeysMissing").then((m) => m.KeysMissing));
const Shift = lazy(() => import("./screens/Shift").then((m) => m.Shift));

type Tab = "sale" | "history" | "payouts" | "settings" | "shift";
/** Each language's name in itself (the buttons show UZ, RU, EN). */
const LANG_NAMES: Record<Lang, string> = { uz: "O'zbekcha", ru: "Русский", en: "English" };
const TABS: Tab[] = ["sale", "history", "payouts", "settings", "shift"];

let starting: ReturnType<typeof firstRoundTrip> | null = null;
/** The last language change sent to the shell (see `changeLang`). */
let languageSaved: Promise<unknown> = Promise.resolve();

function firstRoundTrip() {
  // The listener's start and the window's questions (one command: it waits for the till's
  // start-up in the shell) at once; what changed in between is read again once the first
  // screen is up (`catchUp`).
  return Promise.all([connect(), api.firstScreen()]).then(([, first]) => first);
}

/** The window's first questions to the shell: asked once, as the page loads (main.tsx calls
 *  this before the first render, so the answers do not wait for a painted frame). */
export function startApp() {
  starting ??= firstRoundTrip();
  return starting;
}

export function App() {
  const { t, lang } = useI18n();
  const store = useStore();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [fatal, setFatal] = useState<ApiError | null>(null);
  const [user, setUser] = useState<UserDto | null>(null);
  const [tab, setTabState] = useState<Tab>("sale");
  // Bumped whenever the Sale tab is chosen (click or F1), so the amount field takes the focus
  // even when the sale screen was already showing.
  const [saleFocus, setSaleFocus] = useState(0);
  const setTab = (k: Tab) => {
    setTabState(k);
    if (k === "sale") setSaleFocus((n) => n + 1);
  };
  // After any header action the keyboard is back where the till expects it: on the sale
  // screen, the amount field (a header button never keeps the focus).
  const refocus = () => setSaleFocus((n) => n + 1);
  const keepFocus = (e: MouseEvent) => e.preventDefault();
  // A real till whose keys are missing from this computer's keyring: its own page.
  const [keys, setKeys] = useState<KeysMissingDto | null>(null);
  const [backupOverdue, setBackupOverdue] = useState(false);
  const [returnFor, setReturnFor] = useState<{ sale: string; card: number; amount: number } | null>(null);
  // "Return money" on a sale's result screen opens the return form for that sale.
  useEffect(() => onReturnAsked((r) => { setReturnFor(r); setTab("payouts"); }), []);

  useEffect(() => {
    enableSounds();
    unlockAudioOnGesture();
    void (async () => {
      try {
        const { info: i, keys_missing: keys, sale } = await startApp();
        performance.mark("cashier:answers");
        // The first screen in the till's language (its dictionary loaded first, if not Uzbek).
        if (isLang(i.language)) await setLang(i.language);
        setKeys(keys);
        setInfo(i);
        setUser(i.user);
        update({ gatewayOk: i.gateway_ok, sale });
        showLate(i.late);
        // Once the first screen is up (nothing here may delay it): what changed meanwhile,
        // then the code of the other screens and languages.
        setTimeout(() => void catchUp().catch(() => {}), 100);
        setTimeout(() => {
          preloadScreens();
          preloadLangs();
        }, 300);
      } catch (e) {
        setFatal(e as ApiError);
      }
    })();
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const i = ["F1", "F2", "F3", "F4", "F5"].indexOf(e.key);
      if (i >= 0 && user) {
        e.preventDefault();
        setTab(TABS[i]);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [user]);

  useEffect(() => {
    // The keypad, sound and customer display settings, read again for each user.
    if (user) api.displayPrefs().then((p) => update({ prefs: p }), () => {});
  }, [user]);

  useEffect(() => {
    // A manager is told when the till has gone 7 days without a backup.
    setBackupOverdue(false);
    if (user?.role === "manager" && info && !info.demo) {
      api.backupStatus().then((s) => setBackupOverdue(s.overdue), () => {});
    }
  }, [user, info?.demo]);

  async function changeLang(l: Lang) {
    void setLang(l);
    refocus();
    // Saved one after the other, in the order pressed: two quick switches sent at once could
    // be stored in either order, and the till would come back in the first one.
    languageSaved = languageSaved.then(() => api.setLanguage(l)).catch(() => {});
    await languageSaved;
  }

  async function openCustomer() {
    refocus();
    await api.openCustomerDisplay().catch(() => {});
    refocus();
  }

  if (fatal) {
    return <Fatal error={fatal} />;
  }
  if (!info) return <main class="loading" />;

  return (
    <div class="app">
      <header>
        <span class="brand">{t("app.title")}</span>
        {info.demo && (
          <span class="demo-badge" data-testid="demo-badge" title={t("app.demo_hint")}>
            {t("app.demo")}
          </span>
        )}
        {user && (
          <nav role="tablist" aria-label={t("app.title")}>
            {TABS.map((k, i) => (
              <button
                role="tab"
                aria-selected={tab === k}
                class={tab === k ? "tab active" : "tab"}
                data-testid={`tab-${k}`}
                onMouseDown={keepFocus}
                onClick={() => setTab(k)}
                title={`F${i + 1}`}
              >
                {t(`tab.${k}`)}
              </button>
            ))}
          </nav>
        )}
        <span class="spacer" />
        <span class="langs" role="group" aria-label={t("settings.language")}>
          {LANGS.map((l) => (
            <button
              class={l === lang ? "lang active" : "lang"}
              data-testid={`lang-${l}`}
              aria-pressed={l === lang}
              lang={l}
              aria-label={LANG_NAMES[l]}
              onMouseDown={keepFocus}
              onClick={() => void changeLang(l)}
            >
              {l.toUpperCase()}
            </button>
          ))}
        </span>
        {user && (
          <>
            <button class="link" data-testid="open-customer" onMouseDown={keepFocus} onClick={() => void openCustomer()}>
              {t("nav.customer_display")}
            </button>
            {/* The outer box clips a long name (ellipsis; the whole of it as the tooltip). */}
            <span class="who" title={`${user.name} · ${t(`role.${user.role}`)}`}>
              <span data-testid="who">{`${user.name} · ${t(`role.${user.role}`)}`}</span>
            </span>
            <SignOutButton onSignedOut={() => { setUser(null); setTab("sale"); }} />
          </>
        )}
      </header>
      {info.demo?.keys_in_file && <NoKeyringBanner />}
      {!store.gatewayOk && (
        <div class="banner down" role="alert" data-testid="banner-gateway">
          {/* A Payment Page sale needs no connection to start: only its result waits. */}
          {t(info.flow === "payment_page" ? "banner.gateway_down_page" : "banner.gateway_down")}
        </div>
      )}
      {user && <ReconcileBanner />}
      {backupOverdue && (
        <div class="banner down" role="alert" data-testid="banner-backup">
          {t("banner.backup_overdue")}
        </div>
      )}
      {store.notices.map((n) => (
        <div class="banner late" role="alert" data-testid={`notice-${n.kind}`}>
          {n.kind === "late_success"
            ? t("banner.late_success", { amount: formatSom(n.amount), id: n.payment_id })
            : n.kind === "late_decline"
              ? t("banner.late_decline", { amount: formatSom(n.amount), id: n.payment_id })
              : t("banner.flagged", { id: n.payment_id })}
          <button
            onClick={() => {
              dismissNotice(n);
              refocus();
            }}
          >
            {t("banner.dismiss")}
          </button>
        </div>
      ))}
      <main>
        {keys ? (
          <KeysMissing keys={keys} />
        ) : !user ? (
          <>
            <SignIn
              info={info}
              onDone={(u) => {
                setUser(u);
                setInfo({ ...info, has_users: true });
              }}
            />
            {/* The first start (the demo runs): a till moved from another computer. */}
            {info.demo && <RestoreForm replaces={false} />}
          </>
        ) : user.pin_change_required ? (
          <PinChange onChanged={setUser} />
        ) : tab === "sale" ? (
          <Sale info={info} manager={user.role === "manager"} focusTick={saleFocus} />
        ) : tab === "history" ? (
          <History
            user={user}
            onReturn={(sale, card, amount) => {
              setReturnFor({ sale, card, amount });
              setTab("payouts");
            }}
          />
        ) : tab === "shift" ? (
          <Shift user={user} />
        ) : tab === "payouts" ? (
          <Payouts user={user} returnFor={returnFor} onReturnUsed={() => setReturnFor(null)} />
        ) : (
          <Settings
            user={user}
            info={info}
            onInfoStale={() => void api.appInfo().then(setInfo, () => {})}
          />
        )}
      </main>
    </div>
  );
}
