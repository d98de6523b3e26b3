//! Turns `data/products.toml` into `$OUT_DIR/catalog.rs`, static Rust data included by
//! `src/catalog.rs`.
//!
//! The catalog is compiled in rather than parsed at run time so that the wasm build carries no
//! TOML parser. Validation happens here, so a bad catalog fails the build with a message
//! naming the product and the field, instead of failing at run time on a user's machine.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

const CATALOG_PATH: &str = "data/products.toml";

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

const PURPOSES: [(&str, &str); 6] = [
    ("smime_sign", "SmimeSign"),
    ("smime_encrypt", "SmimeEncrypt"),
    ("client_auth", "ClientAuth"),
    ("document_sign", "DocumentSign"),
    ("e_contract", "EContract"),
    ("vba_sign", "VbaSign"),
];

const PROFESSIONS: [(&str, &str); 8] = [
    ("lawyer", "Lawyer"),
    ("cpa", "Cpa"),
    ("tax_accountant", "TaxAccountant"),
    ("architect", "Architect"),
    ("real_estate_appraiser", "RealEstateAppraiser"),
    ("other_national", "OtherNational"),
    ("employee", "Employee"),
    ("none", "NoQualification"),
];

const UPLOAD_FORMATS: [&str; 3] = ["pdf", "jpeg", "png"];

fn main() {
    println!("cargo:rerun-if-changed={CATALOG_PATH}");
    println!("cargo:rerun-if-changed=build.rs");
    if let Err(problems) = run() {
        for problem in &problems {
            eprintln!("error: {CATALOG_PATH}: {problem}");
        }
        std::process::exit(1);
    }
}

fn run() -> Result<(), Vec<String>> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    let source = std::fs::read_to_string(manifest_dir.join(CATALOG_PATH))
        .map_err(|e| vec![format!("cannot read the file: {e}")])?;

    let raw: toml::Table = toml::from_str(&source).map_err(|e| vec![format!("not valid TOML: {e}")])?;
    // The seed pages live in shared/seeds beside the repository; when they are present (a
    // developer machine, CI) a citation must name a file that exists.
    let seeds_dir = manifest_dir.join("../../shared/seeds");
    let seeds_dir = seeds_dir.is_dir().then_some(seeds_dir);
    let mut problems = Vec::new();
    check_citations(&raw, seeds_dir.as_deref(), &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }

    let catalog: Catalog = toml::from_str(&source).map_err(|e| vec![format!("unexpected shape: {e}")])?;
    validate(&catalog, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let code = generate(&catalog).map_err(|e| vec![format!("cannot format the output: {e}")])?;
    std::fs::write(out_dir.join("catalog.rs"), code).map_err(|e| vec![format!("cannot write catalog.rs: {e}")])?;
    Ok(())
}

fn env_var(name: &str) -> Result<String, Vec<String>> {
    std::env::var(name).map_err(|e| vec![format!("environment variable {name}: {e}")])
}

// ---------------------------------------------------------------------------------------
// Citation check on the raw tree, so that it holds for every key, including ones added later.

