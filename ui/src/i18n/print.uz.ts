// Uzbek: the words of print.ts (in its own module: a language's words load together, see
// index.ts).
import type { printEn } from "./print.ts";

export const printUz: Record<keyof typeof printEn, string> = {
  "print.title": "Chek",
  "print.show": "Chekni ko'rsatish",
  "print.hide": "Chekni yashirish",
  "print.print": "Chekni chop etish",
  "print.printing": "Chop etilmoqda…",
  "print.printed": "Chek printerga yuborildi.",
  "print.failed": "Chek chop etilmadi: {why}",
  "print.after_sale_failed": "Sotuv to'landi, lekin cheki chop etilmadi: {why}",
  "print.no_printer": "Chek printeri sozlanmagan (Sozlamalar → Chek printeri).",
  "print.pay_slip": "Mijoz uchun QR kodni chop etish",
  "print.pay_slip_printed": "QR kod printerga yuborildi: mijoz uni qog'ozdan skanerlaydi.",
  "print.settings_title": "Chek printeri",
  "print.address": "Printer",
  "print.address_hint": "tcp://192.168.1.50:9100 (tarmoq), /dev/usb/lp0 (USB) yoki fayl; bo'sh: printer yo'q",
  "print.code_page": "Kod sahifasi (kirill)",
  "print.after_sale": "Har bir to'langan sotuvdan keyin chek chop etish",
  "print.shop_name": "Chekdagi do'kon nomi",
  "print.save": "Saqlash",
  "print.saved": "Saqlandi.",
  "print.test": "Sinov chop etish",
  "print.test_sent": "Sinov sahifasi printerga yuborildi.",
  "print.scan_unknown": "Chek skanerlandi: bu kassada {id} to'lovi yo'q.",
};
