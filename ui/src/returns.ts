// "Return money" asked from a screen that cannot switch tabs itself (the sale's result): the
// window's shell listens and opens the return form for that sale.
import type { ReturnFor } from "./report";

const listeners = new Set<(r: ReturnFor) => void>();

/** Asks for the return form of a sale. */
export function askReturn(r: ReturnFor) {
  listeners.forEach((f) => f(r));
}

/** Listens for asks; returns the function that stops listening (a useEffect cleanup). */
export function onReturnAsked(f: (r: ReturnFor) => void): () => void {
  listeners.add(f);
  return () => {
    listeners.delete(f);
  };
}
