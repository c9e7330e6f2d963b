// Uzbek: the words of shift.ts (in its own module: a language's words load together, see
// index.ts).
import type { shiftEn } from "./shift.ts";

export const shiftUz: Record<keyof typeof shiftEn, string> = {
  "tab.shift": "Smena",
  "shift.title": "Mening smenam",
  "shift.open_since": "Smena {time} dan beri ochiq",
  "shift.opened_how.sign_in": "kirishda ochilgan",
  "shift.opened_how.explicit": "qo'lda ochilgan",
  "shift.none": "Ochiq smena yo'q.",
  "shift.open": "Smenani ochish",
  "shift.x": "X hisobot",
  "shift.close": "Smenani yopish…",
  "shift.close_title": "Smenani yopish: PIN kodingizni kiriting",
  "shift.close_hint": "Jarayondagi sotuvlar kuzatilishda davom etadi va shu smenaga tushadi.",
  "shift.pin": "PIN",
  "shift.close_confirm": "Smenani yopish",
  "shift.cancel": "Bekor qilish",
  "shift.closed": "Smena yopildi. Z hisobot:",
  "shift.paid": "To'langan: {count} · {sum}",
  "shift.net": "Sof tushum: {sum}",
  "shift.open_payments": "Hali jarayonda: {count}. Ular kuzatiladi va shu smenaga tushadi.",
  "shift.save_csv": "CSV saqlash",
  "shift.save_xlsx": "XLSX saqlash",
  "shift.print": "Chop etish",
  "shift.printed": "Chek printeriga yuborildi.",
  "shift.saved": "{path} ga saqlandi",
  "shift.day_title": "Kunlik hisobot (barcha smenalar)",
  "shift.day_date": "Kun",
  "shift.day_show": "Kunlik hisobotni ko'rsatish",
  "history.export_xlsx": "XLSX eksport",
};
