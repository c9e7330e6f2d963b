// Demo mode: a manager connects the till to ECommPay. The shell checks the credentials with
// the gateway before writing anything, then swaps the demo till for the real one and tells
// every window to start afresh (the `till_changed` event).
import { useState } from "preact/hooks";
import type { ApiError, DemoInfo } from "../bindings";
import { api } from "../api";
import { useI18n } from "../i18n";
import { flowArg, type FlowChoice } from "../words";
import { formFields } from "./Field";
import { FlowPicker } from "./Flow";

export function ConnectForm({ demo }: { demo: DemoInfo }) {
  const { t, tError } = useI18n();
  const [f, setF] = useState({
    project_id: "",
    gateway_url: demo.gateway_url,
    payment_page_url: demo.payment_page_url,
    till_code: "",
    secret: "",
  });
  const [flow, setFlow] = useState<FlowChoice>("auto");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const field = formFields(f, setF, "connect");
  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setBusy(true);
    try {
      // On success the shell's till_changed event reloads every window, this one included.
      await api.connectRealTill({ ...f, flow: flowArg(flow) });
    } catch (err) {
      setError(err as ApiError);
      setF({ ...f, secret: "" });
      setBusy(false);
    }
  }
  return (
    <form class="connect" data-testid="connect-form" onSubmit={submit}>
      <h3>{t("connect.title")}</h3>
      {field("project_id", "connect.project_id")}
      {field("gateway_url", "connect.gateway_url")}
      {field("payment_page_url", "connect.payment_page_url")}
      {field("till_code", "connect.till_code")}
      {field("secret", "connect.secret", "password")}
      <FlowPicker value={flow} onChange={setFlow} testid="connect-flow" legend="connect.flow" />
      <button type="submit" disabled={busy} data-testid="connect-submit">{t("connect.submit")}</button>
      {busy && <div class="msg" data-testid="connect-busy">{t("connect.checking")}</div>}
      {error && (
        <div class="error" data-testid="connect-error" data-code={error.code}>
          {tError(error)}
          <small data-testid="connect-error-detail">{` (${error.message})`}</small>
        </div>
      )}
    </form>
  );
}
