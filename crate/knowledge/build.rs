//! Reads `data/products.toml`, `data/advisor.toml` and `data/sources.toml` into the catalog's
//! own types (`src/catalog/model.rs`, shared with the library), validates them, and writes them
//! out as `$OUT_DIR/catalog.rs`: `static`s that `src/catalog.rs` includes. `data/holidays.toml`
//! goes the same way into `$OUT_DIR/holidays.rs`, which `src/holidays.rs` includes.
//!
//! It also checks `messages/ja.json` and `en.json` and writes their texts as constants
//! (`$OUT_DIR/texts.rs`, through `inkan-i18n-build`).
//!
//! The catalog is compiled in rather than parsed at run time so that the wasm carries neither a
//! TOML parser nor a deserializer for the catalog, and no catalog text is copied at start-up.
//! Validation happens here, so a bad catalog fails the build with a message naming the product
//! and the field, instead of failing at run time on a user's machine.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[path = "src/catalog/model.rs"]
#[allow(dead_code, reason = "the library uses the types' methods; the build script only reads and writes data")]
mod model;

use model::{
    AfterDeadline, Choice, Choose, Cited, Closure, Condition, DeliveryFormat, DocumentCondition, DocumentRule,
    DownloadStart, DownloadWindow, Effect, Eligibility, HolidayDate, HolidayRule, IssuanceMilestone, IssuanceTime,
    IssuanceUnit, Note, NoticeOffset, OffsetUnit, Product, Profession, Purpose, Question, QuestionKind, ReapplyWindow,
    Rule, Source, Text, Trouble, UploadLimits, Validity,
};

const CATALOG_PATH: &str = "data/products.toml";
const ADVISOR_PATH: &str = "data/advisor.toml";
const SOURCES_PATH: &str = "data/sources.toml";
const HOLIDAYS_PATH: &str = "data/holidays.toml";
/// The years `src/holidays.rs` computes (its FIRST_YEAR and LAST_YEAR).
const HOLIDAY_YEARS: std::ops::RangeInclusive<u16> = 2000..=2099;

/// Product ids the library code refers to by name; the catalog may add more, never fewer.
const REQUIRED_IDS: [&str; 8] = [
    "sign123",
    "jcan-123sign",
    "jcan-mcci",
    "iprove-general",
    "iprove-dim",
    "njc-secure-mail",
    "njc-access-control",
    "njc-class2-standard",
];

const UPLOAD_FORMATS: [&str; 3] = ["pdf", "jpeg", "png"];

/// The advisor's file: its questions and its product rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advisor {
    #[serde(deserialize_with = "model::Load::load")]
    question: &'static [Question],
    #[serde(default, deserialize_with = "model::Load::load")]
    rule: &'static [Rule],
}

/// The sources file: the seller page behind each seed file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Sources {
    #[serde(deserialize_with = "model::Load::load")]
    source: &'static [Source],
}

/// The holidays file: the two derived holidays' names and the Act's holidays.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Holidays {
    #[serde(deserialize_with = "model::Load::load")]
    substitute_holiday: model::Str,
    #[serde(deserialize_with = "model::Load::load")]
    citizens_holiday: model::Str,
    #[serde(deserialize_with = "model::Load::load")]
    holiday: &'static [HolidayRule],
}

/// The products file: its top-level arrays of tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    #[serde(deserialize_with = "model::Load::load")]
    product: &'static [Product],
    #[serde(default, deserialize_with = "model::Load::load")]
    troubleshooting: &'static [Trouble],
}

fn main() {
    println!("cargo:rerun-if-changed={CATALOG_PATH}");
    println!("cargo:rerun-if-changed={ADVISOR_PATH}");
    println!("cargo:rerun-if-changed={SOURCES_PATH}");
    println!("cargo:rerun-if-changed={HOLIDAYS_PATH}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/catalog/model.rs");
    // The error texts (`messages/`), as constants: `$OUT_DIR/texts.rs`.
    // `separator.dates` is ", " in both languages: dates are written the same way in both.
    inkan_i18n_build::Messages::new("messages").ascii_japanese(&["separator.dates"]).write();
    if let Err(problems) = run() {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        std::process::exit(1);
    }
}

