//! Receipts on the shop's 80 mm ESC/POS thermal printer.
//!
//! A [`Slip`] is what is printed, as lines of text plus an optional QR code; the same slip
//! is the app's preview ([`Slip::text`]) and the printer's bytes ([`render::escpos`]), so what
//! the cashier sees is what comes out. Text goes through the printer's code page (CP866 or
//! Windows-1251, `printer.code_page`): Cyrillic as is, the Uzbek Latin apostrophes (`ʻ`
//! U+02BB, `ʼ`, `‘`, `’`) as ASCII `'`, anything else the code page lacks as `?`. QR codes
//! are the printer's own (`GS ( k`, model 2), so the payment id or link goes to the printer as
//! bytes and the printer draws it. Every slip ends with a feed and a cut (`GS V`).
//!
//! Where the bytes go is `printer.address` ([`address::Address`]): `tcp://HOST:PORT` (a
//! network printer, usually port 9100), a line printer device (`/dev/usb/lp0`) or any other
//! file path (appended to).

pub mod address;
pub mod render;
pub mod slip;
mod words;

use serde::{Deserialize, Serialize};

pub use crate::till::Receipt;
pub use address::Address;
pub use slip::{Laid, Slip, SlipLine};

/// The printer's character table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePage {
    /// IBM/DOS 866 (Cyrillic), ESC/POS table 17: the one nearly every printer sold here has.
    #[default]
    Cp866,
    /// Windows-1251, ESC/POS table 46 (Epson's number).
    Wpc1251,
}

impl CodePage {
    /// The `encoding_rs` encoding of this table (text is encoded and decoded with it).
    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            CodePage::Cp866 => encoding_rs::IBM866,
            CodePage::Wpc1251 => encoding_rs::WINDOWS_1251,
        }
    }

    /// `n` of `ESC t n` (select character code table), Epson's numbering.
    pub fn escpos_table(self) -> u8 {
        match self {
            CodePage::Cp866 => 17,
            CodePage::Wpc1251 => 46,
        }
    }
}

/// `[printer]` in the config (Settings > Printer, a manager's settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrinterSettings {
    /// `tcp://HOST:PORT`, a line printer device (`/dev/usb/lp0`) or a file; none: no printer.
    pub address: Option<String>,
    pub code_page: CodePage,
    /// Print a slip after each paid sale (off by default).
    pub after_sale: bool,
    /// The shop's name at the top of each slip; none: no name.
    pub shop_name: Option<String>,
    /// Characters per line in the printer's font A (80 mm paper: 48; 58 mm: 32).
    pub width: u32,
    /// How long a network printer may take to accept a connection and the bytes.
    pub timeout_ms: u64,
}

impl Default for PrinterSettings {
    fn default() -> Self {
        PrinterSettings {
            address: None,
            code_page: CodePage::Cp866,
            after_sale: false,
            shop_name: None,
            width: 48,
            timeout_ms: 5_000,
        }
    }
}

impl PrinterSettings {
    /// The keys whose empty value clears them.
    pub const OPTIONAL_KEYS: [&'static str; 2] = ["printer.address", "printer.shop_name"];

    /// Checks every field; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(a) = &self.address {
            Address::parse(a).map_err(|e| format!("printer.address: {e}"))?;
        }
        if self
            .shop_name
            .as_deref()
            .is_some_and(|s| s.trim().is_empty() || s.chars().count() > 64)
        {
            return Err("printer.shop_name must be 1 to 64 characters, or unset".into());
        }
        if !(24..=64).contains(&self.width) {
            return Err("printer.width must be 24 to 64 characters".into());
        }
        if !(100..=60_000).contains(&self.timeout_ms) {
            return Err("printer.timeout_ms must be 100 to 60000".into());
        }
        Ok(())
    }
}
