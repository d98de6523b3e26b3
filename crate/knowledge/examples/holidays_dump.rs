//! Prints every Japanese public holiday from FROM to TO (both `YYYY-MM-DD`, inclusive), one
//! `YYYY-MM-DD name` line each. Used by tests/knowledge/test_holidays.py to cross-check the
//! calculation against the `jpholiday` package.

use std::process::ExitCode;

use inkan_knowledge::Date;
use inkan_knowledge::holidays_between;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to] = args.as_slice() else {
        eprintln!("usage: holidays_dump FROM TO   (dates as YYYY-MM-DD)");
        return ExitCode::from(2);
    };
    let range = Date::parse(from).and_then(|from| Date::parse(to).map(|to| (from, to)));
    let holidays = match range {
        Ok((from, to)) => holidays_between(from, to).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match holidays {
        Ok(list) => {
            let lines: Vec<String> = list.iter().map(|h| format!("{} {}", h.date, h.name)).collect();
            println!("{}", lines.join("\n"));
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("holidays_dump: {message}");
            ExitCode::FAILURE
        }
    }
}