/// Reads one data file: the citation check on its raw tree, then its typed shape. Every seed
/// file it cites goes into `cited_seeds`.
fn load<T: serde::de::DeserializeOwned>(
    manifest_dir: &Path,
    path: &str,
    cited: &[&str],
    seeds_dir: Option<&Path>,
    cited_seeds: &mut BTreeSet<String>,
) -> Result<T, Vec<String>> {
    let at = |problems: Vec<String>| problems.into_iter().map(|p| format!("{path}: {p}")).collect::<Vec<_>>();
    let source =
        std::fs::read_to_string(manifest_dir.join(path)).map_err(|e| at(vec![format!("cannot read the file: {e}")]))?;
    let raw: toml::Table = toml::from_str(&source).map_err(|e| at(vec![format!("not valid TOML: {e}")]))?;
    let mut problems = Vec::new();
    check_citations(&raw, cited, seeds_dir, &mut problems);
    collect_seeds(&toml::Value::Table(raw), cited_seeds);
    if !problems.is_empty() {
        return Err(at(problems));
    }
    toml::from_str(&source).map_err(|e| at(vec![format!("unexpected shape: {e}")]))
}

fn run() -> Result<(), Vec<String>> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    // The seed pages live in shared/seeds beside the repository; when they are present (a
    // developer machine, CI) a citation must name a file that exists.
    let seeds_dir = manifest_dir.join("../../../shared/seeds");
    let seeds_dir = seeds_dir.is_dir().then_some(seeds_dir);
    // Every table of these top-level arrays cites its seed; the questions are Inkan's own.
    let mut cited_seeds = BTreeSet::new();
    let seeds = seeds_dir.as_deref();
    let catalog: Catalog = load(&manifest_dir, CATALOG_PATH, &["product", "troubleshooting"], seeds, &mut cited_seeds)?;
    let advisor: Advisor = load(&manifest_dir, ADVISOR_PATH, &["rule"], seeds, &mut cited_seeds)?;
    // The sources' own seeds are what they describe, not citations to be covered.
    let sources: Sources = load(&manifest_dir, SOURCES_PATH, &["source"], seeds, &mut BTreeSet::new())?;

    let mut problems = Vec::new();
    validate(&catalog, &mut problems);
    validate_advisor(&advisor, &catalog, &mut problems);
    validate_sources(&sources, &cited_seeds, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let code = generate(&catalog, &advisor, &sources).map_err(|e| vec![format!("cannot format the output: {e}")])?;
    std::fs::write(out_dir.join("catalog.rs"), code).map_err(|e| vec![format!("cannot write catalog.rs: {e}")])?;

    // The holidays rest on the Act, not on a seed page: no citation check.
    let at = |problem: String| vec![format!("{HOLIDAYS_PATH}: {problem}")];
    let source = std::fs::read_to_string(manifest_dir.join(HOLIDAYS_PATH))
        .map_err(|e| at(format!("cannot read the file: {e}")))?;
    let holidays: Holidays = toml::from_str(&source).map_err(|e| at(format!("unexpected shape: {e}")))?;
    validate_holidays(&holidays, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let code = generate_holidays(&holidays).map_err(|e| vec![format!("cannot format the output: {e}")])?;
    std::fs::write(out_dir.join("holidays.rs"), code).map_err(|e| vec![format!("cannot write holidays.rs: {e}")])?;
    Ok(())
}

fn env_var(name: &str) -> Result<String, Vec<String>> {
    std::env::var(name).map_err(|e| vec![format!("environment variable {name}: {e}")])
}

// ---------------------------------------------------------------------------------------
// Citation check on the raw tree, so that it holds for every key, including ones added later.

fn check_citations(raw: &toml::Table, cited: &[&str], seeds_dir: Option<&Path>, problems: &mut Vec<String>) {
    for (name, value) in raw {
        let toml::Value::Array(entries) = value else {
            problems.push(format!("top-level key `{name}` is not an array of tables"));
            continue;
        };
        if !cited.contains(&name.as_str()) {
            continue;
        }
        for (index, entry) in entries.iter().enumerate() {
            let Some(table) = entry.as_table() else {
                problems.push(format!("{name}[{index}] is not a table"));
                continue;
            };
            let label = table.get("id").or_else(|| table.get("code")).and_then(toml::Value::as_str).unwrap_or("?");
            // A rule or a trouble is one fact: it cites its seed as a whole.
            if name != "product" && !table.contains_key("seed") {
                problems.push(format!("{name}[{index}] `{label}` has no `seed` (the seed page it rests on)"));
                continue;
            }
            check_table(&format!("{name}[{index}] `{label}`"), table, false, name == "product", seeds_dir, problems);
        }
    }
}

fn check_table(
    path: &str,
    table: &toml::Table,
    inherited: bool,
    is_product: bool,
    seeds_dir: Option<&Path>,
    problems: &mut Vec<String>,
) {
    let covered = inherited || table.contains_key("seed") || table.contains_key("assumption");
    for (key, value) in table {
        match key.as_str() {
            "seed" => {
                check_seed_value(&format!("{path}: `seed`"), value, seeds_dir, problems);
                continue;
            }
            // An assumption stands in for a citation where no seed states the fact.
            "assumption" => {
                if value.as_str().is_none_or(|text| text.trim().len() < 20) {
                    problems.push(format!("{path}: `assumption` must say in a sentence what is assumed and why"));
                }
                continue;
            }
            "id" if is_product => continue,
            _ => {}
        }
        let field = format!("{path}: field `{key}`");
        match value {
            toml::Value::Table(inner) => check_table(&field, inner, covered, false, seeds_dir, problems),
            toml::Value::Array(items) if items.iter().any(toml::Value::is_table) => {
                for (i, item) in items.iter().enumerate() {
                    match item.as_table() {
                        Some(inner) => {
                            check_table(&format!("{field}[{i}]"), inner, covered, false, seeds_dir, problems)
                        }
                        None => problems.push(format!("{field}[{i}]: mixes tables and plain values")),
                    }
                }
            }
            _ if !covered => {
                problems.push(format!("{field} has no seed citation (write `{key} = {{ value = ..., seed = ... }}`)"));
            }
            _ => {}
        }
    }
}

/// Every seed file name under a `seed` key anywhere in the tree.
fn collect_seeds(value: &toml::Value, out: &mut BTreeSet<String>) {
    match value {
        toml::Value::Table(table) => {
            for (key, inner) in table {
                match (key.as_str(), inner) {
                    ("seed", toml::Value::String(name)) => {
                        out.insert(name.clone());
                    }
                    ("seed", toml::Value::Array(names)) => {
                        out.extend(names.iter().filter_map(toml::Value::as_str).map(str::to_owned));
                    }
                    _ => collect_seeds(inner, out),
                }
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|item| collect_seeds(item, out)),
        _ => {}
    }
}

fn check_seed_value(path: &str, value: &toml::Value, seeds_dir: Option<&Path>, problems: &mut Vec<String>) {
    let names: Vec<&toml::Value> = match value {
        toml::Value::Array(items) if !items.is_empty() => items.iter().collect(),
        toml::Value::String(_) => vec![value],
        _ => {
            problems.push(format!("{path}: a seed is a file name or a non-empty list of them"));
            return;
        }
    };
    for name in names {
        let Some(name) = name.as_str() else {
            problems.push(format!("{path}: seed entries must be strings"));
            continue;
        };
        if !is_seed_file_name(name) {
            problems.push(format!("{path}: `{name}` is not a seed file name like 000_83bab2e9cbe37489.txt"));
        } else if let Some(dir) = seeds_dir
            && !dir.join(name).is_file()
        {
            problems.push(format!("{path}: seed `{name}` does not exist in {}", dir.display()));
        }
    }
}

fn is_seed_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".txt") else { return false };
    let Some((number, hash)) = stem.split_once('_') else { return false };
    number.len() == 3
        && number.bytes().all(|b| b.is_ascii_digit())
        && hash.len() == 16
        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

// ---------------------------------------------------------------------------------------
// Semantic checks: the things the types cannot say.

fn validate(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for product in catalog.product {
        let at = format!("{CATALOG_PATH}: product `{}`", product.id);
        if !is_id(product.id) {
            problems.push(format!("{at}: id must be lowercase letters, digits and '-'"));
        }
        if !seen.insert(product.id) {
            problems.push(format!("{at}: duplicate id"));
        }
        for (field, text) in [("name", &product.name), ("seller", &product.seller), ("issuer", &product.issuer)] {
            check_text(&format!("{at}: field `{field}`"), &text.value, problems);
        }
        let markers = product.issuer_markers.value;
        if markers.is_empty() || markers.iter().any(|m| m.trim().chars().count() < 3) {
            problems.push(format!("{at}: field `issuer_markers` needs at least one marker of 3+ characters"));
        }
        validate_validity(&at, &product.validity.value, problems);
        if let Some(notices) = &product.expiry_notices {
            let mut keys = BTreeSet::new();
            for (i, notice) in notices.value.iter().enumerate() {
                let field = format!("{at}: field `expiry_notices[{i}]`");
                check_offset(&field, notice.before, notice.unit, problems);
                if !keys.insert((format!("{:?}", notice.unit), notice.before)) {
                    problems.push(format!("{field}: duplicate notice"));
                }
                let kind = notice_kind(notice.before, notice.unit);
                if notice.kind != kind {
                    problems.push(format!("{field}: kind must be `{kind}`"));
                }
            }
        }
        if let Some(reapply) = &product.reapply {
            let field = format!("{at}: field `reapply`");
            let window = reapply.value;
            check_offset(&field, window.from_before, window.unit, problems);
            check_offset(&field, window.until_before, window.unit, problems);
            if window.from_before < window.until_before {
                problems.push(format!("{field}: from_before must be at least until_before"));
            }
        }
        if let Some(download) = &product.download {
            let field = format!("{at}: field `download`");
            let window = download.value;
            if !(1..=365).contains(&window.days) {
                problems.push(format!("{field}: days must be 1..=365"));
            }
            if window.reminders_after_days.iter().any(|d| *d == 0 || *d > window.days) {
                problems.push(format!("{field}: reminders must fall within the download window"));
            }
        }
        if let Some(issuance) = &product.issuance {
            let field = format!("{at}: field `issuance`");
            let time = issuance.value;
            match (time.min, time.max) {
                (None, None) => problems.push(format!("{field}: give min, max or both")),
                (Some(min), Some(max)) if min > max => problems.push(format!("{field}: min exceeds max")),
                _ => {}
            }
            if time.min.into_iter().chain(time.max).any(|n| n > 1000) {
                problems.push(format!("{field}: more than 1000 units is not sane"));
            }
        }
        if let (Some(yes), Some(no)) = (&product.purposes_supported, &product.purposes_unsupported)
            && yes.value.iter().any(|p| no.value.contains(p))
        {
            problems.push(format!("{at}: a purpose is both supported and unsupported"));
        }
        if let Some(upload) = &product.upload {
            let field = format!("{at}: field `upload`");
            let limits = upload.value;
            if limits.formats.is_empty() || limits.formats.iter().any(|f| !UPLOAD_FORMATS.contains(f)) {
                problems.push(format!("{field}: formats must be non-empty, from {UPLOAD_FORMATS:?}"));
            }
            if limits.max_megabytes.is_some_and(|mb| !(1..=100).contains(&mb)) {
                problems.push(format!("{field}: max_megabytes must be 1..=100"));
            }
        }
        let mut codes = BTreeSet::new();
        for (i, rule) in product.documents.iter().enumerate() {
            let field = format!("{at}: field `documents[{i}]` `{}`", rule.code);
            check_code(&field, rule.code, problems);
            if !codes.insert(rule.code) {
                problems.push(format!("{field}: duplicate document code"));
            }
            if rule.professions.is_empty() {
                problems.push(format!("{field}: professions is empty"));
            }
            if rule.items.is_empty() {
                problems.push(format!("{field}: items is empty"));
            }
            for (j, item) in rule.items.iter().enumerate() {
                check_text(&format!("{field}: items[{j}]"), item, problems);
            }
        }
        if let Some(closure) = &product.year_end_closure {
            for (end, (month, day)) in [("from", closure.from), ("until", closure.until)] {
                if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                    problems.push(format!("{at}: field `year_end_closure.{end}` must be [month, day]"));
                }
            }
            if product.issuance.is_none_or(|i| i.value.unit != IssuanceUnit::BusinessDays) {
                problems.push(format!("{at}: field `year_end_closure` only applies to issuance in business days"));
            }
        }
        for (list_name, list) in
            [("secrets", product.secrets), ("environment", product.environment), ("notes", product.notes)]
        {
            check_notes(&at, list_name, list.iter().map(|n| (n.code, &n.text)), problems);
        }
    }
    for id in REQUIRED_IDS {
        if !seen.contains(id) {
            problems.push(format!("{CATALOG_PATH}: product `{id}` is missing (the library refers to it)"));
        }
    }
    check_notes(CATALOG_PATH, "troubleshooting", catalog.troubleshooting.iter().map(|t| (t.code, &t.text)), problems);
    for trouble in catalog.troubleshooting {
        let field = format!("{CATALOG_PATH}: troubleshooting `{}`", trouble.code);
        if trouble.products.is_empty() {
            problems.push(format!("{field}: products is empty"));
        }
        for id in trouble.products.iter().filter(|id| !seen.contains(*id)) {
            problems.push(format!("{field}: unknown product `{id}`"));
        }
    }
}

