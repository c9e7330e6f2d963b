//! What a slip says: built from a payment (or a title and lines), laid out in lines of the
//! printer's width. The same layout is printed and previewed.

use ecommpay::Tiyin;
use serde::Serialize;

use super::words::{word, W};
use super::CodePage;
use crate::db::payments::{Kind, Payment, State};

/// One element of a slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlipLine {
    /// Centred, bold.
    Title { text: String },
    /// Centred.
    Center { text: String },
    /// Centred, double width and height (the amount).
    Big { text: String },
    /// A label on the left, its value on the right (the value on its own line when both do
    /// not fit).
    Pair { label: String, value: String },
    /// Plain text, wrapped at words.
    Text { text: String },
    /// A line laid out already (a report's columns): spaces kept, cut at the width.
    Pre { text: String },
    /// A line of dashes.
    Rule,
    /// A QR code (the printer's own), centred.
    Qr { data: String },
}

/// A slip: what is printed, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slip {
    pub lines: Vec<SlipLine>,
}

/// A slip laid out for a printer: lines of at most the width, QR codes between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Laid {
    /// A line as printed (spaces included), `bold` for titles.
    Text {
        text: String,
        bold: bool,
    },
    /// A double-size line (half as many characters, spaces included).
    Big {
        text: String,
    },
    Qr {
        data: String,
    },
}

/// What a slip needs to know about the till.
#[derive(Debug, Clone)]
pub struct Context {
    pub language: String,
    pub shop_name: Option<String>,
    pub till_code: String,
}

impl Context {
    fn w(&self, w: W) -> String {
        word(&self.language, w).to_owned()
    }

    fn header(&self, title: W) -> Vec<SlipLine> {
        let mut out = Vec::new();
        if let Some(shop) = &self.shop_name {
            out.push(SlipLine::Title { text: shop.clone() });
        }
        out.push(SlipLine::Title {
            text: self.w(title),
        });
        out.push(SlipLine::Rule);
        out
    }

    fn pair(&self, w: W, value: impl Into<String>) -> SlipLine {
        SlipLine::Pair {
            label: self.w(w),
            value: value.into(),
        }
    }

    /// `15 000 so'm`, `15 000,50 сум`.
    pub fn som(&self, amount: Tiyin) -> String {
        format!(
            "{} {}",
            som_digits(amount.get()),
            word(&self.language, W::Som)
        )
    }

    fn common(&self, p: &Payment) -> Vec<SlipLine> {
        let mut out = vec![self.pair(W::Till, self.till_code.clone())];
        if let Some(who) = &p.created_by {
            out.push(self.pair(W::Cashier, who.clone()));
        }
        out.push(self.pair(
            W::Date,
            crate::time::local_text(p.final_at.unwrap_or(p.created_at)),
        ));
        out
    }
}

/// Integer tiyin as so'm digits grouped by thousands with spaces, tiyin after a comma only
/// when there are any.
pub fn som_digits(tiyin: i64) -> String {
    let sign = if tiyin < 0 { "-" } else { "" };
    let t = tiyin.unsigned_abs();
    let (whole, frac) = (t / 100, t % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac:02}")
    }
}

fn sale_status(ctx: &Context, p: &Payment) -> String {
    let w = match (p.kind, p.state) {
        (Kind::Sale, State::Success) => W::Paid,
        (Kind::Sale, State::Failed) => W::NotPaid,
        (Kind::Payout, State::Success) => W::Returned,
        (Kind::Payout, State::Failed) => W::NotReturned,
        _ => W::InProgress,
    };
    ctx.w(w)
}

