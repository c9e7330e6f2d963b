// The words of the shift screen (open since, X report, closing with the PIN, the Z report,
// a manager's day report) in English. Spread into en.ts. The
// reports' own lines come from the core in each language (the same lines the printer prints).
// Russian and Uzbek: shift.ru.ts and shift.uz.ts (each language's words load together, index.ts).

export const shiftEn = {
  "tab.shift": "Shift",
  "shift.title": "My shift",
  "shift.open_since": "Shift open since {time}",
  "shift.opened_how.sign_in": "opened at sign-in",
  "shift.opened_how.explicit": "opened by hand",
  "shift.none": "No shift is open.",
  "shift.open": "Open shift",
  "shift.x": "X report",
  "shift.close": "Close shift…",
  "shift.close_title": "Close the shift: enter your PIN",
  "shift.close_hint": "Sales still in progress stay watched and land in this shift.",
  "shift.pin": "PIN",
  "shift.close_confirm": "Close shift",
  "shift.cancel": "Cancel",
  "shift.closed": "Shift closed. The Z report:",
  "shift.paid": "Paid: {count} · {sum}",
  "shift.net": "Net: {sum}",
  "shift.open_payments": "Still in progress: {count}. They are watched and land in this shift.",
  "shift.save_csv": "Save CSV",
  "shift.save_xlsx": "Save XLSX",
  "shift.print": "Print",
  "shift.printed": "Sent to the receipt printer.",
  "shift.saved": "Saved to {path}",
  "shift.day_title": "Day report (all shifts)",
  "shift.day_date": "Day",
  "shift.day_show": "Show the day report",
  "history.export_xlsx": "Export XLSX",
} as const;
