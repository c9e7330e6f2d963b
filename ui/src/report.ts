// The logic behind returns from the sale, history as a till's report, the timeline's words and
// the sign-in screen: plain functions of the shell's DTOs (unit-tested in test/report.test.ts),
// so the screens only lay them out.
import type {
  HistoryQuery,
  HistoryRowDto,
  KindDto,
  OutcomeDto,
  ReturnableDto,
  StateDto,
  TimelineEntryDto,
  TotalsDto,
  UserTileDto,
} from "./bindings";
import type { Key } from "./i18n/en";
import { formatSom } from "./money.ts";

export type Tr = (k: Key, p?: Record<string, string | number>) => string;

/** The amount without its unit ("15 000"), for "returned 15 000 of 15 000 so'm". */
export function somDigits(tiyin: number): string {
  return formatSom(tiyin).replace(/\s+\S+$/, "");
}

/** An amount with a sign people read: returns are money going out ("−5 000 so'm"). */
export function signedSom(tiyin: number): string {
  return tiyin < 0 ? `\u2212${formatSom(-tiyin)}` : formatSom(tiyin);
}

// ---- returns from the sale ----

/** What a sale offers: nothing (not a paid sale with a card), a return of what is left, or
 *  the words of a sale returned (or on its way back) in full. */
export type ReturnOffer =
  | { kind: "none" }
  | { kind: "offer"; left: number }
  | { kind: "full"; returned: number; pending: number; amount: number };

export function returnOffer(r: ReturnableDto | null | undefined): ReturnOffer {
  if (!r || !r.eligible) return { kind: "none" };
  if (r.returnable > 0) return { kind: "offer", left: r.returnable };
  return { kind: "full", returned: r.returned, pending: r.pending, amount: r.sale.amount };
}

/** The button's or the line's words for an offer (empty for none). */
export function returnOfferText(o: ReturnOffer, t: Tr): string {
  switch (o.kind) {
    case "none":
      return "";
    case "offer":
      return t("returns.button", { amount: formatSom(o.left) });
    case "full": {
      const done = t("returns.full", { returned: somDigits(o.returned), amount: formatSom(o.amount) });
      return o.pending > 0 ? `${done} · ${t("totals.returning", { sum: formatSom(o.pending) })}` : done;
    }
  }
}

/** What the return form starts from: the sale, its card, and what is left (tiyin). */
export type ReturnFor = { sale: string; card: number; amount: number };

/** The form's start for a sale, or null when nothing can be returned of it. */
export function returnFor(r: ReturnableDto | null | undefined): ReturnFor | null {
  const o = returnOffer(r);
  if (o.kind !== "offer" || !r || r.card_id === null) return null;
  return { sale: r.sale.payment_id, card: r.card_id, amount: o.left };
}

// ---- history as a report ----

/** The plain state of a row (the technical one stays in the detail). */
export type PeopleState =
  | "paid"
  | "not_paid"
  | "abandoned"
  | "in_progress"
  | "returned"
  | "not_returned"
  | "returning";

export function peopleState(r: { kind: KindDto; state: StateDto; abandoned: boolean }): PeopleState {
  const payout = r.kind === "payout";
  if (r.state === "success") return payout ? "returned" : "paid";
  if (r.state === "failed") return payout ? "not_returned" : "not_paid";
  if (!payout && r.abandoned) return "abandoned";
  return payout ? "returning" : "in_progress";
}

/** The row's colour: money in, no money, or still open. */
export function peopleTone(s: PeopleState): "ok" | "bad" | "open" {
  if (s === "paid" || s === "returned") return "ok";
  if (s === "in_progress" || s === "returning") return "open";
  return "bad";
}

/** A row's amount as the report counts it: returns negative. */
export function rowAmount(r: Pick<HistoryRowDto, "kind" | "amount">): number {
  return r.kind === "payout" ? -r.amount : r.amount;
}

