//! The expiry planner's inputs as the browser and the CLI pass them, one per line: product id,
//! download date, term in years (empty: none), issue date (empty: none), the iCalendar DTSTAMP
//! and the UID seed. Dates go through `Date::parse`, as `expiryPlan`/`expiryIcs` do.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let mut next = || lines.next().unwrap_or("");
    let (product, downloaded, years, issued, stamp, uid) = (next(), next(), next(), next(), next(), next());
    let Ok(downloaded) = inkan::Date::parse(downloaded) else { return };
    let years = if years.is_empty() { None } else { years.parse::<u8>().ok() };
    let issued = if issued.is_empty() {
        None
    } else {
        match inkan::Date::parse(issued) {
            Ok(d) => Some(d),
            Err(_) => return,
        }
    };
    let Ok(plan) = inkan::plan_expiry(product, downloaded, years, issued) else { return };
    let Ok(p) = inkan::product(product) else { return };
    let _ = inkan::calendar_events(&plan, p);
    let _ = inkan::to_ics(&plan, p, stamp, uid);
});
