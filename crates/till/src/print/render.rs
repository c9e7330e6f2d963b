//! A laid-out slip as ESC/POS bytes, through the `escpos` crate's command builder (its
//! commands into memory; [`super::Address`] sends them).

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{
    Encoder, JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption,
};

use super::slip::{Laid, Slip};
use super::CodePage;

/// The bytes in memory.
#[derive(Clone, Default)]
struct Memory(Rc<RefCell<Vec<u8>>>);

impl Driver for Memory {
    fn name(&self) -> String {
        "memory".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// QR module size in dots: a payment id big enough for any scanner, a long link smaller so
/// it fits 72 mm of print (a 600-byte link is a version 17 code, 85 modules: 340 dots).
fn qr_size(data: &str) -> u8 {
    match data.len() {
        0..=64 => 8,
        65..=300 => 5,
        _ => 4,
    }
}

/// The slip as ESC/POS: initialise, select the code page, the lines (each ended by LF; titles
/// bold, the amount double size, QR codes native and centred, paper fed after them with
/// `ESC d`), feed and cut.
pub fn escpos(slip: &Slip, width: usize, cp: CodePage) -> Result<Vec<u8>, String> {
    let mem = Memory::default();
    let protocol = Protocol::new(Encoder::new(cp.encoding()));
    let mut p = Printer::new(mem.clone(), protocol, None);
    let e = |e: escpos::errors::PrinterError| e.to_string();
    p.init().map_err(e)?;
    p.custom(&[0x1B, 0x74, cp.escpos_table()]).map_err(e)?;
    for line in slip.layout(width, cp) {
        match line {
            Laid::Text { text, bold } => {
                if bold {
                    p.bold(true).map_err(e)?;
                }
                p.write(&text).map_err(e)?;
                p.custom(b"\n").map_err(e)?;
                if bold {
                    p.bold(false).map_err(e)?;
                }
            }
            Laid::Big { text } => {
                p.size(2, 2).map_err(e)?;
                p.write(&text).map_err(e)?;
                p.custom(b"\n").map_err(e)?;
                p.reset_size().map_err(e)?;
            }
            Laid::Qr { data } => {
                p.justify(JustifyMode::CENTER).map_err(e)?;
                let option = QRCodeOption::new(
                    QRCodeModel::Model2,
                    qr_size(&data),
                    QRCodeCorrectionLevel::M,
                );
                p.qrcode_option(&data, option).map_err(e)?;
                p.feed().map_err(e)?;
                p.justify(JustifyMode::LEFT).map_err(e)?;
            }
        }
    }
    p.feeds(4).map_err(e)?;
    p.print_cut().map_err(e)?;
    drop(p);
    let bytes = mem.0.borrow().clone();
    Ok(bytes)
}
