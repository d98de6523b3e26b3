//! The catalog's data types and the holiday rules, defined once for both sides of the build.
//!
//! `build.rs` includes this file (`#[path = "src/catalog/model.rs"] mod model;`), deserializes
//! `data/products.toml`, `data/advisor.toml`, `data/sources.toml` and `data/holidays.toml` into
//! these types, validates them and writes them out as `static`s; `catalog.rs` includes the same
//! file as `catalog::model` and serves those `static`s (`holidays.rs` the holiday rules). The
//! `Serialize` derives are the JSON the site and the CLI read; the `Deserialize` derives are the
//! TOML shape of the data files, read only by the build script.
//!
//! Every field is `&'static` so the run-time catalog is plain static data (no parser, no
//! allocation in the wasm). The build script reads those fields through [`Load`], which leaks
//! what it reads: the build script is a short process and the values live as long as it does.
//! This file must not refer to anything of the library (`crate::`): the build script compiles it
//! on its own.

use serde::{Deserialize, Deserializer, Serialize};

/// A static text. (An alias and not `&'static str` in the fields so that serde's derive does
/// not try to borrow it from the input: the build script reads it through [`Load`].)
pub type Str = &'static str;

/// Terms in years, ascending (an alias for the same reason as [`Str`]).
pub type Years = &'static [u8];

/// The seed files a fact was read from (names of files in `shared/seeds/`).
pub type Seeds = &'static [&'static str];

/// A static text in Japanese and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Japanese.
    #[serde(deserialize_with = "Load::load")]
    pub ja: Str,
    /// English.
    #[serde(deserialize_with = "Load::load")]
    pub en: Str,
}

/// A fact together with the seed files that state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Load"))]
pub struct Cited<T> {
    /// The fact.
    #[serde(deserialize_with = "Load::load")]
    pub value: T,
    /// Where it was read.
    #[serde(deserialize_with = "load_seeds")]
    pub seed: Seeds,
}

/// What a certificate is used for (also the advisor's `purposes` answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Signing e-mail (S/MIME).
    SmimeSign,
    /// Encrypting e-mail (S/MIME).
    SmimeEncrypt,
    /// Logging in to a service with the certificate (TLS client authentication).
    ClientAuth,
    /// Signing documents such as PDFs.
    DocumentSign,
    /// Signing through an electronic-contract service.
    EContract,
    /// Signing Office VBA macros.
    VbaSign,
}

/// The applicant's profession, which decides the identity documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    /// 弁護士.
    Lawyer,
    /// 公認会計士.
    Cpa,
    /// 税理士.
    TaxAccountant,
    /// 建築士.
    Architect,
    /// 不動産鑑定士.
    RealEstateAppraiser,
    /// Another national qualification.
    OtherNational,
    /// Company employee (会社員等).
    Employee,
    /// No professional qualification.
    #[serde(rename = "none")]
    NoQualification,
}

/// How a certificate's expiry date follows from its download day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Validity {
    /// The same month and day N years after the download day.
    SameDay {
        /// Terms offered, in years, ascending.
        #[serde(deserialize_with = "Load::load")]
        terms_years: Years,
    },
    /// The end of the calendar quarter that comes after N years from the download day.
    QuarterEndAfter {
        /// Terms offered, in years, ascending.
        #[serde(deserialize_with = "Load::load")]
        terms_years: Years,
    },
    /// A fixed number of days after the download day.
    Days {
        /// Length of the validity period in days.
        days: u16,
    },
}

impl Validity {
    /// The terms offered in years; empty for a validity counted in days.
    pub fn terms_years(&self) -> &'static [u8] {
        match self {
            Validity::SameDay { terms_years } | Validity::QuarterEndAfter { terms_years } => terms_years,
            Validity::Days { .. } => &[],
        }
    }
}

/// The unit of an offset before expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetUnit {
    /// Calendar days.
    Days,
    /// Weeks of seven days.
    Weeks,
    /// Calendar months, with the last-day-of-month rule.
    Months,
}

/// An expiry notice the seller sends, some time before the expiry day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeOffset {
    /// Stable kind code, e.g. `expiry_notice_4_weeks`, `expiry_notice_same_day`.
    #[serde(deserialize_with = "Load::load")]
    pub kind: Str,
    /// How many units before the expiry day (0: on the day).
    pub before: u8,
    /// The unit of `before`.
    pub unit: OffsetUnit,
}

/// The seller's advice on when to apply for the next certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReapplyWindow {
    /// Earliest sensible application, this many units before expiry.
    pub from_before: u8,
    /// Latest sensible application, this many units before expiry.
    pub until_before: u8,
    /// Unit of both offsets.
    pub unit: OffsetUnit,
}

/// What the download window is counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DownloadStart {
    /// The issuance itself.
    Issuance,
    /// Receipt of the "ready for issuance" e-mail.
    IssuanceEmail,
}