/// The advisor's questions and rules: ids unique, every option value and rule code snake_case,
/// and every rule naming products and questions (and option values) that exist.
fn validate_advisor(advisor: &Advisor, catalog: &Catalog, problems: &mut Vec<String>) {
    let mut ids = BTreeSet::new();
    for question in advisor.question {
        let at = format!("{ADVISOR_PATH}: question `{}`", question.id);
        check_code(&at, question.id, problems);
        if !ids.insert(question.id) {
            problems.push(format!("{at}: duplicate id"));
        }
        check_text(&at, &question.text, problems);
        match (question.kind, question.options.is_empty()) {
            (QuestionKind::YesNo, false) => problems.push(format!("{at}: a yes/no question has no options")),
            (QuestionKind::Single | QuestionKind::Multiple, true) => {
                problems.push(format!("{at}: options are missing"))
            }
            _ => {}
        }
        check_notes(&at, "options", question.options.iter().map(|o| (o.value, &o.text)), problems);
    }
    let mut codes = BTreeSet::new();
    for (i, rule) in advisor.rule.iter().enumerate() {
        let at = format!("{ADVISOR_PATH}: rule[{i}] `{}`", rule.code);
        check_code(&at, rule.code, problems);
        check_text(&at, &rule.text, problems);
        if !codes.insert((rule.code, rule.products, format!("{:?}", rule.when))) {
            problems.push(format!("{at}: duplicate rule"));
        }
        let at_an_end = |text: &str| text.starts_with("{note}") || text.ends_with("{note}");
        let quotes = at_an_end(rule.text.ja) && at_an_end(rule.text.en);
        match rule.note {
            Some(code) => {
                for id in rule.products {
                    let product = catalog.product.iter().find(|p| p.id == *id);
                    if product.is_some_and(|p| !p.environment.iter().chain(p.notes).any(|n| n.code == code)) {
                        problems.push(format!("{at}: product `{id}` has no note `{code}`"));
                    }
                }
                if !quotes {
                    problems.push(format!(
                        "{at}: a rule with a note quotes it as {{note}} at the start or end of both texts"
                    ));
                }
            }
            None if quotes || rule.text.ja.contains("{note}") || rule.text.en.contains("{note}") => {
                problems.push(format!("{at}: {{note}} in the text needs `note`"));
            }
            None => {}
        }
        if rule.products.is_empty() {
            problems.push(format!("{at}: products is empty"));
        }
        for id in rule.products.iter().filter(|id| !catalog.product.iter().any(|p| p.id == **id)) {
            problems.push(format!("{at}: unknown product `{id}`"));
        }
        let (question_id, values) = match rule.when {
            Condition::Always => continue,
            Condition::Unanswered { question } => (question, &[][..]),
            Condition::OneOf { question, values } | Condition::NoneOf { question, values } => {
                if values.is_empty() {
                    problems.push(format!("{at}: `when.values` is empty"));
                }
                (question, values)
            }
        };
        let Some(question) = advisor.question.iter().find(|q| q.id == question_id) else {
            problems.push(format!("{at}: unknown question `{question_id}`"));
            continue;
        };
        for value in values {
            let known = match question.kind {
                QuestionKind::YesNo => matches!(*value, "true" | "false"),
                QuestionKind::Single | QuestionKind::Multiple => question.options.iter().any(|o| o.value == *value),
            };
            if !known {
                problems.push(format!("{at}: `{value}` is not an answer to question `{question_id}`"));
            }
        }
    }
}

