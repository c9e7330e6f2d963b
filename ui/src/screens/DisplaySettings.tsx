// Settings > Screen and sound (managers): the sale screen's keypad, the result sounds, and the
// customer display's monitor and full screen. Each is saved as soon as it changes, and the
// cashier's window follows at once (the store's prefs).
import { useEffect, useState } from "preact/hooks";
import type { ApiError, DisplayPrefs, KeypadDto } from "../bindings";
import { api } from "../api";
import { useI18n } from "../i18n";
import { update } from "../store";
import type { Key } from "../i18n/en";

const KEYPAD: KeypadDto[] = ["auto", "always", "never"];

export function DisplaySettings() {
  const { t, tError } = useI18n();
  const [p, setP] = useState<DisplayPrefs | null>(null);
  const [msg, setMsg] = useState<{ key: Key } | { error: ApiError } | null>(null);
  const reload = () =>
    api.displayPrefs().then(
      (v) => {
        setP(v);
        update({ prefs: v });
      },
      (e) => setMsg({ error: e as ApiError }),
    );
  useEffect(() => {
    void reload();
  }, []);
  if (!p) return null;

  async function save(key: string, value: string, after: Key = "settings.saved") {
    try {
      await api.setSetting(key, value);
      setMsg({ key: after });
    } catch (e) {
      setMsg({ error: e as ApiError });
    }
    await reload();
  }

  return (
    <section class="display-settings" data-testid="display-settings">
      <h3>{t("display.title")}</h3>
      <div class="setting">
        <label for="ui-keypad">{t("display.keypad")}</label>
        <select
          id="ui-keypad"
          data-testid="setting-ui.keypad"
          value={p.keypad}
          onChange={(e) => void save("ui.keypad", (e.target as HTMLSelectElement).value)}
        >
          {KEYPAD.map((k) => (
            <option value={k}>{t(`display.keypad.${k}`)}</option>
          ))}
        </select>
      </div>
      <div class="setting">
        <label for="ui-sound">{t("display.sound")}</label>
        <input
          id="ui-sound"
          type="checkbox"
          data-testid="setting-ui.sound"
          checked={p.sound}
          onChange={(e) => void save("ui.sound", String((e.target as HTMLInputElement).checked))}
        />
      </div>
      <div class="setting">
        <label for="cd-fullscreen">{t("display.fullscreen")}</label>
        <input
          id="cd-fullscreen"
          type="checkbox"
          data-testid="setting-customer_display.fullscreen"
          checked={p.customer_fullscreen}
          onChange={(e) =>
            void save("customer_display.fullscreen", String((e.target as HTMLInputElement).checked), "display.reopen")
          }
        />
      </div>
      {p.monitors.length > 1 && (
        <div class="setting">
          <label for="cd-monitor">{t("display.monitor")}</label>
          <select
            id="cd-monitor"
            data-testid="setting-customer_display.monitor"
            value={p.customer_monitor ?? ""}
            onChange={(e) => void save("customer_display.monitor", (e.target as HTMLSelectElement).value, "display.reopen")}
          >
            <option value="">{t("display.monitor.auto")}</option>
            {p.monitors.map((m) => (
              <option value={m.name}>{`${m.name} (${m.width}×${m.height})`}</option>
            ))}
          </select>
        </div>
      )}
      {msg && (
        <div class="msg" role="status" data-testid="display-msg">
          {"key" in msg ? t(msg.key) : tError(msg.error)}
        </div>
      )}
    </section>
  );
}