/// What happens when the download window closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterDeadline {
    /// The certificate can no longer be downloaded and the fee is still due.
    NotDownloadableFeeCharged,
    /// The certificate is cancelled automatically.
    AutoCancelled,
}

/// The period in which an issued certificate can be downloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadWindow {
    /// Days after the start (the start day is day 0).
    pub days: u16,
    /// What the window counts from.
    pub counted_from: DownloadStart,
    /// Reminder mails, this many days after the start.
    #[serde(default, deserialize_with = "Load::load")]
    pub reminders_after_days: &'static [u16],
    /// What happens after the last day.
    pub after_deadline: AfterDeadline,
}

/// The unit of an issuance time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuanceUnit {
    /// Minutes.
    Minutes,
    /// Calendar days.
    CalendarDays,
    /// Business days (weekdays that are not public holidays).
    BusinessDays,
}

/// What the stated issuance time leads to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuanceMilestone {
    /// The certificate is ready (to download).
    #[default]
    Certificate,
    /// Only the e-mail with the PIN arrives (NJC, seed: 004_d25a5a965b92ed0f.txt: "申請後15分程度"):
    /// buying the coupon before and generating the key and installing after are not included.
    PinEmail,
}

/// Days on which a seller is assumed closed, every year (month and day, both inclusive; the
/// range may wrap over the new year). The catalog marks it an assumption when no seed states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// First closed day (month, day).
    pub from: (u8, u8),
    /// Last closed day (month, day).
    pub until: (u8, u8),
    /// What Inkan assumed and why (no seed states it).
    #[serde(deserialize_with = "Load::load")]
    pub assumption: Str,
}

/// How long issuance takes, as the seller states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuanceTime {
    /// Lower bound, when stated.
    pub min: Option<u16>,
    /// Upper bound, when stated.
    pub max: Option<u16>,
    /// Unit of both bounds.
    pub unit: IssuanceUnit,
    /// Whether the seller words it as approximate ("about", "usually").
    pub approximate: bool,
    /// What the time leads to: the certificate, or only a PIN e-mail.
    #[serde(default)]
    pub milestone: IssuanceMilestone,
}

/// Who may apply. Each flag is `None` when the seeds do not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// An individual (not acting for an organisation) may apply.
    pub individual_allowed: Option<Cited<bool>>,
    /// A corporate profile is reviewed.
    pub corporate_profile_required: Option<Cited<bool>>,
    /// The applicant must belong to a company or organisation.
    pub organisation_required: Option<Cited<bool>>,
    /// The applicant needs an own internet domain.
    pub own_domain_required: Option<Cited<bool>>,
    /// A certificate covers exactly one e-mail address.
    pub one_cert_per_email: Option<Cited<bool>>,
}

/// The file format the certificate is delivered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFormat {
    /// A password-protected PKCS#12 file with the key and certificate.
    Pkcs12,
}

/// Limits on identity-document uploads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadLimits {
    /// Accepted file formats (`pdf`, `jpeg`, `png`).
    #[serde(deserialize_with = "Load::load")]
    pub formats: &'static [&'static str],
    /// Largest accepted file, in megabytes, when stated.
    pub max_megabytes: Option<u8>,
    /// Whether the registration number must be readable in the image, when stated.
    pub registration_number_readable: Option<bool>,
}

/// When a document rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentCondition {
    /// Always.
    Always,
    /// Only when the organisation's name is to appear on the certificate.
    OrgNameOnCertificate,
}

/// Whether every item or one of them is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choose {
    /// Every item.
    All,
    /// Any one item.
    OneOf,
}

/// A group of documents an applicant of some professions must provide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRule {
    /// Stable code.
    #[serde(deserialize_with = "Load::load")]
    pub code: Str,
    /// The professions it applies to.
    #[serde(deserialize_with = "Load::load")]
    pub professions: &'static [Profession],
    /// When it applies.
    pub when: DocumentCondition,
    /// Whether all items or one of them are needed.
    pub choose: Choose,
    /// The documents.
    #[serde(deserialize_with = "Load::load")]
    pub items: &'static [Text],
    /// Where it was read.
    #[serde(deserialize_with = "load_seeds")]
    pub seed: Seeds,
}

/// A cited remark: a password rule, an environment constraint, a caution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Stable code.
    #[serde(deserialize_with = "Load::load")]
    pub code: Str,
    /// The remark.
    pub text: Text,
    /// Where it was read.
    #[serde(deserialize_with = "load_seeds")]
    pub seed: Seeds,
}