fn check_notes<'a>(
    at: &str,
    list_name: &str,
    notes: impl Iterator<Item = (&'a str, &'a Text)>,
    problems: &mut Vec<String>,
) {
    let mut codes = BTreeSet::new();
    for (code, text) in notes {
        let field = format!("{at}: field `{list_name}` `{code}`");
        check_code(&field, code, problems);
        if !codes.insert(code) {
            problems.push(format!("{field}: duplicate code"));
        }
        check_text(&field, text, problems);
    }
}

/// Every source once, with both titles, and a source for every seed the other files cite (so
/// that the site can always say where a rule was read).
fn validate_sources(sources: &Sources, cited_seeds: &BTreeSet<String>, problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for (i, source) in sources.source.iter().enumerate() {
        let at = format!("{SOURCES_PATH}: source[{i}] `{}`", source.seed);
        if !seen.insert(source.seed) {
            problems.push(format!("{at}: duplicate seed"));
        }
        check_text(&format!("{at}: field `title`"), &source.title, problems);
        if source.url.is_some_and(|url| !url.starts_with("https://")) {
            problems.push(format!("{at}: field `url` must be an https:// address"));
        }
    }
    for seed in cited_seeds.iter().filter(|seed| !seen.contains(seed.as_str())) {
        problems.push(format!("{SOURCES_PATH}: seed `{seed}` is cited by the catalog but has no source"));
    }
}

