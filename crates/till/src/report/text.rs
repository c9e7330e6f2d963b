//! Reports as plain text lines in Uzbek (Latin), Russian or English: what the CLI prints,
//! the app shows and the receipt printer prints (at most [`WIDTH`] characters a line, so
//! that an 80 mm printer's 42- or 48-column fonts fit them).

use ecommpay::Tiyin;

use super::{DayReport, Note, PaymentLine, ReportKind, ShiftReport, Sum, Totals};
use crate::time::local_text;

/// The widest line.
pub const WIDTH: usize = 42;

/// A report's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Uz,
    Ru,
    En,
}

impl Lang {
    /// From a language code (`uz`, `ru`, `en`; anything else: Uzbek, the till's default).
    pub fn from_code(code: &str) -> Lang {
        match code {
            "ru" => Lang::Ru,
            "en" => Lang::En,
            _ => Lang::Uz,
        }
    }
}

/// The words of a report.
pub struct Words {
    pub x_title: &'static str,
    pub z_title: &'static str,
    pub shift_title: &'static str,
    pub day_title: &'static str,
    pub day: &'static str,
    pub till: &'static str,
    pub cashier: &'static str,
    pub shift: &'static str,
    pub opened: &'static str,
    pub closed: &'static str,
    pub still_open: &'static str,
    pub paid: &'static str,
    pub declined: &'static str,
    pub expired: &'static str,
    pub abandoned: &'static str,
    pub open: &'static str,
    pub returns: &'static str,
    pub payouts: &'static str,
    pub payouts_failed: &'static str,
    pub payouts_open: &'static str,
    pub net: &'static str,
    pub first: &'static str,
    pub last: &'static str,
    pub none: &'static str,
    pub open_at_close: &'static str,
    pub open_now: &'static str,
    pub ended_after_close: &'static str,
    pub ended_note: &'static str,
    pub per_cashier: &'static str,
    pub shifts: &'static str,
    pub no_cashier: &'static str,
    pub audit_head: &'static str,
    pub printed: &'static str,
    pub unit: &'static str,
    pub state_paid: &'static str,
    pub state_not_paid: &'static str,
    pub state_open: &'static str,
    pub state_returned: &'static str,
    pub state_not_returned: &'static str,
    pub state_expired: &'static str,
    pub decimal: char,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
        Lang::Uz => &UZ,
    }
}

static EN: Words = Words {
    x_title: "X REPORT (shift open)",
    z_title: "Z REPORT (shift closed)",
    shift_title: "SHIFT REPORT",
    day_title: "DAY REPORT",
    day: "Day",
    till: "Till",
    cashier: "Cashier",
    shift: "Shift",
    opened: "Opened",
    closed: "Closed",
    still_open: "still open",
    paid: "Paid sales",
    declined: "Declined",
    expired: "Link expired",
    abandoned: "Abandoned",
    open: "In progress",
    returns: "Returns",
    payouts: "Other payouts",
    payouts_failed: "Payouts failed",
    payouts_open: "Payouts on their way",
    net: "Net",
    first: "First payment",
    last: "Last payment",
    none: "none",
    open_at_close: "Open at the close",
    open_now: "Not finished yet",
    ended_after_close: "Ended after the close",
    ended_note: "ended after the close",
    per_cashier: "Per cashier",
    shifts: "Shifts",
    no_cashier: "(no cashier)",
    audit_head: "Audit chain head",
    printed: "Made",
    unit: "so'm",
    state_paid: "paid",
    state_not_paid: "not paid",
    state_open: "in progress",
    state_returned: "returned",
    state_not_returned: "return failed",
    state_expired: "link expired",
    decimal: '.',
};

static RU: Words = Words {
    x_title: "X-ОТЧЁТ (смена открыта)",
    z_title: "Z-ОТЧЁТ (смена закрыта)",
    shift_title: "ОТЧЁТ О СМЕНЕ",
    day_title: "ОТЧЁТ ЗА ДЕНЬ",
    day: "День",
    till: "Касса",
    cashier: "Кассир",
    shift: "Смена",
    opened: "Открыта",
    closed: "Закрыта",
    still_open: "ещё открыта",
    paid: "Оплаченные продажи",
    declined: "Отклонённые",
    expired: "Ссылка истекла",
    abandoned: "Брошенные",
    open: "В процессе",
    returns: "Возвраты",
    payouts: "Другие выплаты",
    payouts_failed: "Выплаты не прошли",
    payouts_open: "Выплаты в пути",
    net: "Итого",
    first: "Первый платёж",
    last: "Последний платёж",
    none: "нет",
    open_at_close: "Не завершены при закрытии",
    open_now: "Ещё не завершены",
    ended_after_close: "Завершились после закрытия",
    ended_note: "завершён после закрытия",
    per_cashier: "По кассирам",
    shifts: "Смены",
    no_cashier: "(без кассира)",
    audit_head: "Вершина цепочки аудита",
    printed: "Составлен",
    unit: "сум",
    state_paid: "оплачено",
    state_not_paid: "не оплачено",
    state_open: "в процессе",
    state_returned: "возвращено",
    state_not_returned: "возврат не прошёл",
    state_expired: "ссылка истекла",
    decimal: ',',
};

