// How sales start: Payment Page (the till signs the link; nothing must reach the till), Gate
// (the bank sends the link by callback; the till must be reachable), or automatic. Settings
// show the flow in use and why, in the user's language, from the shell's enums.
import { useState } from "preact/hooks";
import type { ApiError, FlowDto } from "../bindings";
import { api } from "../api";
import { useI18n } from "../i18n";
import type { Key } from "../i18n/en";
import { FLOW_CHOICES, flowChoice, flowHintKey, flowInUseKeys, type FlowChoice } from "../words";

/** The three choices, each with its one-line trade-off. */
export function FlowPicker({
  value,
  onChange,
  testid,
  legend,
}: {
  value: FlowChoice;
  onChange: (c: FlowChoice) => void;
  testid: string;
  legend: Key;
}) {
  const { t } = useI18n();
  return (
    <fieldset class="flow-choice" data-testid={testid}>
      <legend>{t(legend)}</legend>
      {FLOW_CHOICES.map((c) => (
        <label key={c}>
          <input
            type="radio"
            name={testid}
            value={c}
            data-testid={`${testid}-${c}`}
            checked={value === c}
            onChange={() => onChange(c)}
          />
          <span>
            <b>{t(`flow.name.${c}`)}</b>
            <span class="hint-line">{t(flowHintKey(c))}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** Settings: the flow in use, why, and the manager's choice (saved at once). */
export function FlowSection({ flow, onSaved }: { flow: FlowDto; onSaved: () => void }) {
  const { t, tError } = useI18n();
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const words = flowInUseKeys(flow);
  async function choose(c: FlowChoice) {
    try {
      await api.setSetting("sale.flow", c);
      setMsg({ ok: true, text: t("settings.saved") });
      onSaved();
    } catch (err) {
      setMsg({ ok: false, text: tError(err as ApiError) });
    }
  }
  return (
    <section class="flow" data-testid="flow">
      <h3>{t("flow.title")}</h3>
      <p class="flow-in-use" data-testid="flow-in-use" data-flow={flow.flow} data-reason={flow.reason}>
        <b>{t("flow.in_use", { name: t(words.name) })}</b> {t(words.reason)}
      </p>
      {words.warning && (
        <p class="error" role="alert" data-testid="flow-warning">{t(words.warning)}</p>
      )}
      <FlowPicker
        value={flowChoice(flow.chosen)}
        onChange={(c) => void choose(c)}
        testid="flow-choice"
        legend="flow.choose"
      />
      {msg && (
        <div class={msg.ok ? "ok-line" : "error"} data-testid="flow-msg">{msg.text}</div>
      )}
    </section>
  );
}