/// Dates that exist, years in range, Japanese names.
fn validate_holidays(holidays: &Holidays, problems: &mut Vec<String>) {
    // 29 February would be a holiday in leap years only: no rule of the Act is.
    const DAYS_IN_MONTH: [u8; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let japanese = |name: &str| !name.trim().is_empty() && !name.is_ascii();
    for (field, name) in
        [("substitute_holiday", holidays.substitute_holiday), ("citizens_holiday", holidays.citizens_holiday)]
    {
        if !japanese(name) {
            problems.push(format!("{HOLIDAYS_PATH}: `{field}` must be a Japanese name"));
        }
    }
    if holidays.holiday.is_empty() {
        problems.push(format!("{HOLIDAYS_PATH}: no holiday"));
    }
    for (i, rule) in holidays.holiday.iter().enumerate() {
        let at = format!("{HOLIDAYS_PATH}: holiday[{i}] `{}`", rule.name);
        if !japanese(rule.name) {
            problems.push(format!("{at}: the name must be the legal name, in Japanese"));
        }
        let month_ok = |month: u8| (1..=12).contains(&month);
        match rule.date {
            HolidayDate::Fixed { month, day } => {
                let last = usize::from(month).checked_sub(1).and_then(|m| DAYS_IN_MONTH.get(m)).copied();
                if !month_ok(month) || last.is_none_or(|last| !(1..=last).contains(&day)) {
                    problems.push(format!("{at}: {month}/{day} is not a date"));
                }
            }
            HolidayDate::NthMonday { month, n } => {
                if !month_ok(month) || !(1..=4).contains(&n) {
                    problems.push(format!("{at}: month must be 1..=12 and n 1..=4"));
                }
            }
            HolidayDate::VernalEquinox | HolidayDate::AutumnalEquinox => {}
        }
        let (from, until) = (rule.from.unwrap_or(*HOLIDAY_YEARS.start()), rule.until.unwrap_or(*HOLIDAY_YEARS.end()));
        if !HOLIDAY_YEARS.contains(&from) || !HOLIDAY_YEARS.contains(&until) || from > until {
            problems.push(format!("{at}: from and until must be years of {HOLIDAY_YEARS:?}, from <= until"));
        }
        if rule.except.iter().any(|year| !(from..=until).contains(year)) {
            problems.push(format!("{at}: an `except` year lies outside from..=until"));
        }
    }
}

fn validate_validity(at: &str, validity: &Validity, problems: &mut Vec<String>) {
    let field = format!("{at}: field `validity`");
    match validity {
        Validity::SameDay { terms_years } | Validity::QuarterEndAfter { terms_years } => {
            if terms_years.is_empty() || terms_years.iter().any(|t| !(1..=10).contains(t)) {
                problems.push(format!("{field}: terms_years must be non-empty, each 1..=10"));
            }
            if terms_years.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
                problems.push(format!("{field}: terms_years must be ascending without repeats"));
            }
        }
        Validity::Days { days } => {
            if !(1..=3660).contains(days) {
                problems.push(format!("{field}: days must be 1..=3660"));
            }
        }
    }
}