static UZ: Words = Words {
    x_title: "X HISOBOT (smena ochiq)",
    z_title: "Z HISOBOT (smena yopildi)",
    shift_title: "SMENA HISOBOTI",
    day_title: "KUNLIK HISOBOT",
    day: "Kun",
    till: "Kassa",
    cashier: "Kassir",
    shift: "Smena",
    opened: "Ochilgan",
    closed: "Yopilgan",
    still_open: "hali ochiq",
    paid: "To'langan sotuvlar",
    declined: "Rad etilgan",
    expired: "Havola muddati o'tgan",
    abandoned: "Tashlab ketilgan",
    open: "Jarayonda",
    returns: "Qaytarishlar",
    payouts: "Boshqa to'lovlar",
    payouts_failed: "O'tmagan to'lovlar",
    payouts_open: "Yo'ldagi to'lovlar",
    net: "Sof tushum",
    first: "Birinchi to'lov",
    last: "Oxirgi to'lov",
    none: "yo'q",
    open_at_close: "Yopilganda tugamaganlar",
    open_now: "Hali tugamaganlar",
    ended_after_close: "Yopilgandan keyin tugaganlar",
    ended_note: "yopilgandan keyin tugadi",
    per_cashier: "Kassirlar bo'yicha",
    shifts: "Smenalar",
    no_cashier: "(kassirsiz)",
    audit_head: "Audit zanjiri boshi",
    printed: "Tuzilgan",
    unit: "so'm",
    state_paid: "to'landi",
    state_not_paid: "to'lanmadi",
    state_open: "jarayonda",
    state_returned: "qaytarildi",
    state_not_returned: "qaytarilmadi",
    state_expired: "havola muddati o'tdi",
    decimal: ',',
};

/// `150 000 so'm`, `150 000,50 сум` (tiyin only when not zero).
pub fn som(t: Tiyin, w: &Words) -> String {
    let v = t.get();
    let abs = v.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut out = String::new();
    if v < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if !abs.is_multiple_of(100) {
        out.push(w.decimal);
        out.push_str(&format!("{:02}", abs % 100));
    }
    out.push(' ');
    out.push_str(w.unit);
    out
}

/// The plain state of a payment line in the report's words.
pub fn state_word(l: &PaymentLine, w: &Words) -> &'static str {
    let payout = l.kind == "payout";
    match (l.state.as_str(), payout) {
        ("success", false) => w.state_paid,
        ("success", true) => w.state_returned,
        ("failed", true) => w.state_not_returned,
        ("failed", false)
            if l.gateway_status.as_deref() == Some(crate::db::payments::LINK_EXPIRED) =>
        {
            w.state_expired
        }
        ("failed", false) => w.state_not_paid,
        _ => w.state_open,
    }
}

fn cut(s: &str) -> String {
    if s.chars().count() <= WIDTH {
        s.to_owned()
    } else {
        s.chars().take(WIDTH).collect()
    }
}

/// `label ....... right`, padded to the full width (the label cut when both do not fit).
fn pair(label: &str, right: &str) -> String {
    let rl = right.chars().count();
    let room = WIDTH.saturating_sub(rl + 1);
    let label: String = label.chars().take(room).collect();
    let pad = WIDTH - label.chars().count() - rl;
    format!("{label}{}{right}", " ".repeat(pad.max(1)))
}

fn rule() -> String {
    "-".repeat(WIDTH)
}

fn sum_line(label: &str, s: Sum, w: &Words) -> String {
    pair(label, &format!("{} · {}", s.count, som(s.sum, w)))
}

fn totals_lines(t: &Totals, w: &Words, out: &mut Vec<String>) {
    out.push(sum_line(w.paid, t.paid, w));
    out.push(sum_line(w.declined, t.declined, w));
    out.push(sum_line(w.expired, t.expired, w));
    out.push(sum_line(w.abandoned, t.abandoned, w));
    out.push(sum_line(w.open, t.open, w));
    out.push(sum_line(w.returns, t.returns, w));
    out.push(sum_line(w.payouts, t.payouts, w));
    if t.payouts_failed.count > 0 {
        out.push(sum_line(w.payouts_failed, t.payouts_failed, w));
    }
    if t.payouts_open.count > 0 {
        out.push(sum_line(w.payouts_open, t.payouts_open, w));
    }
    out.push(pair(w.net, &som(t.net, w)));
}

fn payment_lines(l: &PaymentLine, w: &Words, out: &mut Vec<String>) {
    out.push(cut(&format!("  {}", l.payment_id)));
    out.push(cut(&format!(
        "    {} · {}",
        som(l.amount, w),
        state_word(l, w)
    )));
    if l.note == Some(Note::EndedAfterClose) {
        out.push(cut(&format!("    ({})", w.ended_note)));
    }
}

