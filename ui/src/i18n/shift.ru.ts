// Russian: the words of shift.ts (in its own module: a language's words load together, see
// index.ts).
import type { shiftEn } from "./shift.ts";

export const shiftRu: Record<keyof typeof shiftEn, string> = {
  "tab.shift": "Смена",
  "shift.title": "Моя смена",
  "shift.open_since": "Смена открыта с {time}",
  "shift.opened_how.sign_in": "открыта при входе",
  "shift.opened_how.explicit": "открыта вручную",
  "shift.none": "Смена не открыта.",
  "shift.open": "Открыть смену",
  "shift.x": "X-отчёт",
  "shift.close": "Закрыть смену…",
  "shift.close_title": "Закрытие смены: введите ваш PIN",
  "shift.close_hint": "Продажи в процессе продолжают отслеживаться и попадут в эту смену.",
  "shift.pin": "PIN",
  "shift.close_confirm": "Закрыть смену",
  "shift.cancel": "Отмена",
  "shift.closed": "Смена закрыта. Z-отчёт:",
  "shift.paid": "Оплачено: {count} · {sum}",
  "shift.net": "Итого: {sum}",
  "shift.open_payments": "Ещё в процессе: {count}. Они отслеживаются и попадут в эту смену.",
  "shift.save_csv": "Сохранить CSV",
  "shift.save_xlsx": "Сохранить XLSX",
  "shift.print": "Печать",
  "shift.printed": "Отправлено на принтер чеков.",
  "shift.saved": "Сохранено в {path}",
  "shift.day_title": "Отчёт за день (все смены)",
  "shift.day_date": "День",
  "shift.day_show": "Показать отчёт за день",
  "history.export_xlsx": "Экспорт XLSX",
};
