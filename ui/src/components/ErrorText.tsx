// An error in the user's language (by its code). A manager can open the original text (the
// gateway's or the system's own words) for support; a cashier sees only the translation.
import type { ApiError } from "../bindings";
import { useI18n } from "../i18n";

export function ErrorText({ error, manager, testid }: { error: ApiError; manager: boolean; testid: string }) {
  const { t, tError } = useI18n();
  return (
    <div class="error" role="alert" data-testid={testid}>
      {tError(error)}
      {manager && error.message && (
        <details class="original">
          <summary>{t("error.details")}</summary>
          <code data-testid={`${testid}-original`}>{`${error.code}: ${error.message}`}</code>
        </details>
      )}
    </div>
  );
}