/** The totals bar's pieces, in order; "in progress" and "on its way" only when there are some. */
export function totalsParts(x: TotalsDto, t: Tr): { id: string; text: string }[] {
  const parts = [
    { id: "paid", text: t("totals.paid", { count: x.paid_count, sum: formatSom(x.paid_sum) }) },
    { id: "unpaid", text: t("totals.unpaid", { count: x.unpaid_count }) },
  ];
  if (x.open_count > 0) parts.push({ id: "open", text: t("totals.open", { count: x.open_count }) });
  let returned = t("totals.returned", { sum: signedSom(-x.returned_sum) });
  if (x.returning_sum > 0) returned += ` (${t("totals.returning", { sum: signedSom(-x.returning_sum) })})`;
  parts.push({ id: "returned", text: returned });
  parts.push({ id: "net", text: t("totals.net", { sum: signedSom(x.net) }) });
  return parts;
}

/** Local midnight of the day `ms` falls on. */
export function dayStartOf(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** `YYYY-MM-DD` of a local time (the date inputs' format). */
export function dateInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The plain state a filter choice stands for. */
export function outcomeOf(choice: string): OutcomeDto | null {
  return choice === "paid" || choice === "not_paid" || choice === "open" ? choice : null;
}

/** "This shift" as a query: from its start, nothing else narrowed. */
export function sinceQuery(fromMs: number): HistoryQuery {
  return {
    from_ms: fromMs,
    to_ms: null,
    state: null,
    kind: null,
    amount_min: null,
    amount_max: null,
    text: null,
    outcome: null,
  };
}

// ---- the detail's timeline in words ----

const GW: Record<string, Key> = {
  success: "tl.gw.success",
  decline: "tl.gw.decline",
  processing: "tl.gw.processing",
  "awaiting redirect result": "tl.gw.awaiting",
  "awaiting customer": "tl.gw.awaiting",
  "awaiting 3ds result": "tl.gw.awaiting",
  error: "tl.gw.error",
  "external error": "tl.gw.error",
  "internal error": "tl.gw.error",
};

/** One gateway message as a sentence: where it came from, what the bank said, and whether
 *  its signature held (no raw "answer success · absent"). */
export function timelineText(m: Pick<TimelineEntryDto, "source" | "status" | "signature" | "applied" | "flag">, t: Tr): string {
  const source = (["answer", "status", "callback", "error"] as const).includes(m.source as "answer")
    ? t(`tl.${m.source}` as Key)
    : m.source;
  const parts = [source];
  if (m.status) {
    const k = GW[m.status.toLowerCase()];
    parts.push(k ? t(k) : t("tl.gw.other", { status: m.status }));
  }
  const sig = (["verified", "absent", "bad", "none"] as const).includes(m.signature as "none")
    ? t(`tl.sig.${m.signature}` as Key)
    : m.signature;
  if (sig) parts.push(sig);
  if (m.flag || (!m.applied && m.signature === "bad")) parts.push(t("tl.not_applied"));
  return parts.join(" · ");
}

// ---- sign-in ----

/** The tile to pre-select: the user who signed in last, else the first. */
export function lastUser(tiles: UserTileDto[]): string {
  let best: UserTileDto | null = null;
  for (const u of tiles) {
    if (u.last_sign_in !== null && (best === null || u.last_sign_in > (best.last_sign_in ?? 0))) best = u;
  }
  return (best ?? tiles[0])?.name ?? "";
}

/** `HH:MM` today, or `DD.MM HH:MM` on another day. */
export function clock(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return dayStartOf(ms) === dayStartOf(now) ? hm : `${p(d.getDate())}.${p(d.getMonth() + 1)} ${hm}`;
}

/** Until when a user is locked out: the core's tile, else the time in the error's detail. */
export function lockedUntil(tile: UserTileDto | undefined, message: string): number | null {
  if (tile?.locked_until) return tile.locked_until;
  const m = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(message);
  if (!m) return null;
  return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)).getTime();
}

/** The lock-out message: until when, and who can unlock; after the last step of the
 *  schedule (`locked_until_unlocked`), only a manager. Other codes fall back to the error's
 *  own words (null). */
export function lockMessage(code: string, name: string, until: number | null, t: Tr): string | null {
  if (code === "locked_until_unlocked") return t("signin.locked_for_good", { name });
  if (code !== "locked" || until === null) return null;
  return t("signin.locked", { name, time: clock(until) });
}

/** Typing on the PIN keypad: a digit, delete the last one, or clear; at most 12 digits. */
export function pinKey(pin: string, key: string): string {
  if (key === "back") return pin.slice(0, -1);
  if (key === "clear") return "";
  if (/^\d$/.test(key) && pin.length < 12) return pin + key;
  return pin;
}
