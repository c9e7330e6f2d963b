// "Return money" on a paid sale's result screen: what is left to return of it (from the core),
// or "returned X of Y" once nothing is. Opens the return form for that sale.
import { useEffect, useState } from "preact/hooks";
import type { ReturnableDto } from "../bindings";
import { reportApi } from "../reportApi";
import { useI18n } from "../i18n";
import { useStore } from "../store";
import { returnFor, returnOffer, returnOfferText } from "../report";
import { askReturn } from "../returns";
import "../report.css";

export function ReturnButton({ paymentId }: { paymentId: string }) {
  const { t } = useI18n();
  const { changes } = useStore();
  const [r, setR] = useState<ReturnableDto | null>(null);
  useEffect(() => {
    if (paymentId) reportApi.returnable(paymentId).then(setR, () => setR(null));
  }, [paymentId, changes]);
  const offer = returnOffer(r);
  const start = returnFor(r);
  if (offer.kind === "none") return null;
  if (offer.kind === "full" || !start) {
    return <div class="returned-line" data-testid="sale-returned">{returnOfferText(offer, t)}</div>;
  }
  return (
    <button
      class="return-btn"
      data-testid="sale-return"
      // Enter on the result screen still starts the next sale: this button never keeps focus.
      onMouseDown={(e) => e.preventDefault()}
      tabIndex={-1}
      onClick={() => askReturn(start)}
    >
      {returnOfferText(offer, t)}
    </button>
  );
}
