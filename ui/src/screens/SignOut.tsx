// The header's "Sign out": at once when no sale is open; while a customer is paying it asks
// first (staying keeps the sale on screen; signing out gives up waiting for it, as Esc does,
// and the customer display goes back to its neutral page).
import { useEffect, useRef, useState } from "preact/hooks";
import { createPortal } from "preact/compat";
import { api } from "../api";
import { formatSom } from "../money";
import { useI18n } from "../i18n";
import { getState } from "../store";
import "../report.css";

/** Whether a sale on screen still waits for its customer (not a result). */
export function saleOpen(phase: string | undefined): boolean {
  return phase === "starting" || phase === "waiting_customer" || phase === "checking";
}

export function SignOutButton({ onSignedOut }: { onSignedOut: () => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState<number | null>(null);
  const stay = useRef<HTMLButtonElement>(null);

  async function signOut() {
    setAsking(null);
    await api.signOut();
    onSignedOut();
  }

  function click() {
    const sale = getState().sale;
    if (sale && saleOpen(sale.phase)) setAsking(sale.amount);
    else void signOut();
  }

  useEffect(() => {
    if (asking === null) return;
    stay.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setAsking(null);
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [asking]);

  return (
    <>
      <button class="link" data-testid="sign-out" onClick={click}>
        {t("nav.sign_out")}
      </button>
      {asking !== null &&
        createPortal(
        <div class="modal signout-modal" data-testid="signout-confirm" role="alertdialog" aria-modal="true" aria-labelledby="signout-title" aria-describedby="signout-body">
          <div class="modal-box confirm-box">
            <h2 id="signout-title">{t("signout.title")}</h2>
            <p id="signout-body">{t("signout.body", { amount: formatSom(asking) })}</p>
            <div class="actions">
              <button ref={stay} data-testid="signout-stay" onClick={() => setAsking(null)}>
                {t("signout.stay")}
              </button>
              <button class="danger" data-testid="signout-yes" onClick={() => void signOut()}>
                {t("signout.confirm")}
              </button>
            </div>
          </div>
        </div>,
          document.body,
        )}
    </>
  );
}
