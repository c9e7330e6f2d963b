//! A till's report and returns from the sale, in the core: what is left to return of a sale
//! (the rule the payout request checks), the totals of a history filter against the rows
//! themselves, the people's CSV (language, separator, local time, returns negative), and the
//! sign-in tiles' lock-out.

use ::till::db::csv::{CsvLang, CsvStyle};
use ::till::db::history::HistoryFilter;
use ::till::{Kind, PayoutInput, Role, State};
use ecommpay::Tiyin;

use super::{sandbox, TestTill};

/// Every row a filter matches, through the pages the app shows.
fn all_rows(t: &TestTill, f: &HistoryFilter) -> Vec<::till::HistoryRow> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = t.till.history(f, after, 1000).unwrap();
        out.extend(p.rows);
        match p.next {
            Some(c) => after = Some(c),
            None => return out,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_count_against_the_sale_and_the_totals_match_the_rows() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[("limits.payout_max_tiyin", "10000000")]);
    crate::till::add_user(&t.till, "anna", Role::Cashier, "1111").unwrap();
    let anna = t.till.sign_in("anna", "1111").unwrap();
    crate::till::add_user(&t.till, "boss", Role::Manager, "222222").unwrap();
    let sale = super::flows::paid_sale(&t, 1_500_000).await;
    let card = t.till.cards().unwrap()[0].id;

    let r = t.till.returnable(&sale).unwrap();
    assert!(r.eligible && !r.fully_returned());
    assert_eq!(
        (r.returnable.get(), r.returned.get(), r.pending.get()),
        (1_500_000, 0, 0)
    );
    assert_eq!(r.sale.amount.get(), 1_500_000);
    assert_eq!(r.card_id, Some(card));

    let ask = |amount: i64| PayoutInput {
        card_id: card,
        amount: Tiyin::new(amount),
        reason: "return".into(),
        sale_payment_id: Some(sale.clone()),
    };
    // A request waiting for approval counts.
    let first = t.till.request_payout(&ask(500_000), &anna).unwrap();
    let r = t.till.returnable(&sale).unwrap();
    assert_eq!(
        (r.returnable.get(), r.returned.get(), r.pending.get()),
        (1_000_000, 0, 500_000)
    );
    let h = t
        .till
        .approve_payout(first.id, "boss", "222222")
        .await
        .unwrap();
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    let r = t.till.returnable(&sale).unwrap();
    assert_eq!(
        (r.returnable.get(), r.returned.get(), r.pending.get()),
        (1_000_000, 500_000, 0)
    );
    // The rest: then nothing is left, and the request rule agrees.
    let rest = t.till.request_payout(&ask(1_000_000), &anna).unwrap();
    let h = t
        .till
        .approve_payout(rest.id, "boss", "222222")
        .await
        .unwrap();
    let payout_id = h.payment_id.clone();
    assert_eq!(h.wait().await.unwrap().state, State::Success);
    let r = t.till.returnable(&sale).unwrap();
    assert!(r.fully_returned(), "{r:?}");
    assert_eq!((r.returnable.get(), r.returned.get()), (0, 1_500_000));
    assert_eq!(
        t.till.request_payout(&ask(100), &anna).unwrap_err().code(),
        "return_above_sale"
    );
    // The payout names its sale.
    let of = t
        .till
        .sale_of_payout(&payout_id)
        .unwrap()
        .expect("the sale");
    assert_eq!(of.payment_id, sale);
    assert_eq!(
        t.till.sale_refs(std::slice::from_ref(&sale)).unwrap(),
        vec![of]
    );

    // A declined sale: nothing to return.
    let mut rx = t.till.subscribe();
    let declined = t.till.start_sale(Tiyin::new(250_000), None).await.unwrap();
    let pid = declined.payment_id.clone();
    let link = match super::wait_event(
        &mut rx,
        20,
        |e| matches!(e, ::till::TillEvent::Link { payment_id, .. } if *payment_id == pid),
    )
    .await
    {
        ::till::TillEvent::Link { url, .. } => url,
        _ => unreachable!(),
    };
    super::pay(&link, "uzcard-nofunds").await;
    assert_eq!(declined.wait().await.unwrap().state, State::Failed);
    let r = t.till.returnable(&pid).unwrap();
    assert!(!r.eligible && !r.fully_returned());
    assert_eq!(r.returnable.get(), 0);

    // Totals for several filters equal the sums of the rows they match.
    for f in [
        HistoryFilter::default(),
        HistoryFilter {
            kind: Some(Kind::Sale),
            ..Default::default()
        },
        HistoryFilter {
            state: Some(State::Success),
            ..Default::default()
        },
        HistoryFilter {
            amount_min: Some(Tiyin::new(600_000)),
            ..Default::default()
        },
    ] {
        let rows = all_rows(&t, &f);
        let sum = |k: Kind, s: State| -> (u64, i64) {
            let m: Vec<_> = rows
                .iter()
                .filter(|r| r.kind == k && r.state == s)
                .collect();
            (m.len() as u64, m.iter().map(|r| r.amount.get()).sum())
        };
        let tot = t.till.history_totals(&f).unwrap();
        let paid = sum(Kind::Sale, State::Success);
        let returned = sum(Kind::Payout, State::Success);
        assert_eq!((tot.paid_count, tot.paid_sum.get()), paid, "{f:?}");
        assert_eq!(tot.unpaid_count, sum(Kind::Sale, State::Failed).0, "{f:?}");
        assert_eq!(
            (tot.returned_count, tot.returned_sum.get()),
            returned,
            "{f:?}"
        );
        assert_eq!(tot.net.get(), paid.1 - returned.1, "{f:?}");
        assert_eq!(tot.open_count, 0);
    }
    let all = t.till.history_totals(&HistoryFilter::default()).unwrap();
    assert_eq!(
        (all.paid_count, all.paid_sum.get(), all.unpaid_count),
        (1, 1_500_000, 1)
    );
    assert_eq!(
        (all.returned_count, all.returned_sum.get(), all.net.get()),
        (2, 1_500_000, 0)
    );

    // The people's CSV: Russian with `;`, a decimal comma, local time, returns negative.
    let mut ru = Vec::new();
    let n = t
        .till
        .export_csv_as(
            &mut ru,
            &HistoryFilter::default(),
            CsvStyle::People(CsvLang::Ru),
            |_| {},
        )
        .unwrap();
    assert_eq!(n, 4);
    let ru = String::from_utf8(ru).unwrap();
    assert!(ru.starts_with("Время;Платёж;Тип;Сумма;"), "{ru}");
    assert!(
        ru.contains(";Возврат;-10000,00;UZS;Возвращено;success;"),
        "{ru}"
    );
    assert!(
        ru.contains(";Продажа;15000,00;UZS;Оплачено;success;"),
        "{ru}"
    );
    assert!(
        ru.contains(";Продажа;2500,00;UZS;Не оплачено;failed;"),
        "{ru}"
    );
    let sale_row = t.till.payment(&sale).unwrap();
    let local = ::till::time::local_text(sale_row.created_at);
    assert!(
        ru.lines()
            .any(|l| l.starts_with(&format!("{local};{sale};"))),
        "local time first: {local} {ru}"
    );
    let mut en = Vec::new();
    t.till
        .export_csv_as(
            &mut en,
            &HistoryFilter::default(),
            CsvStyle::People(CsvLang::En),
            |_| {},
        )
        .unwrap();
    let en = String::from_utf8(en).unwrap();
    assert!(en.starts_with("Time,Payment,Type,Amount,"), "{en}");
    assert!(
        en.contains(",Return,-5000.00,UZS,Returned,success,"),
        "{en}"
    );
    let mut uz = Vec::new();
    t.till
        .export_csv_as(
            &mut uz,
            &HistoryFilter::default(),
            CsvStyle::People(CsvLang::Uz),
            |_| {},
        )
        .unwrap();
    let uz = String::from_utf8(uz).unwrap();
    assert!(uz.starts_with("Vaqt;To'lov;Turi;Summa;"), "{uz}");
    assert!(uz.contains(";Sotuv;15000,00;UZS;To'landi;success;"), "{uz}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_user_shows_as_locked_and_a_shift_starts_at_the_sign_in() {
    let t = TestTill::new("http://127.0.0.1:9", &[("timing.pin_max_attempts", "3")]);
    crate::till::add_user(&t.till, "anna", Role::Cashier, "1111").unwrap();
    crate::till::add_user(&t.till, "bek", Role::Cashier, "222222").unwrap();
    let tiles = t.till.sign_in_tiles().unwrap();
    assert!(tiles
        .iter()
        .all(|u| u.can_sign_in() && u.last_sign_in.is_none()));
    let session = t.till.sign_in("bek", "222222").unwrap();
    let bek = session.user().clone();
    assert_eq!(
        t.till.current_shift_start(bek.id).unwrap(),
        None,
        "no shift yet"
    );
    // Signing in to the app opens a cashier's shift: "this shift" starts there.
    t.till.shift_at_sign_in(&session).unwrap();
    let since = t
        .till
        .current_shift_start(bek.id)
        .unwrap()
        .expect("a shift");
    assert!(since <= ::till::db::now_ms());
    for _ in 0..3 {
        let _ = t.till.verify_pin("anna", "0000");
    }
    let tiles = t.till.sign_in_tiles().unwrap();
    let anna = tiles.iter().find(|u| u.name == "anna").unwrap();
    assert!(!anna.can_sign_in(), "{anna:?}");
    assert!(anna.locked_until.unwrap() > ::till::db::now_ms());
    let bek = tiles.iter().find(|u| u.name == "bek").unwrap();
    assert!(bek.can_sign_in() && bek.last_sign_in.is_some_and(|at| at <= since));
}
