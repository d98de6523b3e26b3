//! The product catalog: what the seed pages say about each personal client certificate.
//!
//! The data lives in `data/products.toml`; `build.rs` reads it into the types of
//! [`model`](self::model) (the same file, shared with the build script), validates it and
//! compiles it in as a `static` (no TOML parser in the wasm). Every fact carries the seed file(s) it comes from, so the site can show where a
//! rule was read. A fact the seeds do not state is `None`, which means "unknown", never "no".

use serde::Serialize;

use crate::texts;
use inkan_i18n::{Localized, Message};

mod model;

pub use model::{
    AfterDeadline, Choice, Choose, Cited, Closure, Condition, DeliveryFormat, DocumentCondition, DocumentRule,
    DownloadStart, DownloadWindow, Effect, Eligibility, HolidayDate, HolidayRule, IssuanceMilestone, IssuanceTime,
    IssuanceUnit, Note, NoticeOffset, OffsetUnit, Product, Profession, Purpose, Question, QuestionKind, ReapplyWindow,
    Rule, Seeds, Source, Text, Trouble, UploadLimits, Validity,
};

impl Text {
    /// The owned bilingual message for this text.
    pub fn message(&self) -> Message {
        Message::new(self.ja, self.en)
    }
}

impl Closure {
    /// Whether `date` falls in the closure.
    pub fn contains(&self, date: crate::date::Date) -> bool {
        let md = (date.month(), date.day());
        if self.from <= self.until { self.from <= md && md <= self.until } else { md >= self.from || md <= self.until }
    }
}

/// A product as the site's catalog data shows it: every field of [`Product`] plus its
/// `troubleshooting` (kept out of [`Product`] so the PKI module does not carry those texts).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ProductView {
    /// The product.
    #[serde(flatten)]
    pub product: &'static Product,
    /// Known troubles in use and their fixes.
    pub troubleshooting: &'static [&'static Trouble],
}

/// What recognises a product in a certificate, and what the certificate inspector says about
/// it: kept apart from [`Product`] (generated from the same catalog entry) so that the PKI
/// module, whose inspector only recognises issuers, does not link the whole catalog with its
/// notes, documents and rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProductRecognition {
    /// The product's id ([`Product::id`]).
    pub id: &'static str,
    /// The product's name.
    pub name: Text,
    /// Strings that appear in the issuer of its certificates ([`Product::issuer_markers`]).
    pub issuer_markers: &'static [&'static str],
    /// The kinds of the expiry notices the seller sends ([`Product::expiry_notices`]), empty
    /// when the seeds name none.
    pub expiry_notice_kinds: &'static [&'static str],
}

/// Every product with its troubleshooting, in catalog order (the wasm's `products()`).
pub fn product_views() -> Vec<ProductView> {
    PRODUCTS.iter().map(|product| ProductView { product, troubleshooting: product.troubleshooting() }).collect()
}

impl Product {
    /// Whether the seeds say this product serves `purpose`: `Some(true)` supported,
    /// `Some(false)` explicitly not, `None` not stated.
    pub fn supports(&self, purpose: Purpose) -> Option<bool> {
        if self.purposes_unsupported.is_some_and(|c| c.value.contains(&purpose)) {
            Some(false)
        } else if self.purposes_supported.is_some_and(|c| c.value.contains(&purpose)) {
            Some(true)
        } else {
            None
        }
    }

    /// Known troubles in use and their fixes (S/MIME mail), from the seller's FAQ.
    pub fn troubleshooting(&self) -> &'static [&'static Trouble] {
        TROUBLESHOOTING.iter().find(|(id, _)| *id == self.id).map_or(&[], |(_, troubles)| troubles)
    }

    /// The document rules for a profession, with the organisation-name extras when asked for.
    pub fn documents_for(&self, profession: Profession, org_name_on_certificate: bool) -> Vec<&'static DocumentRule> {
        self.documents
            .iter()
            .filter(|rule| rule.professions.contains(&profession))
            .filter(|rule| rule.when == DocumentCondition::Always || org_name_on_certificate)
            .collect()
    }
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The seller's page behind a seed file, for showing where a rule was read (`None` for a name
/// that is not one of the seeds).
pub fn source(seed: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|s| s.seed == seed)
}

/// The pages behind a list of seed files, in the order given, without repeats.
pub fn sources(seeds: &[&str]) -> Vec<&'static Source> {
    let mut out: Vec<&'static Source> = Vec::new();
    for seed in seeds {
        if let Some(found) = source(seed)
            && !out.iter().any(|s| s.seed == found.seed)
        {
            out.push(found);
        }
    }
    out
}

/// Every source page, in seed order.
pub fn all_sources() -> &'static [Source] {
    SOURCES
}

