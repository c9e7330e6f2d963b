//! The words on a slip, in the till's language (uz Latin with ASCII apostrophes, ru, en).

#[derive(Debug, Clone, Copy)]
pub(crate) enum W {
    SaleTitle,
    ReturnTitle,
    PayTitle,
    TestTitle,
    Till,
    Cashier,
    Date,
    Card,
    PaymentId,
    Status,
    Sale,
    Paid,
    NotPaid,
    InProgress,
    Returned,
    NotReturned,
    KeepForReturn,
    ScanWithPhone,
    PayUntil,
    TestBody,
    Printer,
    Som,
}

pub(crate) fn word(lang: &str, w: W) -> &'static str {
    let (uz, ru, en) = match w {
        W::SaleTitle => ("SOTUV CHEKI", "ЧЕК ПРОДАЖИ", "SALE RECEIPT"),
        W::ReturnTitle => ("QAYTARISH CHEKI", "ЧЕК ВОЗВРАТА", "RETURN RECEIPT"),
        W::PayTitle => (
            "TO'LOV UCHUN SKANERLANG",
            "СКАНИРУЙТЕ ДЛЯ ОПЛАТЫ",
            "SCAN TO PAY",
        ),
        W::TestTitle => ("SINOV CHOP ETISH", "ПРОБНАЯ ПЕЧАТЬ", "TEST PRINT"),
        W::Till => ("Kassa", "Касса", "Till"),
        W::Cashier => ("Kassir", "Кассир", "Cashier"),
        W::Date => ("Sana", "Дата", "Date"),
        W::Card => ("Karta", "Карта", "Card"),
        W::PaymentId => ("To'lov ID", "ID платежа", "Payment ID"),
        W::Status => ("Holat", "Статус", "Status"),
        W::Sale => ("Sotuv", "Продажа", "Sale"),
        W::Paid => ("To'langan", "Оплачено", "Paid"),
        W::NotPaid => ("To'lanmagan", "Не оплачено", "Not paid"),
        W::InProgress => ("Jarayonda", "В процессе", "In progress"),
        W::Returned => ("Qaytarildi", "Возвращено", "Returned"),
        W::NotReturned => ("Qaytarilmadi", "Не возвращено", "Not returned"),
        W::KeepForReturn => (
            "Qaytarish uchun chekni saqlang",
            "Сохраните чек для возврата",
            "Keep this receipt for a return",
        ),
        W::ScanWithPhone => (
            "Telefon kamerasi bilan QR kodni skanerlang va Telegram'da to'lang",
            "Отсканируйте QR-код камерой телефона и оплатите в Telegram",
            "Scan the QR code with your phone's camera and pay in Telegram",
        ),
        W::PayUntil => ("Muddati", "Оплатить до", "Pay by"),
        W::TestBody => (
            "O'zbekcha: o'g'il, g'isht, sho'x. Ruscha: Съешь же ещё этих мягких булок",
            "Русский: Съешь же ещё этих мягких булок. O'zbek: o'g'il, g'isht",
            "Uzbek: o'g'il, g'isht. Russian: Съешь же ещё этих мягких булок",
        ),
        W::Printer => ("Printer", "Принтер", "Printer"),
        W::Som => ("so'm", "сум", "so'm"),
    };
    match lang {
        "ru" => ru,
        "en" => en,
        _ => uz,
    }
}