fn check_offset(field: &str, amount: u8, unit: OffsetUnit, problems: &mut Vec<String>) {
    let limit = match unit {
        OffsetUnit::Days => 366,
        OffsetUnit::Weeks => 52,
        OffsetUnit::Months => 12,
    };
    if u16::from(amount) > limit {
        problems.push(format!("{field}: {amount} {unit:?} is more than a year"));
    }
}

/// The stable code of a notice: `expiry_notice_4_weeks`, `expiry_notice_1_month`,
/// `expiry_notice_same_day`.
fn notice_kind(before: u8, unit: OffsetUnit) -> String {
    let singular = match unit {
        OffsetUnit::Days => "day",
        OffsetUnit::Weeks => "week",
        OffsetUnit::Months => "month",
    };
    match before {
        0 => "expiry_notice_same_day".to_owned(),
        1 => format!("expiry_notice_1_{singular}"),
        n => format!("expiry_notice_{n}_{singular}s"),
    }
}

fn check_text(field: &str, text: &Text, problems: &mut Vec<String>) {
    if text.ja.trim().is_empty() || text.en.trim().is_empty() {
        problems.push(format!("{field}: both ja and en text are required"));
    }
}

fn check_code(field: &str, code: &str, problems: &mut Vec<String>) {
    let snake = !code.is_empty()
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if !snake {
        problems.push(format!("{field}: code must be snake_case"));
    }
}

fn is_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

// ---------------------------------------------------------------------------------------
// Output: each model value written as the Rust expression that builds it. The compiler checks
// the result against the same types, so a field left out here fails the build.