/// Errors of catalog look-ups.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogError {
    /// No product has this id.
    UnknownProduct {
        /// The id asked for.
        id: String,
    },
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for CatalogError {}

impl Localized for CatalogError {
    fn code(&self) -> &'static str {
        match self {
            CatalogError::UnknownProduct { .. } => "unknown_product",
        }
    }

    fn message(&self) -> Message {
        match self {
            CatalogError::UnknownProduct { id } => {
                texts::catalog::UnknownProduct { id: id.into(), known: known_ids().into() }.render()
            }
        }
    }
}

fn known_ids() -> String {
    PRODUCTS.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
}

/// Every product, in catalog order.
pub fn products() -> &'static [Product] {
    PRODUCTS
}

/// The product with this id.
pub fn product(id: &str) -> Result<&'static Product, CatalogError> {
    PRODUCTS.iter().find(|p| p.id == id).ok_or_else(|| CatalogError::UnknownProduct { id: id.to_owned() })
}

/// The products whose certificates could carry this issuer text (a DN string or any part
/// of it), best match first.
///
/// Several sellers share one CA (both JCAN sellers; all three NJC products), and 1-2-3 and
/// JCAN share GlobalSign. A product scores by how many of its markers occur in the text
/// (case-insensitive), ties going to the product with fewer markers missing, and only the
/// best-scoring products are returned: "JCAN … GlobalSign" gives the two JCAN products, a
/// GlobalSign issuer without "JCAN" gives 1-2-3. Products that share a CA cannot be told
/// apart by the issuer and are all returned. An empty result means no product matched.
pub fn identify_by_issuer(issuer_text: &str) -> Vec<&'static Product> {
    recognise_issuer(issuer_text).into_iter().filter_map(|r| product(r.id).ok()).collect()
}