fn check_citations(raw: &toml::Table, seeds_dir: Option<&Path>, problems: &mut Vec<String>) {
    let Some(toml::Value::Array(products)) = raw.get("product") else {
        problems.push("no [[product]] entries".to_owned());
        return;
    };
    for key in raw.keys().filter(|k| k.as_str() != "product") {
        problems.push(format!("unexpected top-level key `{key}`"));
    }
    for (index, product) in products.iter().enumerate() {
        let Some(table) = product.as_table() else {
            problems.push(format!("product[{index}] is not a table"));
            continue;
        };
        let id = table.get("id").and_then(toml::Value::as_str).unwrap_or("?");
        check_table(&format!("product[{index}] `{id}`"), table, false, true, seeds_dir, problems);
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
    let covered = inherited || table.contains_key("seed");
    for (key, value) in table {
        if let Some(base) = key.strip_suffix("_assumption") {
            // An assumption stands in for a citation where no seed states the fact.
            if value.as_str().is_none_or(|text| text.trim().len() < 20) {
                problems.push(format!("{path}: `{key}` must say in a sentence what is assumed and why"));
            }
            if !table.contains_key(base) {
                problems.push(format!("{path}: `{key}` explains a field `{base}` that is not there"));
            }
            continue;
        }
        if key == "seed" || key.ends_with("_seed") {
            check_seed_value(&format!("{path}: `{key}`"), value, seeds_dir, problems);
            if let Some(base) = key.strip_suffix("_seed")
                && !table.contains_key(base)
            {
                problems.push(format!("{path}: `{key}` cites a field `{base}` that is not there"));
            }
            continue;
        }
        if is_product && key == "id" {
            continue;
        }
        let key_covered =
            covered || table.contains_key(&format!("{key}_seed")) || table.contains_key(&format!("{key}_assumption"));
        let field = format!("{path}: field `{key}`");
        match value {
            toml::Value::Table(inner) => {
                check_table(&field, inner, key_covered, false, seeds_dir, problems);
            }
            toml::Value::Array(items) if items.iter().any(toml::Value::is_table) => {
                for (i, item) in items.iter().enumerate() {
                    match item.as_table() {
                        Some(inner) => {
                            check_table(&format!("{field}[{i}]"), inner, key_covered, false, seeds_dir, problems)
                        }
                        None => problems.push(format!("{field}[{i}]: mixes tables and plain values")),
                    }
                }
            }
            _ if !key_covered => {
                problems.push(format!("{field} has no seed citation (add `{key}_seed` or a table `seed`)"));
            }
            _ => {}
        }
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
// Typed view of the catalog.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    product: Vec<RawProduct>,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum Seeds {
    One(String),
    Many(Vec<String>),
}

impl Seeds {
    fn names(&self) -> Vec<&str> {
        match self {
            Seeds::One(name) => vec![name.as_str()],
            Seeds::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    ja: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    id: String,
    name: RawText,
    name_seed: Seeds,
    seller: RawText,
    seller_seed: Seeds,
    issuer: RawText,
    issuer_seed: Seeds,
    issuer_markers: Vec<String>,
    issuer_markers_seed: Seeds,
    validity: RawValidity,
    validity_seed: Seeds,
    expiry_notices: Option<Vec<RawOffset>>,
    expiry_notices_seed: Option<Seeds>,
    reapply: Option<RawReapply>,
    reapply_seed: Option<Seeds>,
    download: Option<RawDownload>,
    download_seed: Option<Seeds>,
    issuance: Option<RawIssuance>,
    issuance_seed: Option<Seeds>,
    individual_allowed: Option<bool>,
    individual_allowed_seed: Option<Seeds>,
    corporate_profile_required: Option<bool>,
    corporate_profile_required_seed: Option<Seeds>,
    organisation_required: Option<bool>,
    organisation_required_seed: Option<Seeds>,
    own_domain_required: Option<bool>,
    own_domain_required_seed: Option<Seeds>,
    one_cert_per_email: Option<bool>,
    one_cert_per_email_seed: Option<Seeds>,
    webmail_supported: Option<bool>,
    webmail_supported_seed: Option<Seeds>,
    purposes_supported: Option<Vec<String>>,
    purposes_supported_seed: Option<Seeds>,
    purposes_unsupported: Option<Vec<String>>,
    purposes_unsupported_seed: Option<Seeds>,
    delivery_format: Option<String>,
    delivery_format_seed: Option<Seeds>,
    upload: Option<RawUpload>,
    upload_seed: Option<Seeds>,
    year_end_closure: Option<RawClosure>,
    year_end_closure_assumption: Option<String>,
    #[serde(default)]
    documents: Vec<RawDocumentRule>,
    #[serde(default)]
    secrets: Vec<RawNote>,
    #[serde(default)]
    environment: Vec<RawNote>,
    #[serde(default)]
    notes: Vec<RawNote>,
    #[serde(default)]
    troubleshooting: Vec<RawNote>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    from: String,
    until: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValidity {
    kind: String,
    terms_years: Option<Vec<u8>>,
    days: Option<u16>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffset {
    before: u8,
    unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReapply {
    from_before: u8,
    until_before: u8,
    unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDownload {
    days: u16,
    counted_from: String,
    #[serde(default)]
    reminders_after_days: Vec<u16>,
    after_deadline: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssuance {
    min: Option<u16>,
    max: Option<u16>,
    unit: String,
    approximate: bool,
    milestone: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpload {
    formats: Vec<String>,
    max_megabytes: Option<u8>,
    registration_number_readable: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocumentRule {
    code: String,
    professions: Vec<String>,
    when: String,
    choose: String,
    items: Vec<RawText>,
    seed: Seeds,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNote {
    code: String,
    ja: String,
    en: String,
    seed: Seeds,
}

// ---------------------------------------------------------------------------------------
// Semantic checks: the things the types cannot say.

fn validate(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for product in &catalog.product {
        let at = format!("product `{}`", product.id);
        if !is_id(&product.id) {
            problems.push(format!("{at}: id must be lowercase letters, digits and '-'"));
        }
        if !seen.insert(product.id.as_str()) {
            problems.push(format!("{at}: duplicate id"));
        }
        for (field, text) in [("name", &product.name), ("seller", &product.seller), ("issuer", &product.issuer)] {
            check_text(&format!("{at}: field `{field}`"), text, problems);
        }
        if product.issuer_markers.is_empty() || product.issuer_markers.iter().any(|m| m.trim().chars().count() < 3) {
            problems.push(format!("{at}: field `issuer_markers` needs at least one marker of 3+ characters"));
        }
        validate_validity(&at, &product.validity, problems);
        if let Some(notices) = &product.expiry_notices {
            let mut keys = BTreeSet::new();
            for (i, notice) in notices.iter().enumerate() {
                let field = format!("{at}: field `expiry_notices[{i}]`");
                check_offset(&field, notice.before, &notice.unit, problems);
                if !keys.insert((notice.unit.as_str(), notice.before)) {
                    problems.push(format!("{field}: duplicate notice"));
                }
            }
        }
        if let Some(reapply) = &product.reapply {
            let field = format!("{at}: field `reapply`");
            check_offset(&field, reapply.from_before, &reapply.unit, problems);
            check_offset(&field, reapply.until_before, &reapply.unit, problems);
            if reapply.from_before < reapply.until_before {
                problems.push(format!("{field}: from_before must be at least until_before"));
            }
        }
        if let Some(download) = &product.download {
            let field = format!("{at}: field `download`");
            if !(1..=365).contains(&download.days) {
                problems.push(format!("{field}: days must be 1..=365"));
            }
            if download.reminders_after_days.iter().any(|d| *d == 0 || *d > download.days) {
                problems.push(format!("{field}: reminders must fall within the download window"));
            }
            if !matches!(download.counted_from.as_str(), "issuance" | "issuance_email") {
                problems.push(format!("{field}: counted_from must be issuance | issuance_email"));
            }
            if !matches!(download.after_deadline.as_str(), "not_downloadable_fee_charged" | "auto_cancelled") {
                problems.push(format!("{field}: after_deadline must be not_downloadable_fee_charged | auto_cancelled"));
            }
        }
        if let Some(issuance) = &product.issuance {
            let field = format!("{at}: field `issuance`");
            if !matches!(issuance.unit.as_str(), "minutes" | "calendar_days" | "business_days") {
                problems.push(format!("{field}: unit must be minutes | calendar_days | business_days"));
            }
            match (issuance.min, issuance.max) {
                (None, None) => problems.push(format!("{field}: give min, max or both")),
                (Some(min), Some(max)) if min > max => problems.push(format!("{field}: min exceeds max")),
                _ => {}
            }
            if issuance.milestone.as_deref().is_some_and(|m| !matches!(m, "certificate" | "pin_email")) {
                problems.push(format!("{field}: milestone must be certificate | pin_email"));
            }
            if issuance.min.into_iter().chain(issuance.max).any(|n| n > 1000) {
                problems.push(format!("{field}: more than 1000 units is not sane"));
            }
        }
        for (field, list) in [
            ("purposes_supported", &product.purposes_supported),
            ("purposes_unsupported", &product.purposes_unsupported),
        ] {
            for purpose in list.iter().flatten() {
                if lookup(&PURPOSES, purpose).is_none() {
                    problems.push(format!("{at}: field `{field}`: unknown purpose `{purpose}`"));
                }
            }
        }
        if let (Some(yes), Some(no)) = (&product.purposes_supported, &product.purposes_unsupported)
            && yes.iter().any(|p| no.contains(p))
        {
            problems.push(format!("{at}: a purpose is both supported and unsupported"));
        }
        if product.delivery_format.as_deref().is_some_and(|format| format != "pkcs12") {
            problems.push(format!("{at}: field `delivery_format`: only pkcs12 is known"));
        }
        if let Some(upload) = &product.upload {
            let field = format!("{at}: field `upload`");
            if upload.formats.is_empty() || upload.formats.iter().any(|f| !UPLOAD_FORMATS.contains(&f.as_str())) {
                problems.push(format!("{field}: formats must be non-empty, from {UPLOAD_FORMATS:?}"));
            }
            if upload.max_megabytes.is_some_and(|mb| !(1..=100).contains(&mb)) {
                problems.push(format!("{field}: max_megabytes must be 1..=100"));
            }
        }
        let mut codes = BTreeSet::new();
        for (i, rule) in product.documents.iter().enumerate() {
            let field = format!("{at}: field `documents[{i}]` `{}`", rule.code);
            check_code(&field, &rule.code, problems);
            if !codes.insert(rule.code.as_str()) {
                problems.push(format!("{field}: duplicate document code"));
            }
            if rule.professions.is_empty() {
                problems.push(format!("{field}: professions is empty"));
            }
            for profession in &rule.professions {
                if profession != "any" && lookup(&PROFESSIONS, profession).is_none() {
                    problems.push(format!("{field}: unknown profession `{profession}`"));
                }
            }
            if !matches!(rule.when.as_str(), "always" | "org_name_on_certificate") {
                problems.push(format!("{field}: when must be always | org_name_on_certificate"));
            }
            if !matches!(rule.choose.as_str(), "all" | "one_of") {
                problems.push(format!("{field}: choose must be all | one_of"));
            }
            if rule.items.is_empty() {
                problems.push(format!("{field}: items is empty"));
            }
            for (j, item) in rule.items.iter().enumerate() {
                check_text(&format!("{field}: items[{j}]"), item, problems);
            }
        }
        if let Some(closure) = &product.year_end_closure {
            for (end, text) in [("from", &closure.from), ("until", &closure.until)] {
                if month_day(text).is_none() {
                    problems.push(format!("{at}: field `year_end_closure.{end}` must be MM-DD"));
                }
            }
            if product.year_end_closure_assumption.is_none() {
                problems.push(format!("{at}: field `year_end_closure` needs `year_end_closure_assumption`"));
            }
            if product.issuance.as_ref().is_none_or(|i| i.unit != "business_days") {
                problems.push(format!("{at}: field `year_end_closure` only applies to issuance in business days"));
            }
        }
        for (list_name, list) in [
            ("secrets", &product.secrets),
            ("environment", &product.environment),
            ("notes", &product.notes),
            ("troubleshooting", &product.troubleshooting),
        ] {
            let mut codes = BTreeSet::new();
            for note in list {
                let field = format!("{at}: field `{list_name}` `{}`", note.code);
                check_code(&field, &note.code, problems);
                if !codes.insert(note.code.as_str()) {
                    problems.push(format!("{field}: duplicate code"));
                }
                check_text(&field, &RawText { ja: note.ja.clone(), en: note.en.clone() }, problems);
            }
        }
    }
    for id in REQUIRED_IDS {
        if !seen.contains(id) {
            problems.push(format!("product `{id}` is missing (the library refers to it)"));
        }
    }
}

fn validate_validity(at: &str, validity: &RawValidity, problems: &mut Vec<String>) {
    let field = format!("{at}: field `validity`");
    match (validity.kind.as_str(), &validity.terms_years, validity.days) {
        ("same_day" | "quarter_end_after", Some(terms), None) => {
            if terms.is_empty() || terms.iter().any(|t| !(1..=10).contains(t)) {
                problems.push(format!("{field}: terms_years must be non-empty, each 1..=10"));
            }
            if terms.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
                problems.push(format!("{field}: terms_years must be ascending without repeats"));
            }
        }
        ("days", None, Some(days)) => {
            if !(1..=3660).contains(&days) {
                problems.push(format!("{field}: days must be 1..=3660"));
            }
        }
        ("same_day" | "quarter_end_after", _, _) => {
            problems.push(format!("{field}: kind {} takes terms_years and no days", validity.kind));
        }
        ("days", _, _) => problems.push(format!("{field}: kind days takes days and no terms_years")),
        (other, _, _) => {
            problems.push(format!("{field}: unknown kind `{other}` (same_day | quarter_end_after | days)"))
        }
    }
}

fn check_offset(field: &str, amount: u8, unit: &str, problems: &mut Vec<String>) {
    let limit = match unit {
        "days" => 366,
        "weeks" => 52,
        "months" => 12,
        _ => {
            problems.push(format!("{field}: unit `{unit}` must be days | weeks | months"));
            return;
        }
    };
    if u16::from(amount) > limit {
        problems.push(format!("{field}: {amount} {unit} is more than a year"));
    }
}

fn check_text(field: &str, text: &RawText, problems: &mut Vec<String>) {
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

fn month_day(text: &str) -> Option<(u8, u8)> {
    let (month, day) = text.split_once('-')?;
    let (month, day): (u8, u8) = (month.parse().ok()?, day.parse().ok()?);
    ((1..=12).contains(&month) && (1..=31).contains(&day) && text.len() == 5).then_some((month, day))
}

fn is_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn lookup(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

// ---------------------------------------------------------------------------------------
// Code generation. Values were validated above, so lookups that fail here are unreachable
// and fall back to an error instead of a panic.

type Gen = Result<(), std::fmt::Error>;

fn generate(catalog: &Catalog) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    writeln!(out, "// @generated by build.rs from {CATALOG_PATH}. Do not edit.")?;
    writeln!(out, "/// Every product in the catalog, in catalog order.")?;
    writeln!(out, "pub(crate) static PRODUCTS: &[Product] = &[")?;
    for product in &catalog.product {
        gen_product(&mut out, product)?;
    }
    writeln!(out, "];")?;
    // Kept apart from PRODUCTS so that only code that asks for it (the knowledge module's
    // catalog view) links these long texts; the PKI module's inspector uses PRODUCTS only.
    writeln!(out, "/// S/MIME troubleshooting per product id, in catalog order.")?;
    writeln!(out, "pub(crate) static TROUBLESHOOTING: &[(&str, &[Note])] = &[")?;
    for product in catalog.product.iter().filter(|p| !p.troubleshooting.is_empty()) {
        writeln!(out, "    ({:?}, &[", product.id)?;
        for note in &product.troubleshooting {
            writeln!(
                out,
                "        Note {{ code: {:?}, text: Text {{ ja: {:?}, en: {:?} }}, seed: {} }},",
                note.code,
                note.ja,
                note.en,
                seeds_lit(&note.seed)
            )?;
        }
        writeln!(out, "    ]),")?;
    }
    writeln!(out, "];")?;
    Ok(out)
}

fn seeds_lit(seeds: &Seeds) -> String {
    let names: Vec<String> = seeds.names().iter().map(|n| format!("{n:?}")).collect();
    format!("&[{}]", names.join(", "))
}

fn opt_seeds(seeds: Option<&Seeds>) -> String {
    seeds.map_or_else(|| "&[]".to_owned(), seeds_lit)
}

fn text_lit(text: &RawText) -> String {
    format!("Text {{ ja: {:?}, en: {:?} }}", text.ja, text.en)
}

fn cited(value: &str, seeds: &str) -> String {
    format!("Cited {{ value: {value}, seed: {seeds} }}")
}

fn opt_cited(value: Option<String>, seeds: Option<&Seeds>) -> String {
    match value {
        Some(v) => format!("Some({})", cited(&v, &opt_seeds(seeds))),
        None => "None".to_owned(),
    }
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| c.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect()
}

fn offset_unit(unit: &str) -> String {
    format!("OffsetUnit::{}", camel(unit))
}

fn notice_kind(before: u8, unit: &str) -> String {
    if before == 0 {
        return "expiry_notice_same_day".to_owned();
    }
    let singular = unit.trim_end_matches('s');
    let unit_word = if before == 1 { singular.to_owned() } else { format!("{singular}s") };
    format!("expiry_notice_{before}_{unit_word}")
}

fn purposes_lit(list: &[String]) -> String {
    let items: Vec<String> =
        list.iter().filter_map(|p| lookup(&PURPOSES, p)).map(|v| format!("Purpose::{v}")).collect();
    format!("&[{}]", items.join(", "))
}

fn gen_product(out: &mut String, p: &RawProduct) -> Gen {
    writeln!(out, "    Product {{")?;
    writeln!(out, "        id: {:?},", p.id)?;
    writeln!(out, "        name: {},", cited(&text_lit(&p.name), &seeds_lit(&p.name_seed)))?;
    writeln!(out, "        seller: {},", cited(&text_lit(&p.seller), &seeds_lit(&p.seller_seed)))?;
    writeln!(out, "        issuer: {},", cited(&text_lit(&p.issuer), &seeds_lit(&p.issuer_seed)))?;
    let markers: Vec<String> = p.issuer_markers.iter().map(|m| format!("{m:?}")).collect();
    writeln!(
        out,
        "        issuer_markers: {},",
        cited(&format!("&[{}]", markers.join(", ")), &seeds_lit(&p.issuer_markers_seed))
    )?;
    let validity = match p.validity.kind.as_str() {
        "days" => format!("Validity::Days {{ days: {} }}", p.validity.days.unwrap_or(0)),
        kind => format!(
            "Validity::{} {{ terms_years: &{:?} }}",
            camel(kind),
            p.validity.terms_years.clone().unwrap_or_default()
        ),
    };
    writeln!(out, "        validity: {},", cited(&validity, &seeds_lit(&p.validity_seed)))?;
    let notices = p.expiry_notices.as_ref().map(|list| {
        let items: Vec<String> = list
            .iter()
            .map(|n| {
                format!(
                    "NoticeOffset {{ kind: {:?}, before: {}, unit: {} }}",
                    notice_kind(n.before, &n.unit),
                    n.before,
                    offset_unit(&n.unit)
                )
            })
            .collect();
        format!("&[{}]", items.join(", "))
    });
    writeln!(out, "        expiry_notices: {},", opt_cited(notices, p.expiry_notices_seed.as_ref()))?;
    let reapply = p.reapply.as_ref().map(|r| {
        format!(
            "ReapplyWindow {{ from_before: {}, until_before: {}, unit: {} }}",
            r.from_before,
            r.until_before,
            offset_unit(&r.unit)
        )
    });
    writeln!(out, "        reapply: {},", opt_cited(reapply, p.reapply_seed.as_ref()))?;
    let download = p.download.as_ref().map(|d| {
        format!(
            "DownloadWindow {{ days: {}, counted_from: DownloadStart::{}, reminders_after_days: &{:?}, after_deadline: AfterDeadline::{} }}",
            d.days,
            camel(&d.counted_from),
            d.reminders_after_days,
            camel(&d.after_deadline)
        )
    });
    writeln!(out, "        download: {},", opt_cited(download, p.download_seed.as_ref()))?;
    let issuance = p.issuance.as_ref().map(|i| {
        format!(
            "IssuanceTime {{ min: {:?}, max: {:?}, unit: IssuanceUnit::{}, approximate: {}, milestone: IssuanceMilestone::{} }}",
            i.min,
            i.max,
            camel(&i.unit),
            i.approximate,
            camel(i.milestone.as_deref().unwrap_or("certificate"))
        )
    });
    writeln!(out, "        issuance: {},", opt_cited(issuance, p.issuance_seed.as_ref()))?;
    let flag = |v: Option<bool>, s: Option<&Seeds>| opt_cited(v.map(|b| b.to_string()), s);
    writeln!(out, "        eligibility: Eligibility {{")?;
    writeln!(
        out,
        "            individual_allowed: {},",
        flag(p.individual_allowed, p.individual_allowed_seed.as_ref())
    )?;
    writeln!(
        out,
        "            corporate_profile_required: {},",
        flag(p.corporate_profile_required, p.corporate_profile_required_seed.as_ref())
    )?;
    writeln!(
        out,
        "            organisation_required: {},",
        flag(p.organisation_required, p.organisation_required_seed.as_ref())
    )?;
    writeln!(
        out,
        "            own_domain_required: {},",
        flag(p.own_domain_required, p.own_domain_required_seed.as_ref())
    )?;
    writeln!(
        out,
        "            one_cert_per_email: {},",
        flag(p.one_cert_per_email, p.one_cert_per_email_seed.as_ref())
    )?;
    writeln!(out, "        }},")?;
    writeln!(out, "        webmail_supported: {},", flag(p.webmail_supported, p.webmail_supported_seed.as_ref()))?;
    writeln!(
        out,
        "        purposes_supported: {},",
        opt_cited(p.purposes_supported.as_deref().map(purposes_lit), p.purposes_supported_seed.as_ref())
    )?;
    writeln!(
        out,
        "        purposes_unsupported: {},",
        opt_cited(p.purposes_unsupported.as_deref().map(purposes_lit), p.purposes_unsupported_seed.as_ref())
    )?;
    let format = p.delivery_format.as_ref().map(|_| "DeliveryFormat::Pkcs12".to_owned());
    writeln!(out, "        delivery_format: {},", opt_cited(format, p.delivery_format_seed.as_ref()))?;
    let upload = p.upload.as_ref().map(|u| {
        format!(
            "UploadLimits {{ formats: &{:?}, max_megabytes: {:?}, registration_number_readable: {:?} }}",
            u.formats, u.max_megabytes, u.registration_number_readable
        )
    });
    writeln!(out, "        upload: {},", opt_cited(upload, p.upload_seed.as_ref()))?;
    let closure = match (&p.year_end_closure, &p.year_end_closure_assumption) {
        (Some(c), Some(assumption)) => {
            let ((fm, fd), (um, ud)) = (month_day(&c.from).unwrap_or((12, 29)), month_day(&c.until).unwrap_or((1, 3)));
            format!("Some(Closure {{ from: ({fm}, {fd}), until: ({um}, {ud}), assumption: {assumption:?} }})")
        }
        _ => "None".to_owned(),
    };
    writeln!(out, "        year_end_closure: {closure},")?;
    writeln!(out, "        documents: &[")?;
    for rule in &p.documents {
        let professions: Vec<String> = if rule.professions.iter().any(|x| x == "any") {
            PROFESSIONS.iter().map(|(_, v)| format!("Profession::{v}")).collect()
        } else {
            rule.professions
                .iter()
                .filter_map(|x| lookup(&PROFESSIONS, x))
                .map(|v| format!("Profession::{v}"))
                .collect()
        };
        let items: Vec<String> = rule.items.iter().map(text_lit).collect();
        writeln!(
            out,
            "            DocumentRule {{ code: {:?}, professions: &[{}], when: DocumentCondition::{}, choose: Choose::{}, items: &[{}], seed: {} }},",
            rule.code,
            professions.join(", "),
            camel(&rule.when),
            camel(&rule.choose),
            items.join(", "),
            seeds_lit(&rule.seed)
        )?;
    }
    writeln!(out, "        ],")?;
    for (field, list) in [("secrets", &p.secrets), ("environment", &p.environment), ("notes", &p.notes)] {
        writeln!(out, "        {field}: &[")?;
        for note in list {
            writeln!(
                out,
                "            Note {{ code: {:?}, text: Text {{ ja: {:?}, en: {:?} }}, seed: {} }},",
                note.code,
                note.ja,
                note.en,
                seeds_lit(&note.seed)
            )?;
        }
        writeln!(out, "        ],")?;
    }
    writeln!(out, "    }},")?;
    Ok(())
}
