// Russian: the words of print.ts (in its own module: a language's words load together, see
// index.ts).
import type { printEn } from "./print.ts";

export const printRu: Record<keyof typeof printEn, string> = {
  "print.title": "Чек",
  "print.show": "Показать чек",
  "print.hide": "Скрыть чек",
  "print.print": "Напечатать чек",
  "print.printing": "Печать…",
  "print.printed": "Чек отправлен на принтер.",
  "print.failed": "Чек не напечатан: {why}",
  "print.after_sale_failed": "Продажа оплачена, но чек не напечатан: {why}",
  "print.no_printer": "Принтер чеков не задан (Настройки → Принтер чеков).",
  "print.pay_slip": "Напечатать QR для покупателя",
  "print.pay_slip_printed": "QR отправлен на принтер: покупатель сканирует его с бумаги.",
  "print.settings_title": "Принтер чеков",
  "print.address": "Принтер",
  "print.address_hint": "tcp://192.168.1.50:9100 (сеть), /dev/usb/lp0 (USB) или файл; пусто: без принтера",
  "print.code_page": "Кодовая страница (кириллица)",
  "print.after_sale": "Печатать чек после каждой оплаченной продажи",
  "print.shop_name": "Название магазина на чеке",
  "print.save": "Сохранить",
  "print.saved": "Сохранено.",
  "print.test": "Пробная печать",
  "print.test_sent": "Пробная страница отправлена на принтер.",
  "print.scan_unknown": "Отсканирован чек: платежа {id} на этой кассе нет.",
};
