// A modal dialog: focus moves into it (its first [autofocus] or first control), Tab and
// Shift+Tab stay inside, Enter presses the focused button, Escape closes it, and focus goes
// back to what had it before.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog(p: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  testid?: string;
  /** Where focus goes when the dialog closes (default: what had it before it opened). */
  returnFocus?: () => HTMLElement | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const opener = useRef<Element | null>(null);
  const close = useRef(p.onClose);
  close.current = p.onClose;
  const back = useRef(p.returnFocus);
  back.current = p.returnFocus;

  useEffect(() => {
    opener.current = document.activeElement;
    const el = box.current;
    const firstOf = () =>
      el?.querySelector<HTMLElement>("[autofocus]") ?? el?.querySelector<HTMLElement>(FOCUSABLE) ?? el;
    firstOf()?.focus();
    // Modal: whatever moves focus out while it is open (a banner that appears, a screen that
    // sends focus home, a re-render that drops the focused node) gets it back, so Enter and
    // Esc keep working (a cashier's keyboard must never go dead behind a question).
    const keep = () =>
      setTimeout(() => {
        if (el && document.contains(el) && !el.contains(document.activeElement)) firstOf()?.focus();
      }, 0);
    // A key that arrives while focus is outside anyway (a focused node dropped without a
    // focus event) is the dialog's: Esc closes it, Enter presses its first button.
    const onDocKey = (e: KeyboardEvent) => {
      if (!el || !document.contains(el) || el.contains(document.activeElement)) return;
      const f = firstOf();
      f?.focus();
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        close.current();
      } else if (e.key === "Enter" && f instanceof HTMLButtonElement) {
        e.preventDefault();
        e.stopPropagation();
        f.click();
      }
    };
    el?.addEventListener("focusout", keep);
    document.addEventListener("focusin", keep);
    document.addEventListener("keydown", onDocKey, true);
    return () => {
      el?.removeEventListener("focusout", keep);
      document.removeEventListener("focusin", keep);
      document.removeEventListener("keydown", onDocKey, true);
      const to = back.current?.() ?? (opener.current as HTMLElement | null);
      if (to && document.contains(to)) to.focus();
    };
  }, []);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close.current();
      return;
    }
    if (e.key === "Enter" && e.target instanceof HTMLButtonElement) {
      // Enter presses the focused button (also when the key comes from an automation tool,
      // whose events have no default action).
      e.preventDefault();
      e.stopPropagation();
      e.target.click();
      return;
    }
    if (e.key !== "Tab" || !box.current) return;
    const items = Array.from(box.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (items.length === 0) {
      e.preventDefault();
      return;
    }
    const i = items.indexOf(document.activeElement as HTMLElement);
    const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : i === items.length - 1 ? 0 : i + 1;
    e.preventDefault();
    items[next].focus();
  }

  return (
    <div class="modal" onKeyDown={onKeyDown}>
      <div
        class="modal-box dialog"
        role="dialog"
        aria-modal="true"
        aria-label={p.title}
        tabIndex={-1}
        ref={box}
        data-testid={p.testid}
      >
        {p.children}
      </div>
    </div>
  );
}
