// Money is integer tiyin (1 so'm = 100 tiyin) everywhere, also here: formatting and parsing use
// integer arithmetic only. One number format in every language, never the OS locale:
//   15000000 -> "150 000 so'm", 15000050 -> "150 000,50 so'm" (tiyin only when non-zero);
// the unit is the language's own word ("so'm" in Uzbek and English, "сум" in Russian), set by
// the i18n module when the language changes.

let unit = "so'm";

/** The currency's word in the language on screen (called by i18n's setLang). */
export function setSomUnit(u: string) {
  unit = u;
}

/** The currency's word in the language on screen. */
export function somUnit(): string {
  return unit;
}

function digitsOf(tiyin: number): string {
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
  return (negative ? "-" : "") + grouped + tail;
}

/** Formats integer tiyin as so'm with a space between thousands, and the unit. */
export function formatSom(tiyin: number): string {
  if (!Number.isSafeInteger(tiyin)) return "?";
  return `${digitsOf(tiyin)} ${unit}`;
}

/**
 * Parses what a person typed as so'm into integer tiyin. Null when it is not an amount, or when
 * it could mean two amounts. Spaces may group thousands anywhere ("150 000"); `.` or `,` group
 * thousands when three digits follow each ("15.000", "15,000", "1.234.567"), and mark tiyin
 * only when exactly two digits end the amount ("15.50", "150 000,50", "15.000,50"). So
 * "15.000" is fifteen thousand so'm, never fifteen; "15.5", "15.0000" and "1.234,5" are
 * refused as unclear; a group separator and a tiyin separator must differ ("1.000.50" is
 * refused).
 */
export function parseSom(text: string): number | null {
  const t = text.replace(/[\s\u00a0\u202f]/g, "");
  let som: string;
  let frac = "00";
  let m: RegExpExecArray | null;
  if ((m = /^(\d+)$/.exec(t))) {
    som = m[1];
  } else if ((m = /^(\d+)[.,](\d{2})$/.exec(t))) {
    [som, frac] = [m[1], m[2]];
  } else if ((m = /^(\d{1,3})([.,])(\d{3}(?:\2\d{3})*)(?:([.,])(\d{2}))?$/.exec(t))) {
    if (m[4] !== undefined && m[4] === m[2]) return null;
    som = m[1] + m[3].replace(/[.,]/g, "");
    if (m[5] !== undefined) frac = m[5];
  } else {
    return null;
  }
  if (som.replace(/^0+(?=\d)/, "").length > 13) return null;
  const tiyin = Number(som) * 100 + Number(frac);
  return Number.isSafeInteger(tiyin) ? tiyin : null;
}

/** What the amount field keeps of typed or pasted text: digits, spaces, `.` and `,` (never a
 *  letter or a sign), at most 24 characters. */
export function amountChars(text: string): string {
  return text.replace(/[^\d\s\u00a0.,]/g, "").slice(0, 24);
}

/** Integer tiyin as typed in an amount field: "150 000" or "150 000,50" (no unit). */
export function somInput(tiyin: number): string {
  return Number.isSafeInteger(tiyin) ? digitsOf(tiyin) : "?";
}

/** A setting's stored text in tiyin as so'm for its field, or the text itself when it is not
 *  an integer (never a float on the way). */
export function tiyinSettingToSom(text: string): string {
  return /^\d+$/.test(text) ? somInput(Number(text)) : text;
}