fn generate(catalog: &Catalog, advisor: &Advisor, sources: &Sources) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    writeln!(out, "// @generated by build.rs from {CATALOG_PATH}, {ADVISOR_PATH} and {SOURCES_PATH}. Do not edit.")?;
    writeln!(out, "/// Every product in the catalog, in catalog order.")?;
    write!(out, "pub(crate) static PRODUCTS: &[Product] = ")?;
    catalog.product.rust(&mut out)?;
    writeln!(out, ";")?;
    // What recognises each product in a certificate, apart from PRODUCTS: the PKI module's
    // inspector uses only this, so it does not link the rest of the catalog.
    writeln!(out, "/// What recognises each product in a certificate, in catalog order.")?;
    writeln!(out, "pub(crate) static RECOGNITIONS: &[ProductRecognition] = &[")?;
    for p in catalog.product {
        let kinds: Vec<&str> = p.expiry_notices.map(|n| n.value.iter().map(|o| o.kind).collect()).unwrap_or_default();
        writeln!(
            out,
            "    ProductRecognition {{ id: {:?}, name: Text {{ ja: {:?}, en: {:?} }}, issuer_markers: &{:?}, expiry_notice_kinds: &{:?} }},",
            p.id, p.name.value.ja, p.name.value.en, p.issuer_markers.value, kinds
        )?;
    }
    writeln!(out, "];")?;
    // Kept apart from PRODUCTS so that only code that asks for it (the knowledge module's
    // catalog view) links these long texts.
    for (i, trouble) in catalog.troubleshooting.iter().enumerate() {
        write!(out, "static TROUBLE_{i}: Trouble = ")?;
        trouble.rust(&mut out)?;
        writeln!(out, ";")?;
    }
    writeln!(out, "/// S/MIME troubleshooting per product id, in catalog order.")?;
    writeln!(out, "pub(crate) static TROUBLESHOOTING: &[(&str, &[&Trouble])] = &[")?;
    for product in catalog.product {
        let troubles = catalog.troubleshooting.iter().enumerate().filter(|(_, t)| t.products.contains(&product.id));
        let refs: Vec<String> = troubles.map(|(i, _)| format!("&TROUBLE_{i}")).collect();
        if !refs.is_empty() {
            writeln!(out, "    ({:?}, &[{}]),", product.id, refs.join(", "))?;
        }
    }
    writeln!(out, "];")?;
    writeln!(out, "/// The advisor's questions, in the order to ask them.")?;
    write!(out, "pub(crate) static QUESTIONS: &[Question] = ")?;
    advisor.question.rust(&mut out)?;
    writeln!(out, ";")?;
    writeln!(out, "/// The advisor's product rules, in file order.")?;
    write!(out, "pub(crate) static RULES: &[Rule] = ")?;
    advisor.rule.rust(&mut out)?;
    writeln!(out, ";")?;
    writeln!(out, "/// The seller page behind each seed file, in file order.")?;
    write!(out, "pub(crate) static SOURCES: &[Source] = ")?;
    sources.source.rust(&mut out)?;
    writeln!(out, ";")?;
    Ok(out)
}

fn generate_holidays(holidays: &Holidays) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    writeln!(out, "// @generated by build.rs from {HOLIDAYS_PATH}. Do not edit.")?;
    writeln!(out, "/// Name of a substitute holiday.")?;
    writeln!(out, "pub(crate) const SUBSTITUTE_HOLIDAY: &str = {:?};", holidays.substitute_holiday)?;
    writeln!(out, "/// Name of a citizens' holiday.")?;
    writeln!(out, "pub(crate) const CITIZENS_HOLIDAY: &str = {:?};", holidays.citizens_holiday)?;
    writeln!(out, "/// The holidays of the Act, in file order.")?;
    write!(out, "static HOLIDAY_RULES: &[HolidayRule] = ")?;
    holidays.holiday.rust(&mut out)?;
    writeln!(out, ";")?;
    Ok(out)
}

type Gen = Result<(), std::fmt::Error>;

/// A value that can write itself as a Rust expression.
trait Rust {
    fn rust(&self, out: &mut String) -> Gen;
}

impl Rust for &str {
    fn rust(&self, out: &mut String) -> Gen {
        write!(out, "{self:?}")
    }
}

macro_rules! rust_by_display {
    ($($ty:ty),*) => { $(impl Rust for $ty { fn rust(&self, out: &mut String) -> Gen { write!(out, "{self}") } })* };
}
rust_by_display!(bool, u8, u16);

impl<T: Rust> Rust for &[T] {
    fn rust(&self, out: &mut String) -> Gen {
        out.push_str("&[");
        for item in *self {
            item.rust(out)?;
            out.push_str(", ");
        }
        out.push(']');
        Ok(())
    }
}

impl<T: Rust> Rust for Option<T> {
    fn rust(&self, out: &mut String) -> Gen {
        match self {
            Some(value) => {
                out.push_str("Some(");
                value.rust(out)?;
                out.push(')');
            }
            None => out.push_str("None"),
        }
        Ok(())
    }
}

