// A real till whose keys are not in this computer's keyring (the data folder was copied or
// restored by hand, the app reinstalled, another OS user): said in so many words, with what
// helps. Never the demo in its place.
import type { KeysMissingDto } from "../bindings";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { RestoreForm } from "./Backup";

const NAMES: Record<string, Key> = {
  "api-secret": "keys.api_secret",
  "data-key": "keys.data_key",
  "pin-pepper": "keys.pin_pepper",
  "audit-key": "keys.audit_key",
};

export function KeysMissing({ keys }: { keys: KeysMissingDto }) {
  const { t } = useI18n();
  return (
    <section class="keys-missing" data-testid="keys-missing">
      <h1>{t("keys.title")}</h1>
      <p>{t("keys.explain")}</p>
      <ul data-testid="keys-missing-list">
        {keys.missing.map((m) => (
          <li>{NAMES[m] ? t(NAMES[m]) : m}</li>
        ))}
      </ul>
      <p>
        {t("keys.data_dir")}: <code data-testid="keys-data-dir">{keys.data_dir}</code>
      </p>
      <h3>{t("keys.what_helps")}</h3>
      <ul>
        <li>{t("keys.help_restore")}</li>
        <li>{t("keys.help_user")}</li>
        {keys.missing.length === 1 && keys.missing[0] === "api-secret" && <li>{t("keys.help_secret")}</li>}
      </ul>
      <RestoreForm replaces />
    </section>
  );
}
