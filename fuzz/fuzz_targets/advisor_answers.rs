//! The advisor's answers JSON (`advise` in the browser, `inkan advise --answers`), then the advice.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(answers) = inkan::parse_answers(text) {
        let advice = inkan::advise(&answers);
        let _ = serde_json::to_string(&advice);
    }
});