impl<A: Rust, B: Rust> Rust for (A, B) {
    fn rust(&self, out: &mut String) -> Gen {
        out.push('(');
        self.0.rust(out)?;
        out.push_str(", ");
        self.1.rust(out)?;
        out.push(')');
        Ok(())
    }
}

/// Structs: `Name { field: value, .. }`, every field listed (the compiler rejects a missing one).
macro_rules! rust_struct {
    ($($ty:ident $(<$param:ident>)? { $($field:ident),* $(,)? })*) => {
        $(impl$(<$param: Rust>)? Rust for $ty$(<$param>)? {
            fn rust(&self, out: &mut String) -> Gen {
                out.push_str(concat!(stringify!($ty), " { "));
                $(
                    out.push_str(concat!(stringify!($field), ": "));
                    self.$field.rust(out)?;
                    out.push_str(", ");
                )*
                out.push('}');
                Ok(())
            }
        })*
    };
}

rust_struct! {
    Text { ja, en }
    Cited<T> { value, seed }
    NoticeOffset { kind, before, unit }
    ReapplyWindow { from_before, until_before, unit }
    DownloadWindow { days, counted_from, reminders_after_days, after_deadline }
    IssuanceTime { min, max, unit, approximate, milestone }
    Closure { from, until, assumption }
    Eligibility {
        individual_allowed, corporate_profile_required, organisation_required, own_domain_required, one_cert_per_email,
    }
    UploadLimits { formats, max_megabytes, registration_number_readable }
    DocumentRule { code, professions, when, choose, items, seed }
    Note { code, text, seed }
    Trouble { products, code, text, seed }
    Choice { value, text }
    Question { id, text, kind, options }
    Rule { products, note, when, effect, code, text, seed }
    Source { seed, title, url }
    HolidayRule { name, date, from, until, except }
    Product {
        id, name, seller, issuer, issuer_markers, validity, expiry_notices, reapply, download, issuance,
        eligibility, webmail_supported, purposes_supported, purposes_unsupported, delivery_format, upload,
        year_end_closure, documents, secrets, environment, notes,
    }
}

/// Enums without data: `Type::Variant`, the variant's name from its `Debug`.
macro_rules! rust_unit_enum {
    ($($ty:ident),*) => {
        $(impl Rust for $ty {
            fn rust(&self, out: &mut String) -> Gen {
                write!(out, concat!(stringify!($ty), "::{:?}"), self)
            }
        })*
    };
}

rust_unit_enum!(
    Purpose,
    Profession,
    OffsetUnit,
    DownloadStart,
    AfterDeadline,
    IssuanceUnit,
    IssuanceMilestone,
    DeliveryFormat,
    DocumentCondition,
    Choose,
    QuestionKind,
    Effect
);

impl Rust for Condition {
    fn rust(&self, out: &mut String) -> Gen {
        let (variant, question, values) = match self {
            Condition::Always => return write!(out, "Condition::Always"),
            Condition::Unanswered { question } => {
                return write!(out, "Condition::Unanswered {{ question: {question:?} }}");
            }
            Condition::OneOf { question, values } => ("OneOf", question, values),
            Condition::NoneOf { question, values } => ("NoneOf", question, values),
        };
        write!(out, "Condition::{variant} {{ question: {question:?}, values: ")?;
        values.rust(out)?;
        out.push_str(" }");
        Ok(())
    }
}

impl Rust for HolidayDate {
    fn rust(&self, out: &mut String) -> Gen {
        match self {
            HolidayDate::Fixed { month, day } => write!(out, "HolidayDate::Fixed {{ month: {month}, day: {day} }}"),
            HolidayDate::NthMonday { month, n } => write!(out, "HolidayDate::NthMonday {{ month: {month}, n: {n} }}"),
            HolidayDate::VernalEquinox => write!(out, "HolidayDate::VernalEquinox"),
            HolidayDate::AutumnalEquinox => write!(out, "HolidayDate::AutumnalEquinox"),
        }
    }
}

impl Rust for Validity {
    fn rust(&self, out: &mut String) -> Gen {
        let (variant, terms_years) = match self {
            Validity::SameDay { terms_years } => ("SameDay", terms_years),
            Validity::QuarterEndAfter { terms_years } => ("QuarterEndAfter", terms_years),
            Validity::Days { days } => return write!(out, "Validity::Days {{ days: {days} }}"),
        };
        write!(out, "Validity::{variant} {{ terms_years: ")?;
        terms_years.rust(out)?;
        out.push_str(" }");
        Ok(())
    }
}
