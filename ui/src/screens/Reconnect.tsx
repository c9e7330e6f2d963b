// A real till moved to another project, gateway or secret (managers). The shell checks the new
// credentials with the gateway first; nothing changes when it refuses them. Payments made
// before stay followed at the gateway they were made with, and the form says how many.
import { useState } from "preact/hooks";
import type { ApiError } from "../bindings";
import { api } from "../api";
import { useI18n } from "../i18n";
import { formFields } from "./Field";

export function ReconnectForm({ values, onDone }: { values: Record<string, string>; onDone: () => void }) {
  const { t, tError } = useI18n();
  const [f, setF] = useState({
    project_id: values["project_id"] ?? "",
    gateway_url: values["gateway_url"] ?? "",
    payment_page_url: values["payment_page_url"] ?? "",
    secret: "",
  });
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const field = formFields(f, setF, "reconnect");
  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      setDone(await api.reconnectTill(f));
      onDone();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setF((old) => ({ ...old, secret: "" }));
      setBusy(false);
    }
  }
  return (
    <form class="connect" data-testid="reconnect-form" onSubmit={submit}>
      <h3>{t("reconnect.title")}</h3>
      <p class="help">{t("reconnect.help")}</p>
      {field("project_id", "connect.project_id")}
      {field("gateway_url", "connect.gateway_url")}
      {field("payment_page_url", "connect.payment_page_url")}
      {field("secret", "reconnect.secret", "password")}
      <button type="submit" disabled={busy} data-testid="reconnect-submit">{t("connect.submit")}</button>
      {busy && <div class="msg">{t("connect.checking")}</div>}
      <div aria-live="polite">
        {done !== null && (
          <div class="msg" data-testid="reconnect-done">{t("reconnect.done", { n: String(done) })}</div>
        )}
        {error && (
          <div class="error" data-testid="reconnect-error" data-code={error.code}>
            {tError(error)}
          </div>
        )}
      </div>
    </form>
  );
}
