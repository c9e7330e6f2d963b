// The on-screen numeric keypad (touch tills): each key acts like the key on a keyboard. Keys
// never take the focus (the amount field keeps it), and each is at least 56 px square.
import { useI18n } from "../i18n";

export type PadKey = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "000" | "," | "back" | "clear" | "enter";

const ROWS: PadKey[][] = [
  ["7", "8", "9"],
  ["4", "5", "6"],
  ["1", "2", "3"],
  ["000", "0", ","],
];

export function Keypad({ onKey }: { onKey: (k: PadKey) => void }) {
  const { t } = useI18n();
  const keep = (e: Event) => e.preventDefault();
  const key = (k: PadKey, label: string, aria?: string, cls = "") => (
    <button
      type="button"
      class={`pad-key ${cls}`}
      data-testid={`pad-${k}`}
      aria-label={aria}
      onMouseDown={keep}
      onPointerDown={keep}
      onClick={() => onKey(k)}
    >
      {label}
    </button>
  );
  return (
    <div class="keypad" role="group" aria-label={t("pad.label")} data-testid="keypad">
      <div class="pad-digits">{ROWS.flat().map((k) => key(k, k))}</div>
      <div class="pad-actions">
        {key("back", "⌫", t("pad.back"))}
        {key("clear", "C", t("pad.clear"))}
        {key("enter", t("pad.enter"), undefined, "pad-enter")}
      </div>
    </div>
  );
}

/** Whether this window should show the keypad: a setting, or on a touch screen. */
export function keypadWanted(mode: "auto" | "always" | "never" | undefined): boolean {
  if (mode === "always") return true;
  if (mode === "never") return false;
  return (typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches) || "ontouchstart" in window;
}