fn first_last(
    first: &Option<PaymentLine>,
    last: &Option<PaymentLine>,
    w: &Words,
    out: &mut Vec<String>,
) {
    for (label, l) in [(w.first, first), (w.last, last)] {
        match l {
            Some(l) => {
                out.push(pair(label, &local_text(l.created_at)));
                out.push(cut(&format!("  {}", l.payment_id)));
            }
            None => out.push(pair(label, w.none)),
        }
    }
}

fn list(title: &str, v: &[PaymentLine], w: &Words, out: &mut Vec<String>) {
    if v.is_empty() {
        return;
    }
    out.push(rule());
    out.push(cut(&format!("{title} ({}):", v.len())));
    for l in v {
        payment_lines(l, w, out);
    }
}

impl ShiftReport {
    /// The report as text lines in `lang` (`uz`, `ru`, `en`), each at most [`WIDTH`]
    /// characters: for the screen, the printer and the CLI.
    pub fn text_lines(&self, lang: &str) -> Vec<String> {
        let w = words(Lang::from_code(lang));
        let mut out = Vec::new();
        out.push(cut(match self.kind {
            ReportKind::X => w.x_title,
            ReportKind::Z => w.z_title,
            ReportKind::Shift => w.shift_title,
        }));
        out.push(pair(w.till, &self.shift.till_code));
        out.push(pair(w.cashier, &self.shift.user_name));
        out.push(pair(w.shift, &format!("#{}", self.shift.id)));
        out.push(pair(w.opened, &local_text(self.shift.opened_at)));
        out.push(pair(
            w.closed,
            &self
                .shift
                .closed_at
                .map_or_else(|| w.still_open.to_owned(), local_text),
        ));
        out.push(rule());
        totals_lines(&self.totals, w, &mut out);
        out.push(rule());
        first_last(&self.first, &self.last, w, &mut out);
        let open_title = if self.kind == ReportKind::X {
            w.open_now
        } else {
            w.open_at_close
        };
        list(open_title, &self.open, w, &mut out);
        list(w.ended_after_close, &self.ended_after_close, w, &mut out);
        out.push(rule());
        out.push(pair(w.printed, &local_text(self.generated_at)));
        out
    }
}

impl DayReport {
    /// The report as text lines in `lang` (`uz`, `ru`, `en`), each at most [`WIDTH`]
    /// characters, the audit chain's head last.
    pub fn text_lines(&self, lang: &str) -> Vec<String> {
        let w = words(Lang::from_code(lang));
        let mut out = vec![
            cut(w.day_title),
            pair(w.till, &self.till_code),
            pair(w.day, &self.date),
            rule(),
        ];
        totals_lines(&self.totals, w, &mut out);
        out.push(rule());
        first_last(&self.first, &self.last, w, &mut out);
        if !self.cashiers.is_empty() {
            out.push(rule());
            out.push(cut(&format!("{}:", w.per_cashier)));
            for c in &self.cashiers {
                let name = if c.cashier.is_empty() {
                    w.no_cashier
                } else {
                    &c.cashier
                };
                out.push(cut(&format!("{name}:")));
                out.push(pair(
                    &format!("  {}", w.paid),
                    &format!("{} · {}", c.totals.paid.count, som(c.totals.paid.sum, w)),
                ));
                let back = Tiyin::new(c.totals.returns.sum.get() + c.totals.payouts.sum.get());
                out.push(pair(
                    &format!("  {}", w.returns),
                    &format!(
                        "{} · {}",
                        c.totals.returns.count + c.totals.payouts.count,
                        som(back, w)
                    ),
                ));
                out.push(pair(&format!("  {}", w.net), &som(c.totals.net, w)));
            }
        }
        if !self.shifts.is_empty() {
            out.push(rule());
            out.push(cut(&format!("{}:", w.shifts)));
            for s in &self.shifts {
                out.push(cut(&format!("#{} {}", s.shift.id, s.shift.user_name)));
                let until = s
                    .shift
                    .closed_at
                    .map_or_else(|| w.still_open.to_owned(), local_text);
                out.push(pair(
                    &format!("  {}", w.opened),
                    &local_text(s.shift.opened_at),
                ));
                out.push(pair(&format!("  {}", w.closed), &until));
                out.push(pair(&format!("  {}", w.net), &som(s.totals.net, w)));
            }
        }
        list(w.open_now, &self.open, w, &mut out);
        out.push(rule());
        out.push(pair(w.printed, &local_text(self.generated_at)));
        match &self.audit_head {
            Some(h) => {
                out.push(cut(&format!("{}: #{}", w.audit_head, h.id)));
                let hash: Vec<char> = h.hash.chars().collect();
                for chunk in hash.chunks(WIDTH) {
                    out.push(chunk.iter().collect());
                }
            }
            None => out.push(pair(w.audit_head, w.none)),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn som_groups_thousands() {
        let w = words(Lang::Ru);
        assert_eq!(som(Tiyin::new(15_000_000), w), "150 000 сум");
        assert_eq!(som(Tiyin::new(-15_000_050), w), "-150 000,50 сум");
        assert_eq!(som(Tiyin::new(0), words(Lang::En)), "0 so'm");
        assert_eq!(pair("Net", "5 so'm").chars().count(), WIDTH);
    }
}
