// Money is integer tiyin (1 so'm = 100 tiyin) everywhere, also here: formatting and parsing use
// integer arithmetic only. One format in every language, never the OS locale:
//   15000000 -> "150 000 so'm", 15000050 -> "150 000,50 so'm" (tiyin only when non-zero).

/** Formats integer tiyin as so'm with a space between thousands. */
export function formatSom(tiyin: number): string {
  if (!Number.isSafeInteger(tiyin)) return "?";
  const negative = tiyin < 0;
  const abs = Math.abs(tiyin);
  const som = Math.floor(abs / 100);
  const rest = abs % 100;
  const digits = String(som);
  let grouped = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += " ";
    grouped += digits[i];
  }
  const tail = rest === 0 ? "" : "," + String(rest).padStart(2, "0");
  return (negative ? "-" : "") + grouped + tail + " so'm";
}

/**
 * Parses what a person typed as so'm into integer tiyin: digits with optional spaces between
 * groups, and optionally `,` or `.` with one or two tiyin digits. Null when it is not an amount.
 */
export function parseSom(text: string): number | null {
  const t = text.replace(/[\s\u00a0]/g, "");
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const som = Number(m[1]);
  const frac = m[2] === undefined ? 0 : Number(m[2].padEnd(2, "0"));
  const tiyin = som * 100 + frac;
  return Number.isSafeInteger(tiyin) ? tiyin : null;
}

/** Integer tiyin as typed in an amount field: "150 000" or "150 000,50" (no unit). */
export function somInput(tiyin: number): string {
  return formatSom(tiyin).replace(/ so'm$/, "");
}

/** A setting's stored text in tiyin as so'm for its field, or the text itself when it is not
 *  an integer (never a float on the way). */
export function tiyinSettingToSom(text: string): string {
  return /^\d+$/.test(text) ? somInput(Number(text)) : text;
}