/// As [`identify_by_issuer`], without the rest of the catalog: what the certificate inspector
/// uses.
pub fn recognise_issuer(issuer_text: &str) -> Vec<&'static ProductRecognition> {
    let haystack = issuer_text.to_lowercase();
    let scored: Vec<((usize, std::cmp::Reverse<usize>), &'static ProductRecognition)> = RECOGNITIONS
        .iter()
        .filter_map(|p| {
            let markers = p.issuer_markers;
            let hits = markers.iter().filter(|marker| haystack.contains(&marker.to_lowercase())).count();
            (hits > 0).then_some(((hits, std::cmp::Reverse(markers.len() - hits)), p))
        })
        .collect();
    let Some(best) = scored.iter().map(|(score, _)| *score).max() else { return Vec::new() };
    scored.into_iter().filter(|(score, _)| *score == best).map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    fn ids(list: &[&Product]) -> Vec<&'static str> {
        list.iter().map(|p| p.id).collect()
    }

    #[test]
    fn each_recognition_is_its_products_facts() {
        assert_eq!(RECOGNITIONS.len(), PRODUCTS.len());
        for (r, p) in RECOGNITIONS.iter().zip(PRODUCTS) {
            assert_eq!((r.id, r.name, r.issuer_markers), (p.id, p.name.value, p.issuer_markers.value));
            let kinds: Vec<&str> =
                p.expiry_notices.map(|n| n.value.iter().map(|o| o.kind).collect()).unwrap_or_default();
            assert_eq!(r.expiry_notice_kinds, kinds.as_slice(), "{}", p.id);
        }
        assert_eq!(
            recognise_issuer("iPROVE CA").iter().map(|r| r.id).collect::<Vec<_>>(),
            ["iprove-general", "iprove-dim"]
        );
    }

    #[test]
    fn catalog_has_the_eight_products() {
        let all: Vec<_> = products().iter().map(|p| p.id).collect();
        assert_eq!(
            all,
            [
                "sign123",
                "jcan-123sign",
                "jcan-mcci",
                "iprove-general",
                "iprove-dim",
                "njc-secure-mail",
                "njc-access-control",
                "njc-class2-standard"
            ]
        );
    }

    #[test]
    fn unknown_product_is_an_error_with_code() {
        let err = product("nope").expect_err("must fail");
        assert_eq!(err.code(), "unknown_product");
        assert!(err.message().ja.contains("nope"));
        assert!(err.to_string().contains("sign123"));
    }

    // seed: 000_83bab2e9cbe37489.txt (1-2-3: same day, 1 or 2 years; JCAN: quarter end).
    #[test]
    fn validity_rules_from_seed_000() {
        let sign = product("sign123").expect("valid in test");
        assert_eq!(sign.validity.value, Validity::SameDay { terms_years: &[1, 2] });
        assert_eq!(sign.validity.seed, ["000_83bab2e9cbe37489.txt"]);
        let jcan = product("jcan-123sign").expect("valid in test");
        assert_eq!(jcan.validity.value, Validity::QuarterEndAfter { terms_years: &[1, 2] });
        assert_eq!(jcan.issuance.expect("valid in test").value.max, Some(3));
        assert_eq!(jcan.issuance.expect("valid in test").value.unit, IssuanceUnit::BusinessDays);
    }

    // seed: 001_d4e7ca17d72183de.txt (396 days for both kinds of user certificate).
    #[test]
    fn iprove_is_396_days() {
        for id in ["iprove-general", "iprove-dim"] {
            assert_eq!(product(id).expect("valid in test").validity.value, Validity::Days { days: 396 });
        }
    }

    // seed: 003_8c0952f4faeac254.txt (jpeg/png, 4 MB; reminders 15/30 days; notices).
    #[test]
    fn mcci_upload_and_mail_schedule() {
        let mcci = product("jcan-mcci").expect("valid in test");
        let upload = mcci.upload.expect("valid in test").value;
        assert_eq!(upload.formats, ["jpeg", "png"]);
        assert_eq!(upload.max_megabytes, Some(4));
        let download = mcci.download.expect("valid in test").value;
        assert_eq!(download.days, 30);
        assert_eq!(download.reminders_after_days, [15, 30]);
        assert_eq!(download.after_deadline, AfterDeadline::AutoCancelled);
        let kinds: Vec<_> = mcci.expiry_notices.expect("valid in test").value.iter().map(|n| n.kind).collect();
        assert_eq!(kinds, ["expiry_notice_3_months", "expiry_notice_1_month", "expiry_notice_same_day"]);
    }

    // seed: 004_d25a5a965b92ed0f.txt (terms, Class2 needs an organisation, no VBA, one per address).
    #[test]
    fn njc_rules_from_seed_004() {
        assert_eq!(product("njc-secure-mail").expect("valid in test").validity.value.terms_years(), [1]);
        assert_eq!(product("njc-access-control").expect("valid in test").validity.value.terms_years(), [1]);
        let class2 = product("njc-class2-standard").expect("valid in test");
        assert_eq!(class2.validity.value.terms_years(), [2]);
        assert_eq!(class2.eligibility.organisation_required.map(|c| c.value), Some(true));
        assert_eq!(class2.supports(Purpose::VbaSign), Some(false));
        assert_eq!(class2.eligibility.one_cert_per_email.map(|c| c.value), Some(true));
        assert_eq!(class2.webmail_supported.map(|c| c.value), Some(false));
    }

    #[test]
    fn every_fact_is_cited() {
        for p in products() {
            let mut seeds: Vec<Seeds> =
                vec![p.name.seed, p.seller.seed, p.issuer.seed, p.issuer_markers.seed, p.validity.seed];
            seeds.extend(p.expiry_notices.map(|c| c.seed));
            seeds.extend(p.reapply.map(|c| c.seed));
            seeds.extend(p.download.map(|c| c.seed));
            seeds.extend(p.issuance.map(|c| c.seed));
            seeds.extend(p.documents.iter().map(|d| d.seed));
            seeds.extend(p.secrets.iter().chain(p.environment).chain(p.notes).map(|n| n.seed));
            for s in seeds {
                assert!(!s.is_empty(), "{}", p.id);
                assert!(s.iter().all(|name| name.ends_with(".txt")), "{}", p.id);
            }
        }
    }

    // Every seed a fact cites has a page title to show instead of the file name.
    #[test]
    fn every_cited_seed_has_a_source_title_without_the_file_name() {
        for p in products() {
            let mut seeds: Vec<&str> = p.validity.seed.to_vec();
            seeds.extend(p.documents.iter().flat_map(|d| d.seed.iter()));
            seeds.extend(p.notes.iter().chain(p.secrets).flat_map(|n| n.seed.iter()));
            seeds.extend(p.troubleshooting().iter().flat_map(|t| t.seed.iter()));
            for seed in seeds {
                let found = source(seed).expect("every seed has a source");
                assert!(!found.title.ja.contains(".txt") && !found.title.en.contains(".txt"));
            }
        }
        assert_eq!(sources(&["002_a9432d1613d8294a.txt", "002_a9432d1613d8294a.txt", "x.txt"]).len(), 1);
        let json = serde_json::to_string(&all_sources()).expect("valid in test");
        assert!(!json.contains(".txt"), "{json}");
    }

    // seed: 000_83bab2e9cbe37489.txt (paid support, invoice afterwards, mail domains, sender);
    // 002_a9432d1613d8294a.txt (S/MIME troubles, backup); 004_d25a5a965b92ed0f.txt (backup).
    #[test]
    fn facts_the_catalog_was_missing() {
        let notes = |id: &str| -> Vec<&str> {
            product(id).expect("valid in test").notes.iter().map(|n| n.code).collect::<Vec<_>>()
        };
        for id in ["sign123", "jcan-123sign"] {
            let codes = notes(id);
            for code in ["paid_support", "invoice_after_issuance", "allow_mail_domains", "expiry_notice_sender"] {
                assert!(codes.contains(&code), "{id} lacks {code}");
            }
            let support = product(id).expect("valid in test").notes.iter().find(|n| n.code == "paid_support");
            assert!(support.expect("valid in test").text.ja.contains("13,200円(税込)"));
            let sender = product(id).expect("valid in test").notes.iter().find(|n| n.code == "expiry_notice_sender");
            assert!(sender.expect("valid in test").text.en.contains("no-reply@123sign.biz"));
        }
        for id in ["jcan-123sign", "jcan-mcci"] {
            let trouble: Vec<_> =
                product(id).expect("valid in test").troubleshooting().iter().map(|n| n.code).collect();
            for code in ["smime_tamper_warning", "smime_mojibake", "smime_p7s_attachment", "outlook_signing_setting"] {
                assert!(trouble.contains(&code), "{id} lacks {code}");
            }
        }
        for id in ["jcan-123sign", "jcan-mcci", "njc-secure-mail", "njc-access-control", "njc-class2-standard"] {
            assert!(notes(id).contains(&"backup_before_delete"), "{id}");
        }
    }

    #[test]
    fn the_site_view_carries_troubleshooting_beside_every_product_field() {
        let views = serde_json::to_value(product_views()).expect("valid in test");
        let jcan = &views[1];
        assert_eq!(jcan["id"], "jcan-123sign");
        assert_eq!(jcan["validity"]["value"]["kind"], "quarter_end_after");
        assert_eq!(jcan["troubleshooting"][0]["code"], "smime_tamper_warning");
        assert_eq!(views[0]["troubleshooting"], serde_json::json!([]));
    }

    #[test]
    fn year_end_closure_is_an_assumption_for_jcan_business_days() {
        let jcan = product("jcan-123sign").expect("valid in test");
        let closure = jcan.year_end_closure.expect("valid in test");
        assert!(closure.assumption.contains("no seed"));
        let d = |s: &str| crate::date::Date::parse(s).expect("valid in test");
        assert!(closure.contains(d("2025-12-29")) && closure.contains(d("2026-01-03")));
        assert!(!closure.contains(d("2025-12-28")) && !closure.contains(d("2026-01-04")));
        assert_eq!(
            product("njc-secure-mail").expect("valid in test").issuance.map(|i| i.value.milestone),
            Some(IssuanceMilestone::PinEmail)
        );
    }

    #[test]
    fn identify_by_issuer_prefers_the_most_specific_match() {
        // seed: 002_a9432d1613d8294a.txt (JCAN is GlobalSign's; two LRAs sell it).
        assert_eq!(ids(&identify_by_issuer("CN=JCAN Root CA, O=GlobalSign")), ["jcan-123sign", "jcan-mcci"]);
        assert_eq!(ids(&identify_by_issuer("cn=jcan public ca")), ["jcan-123sign", "jcan-mcci"]);
        // seed: 000_83bab2e9cbe37489.txt (1-2-3 is issued by GMO GlobalSign).
        assert_eq!(ids(&identify_by_issuer("CN=GlobalSign PersonalSign 2 CA")), ["sign123"]);
        // seed: 001_d4e7ca17d72183de.txt
        assert_eq!(ids(&identify_by_issuer("iPROVE CA")), ["iprove-general", "iprove-dim"]);
        // seed: 004_d25a5a965b92ed0f.txt ("ベリサインからのPIN記載メール").
        assert_eq!(identify_by_issuer("VeriSign Class 2").len(), 3);
        assert!(identify_by_issuer("Let's Encrypt").is_empty());
        assert!(identify_by_issuer("").is_empty());
    }

    #[test]
    fn serializes_to_json() {
        let json = serde_json::to_value(product("jcan-mcci").expect("valid in test")).expect("valid in test");
        assert_eq!(json["validity"]["value"]["kind"], "quarter_end_after");
        assert_eq!(json["upload"]["value"]["max_megabytes"], 4);
        assert_eq!(json["id"], "jcan-mcci");
    }

    #[test]
    fn documents_for_lawyer_with_office_name() {
        // seed: 000_83bab2e9cbe37489.txt
        let jcan = product("jcan-123sign").expect("valid in test");
        let codes: Vec<_> = jcan.documents_for(Profession::Lawyer, true).iter().map(|d| d.code).collect();
        assert_eq!(codes, ["jcan_lawyer_registration", "jcan_professional_office_card"]);
        let codes: Vec<_> = jcan.documents_for(Profession::TaxAccountant, false).iter().map(|d| d.code).collect();
        assert_eq!(codes, ["jcan_national_qualification"]);
    }
}