impl Slip {
    /// A sale's slip: what was paid, and a QR of its payment id (the till's scanner opens
    /// the sale from it for a return).
    pub fn sale(ctx: &Context, p: &Payment) -> Slip {
        let mut lines = ctx.header(W::SaleTitle);
        lines.extend(ctx.common(p));
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Big {
            text: ctx.som(p.amount),
        });
        lines.push(SlipLine::Rule);
        if let Some(card) = &p.masked_card {
            lines.push(ctx.pair(W::Card, card.clone()));
        }
        lines.push(ctx.pair(W::PaymentId, p.payment_id.clone()));
        lines.push(ctx.pair(W::Status, sale_status(ctx, p)));
        lines.push(SlipLine::Qr {
            data: p.payment_id.clone(),
        });
        if p.state == State::Success {
            lines.push(SlipLine::Center {
                text: ctx.w(W::KeepForReturn),
            });
        }
        Slip { lines }
    }

    /// A return's slip (a payout back to the sale's card): the sale it returns, when known,
    /// as text and as the QR.
    pub fn return_of(ctx: &Context, p: &Payment, sale: Option<&str>) -> Slip {
        let mut lines = ctx.header(W::ReturnTitle);
        lines.extend(ctx.common(p));
        if let Some(sale) = sale {
            lines.push(ctx.pair(W::Sale, sale.to_owned()));
        }
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Big {
            text: ctx.som(p.amount),
        });
        lines.push(SlipLine::Rule);
        if let Some(card) = &p.masked_card {
            lines.push(ctx.pair(W::Card, card.clone()));
        }
        lines.push(ctx.pair(W::PaymentId, p.payment_id.clone()));
        lines.push(ctx.pair(W::Status, sale_status(ctx, p)));
        lines.push(SlipLine::Qr {
            data: sale.unwrap_or(&p.payment_id).to_owned(),
        });
        Slip { lines }
    }

    /// "Scan to pay": the sale's link as a QR, for a till without a customer display.
    pub fn pay_link(ctx: &Context, p: &Payment, url: &str) -> Slip {
        let mut lines = ctx.header(W::PayTitle);
        lines.push(SlipLine::Big {
            text: ctx.som(p.amount),
        });
        lines.push(SlipLine::Qr {
            data: url.to_owned(),
        });
        lines.push(SlipLine::Center {
            text: ctx.w(W::ScanWithPhone),
        });
        if let Some(until) = p.link_expires_at {
            lines.push(ctx.pair(W::PayUntil, crate::time::local_text(until)));
        }
        lines.push(ctx.pair(W::PaymentId, p.payment_id.clone()));
        Slip { lines }
    }

    /// A title and lines as they are (reports).
    pub fn text_lines(ctx: &Context, title: &str, body: &[String]) -> Slip {
        let mut lines = Vec::new();
        if let Some(shop) = &ctx.shop_name {
            lines.push(SlipLine::Title { text: shop.clone() });
        }
        lines.push(SlipLine::Title {
            text: title.to_owned(),
        });
        lines.push(SlipLine::Rule);
        lines.extend(body.iter().map(|t| SlipLine::Pre { text: t.clone() }));
        Slip { lines }
    }

    /// A test page: the letters that must come out right, and where it was sent.
    pub fn test(ctx: &Context, address: &str, code_page: CodePage) -> Slip {
        let mut lines = ctx.header(W::TestTitle);
        lines.push(ctx.pair(W::Till, ctx.till_code.clone()));
        lines.push(ctx.pair(W::Printer, address.to_owned()));
        lines.push(ctx.pair(W::Date, crate::time::local_text(crate::db::now_ms())));
        lines.push(SlipLine::Pair {
            label: "code page".into(),
            value: format!("{code_page:?}"),
        });
        lines.push(SlipLine::Text {
            text: ctx.w(W::TestBody),
        });
        lines.push(SlipLine::Qr {
            data: ctx.till_code.clone(),
        });
        Slip { lines }
    }

    /// The slip laid out: each text in the code page's letters (see [`printable`]), cut to
    /// lines of `width` characters.
    pub fn layout(&self, width: usize, cp: CodePage) -> Vec<Laid> {
        let width = width.max(8);
        let text = |t: String, bold: bool| Laid::Text { text: t, bold };
        let mut out = Vec::new();
        for line in &self.lines {
            match line {
                SlipLine::Title { text: t } => out.extend(
                    wrap(&printable(t, cp), width)
                        .into_iter()
                        .map(|l| text(center(&l, width), true)),
                ),
                SlipLine::Center { text: t } => out.extend(
                    wrap(&printable(t, cp), width)
                        .into_iter()
                        .map(|l| text(center(&l, width), false)),
                ),
                SlipLine::Big { text: t } => out.extend(
                    wrap(&printable(t, cp), width / 2)
                        .into_iter()
                        .map(|l| Laid::Big {
                            text: center(&l, width / 2),
                        }),
                ),
                SlipLine::Pair { label, value } => {
                    let (l, v) = (printable(label, cp), printable(value, cp));
                    let (ln, vn) = (l.chars().count(), v.chars().count());
                    if ln + 1 + vn <= width {
                        let gap = " ".repeat(width - ln - vn);
                        out.push(text(format!("{l}{gap}{v}"), false));
                    } else {
                        out.extend(wrap(&l, width).into_iter().map(|x| text(x, false)));
                        out.extend(wrap(&v, width).into_iter().map(|x| {
                            let pad = width - x.chars().count();
                            text(format!("{}{x}", " ".repeat(pad)), false)
                        }));
                    }
                }
                SlipLine::Text { text: t } => out.extend(
                    wrap(&printable(t, cp), width)
                        .into_iter()
                        .map(|x| text(x, false)),
                ),
                SlipLine::Pre { text: t } => {
                    out.push(text(printable(t, cp).chars().take(width).collect(), false))
                }
                SlipLine::Rule => out.push(text("-".repeat(width), false)),
                SlipLine::Qr { data } => out.push(Laid::Qr { data: data.clone() }),
            }
        }
        out
    }

    /// The text lines as printed (QR codes left out), for the preview and tests.
    pub fn text(&self, width: usize, cp: CodePage) -> Vec<String> {
        self.layout(width, cp)
            .into_iter()
            .filter_map(|l| match l {
                Laid::Text { text, .. } | Laid::Big { text } => Some(text),
                Laid::Qr { .. } => None,
            })
            .collect()
    }

    /// The data of every QR code on the slip.
    pub fn qr_codes(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                SlipLine::Qr { data } => Some(data.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Text in letters the code page has: Uzbek apostrophes (`ʻ` U+02BB, `ʼ` U+02BC, `‘`, `’`,
/// `` ` ``, `´`) as ASCII `'`, dashes and quotes as ASCII, control characters as spaces,
/// anything else the code page lacks as `?`.
pub fn printable(text: &str, cp: CodePage) -> String {
    let enc = cp.encoding();
    text.chars()
        .map(|c| match c {
            '\u{02BB}' | '\u{02BC}' | '\u{2018}' | '\u{2019}' | '`' | '\u{00B4}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{00A0}' | '\u{202F}' => ' ',
            c if c.is_control() => ' ',
            c if c.is_ascii() => c,
            c => {
                let mut buf = [0u8; 4];
                let (_, _, unmappable) = enc.encode(c.encode_utf8(&mut buf));
                if unmappable {
                    '?'
                } else {
                    c
                }
            }
        })
        .collect()
}

/// `t` centred in `width` (spaces on the left only: the printer needs no trailing ones).
fn center(t: &str, width: usize) -> String {
    let n = t.chars().count();
    if n >= width {
        return t.to_owned();
    }
    format!("{}{t}", " ".repeat((width - n) / 2))
}

/// Wraps at spaces; a word longer than the line is cut.
fn wrap(t: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in t.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            lines.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if need > width && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn som_is_grouped() {
        assert_eq!(som_digits(1_500_000), "15 000");
        assert_eq!(som_digits(1_500_050), "15 000,50");
        assert_eq!(som_digits(100), "1");
        assert_eq!(som_digits(12_345_678_900), "123 456 789");
        assert_eq!(som_digits(-500), "-5");
    }

    #[test]
    fn apostrophes_and_missing_letters() {
        assert_eq!(
            printable("Oʻzbekiston gʻalla", CodePage::Cp866),
            "O'zbekiston g'alla"
        );
        assert_eq!(
            printable("O‘zbek – o’g’il", CodePage::Wpc1251),
            "O'zbek - o'g'il"
        );
        assert_eq!(printable("Қўқон", CodePage::Cp866), "?ў?он");
        assert_eq!(printable("Ёлка €", CodePage::Cp866), "Ёлка ?");
    }

    #[test]
    fn wrapping_and_pairs() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        let s = Slip {
            lines: vec![
                SlipLine::Pair {
                    label: "Kassa".into(),
                    value: "T1".into(),
                },
                SlipLine::Pair {
                    label: "ID".into(),
                    value: "T1-S261201-101500-a3f9c1".into(),
                },
            ],
        };
        assert_eq!(
            s.text(16, CodePage::Cp866),
            vec![
                "Kassa         T1",
                "ID",
                "T1-S261201-10150",
                "        0-a3f9c1"
            ]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
        );
    }
}
