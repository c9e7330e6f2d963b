// The customer display: a second window mirroring the QR, the amount and the result.
import { useEffect, useState } from "preact/hooks";
import type { AppInfo } from "../bindings";
import { api } from "../api";
import { isLang, setLang, useI18n } from "../i18n";
import { connect, update, useStore } from "../store";
import { SaleStatus } from "./SaleStatus";

export function Customer() {
  const { t } = useI18n();
  const { sale } = useStore();
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    void connect().then(async () => {
      const i = await api.appInfo();
      if (isLang(i.language)) await setLang(i.language);
      setInfo(i);
      update({ sale: await api.currentSale() });
    });
  }, []);
  return (
    <main class="customer" data-testid="customer-display">
      {sale ? (
        <SaleStatus sale={sale} validSecs={info?.qr_valid_secs ?? 900} big />
      ) : (
        <div class="welcome">{t("customer.welcome")}</div>
      )}
    </main>
  );
}
