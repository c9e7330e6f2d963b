// Which words a sale's end and a till's sale flow are said with: the shell sends codes and
// enums, never English text, and each maps to a dictionary key here (all three languages).
import type { FlowDto, SaleFlowDto } from "./bindings";
import type { Key } from "./i18n/en";

/** The decline reason of a sale that was not paid, by its code. */
export function declineKey(code: string | null): Key {
  const c = code ?? "";
  if (c === "20105" || c === "20301" || c === "20602") return `decline.${c}`;
  if (c === "link_expired") return "decline.link_expired";
  if (c.startsWith("gateway_")) return "decline.not_sent";
  return "decline.other";
}

/** What a manager picks: a flow, or automatic (`sale.flow` unset). */
export type FlowChoice = SaleFlowDto | "auto";
export const FLOW_CHOICES: FlowChoice[] = ["auto", "payment_page", "gate"];

/** The choice `sale.flow` holds (none: automatic). */
export function flowChoice(chosen: SaleFlowDto | null): FlowChoice {
  return chosen ?? "auto";
}

/** The choice as `connect_real_till` takes it (automatic: none). */
export function flowArg(c: FlowChoice): SaleFlowDto | null {
  return c === "auto" ? null : c;
}

/** The one-line trade-off of a choice. */
export function flowHintKey(c: FlowChoice): Key {
  return `flow.hint.${c}`;
}

/** Settings' lines on the flow in use: its name, why, and a warning when its link cannot come. */
export function flowInUseKeys(f: FlowDto): { name: Key; reason: Key; warning: Key | null } {
  return {
    name: `flow.name.${f.flow}`,
    reason: `flow.reason.${f.reason}`,
    warning: f.link_cannot_arrive ? "flow.warn_no_link" : null,
  };
}
