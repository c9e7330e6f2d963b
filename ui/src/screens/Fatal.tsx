// The page shown when the till could not start at all: why, in the user's language (and how to
// get a system keyring when that is what is missing), the technical text folded away, and what
// helps: start the demo instead, open the data folder, restore from a backup. Also the demo's
// banner on a computer with no keyring (the demo runs; a real till would not).
import { useState } from "preact/hooks";
import type { ApiError } from "../bindings";
import { api } from "../api";
import { LANGS, setLang, useI18n } from "../i18n";
import { RestoreForm } from "./Backup";
import "../fatal.css";

export function Fatal({ error }: { error: ApiError }) {
  const { t, tError, lang } = useI18n();
  const [folder, setFolder] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [failed, setFailed] = useState<ApiError | null>(null);

  async function startDemo() {
    if (starting) return;
    setStarting(true);
    setFailed(null);
    try {
      // The shell then says `till_changed`: the window starts afresh with the demo.
      await api.startDemo();
    } catch (e) {
      setFailed(e as ApiError);
      setStarting(false);
    }
  }

  async function openFolder() {
    setFailed(null);
    try {
      setFolder(await api.openDataFolder());
    } catch (e) {
      setFailed(e as ApiError);
    }
  }

  return (
    <main class="fatal" data-testid="fatal" data-code={error.code}>
      <div class="fatal-langs" role="group" aria-label="Language / Til / Язык">
        {LANGS.map((l) => (
          <button class={l === lang ? "lang active" : "lang"} data-testid={`lang-${l}`} aria-pressed={l === lang} lang={l} onClick={() => void setLang(l)}>
            {l.toUpperCase()}
          </button>
        ))}
      </div>
      <h1>{t("fatal.title")}</h1>
      <p class="fatal-reason" role="alert" data-testid="fatal-reason">{tError(error)}</p>
      {error.code === "keyring_unavailable" && <p data-testid="fatal-keyring-how">{t("fatal.keyring_how")}</p>}
      <details>
        <summary>{t("fatal.details")}</summary>
        <pre data-testid="fatal-message">{error.message}</pre>
      </details>
      <h2>{t("fatal.what_now")}</h2>
      <div class="fatal-actions">
        <button type="button" data-testid="fatal-demo" disabled={starting} onClick={() => void startDemo()}>
          {t("fatal.start_demo")}
        </button>
        <button type="button" data-testid="fatal-folder" onClick={() => void openFolder()}>
          {t("fatal.open_folder")}
        </button>
      </div>
      <div aria-live="polite">
        {starting && <p data-testid="fatal-demo-starting">{t("fatal.demo_starting")}</p>}
        {folder && <p data-testid="fatal-folder-path">{t("fatal.folder_opened", { path: folder })}</p>}
        {failed && (
          <p class="error" data-testid="fatal-error" data-code={failed.code}>
            {tError(failed)}
          </p>
        )}
      </div>
      <RestoreForm replaces />
    </main>
  );
}

/** The demo on a computer with no system keyring: its keys are in its own folder, and a real
 *  till needs a keyring (how to get one). */
export function NoKeyringBanner() {
  const { t } = useI18n();
  return (
    <div class="banner keyring" role="status" data-testid="banner-no-keyring">
      {t("fatal.no_keyring_banner")}
    </div>
  );
}