/// A known trouble in use and its fix (S/MIME mail), from a seller's FAQ, with the products it
/// concerns. Kept apart from [`Product`] so that only the code that shows it (the knowledge
/// module's catalog view) links these long texts. Serializes like a [`Note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trouble {
    /// The ids of the products it concerns.
    #[serde(skip_serializing, deserialize_with = "Load::load")]
    pub products: &'static [&'static str],
    /// Stable code.
    #[serde(deserialize_with = "Load::load")]
    pub code: Str,
    /// The trouble and its fix.
    pub text: Text,
    /// Where it was read.
    #[serde(deserialize_with = "load_seeds")]
    pub seed: Seeds,
}

/// A seller's page that the catalog's facts come from (`data/sources.toml`), as an applicant
/// can find it: the seller and the page's own heading. The seed files carry no address, so
/// none is given yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The seed file (kept for tools; never shown to applicants).
    #[serde(skip_serializing, deserialize_with = "Load::load")]
    pub seed: Str,
    /// Who publishes the page and its title, e.g. "1-2-3 Signature「初めての方・更新の方へ」".
    pub title: Text,
    /// The page's address, when one is known (none of the five seeds has one).
    #[serde(default, deserialize_with = "Load::load")]
    pub url: Option<Str>,
}

/// How a public holiday's date is found in a year (`data/holidays.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HolidayDate {
    /// The same month and day every year.
    Fixed {
        /// Month, 1–12.
        month: u8,
        /// Day of the month.
        day: u8,
    },
    /// The `n`-th Monday of a month (the "Happy Monday" rule).
    NthMonday {
        /// Month, 1–12.
        month: u8,
        /// Which Monday, 1–4.
        n: u8,
    },
    /// The vernal equinox day in March, by the standard formula.
    VernalEquinox,
    /// The autumnal equinox day in September, by the standard formula.
    AutumnalEquinox,
}

/// One holiday of the Public Holiday Act (or a special act) under its legal name, with the
/// years it applies to (`data/holidays.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRule {
    /// The legal name, in Japanese.
    #[serde(deserialize_with = "Load::load")]
    pub name: Str,
    /// How its date is found.
    pub date: HolidayDate,
    /// The first year it applies (`None`: from the first year computed).
    #[serde(default)]
    pub from: Option<u16>,
    /// The last year it applies (`None`: to the last year computed).
    #[serde(default)]
    pub until: Option<u16>,
    /// Years in that range it does not apply (moved for the Olympics).
    #[serde(default, deserialize_with = "Load::load")]
    pub except: &'static [u16],
}

impl HolidayRule {
    /// Whether the holiday exists in `year`.
    pub fn applies_in(&self, year: i32) -> bool {
        self.from.is_none_or(|from| year >= i32::from(from))
            && self.until.is_none_or(|until| year <= i32::from(until))
            && !self.except.iter().any(|except| i32::from(*except) == year)
    }
}

/// One personal client certificate product as sold by one seller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Stable id, e.g. `jcan-123sign`.
    #[serde(deserialize_with = "Load::load")]
    pub id: Str,
    /// Product name.
    pub name: Cited<Text>,
    /// Who sells it.
    pub seller: Cited<Text>,
    /// Who operates the issuing CA.
    pub issuer: Cited<Text>,
    /// Strings that appear in the issuer of its certificates, used to recognise it.
    pub issuer_markers: Cited<&'static [&'static str]>,
    /// How the expiry date is computed and which terms are offered.
    pub validity: Cited<Validity>,
    /// Expiry notices the seller sends.
    pub expiry_notices: Option<Cited<&'static [NoticeOffset]>>,
    /// The seller's advice on when to re-apply.
    pub reapply: Option<Cited<ReapplyWindow>>,
    /// The download window after issuance.
    pub download: Option<Cited<DownloadWindow>>,
    /// How long issuance takes.
    pub issuance: Option<Cited<IssuanceTime>>,
    /// Who may apply.
    #[serde(default)]
    pub eligibility: Eligibility,
    /// Whether it can be used from webmail.
    pub webmail_supported: Option<Cited<bool>>,
    /// Purposes the seeds say it serves.
    pub purposes_supported: Option<Cited<&'static [Purpose]>>,
    /// Purposes the seeds say it cannot serve.
    pub purposes_unsupported: Option<Cited<&'static [Purpose]>>,
    /// Delivery file format.
    pub delivery_format: Option<Cited<DeliveryFormat>>,
    /// Identity-document upload limits.
    pub upload: Option<Cited<UploadLimits>>,
    /// Days the seller is assumed closed, for issuance counted in business days.
    pub year_end_closure: Option<Closure>,
    /// Identity documents, per profession.
    #[serde(default, deserialize_with = "Load::load")]
    pub documents: &'static [DocumentRule],
    /// Password and PIN rules.
    #[serde(default, deserialize_with = "Load::load")]
    pub secrets: &'static [Note],
    /// Environment constraints of the seller's own procedure.
    #[serde(default, deserialize_with = "Load::load")]
    pub environment: &'static [Note],
    /// Other cautions.
    #[serde(default, deserialize_with = "Load::load")]
    pub notes: &'static [Note],
}

