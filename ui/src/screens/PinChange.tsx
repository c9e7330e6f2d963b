// A manager whose PIN is shorter than managers' PINs must be now (6 digits): asked for a new
// one at once after signing in. The till confirms nothing of theirs until then, so nothing
// else is offered; signing out is.
import type { UserDto } from "../bindings";
import { useI18n } from "../i18n";
import { MyPin } from "./Settings";

export function PinChange({ onChanged }: { onChanged: (u: UserDto) => void }) {
  const { t } = useI18n();
  return (
    <section class="pin-change" data-testid="pin-change" aria-labelledby="pin-change-title">
      <h2 id="pin-change-title">{t("pinchange.title")}</h2>
      <p>{t("pinchange.why")}</p>
      <MyPin onChanged={onChanged} />
    </section>
  );
}
