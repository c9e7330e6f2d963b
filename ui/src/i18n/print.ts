// The words of receipts: the slip's preview and printing, the "scan to pay" slip, Settings >
// Receipt printer, and a scanned slip opening its sale, in English. Spread into en.ts.
// Russian and Uzbek: print.ru.ts and print.uz.ts (each language's words load together, index.ts).

export const printEn = {
  "print.title": "Receipt",
  "print.show": "Show receipt",
  "print.hide": "Hide receipt",
  "print.print": "Print receipt",
  "print.printing": "Printing…",
  "print.printed": "The receipt went to the printer.",
  "print.failed": "The receipt did not print: {why}",
  "print.after_sale_failed": "The sale is paid, but its receipt did not print: {why}",
  "print.no_printer": "No receipt printer is set (Settings → Receipt printer).",
  "print.pay_slip": "Print the QR for the customer",
  "print.pay_slip_printed": "The QR went to the printer: the customer scans it from the paper.",
  "print.settings_title": "Receipt printer",
  "print.address": "Printer",
  "print.address_hint": "tcp://192.168.1.50:9100 (network), /dev/usb/lp0 (USB) or a file; empty: no printer",
  "print.code_page": "Code page (Cyrillic)",
  "print.after_sale": "Print a receipt after each paid sale",
  "print.shop_name": "Shop name on receipts",
  "print.save": "Save",
  "print.saved": "Saved.",
  "print.test": "Test print",
  "print.test_sent": "A test page went to the printer.",
  "print.scan_unknown": "A scanned receipt: no payment {id} on this till.",
};