// ---------------------------------------------------------------------------------------
// The advisor's knowledge (data/advisor.toml).

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option.
    Single,
    /// Any number of options (a JSON list).
    Multiple,
    /// `true` or `false`.
    YesNo,
}

/// One answer option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The value the answer sends.
    #[serde(deserialize_with = "Load::load")]
    pub value: Str,
    /// Label.
    pub text: Text,
}

/// One question of the advisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The key of the answer (a field of the advisor's answers).
    #[serde(deserialize_with = "Load::load")]
    pub id: Str,
    /// The question.
    pub text: Text,
    /// How it is answered.
    pub kind: QuestionKind,
    /// Options (empty for yes/no).
    #[serde(default, deserialize_with = "Load::load")]
    pub options: &'static [Choice],
}

/// What a reason does to a product's fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The product does not fit.
    RulesOut,
    /// The product fits at best possibly.
    Uncertain,
    /// Something to know; the fit is unchanged.
    Remark,
}

/// When a rule applies, as a test of one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "test", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Whatever the answers.
    Always,
    /// The question is not answered.
    Unanswered {
        /// The question's id.
        #[serde(deserialize_with = "Load::load")]
        question: Str,
    },
    /// The answer (or, for a multiple choice, one of the answers) is one of `values`.
    OneOf {
        /// The question's id.
        #[serde(deserialize_with = "Load::load")]
        question: Str,
        /// Option values (`true`/`false` for a yes/no question).
        #[serde(deserialize_with = "Load::load")]
        values: &'static [&'static str],
    },
    /// The question is answered and no answer is one of `values`.
    NoneOf {
        /// The question's id.
        #[serde(deserialize_with = "Load::load")]
        question: Str,
        /// Option values (`true`/`false` for a yes/no question).
        #[serde(deserialize_with = "Load::load")]
        values: &'static [&'static str],
    },
}

/// A reason the advisor gives some products when the answers match: a seller's rule that
/// concerns those products only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The ids of the products it concerns.
    #[serde(deserialize_with = "Load::load")]
    pub products: &'static [&'static str],
    /// The code of a note of these products (environment or other) whose text stands for
    /// `{note}` in [`Rule::text`]: the reason quotes the seller's rule and adds what it means.
    #[serde(default, deserialize_with = "Load::load")]
    pub note: Option<Str>,
    /// When it applies.
    pub when: Condition,
    /// What it does to the fit.
    pub effect: Effect,
    /// Stable code of the reason.
    #[serde(deserialize_with = "Load::load")]
    pub code: Str,
    /// The reason.
    pub text: Text,
    /// Where it was read.
    #[serde(deserialize_with = "load_seeds")]
    pub seed: Seeds,
}

/// How a `&'static` field is read from the catalog file: deserialized as an owned value and
/// leaked. Only the build script deserializes the catalog (once, in a short-lived process); at
/// run time the catalog is the `static` the build script wrote.
pub trait Load: Sized {
    /// Reads one value.
    fn load<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

impl Load for &'static str {
    fn load<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| &*Box::leak(text.into_boxed_str()))
    }
}

/// One value read through [`Load`], for the containers below.
struct Item<T>(T);

impl<'de, T: Load> Deserialize<'de> for Item<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::load(deserializer).map(Item)
    }
}

impl<T: Load + 'static> Load for &'static [T] {
    fn load<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<Item<T>>::deserialize(deserializer)?;
        Ok(Box::leak(items.into_iter().map(|Item(item)| item).collect::<Box<[T]>>()))
    }
}

impl<T: Load> Load for Option<T> {
    fn load<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<Item<T>>::deserialize(deserializer)?.map(|Item(item)| item))
    }
}

/// The types that own nothing borrowed read as themselves.
macro_rules! load_by_deserialize {
    ($($ty:ty),* $(,)?) => {
        $(impl Load for $ty {
            fn load<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$ty>::deserialize(deserializer)
            }
        })*
    };
}

load_by_deserialize!(
    bool,
    u8,
    u16,
    Text,
    Purpose,
    Profession,
    Validity,
    NoticeOffset,
    ReapplyWindow,
    DownloadWindow,
    IssuanceTime,
    DeliveryFormat,
    UploadLimits,
    DocumentRule,
    Note,
    Trouble,
    Product,
    Choice,
    Question,
    Rule,
    Source,
    HolidayRule,
);

/// A citation is one seed file name or a list of them.
fn load_seeds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Seeds, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let names = match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(name) => vec![name],
        OneOrMany::Many(names) => names,
    };
    Ok(Box::leak(names.into_iter().map(|name| &*Box::leak(name.into_boxed_str())).collect::<Box<[&'static str]>>()))
}
