//! Prints the iCalendar file of an expiry plan:
//! `expiry_ics PRODUCT DOWNLOADED [YEARS] [ISSUED]` (dates as `YYYY-MM-DD`; YEARS may be `-`
//! to take the default term when ISSUED follows). The DTSTAMP is the current time, or
//! `INKAN_ICS_STAMP` (`YYYYMMDDTHHMMSSZ`) when set, so tests can be reproducible.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use inkan_knowledge::Date;
use inkan_knowledge::{plan_expiry, to_ics};

fn now_stamp() -> Result<String, String> {
    if let Ok(stamp) = std::env::var("INKAN_ICS_STAMP") {
        return Ok(stamp);
    }
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs();
    let seconds = i64::try_from(seconds).map_err(|e| e.to_string())?;
    let day = Date::from_days_since_epoch(seconds.div_euclid(86_400)).map_err(|e| e.to_string())?;
    let time = seconds.rem_euclid(86_400);
    Ok(format!("{}T{:02}{:02}{:02}Z", day.to_basic_string(), time / 3600, time % 3600 / 60, time % 60))
}

fn run(args: &[String]) -> Result<String, String> {
    let (product_id, downloaded) = match args {
        [product_id, downloaded, ..] if args.len() <= 4 => (product_id, downloaded),
        _ => return Err("usage: expiry_ics PRODUCT DOWNLOADED [YEARS|-] [ISSUED]".to_owned()),
    };
    let downloaded = Date::parse(downloaded).map_err(|e| e.to_string())?;
    let years = match args.get(2).map(String::as_str) {
        None | Some("-") => None,
        Some(text) => Some(text.parse::<u8>().map_err(|e| format!("YEARS `{text}`: {e}"))?),
    };
    let issued = args.get(3).map(|text| Date::parse(text)).transpose().map_err(|e| e.to_string())?;
    let product = inkan_knowledge::product(product_id).map_err(|e| e.to_string())?;
    let plan = plan_expiry(product_id, downloaded, years, issued).map_err(|e| e.to_string())?;
    to_ics(&plan, product, &now_stamp()?, "example").map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(ics) => {
            print!("{ics}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("expiry_ics: {message}");
            ExitCode::FAILURE
        }
    }
}
