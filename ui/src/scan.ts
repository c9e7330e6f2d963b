// A scanned receipt: the till's barcode scanner reads the slip's QR code (the payment id) and
// "types" it, then Enter, into the focused field, far faster than a person types.

/** A payment id as the till makes them: `T1-S261201-101500-a3f9c1`. */
export const PAYMENT_ID = /^[A-Z0-9]{1,8}-[A-Z]\d{6}-\d{6}-[0-9a-f]{6}$/;

/** Keys a barcode scanner types this close together (ms); people type slower. */
const SCANNER_GAP_MS = 100;

/**
 * What a scanned slip typed: the scanner "types" the payment id and Enter, far faster than a
 * person. Fed each key with its time; says the id at the Enter that ends a fast run that
 * looks like one (that Enter is then the scan's, not the sale screen's). Nothing else is
 * taken: letters and '-' never enter the amount field anyway, and the digits of the id that
 * did are taken back by the caller (`before`: the field's text when the run began).
 */
export class ScanReader {
  private run = "";
  private last = -Infinity;
  /** The amount field's text before the run began (digits of the run may have reached it). */
  before = "";
  key(key: string, at: number, amount: string): string | null {
    if (at - this.last > SCANNER_GAP_MS) {
      this.run = "";
      this.before = amount;
    }
    this.last = at;
    if (key === "Enter") {
      const id = this.run;
      this.run = "";
      return PAYMENT_ID.test(id) ? id : null;
    }
    if (key.length === 1) this.run += key;
    return null;
  }
}
