//! The certificate advisor: a few questions, and for each product whether it fits, why, which
//! documents to prepare, and how long issuance takes.
//!
//! Every reason comes from the catalog or a seed page and carries its seed. A question left
//! unanswered never blocks an answer: where the answer could rule a product out, the product
//! becomes `possible` with an `unanswered_*` reason instead of `good`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::{
    self, Choose, Closure, Condition, DocumentCondition, Effect, IssuanceMilestone, IssuanceUnit, Product, Profession,
    Purpose, Seeds, Text,
};
use crate::date::Date;
use crate::texts;
use inkan_i18n::{Arg, Localized, Message, Texts};

const SEED_000: &str = "000_83bab2e9cbe37489.txt";
const SEED_002: &str = "002_a9432d1613d8294a.txt";
const SEED_003: &str = "003_8c0952f4faeac254.txt";
const SEED_004: &str = "004_d25a5a965b92ed0f.txt";

/// Who applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicant {
    /// A private person.
    Individual,
    /// A sole proprietor (個人事業主).
    SoleProprietor,
    /// Someone applying as a member of a company or organisation.
    Organisation,
}

/// The applicant's operating system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Os {
    /// Windows.
    Windows,
    /// macOS.
    Mac,
    /// Linux.
    Linux,
    /// iOS / iPadOS.
    Ios,
    /// Android.
    Android,
}

/// The applicant's mail client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailClient {
    /// Microsoft Outlook.
    Outlook,
    /// Mozilla Thunderbird.
    Thunderbird,
    /// Apple Mail.
    AppleMail,
    /// Becky! Internet Mail.
    Becky,
    /// Free Gmail (webmail).
    GmailFree,
    /// Gmail of Google Workspace (webmail).
    GoogleWorkspace,
    /// Another webmail in the browser (Yahoo! Mail, Outlook on the web…).
    WebmailOther,
    /// Anything else.
    Other,
}

impl MailClient {
    /// Whether it is used in the browser (webmail).
    pub fn is_webmail(self) -> bool {
        matches!(self, MailClient::GmailFree | MailClient::GoogleWorkspace | MailClient::WebmailOther)
    }
}

/// The answers; every key is optional. Unknown keys and values are rejected so that a typo on
/// the site shows up as `invalid_answer` instead of silently changing the advice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// Who applies.
    #[serde(default)]
    pub applicant: Option<Applicant>,
    /// Whether the applicant's organisation has its own internet domain.
    #[serde(default)]
    pub own_domain: Option<bool>,
    /// What the certificate is for.
    #[serde(default)]
    pub purposes: Option<Vec<Purpose>>,
    /// The applicant's profession.
    #[serde(default)]
    pub profession: Option<Profession>,
    /// Whether the organisation's name should appear on the certificate.
    #[serde(default)]
    pub org_name_on_certificate: Option<bool>,
    /// Operating system.
    #[serde(default)]
    pub os: Option<Os>,
    /// Mail client.
    #[serde(default)]
    pub mail_client: Option<MailClient>,
}

/// Errors of the advisor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AdvisorError {
    /// The answers are not valid JSON of the expected shape.
    InvalidAnswer {
        /// What was wrong, from the JSON parser.
        detail: String,
    },
}

impl fmt::Display for AdvisorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for AdvisorError {}

impl Localized for AdvisorError {
    fn code(&self) -> &'static str {
        match self {
            AdvisorError::InvalidAnswer { .. } => "invalid_answer",
        }
    }

    fn message(&self) -> Message {
        match self {
            AdvisorError::InvalidAnswer { detail } => texts::advisor::InvalidAnswer { detail: detail.into() }.render(),
        }
    }
}

/// Parses answers from JSON (`{}` is valid: nothing answered).
pub fn parse_answers(json: &str) -> Result<Answers, AdvisorError> {
    serde_json::from_str(json).map_err(|e| AdvisorError::InvalidAnswer { detail: e.to_string() })
}

// ---------------------------------------------------------------------------------------
// Questions: data (`data/advisor.toml`), for the site to render.

use crate::catalog::Question;

/// The advisor's questions, in the order to ask them (`data/advisor.toml`).
pub fn questions() -> &'static [Question] {
    catalog::QUESTIONS
}

// ---------------------------------------------------------------------------------------
// Advice.

/// How well a product fits the answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Fits everything answered.
    Good,
    /// Might fit; a reason says what is unknown or needs checking.
    Possible,
    /// Ruled out by an answer.
    No,
}

/// Why a product got its fit, or something to know about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable code.
    pub code: &'static str,
    /// Explanation.
    pub message: Message,
    /// The seed files it rests on (empty for reasons about the answers themselves).
    pub seed: Seeds,
}

/// Where the key of a product's certificate is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMaker {
    /// In the applicant's browser, by Inkan.
    Inkan,
    /// On the seller's own site, in the seller's environment (iPROVE, seed: 001_d4e7ca17d72183de.txt).
    SellerSite,
}

/// What Inkan does for a product: where the key is made, and what it helps with once the
/// issuer has delivered the `.p12` (stated separately, so "Inkan cannot make this key" never
/// reads as "Inkan is no use here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InkanRole {
    /// Where the key is made.
    pub key: KeyMaker,
    /// What Inkan does with the delivered file: `check`, `repack`, `plan`.
    pub after_delivery: &'static [&'static str],
    /// The same in words.
    pub message: Message,
}

/// When an application made on a given day can be expected to be issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IssuanceEstimate {
    /// What the stated time leads to.
    pub milestone: IssuanceMilestone,
    /// The application day the dates are counted from (`None`: no day given).
    pub applied_on: Option<Date>,
    /// Not before this day, when the seller states a lower bound.
    pub earliest: Option<Date>,
    /// By this day, when the seller states an upper bound.
    pub latest: Option<Date>,
    /// The estimate in words, with what it counts and what it leaves out.
    pub message: Message,
    /// Where it was read.
    pub seed: Seeds,
}

/// The advice on one product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProductAdvice {
    /// Product id.
    pub id: &'static str,
    /// Product name.
    pub name: Text,
    /// The fit.
    pub fit: Fit,
    /// Reasons and remarks, the ones that decided the fit first.
    pub reasons: Vec<Reason>,
    /// Where the key is made and what Inkan does after delivery.
    pub inkan: InkanRole,
    /// The issuance time, as dates when an application day was given.
    pub issuance: Option<IssuanceEstimate>,
}

/// A document to prepare.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentAdvice {
    /// Stable code.
    pub code: &'static str,
    /// What to prepare.
    pub message: Message,
    /// The products (not ruled out) that ask for it.
    pub products: Vec<&'static str>,
    /// Where it was read.
    pub seed: Seeds,
}

/// Issuance time of the best-fitting products, in calendar days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IssuanceRange {
    /// Fewest days (0: the same day).
    pub min: u16,
    /// Most days; `None` when a seller gives no upper bound.
    pub max: Option<u16>,
    /// The products the range covers.
    pub products: Vec<&'static str>,
}

/// The advisor's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// Every product, good fits first, then possible, then ruled out.
    pub products: Vec<ProductAdvice>,
    /// Documents for the products not ruled out.
    pub documents: Vec<DocumentAdvice>,
    /// Issuance time of the good fits (or the possible ones when none is good); `None` when
    /// the seeds state no time for any of them.
    pub issuance_days: Option<IssuanceRange>,
}

struct Assessment {
    fit: Fit,
    decisive: Vec<Reason>,
    remarks: Vec<Reason>,
}

impl Assessment {
    fn new() -> Self {
        Self { fit: Fit::Good, decisive: Vec::new(), remarks: Vec::new() }
    }

    fn add(&mut self, effect: Effect, code: &'static str, message: Message, seed: Seeds) {
        let reason = Reason { code, message, seed };
        match effect {
            Effect::RulesOut => {
                self.fit = Fit::No;
                self.decisive.push(reason);
            }
            Effect::Uncertain => {
                self.fit = self.fit.max(Fit::Possible);
                self.decisive.push(reason);
            }
            Effect::Remark => self.remarks.push(reason),
        }
    }
}

fn purpose_label(purpose: Purpose) -> Texts {
    match purpose {
        Purpose::SmimeSign => texts::purpose::SMIME_SIGN,
        Purpose::SmimeEncrypt => texts::purpose::SMIME_ENCRYPT,
        Purpose::ClientAuth => texts::purpose::CLIENT_AUTH,
        Purpose::DocumentSign => texts::purpose::DOCUMENT_SIGN,
        Purpose::EContract => texts::purpose::E_CONTRACT,
        Purpose::VbaSign => texts::purpose::VBA_SIGN,
    }
}

fn has_note(product: &Product, code: &str) -> bool {
    product.notes.iter().chain(product.environment).any(|n| n.code == code)
}

fn flag(value: Option<catalog::Cited<bool>>) -> Option<(bool, Seeds)> {
    value.map(|c| (c.value, c.seed))
}

fn assess_applicant(product: &Product, answers: &Answers, a: &mut Assessment) {
    let e = &product.eligibility;
    let needs_org = [flag(e.organisation_required), flag(e.corporate_profile_required)]
        .into_iter()
        .flatten()
        .find(|(required, _)| *required)
        .or_else(|| flag(e.individual_allowed).filter(|(allowed, _)| !allowed).map(|(_, s)| (true, s)));
    if let Some((_, seed)) = needs_org {
        let corporate = e.corporate_profile_required.is_some_and(|c| c.value);
        let (code, requirement) = if corporate {
            ("needs_corporate_profile", texts::advice::NEEDS_CORPORATE_PROFILE)
        } else {
            ("needs_organisation", texts::advice::NEEDS_ORGANISATION)
        };
        match answers.applicant {
            Some(Applicant::Individual) => a.add(Effect::RulesOut, code, requirement.render(), seed),
            Some(Applicant::SoleProprietor) => a.add(
                Effect::Uncertain,
                code,
                texts::advice::SoleProprietorUnclear { requirement: requirement.into() }.render(),
                seed,
            ),
            Some(Applicant::Organisation) => {}
            None => a.add(
                Effect::Uncertain,
                "unanswered_applicant",
                texts::advice::UnansweredApplicant { requirement: requirement.into() }.render(),
                seed,
            ),
        }
    }
    if let Some((true, seed)) = flag(e.own_domain_required) {
        let requirement = texts::advice::NEEDS_OWN_DOMAIN;
        match answers.own_domain {
            Some(false) => a.add(Effect::RulesOut, "needs_own_domain", requirement.render(), seed),
            Some(true) => {}
            None => a.add(
                Effect::Uncertain,
                "unanswered_own_domain",
                texts::advice::UnansweredOwnDomain { requirement: requirement.into() }.render(),
                seed,
            ),
        }
    }
}

fn assess_purposes(product: &Product, answers: &Answers, a: &mut Assessment) {
    let Some(purposes) = answers.purposes.as_deref().filter(|p| !p.is_empty()) else {
        if let Some(unsupported) = product.purposes_unsupported {
            let labels: Vec<Message> = unsupported.value.iter().map(|p| purpose_label(*p).render()).collect();
            let purposes = texts::separator::PURPOSES.join(&labels);
            a.add(
                Effect::Uncertain,
                "unanswered_purposes",
                texts::advice::UnansweredPurposes { purposes: purposes.into() }.render(),
                unsupported.seed,
            );
        }
        return;
    };
    for purpose in purposes {
        let purpose_arg = || purpose_label(*purpose).into();
        match product.supports(*purpose) {
            Some(false) => a.add(
                Effect::RulesOut,
                "purpose_not_supported",
                texts::advice::PurposeNotSupported { purpose: purpose_arg() }.render(),
                product.purposes_unsupported.map_or(&[], |c| c.seed),
            ),
            None => a.add(
                Effect::Uncertain,
                "purpose_not_stated",
                texts::advice::PurposeNotStated { purpose: purpose_arg() }.render(),
                &[],
            ),
            Some(true) => {}
        }
    }
    if purposes.contains(&Purpose::SmimeEncrypt) && product.supports(Purpose::SmimeEncrypt) != Some(false) {
        a.add(
            Effect::Remark,
            "encryption_needs_recipient_certificate",
            texts::advice::ENCRYPTION_NEEDS_RECIPIENT_CERTIFICATE.render(),
            &[SEED_002, SEED_004],
        );
    }
    if purposes.contains(&Purpose::DocumentSign) && has_note(product, "adobe_aatl") {
        a.add(Effect::Remark, "adobe_trust_settings", texts::advice::ADOBE_TRUST_SETTINGS.render(), &[SEED_002]);
    }
}

fn assess_mail_client(product: &Product, answers: &Answers, a: &mut Assessment) {
    let mail_relevant = answers
        .purposes
        .as_deref()
        .is_none_or(|p| p.is_empty() || p.contains(&Purpose::SmimeSign) || p.contains(&Purpose::SmimeEncrypt));
    if !mail_relevant {
        return;
    }
    let webmail_blocked = flag(product.webmail_supported).filter(|(ok, _)| !ok).map(|(_, s)| s);
    match answers.mail_client {
        Some(client) if client.is_webmail() => {
            if let Some(seed) = webmail_blocked {
                // seed: 004_d25a5a965b92ed0f.txt: 「WEBメール(gmail、yahoomailなど)…WEBメールでは利用することはできません」.
                a.add(Effect::RulesOut, "webmail_not_supported", texts::advice::WEBMAIL_NOT_SUPPORTED.render(), seed);
            }
        }
        None => {
            if let Some(seed) = webmail_blocked {
                a.add(
                    Effect::Uncertain,
                    "unanswered_mail_client",
                    texts::advice::UNANSWERED_MAIL_CLIENT.render(),
                    seed,
                );
            }
        }
        Some(_) => {}
    }
    let signs = answers
        .purposes
        .as_deref()
        .is_some_and(|p| p.contains(&Purpose::SmimeSign) || p.contains(&Purpose::SmimeEncrypt));
    if signs && answers.mail_client == Some(MailClient::GmailFree) && a.fit != Fit::No {
        a.add(
            Effect::Uncertain,
            "gmail_free_receive_only",
            texts::advice::GMAIL_FREE_RECEIVE_ONLY.render(),
            &[SEED_002],
        );
    }
    if signs && answers.mail_client == Some(MailClient::Other) {
        a.add(Effect::Remark, "mail_client_unverified", texts::advice::MAIL_CLIENT_UNVERIFIED.render(), &[SEED_002]);
    }
}

/// The sellers' environments are rules of `data/advisor.toml`; a product without one says
/// nothing of phones.
fn assess_mobile(product: &Product, answers: &Answers, a: &mut Assessment) {
    if matches!(answers.os, Some(Os::Ios | Os::Android)) && product.environment.is_empty() {
        a.add(Effect::Remark, "mobile_not_covered", texts::advice::MOBILE_NOT_COVERED.render(), &[]);
    }
}

/// The product rules of `data/advisor.toml` that concern this product and match the answers,
/// in file order.
fn assess_rules(product: &Product, answers: &[(&'static str, Answer)], a: &mut Assessment) {
    for rule in catalog::RULES.iter().filter(|rule| rule.products.contains(&product.id)) {
        if !matches(rule.when, answers) {
            continue;
        }
        // build.rs checks that every product a rule names has its note.
        let note = rule.note.and_then(|code| product.environment.iter().chain(product.notes).find(|n| n.code == code));
        let (ja, en) = match note {
            Some(note) => (quote(rule.text.ja, note.text.ja), quote(rule.text.en, note.text.en)),
            None => (rule.text.ja.to_owned(), rule.text.en.to_owned()),
        };
        a.add(rule.effect, rule.code, Message::new(ja, en), rule.seed);
    }
}

/// `text` with the `{note}` it starts or ends with replaced by `note` (build.rs checks it is
/// there).
fn quote(text: &str, note: &str) -> String {
    const NOTE: &str = "{note}";
    match (text.strip_prefix(NOTE), text.strip_suffix(NOTE)) {
        (Some(rest), _) => format!("{note}{rest}"),
        (None, Some(rest)) => format!("{rest}{note}"),
        (None, None) => text.to_owned(),
    }
}

/// Whether the answers pass the test.
fn matches(condition: Condition, answers: &[(&'static str, Answer)]) -> bool {
    let answer = |question: &str| answers.iter().find(|(id, _)| *id == question).and_then(|(_, a)| a.as_deref());
    let any_of = |given: &[&str], values: &[&str]| given.iter().any(|g| values.contains(g));
    match condition {
        Condition::Always => true,
        Condition::Unanswered { question } => answer(question).is_none(),
        Condition::OneOf { question, values } => answer(question).is_some_and(|given| any_of(given, values)),
        Condition::NoneOf { question, values } => answer(question).is_some_and(|given| !any_of(given, values)),
    }
}

/// One answer as the rules test it: the option values given (`true` or `false` for a yes/no
/// question), `None` when the question is not answered.
type Answer = Option<Vec<&'static str>>;

/// Each answer under its serde name, which is its question's id: the rules need no table of
/// the fields of [`Answers`].
fn answers_by_question(answers: &Answers) -> Vec<(&'static str, Answer)> {
    match answers.serialize(probe::AnswerProbe) {
        Ok(probe::Probed::Fields(fields)) => fields,
        _ => Vec::new(),
    }
}

/// A serializer that only understands the shapes answers have (a struct of optional unit
/// variants, booleans and lists of unit variants) and keeps their serde names. Smaller in the
/// wasm than going through `serde_json::Value`.
mod probe {
    use std::fmt;

    use serde::Serialize;
    use serde::ser::{self, Impossible, SerializeSeq, SerializeStruct};

    use super::Answer;

    pub(super) struct AnswerProbe;

    pub(super) enum Probed {
        Nothing,
        Values(Vec<&'static str>),
        Fields(Vec<(&'static str, Answer)>),
    }

    #[derive(Debug)]
    pub(super) struct NotAnAnswer;

    impl fmt::Display for NotAnAnswer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("not the shape of an answer")
        }
    }

    impl std::error::Error for NotAnAnswer {}

    impl ser::Error for NotAnAnswer {
        fn custom<T: fmt::Display>(_: T) -> Self {
            NotAnAnswer
        }
    }

    pub(super) struct Seq(Vec<&'static str>);
    pub(super) struct Struct(Vec<(&'static str, Answer)>);

    type Result<T> = std::result::Result<T, NotAnAnswer>;

    macro_rules! not_an_answer {
        ($($name:ident($($arg:ty),*)),* $(,)?) => {
            $(fn $name(self, $(_: $arg),*) -> Result<Probed> { Err(NotAnAnswer) })*
        };
    }

    impl ser::Serializer for AnswerProbe {
        type Ok = Probed;
        type Error = NotAnAnswer;
        type SerializeSeq = Seq;
        type SerializeTuple = Impossible<Probed, NotAnAnswer>;
        type SerializeTupleStruct = Impossible<Probed, NotAnAnswer>;
        type SerializeTupleVariant = Impossible<Probed, NotAnAnswer>;
        type SerializeMap = Impossible<Probed, NotAnAnswer>;
        type SerializeStruct = Struct;
        type SerializeStructVariant = Impossible<Probed, NotAnAnswer>;

        fn serialize_bool(self, value: bool) -> Result<Probed> {
            Ok(Probed::Values(vec![if value { "true" } else { "false" }]))
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Probed> {
            Ok(Probed::Values(vec![variant]))
        }
        fn serialize_none(self) -> Result<Probed> {
            Ok(Probed::Nothing)
        }
        fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Probed> {
            value.serialize(self)
        }
        fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
            Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
        }
        fn serialize_struct(self, _: &'static str, len: usize) -> Result<Struct> {
            Ok(Struct(Vec::with_capacity(len)))
        }
        not_an_answer!(
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_f32(f32),
            serialize_f64(f64),
            serialize_char(char),
            serialize_str(&str),
            serialize_bytes(&[u8]),
            serialize_unit(),
            serialize_unit_struct(&'static str),
        );
        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<Probed> {
            Err(NotAnAnswer)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Probed> {
            Err(NotAnAnswer)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
            Err(NotAnAnswer)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
            Err(NotAnAnswer)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant> {
            Err(NotAnAnswer)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
            Err(NotAnAnswer)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant> {
            Err(NotAnAnswer)
        }
    }

    impl SerializeSeq for Seq {
        type Ok = Probed;
        type Error = NotAnAnswer;
        fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
            match value.serialize(AnswerProbe)? {
                Probed::Values(values) => {
                    self.0.extend(values);
                    Ok(())
                }
                _ => Err(NotAnAnswer),
            }
        }
        fn end(self) -> Result<Probed> {
            Ok(Probed::Values(self.0))
        }
    }

    impl SerializeStruct for Struct {
        type Ok = Probed;
        type Error = NotAnAnswer;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
            let answer = match value.serialize(AnswerProbe)? {
                Probed::Nothing => None,
                Probed::Values(values) => Some(values),
                Probed::Fields(_) => return Err(NotAnAnswer),
            };
            self.0.push((key, answer));
            Ok(())
        }
        fn end(self) -> Result<Probed> {
            Ok(Probed::Fields(self.0))
        }
    }
}

fn assess_one_cert_per_email(product: &Product, a: &mut Assessment) {
    if let Some(one) = product.eligibility.one_cert_per_email.filter(|c| c.value) {
        a.add(Effect::Remark, "one_certificate_per_email", texts::advice::ONE_CERTIFICATE_PER_EMAIL.render(), one.seed);
    }
}

const AFTER_DELIVERY: &[&str] = &["check", "repack", "plan"];

fn inkan_role(product: &Product) -> InkanRole {
    let (key, message) = if has_note(product, "key_made_on_seller_site") {
        (KeyMaker::SellerSite, texts::role::KEY_ON_SELLER_SITE)
    } else {
        (KeyMaker::Inkan, texts::role::KEY_IN_BROWSER)
    };
    InkanRole { key, after_delivery: AFTER_DELIVERY, message: message.render() }
}

fn business_day(date: Date, closure: Option<&Closure>) -> bool {
    crate::holidays::is_business_day(date).unwrap_or(false) && !closure.is_some_and(|c| c.contains(date))
}

/// The `n`-th business day after `date` (not counted itself): weekdays that are not Japanese
/// public holidays (holidays.rs) nor in the seller's closure.
pub fn add_business_days(date: Date, n: u16, closure: Option<&Closure>) -> Option<Date> {
    let mut day = date;
    let mut remaining = n;
    while remaining > 0 {
        day = day.add_days(1).ok()?;
        crate::holidays::is_business_day(day).ok()?;
        if business_day(day, closure) {
            remaining -= 1;
        }
    }
    Some(day)
}

fn issuance_estimate(product: &Product, today: Option<Date>) -> Option<IssuanceEstimate> {
    let cited = product.issuance?;
    let time = cited.value;
    let after = |days: Option<u16>| match (today, days) {
        (Some(t), Some(n)) => match time.unit {
            IssuanceUnit::BusinessDays => add_business_days(t, n, product.year_end_closure.as_ref()),
            IssuanceUnit::CalendarDays => t.add_days(i64::from(n)).ok(),
            IssuanceUnit::Minutes => None,
        },
        _ => None,
    };
    let (earliest, latest) = (after(time.min), after(time.max));
    let on = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    // With a day to count from, the dates in words; without one, nothing.
    let dated = |date: Option<Date>, text: fn(Arg<'_>) -> Message| match today {
        Some(_) => text(on(date).into()),
        None => Message::new("", ""),
    };
    let message = match (time.milestone, time.unit) {
        (IssuanceMilestone::PinEmail, _) => {
            texts::issuance::PinEmail { minutes: time.max.unwrap_or(0).into() }.render()
        }
        (_, IssuanceUnit::BusinessDays) => {
            let closure = match product.year_end_closure {
                Some(c) => texts::issuance::YearEndClosure {
                    from_month: c.from.0.into(),
                    from_day: c.from.1.into(),
                    until_month: c.until.0.into(),
                    until_day: c.until.1.into(),
                }
                .render(),
                None => Message::new("", ""),
            };
            let days = time.max.unwrap_or(0).into();
            match (today, latest) {
                (Some(t), Some(by)) => texts::issuance::BusinessDaysBy {
                    days,
                    closure: closure.into(),
                    today: t.to_string().into(),
                    by: by.to_string().into(),
                }
                .render(),
                _ => texts::issuance::BusinessDays { days, closure: closure.into() }.render(),
            }
        }
        (_, _) => match (time.min, time.max) {
            (Some(min), Some(max)) if min == max => texts::issuance::AboutDays {
                days: min.into(),
                around: dated(latest, |date| texts::issuance::Around { date }.render()).into(),
            }
            .render(),
            (Some(min), None) => texts::issuance::AtLeastDays {
                days: min.into(),
                not_before: dated(earliest, |date| texts::issuance::NotBefore { date }.render()).into(),
            }
            .render(),
            (min, max) => {
                texts::issuance::DaysRange { min: min.unwrap_or(0).into(), max: max.unwrap_or(0).into() }.render()
            }
        },
    };
    Some(IssuanceEstimate { milestone: time.milestone, applied_on: today, earliest, latest, message, seed: cited.seed })
}

fn assess(
    product: &'static Product,
    answers: &Answers,
    by_question: &[(&'static str, Answer)],
    today: Option<Date>,
) -> ProductAdvice {
    let mut a = Assessment::new();
    assess_applicant(product, answers, &mut a);
    assess_purposes(product, answers, &mut a);
    assess_mail_client(product, answers, &mut a);
    assess_mobile(product, answers, &mut a);
    // One certificate per address is a remark for NJC, after its environment rules.
    assess_rules(product, by_question, &mut a);
    assess_one_cert_per_email(product, &mut a);
    let mut reasons = a.decisive;
    reasons.extend(a.remarks);
    ProductAdvice {
        id: product.id,
        name: product.name.value,
        fit: a.fit,
        reasons,
        inkan: inkan_role(product),
        issuance: issuance_estimate(product, today),
    }
}

fn document_message(items: &[Text], choose: Choose, conditional: bool) -> Message {
    let items: Vec<Message> = items.iter().map(Text::message).collect();
    let mut message = texts::separator::ITEMS.join(&items);
    if choose == Choose::OneOf {
        message = texts::documents::OneOf { items: message.into() }.render();
    }
    if conditional {
        message = texts::documents::IfOrgName { items: message.into() }.render();
    }
    message
}

fn documents(advised: &[ProductAdvice], answers: &Answers) -> Vec<DocumentAdvice> {
    let mut out: Vec<DocumentAdvice> = Vec::new();
    let mut add = |code: &'static str, message: Message, product: &'static str, seed: Seeds| match out
        .iter_mut()
        .find(|d| d.code == code && d.message == message)
    {
        Some(existing) => existing.products.push(product),
        None => out.push(DocumentAdvice { code, message, products: vec![product], seed }),
    };
    for advice in advised.iter().filter(|p| p.fit != Fit::No) {
        let Ok(product) = catalog::product(advice.id) else { continue };
        for rule in product.documents {
            let applies_to_profession = match answers.profession {
                Some(profession) => rule.professions.contains(&profession),
                // Without a profession, only the rules that apply to everyone are certain.
                None => rule.professions.len() == PROFESSION_COUNT,
            };
            let conditional = rule.when == DocumentCondition::OrgNameOnCertificate;
            if !applies_to_profession || (conditional && answers.org_name_on_certificate == Some(false)) {
                continue;
            }
            let show_condition = conditional && answers.org_name_on_certificate.is_none();
            add(rule.code, document_message(rule.items, rule.choose, show_condition), product.id, rule.seed);
        }
        if let Some(upload) = product.upload {
            let limits = upload.value;
            // The format names (pdf, jpeg, png) are the same in both languages.
            let formats = limits.formats.join(" / ");
            let mut conditions = vec![texts::documents::UploadFormats { formats: formats.into() }.render()];
            if let Some(mb) = limits.max_megabytes {
                conditions.push(texts::documents::UploadMaxSize { megabytes: mb.into() }.render());
            }
            if limits.registration_number_readable == Some(true) {
                conditions.push(texts::documents::REGISTRATION_NUMBER_READABLE.render());
            }
            add("upload_limits", texts::separator::CONDITIONS.join(&conditions), product.id, upload.seed);
        }
    }
    if answers.profession.is_none() && !out.is_empty() {
        out.push(DocumentAdvice {
            code: "unanswered_profession",
            message: texts::documents::UNANSWERED_PROFESSION.render(),
            products: Vec::new(),
            seed: &[SEED_000, SEED_003],
        });
    }
    out
}

const PROFESSION_COUNT: usize = 8;

/// Calendar days for a stated issuance time. Business days become calendar days by adding
/// the weekends they can span (n + 2·⌈n/5⌉); public holidays can add more.
fn calendar_days(issuance: catalog::IssuanceTime) -> (u16, Option<u16>) {
    match issuance.unit {
        IssuanceUnit::Minutes => (0, issuance.max.map(|m| m.div_ceil(24 * 60))),
        IssuanceUnit::CalendarDays => (issuance.min.unwrap_or(0), issuance.max),
        IssuanceUnit::BusinessDays => {
            (issuance.min.unwrap_or(0), issuance.max.map(|n| n.saturating_add(2 * n.div_ceil(5))))
        }
    }
}

fn issuance_range(advised: &[ProductAdvice]) -> Option<IssuanceRange> {
    let best = advised.iter().map(|p| p.fit).min().filter(|fit| *fit != Fit::No)?;
    let mut range: Option<IssuanceRange> = None;
    for advice in advised.iter().filter(|p| p.fit == best) {
        let Some(issuance) = catalog::product(advice.id).ok().and_then(|p| p.issuance) else { continue };
        // A PIN e-mail is not the certificate: it does not count as an issuance time.
        if issuance.value.milestone != IssuanceMilestone::Certificate {
            continue;
        }
        let (min, max) = calendar_days(issuance.value);
        range = Some(match range {
            None => IssuanceRange { min, max, products: vec![advice.id] },
            Some(mut r) => {
                r.min = r.min.min(min);
                r.max = r.max.zip(max).map(|(a, b)| a.max(b));
                r.products.push(advice.id);
                r
            }
        });
    }
    range
}

/// The advice for these answers. Never fails: unanswered questions make fits `possible`.
pub fn advise(answers: &Answers) -> Advice {
    advise_on(answers, None)
}

/// The advice for these answers, with issuance dates for an application made on `today`.
pub fn advise_on(answers: &Answers, today: Option<Date>) -> Advice {
    let by_question = answers_by_question(answers);
    let mut products: Vec<ProductAdvice> =
        catalog::products().iter().map(|p| assess(p, answers, &by_question, today)).collect();
    products.sort_by_key(|p| p.fit);
    let documents = documents(&products, answers);
    let issuance_days = issuance_range(&products);
    Advice { products, documents, issuance_days }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::QuestionKind;
    use crate::test_support::test;

    fn advice_for(json: &str) -> Advice {
        advise(&parse_answers(json).expect("valid in test"))
    }

    fn fit(advice: &Advice, id: &str) -> Fit {
        advice.products.iter().find(|p| p.id == id).expect("valid in test").fit
    }

    fn codes(advice: &Advice, id: &str) -> Vec<&'static str> {
        advice.products.iter().find(|p| p.id == id).expect("valid in test").reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn every_question_option_is_a_valid_answer() {
        assert_eq!(
            PROFESSION_COUNT,
            questions().iter().find(|q| q.id == "profession").expect("valid in test").options.len()
        );
        for question in questions() {
            let values: Vec<serde_json::Value> = match question.kind {
                QuestionKind::YesNo => vec![true.into(), false.into()],
                QuestionKind::Multiple => vec![question.options.iter().map(|o| o.value).collect::<Vec<_>>().into()],
                QuestionKind::Single => question.options.iter().map(|o| o.value.into()).collect(),
            };
            for value in values {
                let json = serde_json::json!({ question.id: value }).to_string();
                assert!(parse_answers(&json).is_ok(), "{json}");
            }
        }
    }

    // The question ids are the data's; the answer keys are serde's names of `Answers`' fields.
    // Neither is written twice by hand: this ties them.
    #[test]
    fn every_answer_has_exactly_one_question() {
        let keys: Vec<String> = match serde_json::to_value(Answers::default()).expect("valid in test") {
            serde_json::Value::Object(map) => map.keys().cloned().collect(),
            other => panic!("answers serialize as an object, not {other}"),
        };
        let mut ids: Vec<String> = questions().iter().map(|q| q.id.to_owned()).collect();
        ids.sort();
        assert_eq!(ids, keys);
        // The rules read the answers under the same names.
        let mut probed: Vec<&str> = answers_by_question(&Answers::default()).iter().map(|(id, _)| *id).collect();
        probed.sort_unstable();
        assert_eq!(probed, keys);
    }

    #[test]
    fn a_rule_quotes_its_note_where_the_text_says() {
        assert_eq!(quote("OSが未回答です。{note}", "X"), "OSが未回答です。X");
        assert_eq!(quote("{note} Inkan can.", "Seller says."), "Seller says. Inkan can.");
        assert_eq!(quote("no {note} inside", "X"), "no {note} inside");
    }

    /// A JSON answer to `question` with `value` (an option value, or true/false).
    fn answer_json(question: &Question, value: &str) -> serde_json::Value {
        let one: serde_json::Value = match question.kind {
            QuestionKind::YesNo => (value == "true").into(),
            QuestionKind::Single | QuestionKind::Multiple => value.into(),
        };
        let answer = if question.kind == QuestionKind::Multiple { serde_json::json!([one]) } else { one };
        serde_json::json!({ question.id: answer })
    }

    // build.rs refuses such a catalog; this proves it of the catalog that was built.
    #[test]
    fn every_product_rule_cites_a_seed_and_names_known_products_and_answers() {
        assert!(!catalog::RULES.is_empty());
        for rule in catalog::RULES {
            assert!(!rule.seed.is_empty(), "{} has no seed", rule.code);
            for seed in rule.seed {
                assert!(catalog::source(seed).is_some(), "{}: `{seed}` is not a seed page", rule.code);
            }
            assert!(!rule.products.is_empty(), "{}", rule.code);
            for id in rule.products {
                let product = catalog::product(id);
                assert!(product.is_ok(), "{}: unknown product `{id}`", rule.code);
                if let (Some(code), Ok(product)) = (rule.note, product) {
                    let has = product.environment.iter().chain(product.notes).any(|n| n.code == code);
                    assert!(has, "{}: `{id}` has no note `{code}`", rule.code);
                }
            }
            let (question_id, values) = match rule.when {
                Condition::Always => continue,
                Condition::Unanswered { question } => (question, &[][..]),
                Condition::OneOf { question, values } | Condition::NoneOf { question, values } => (question, values),
            };
            let question = questions().iter().find(|q| q.id == question_id);
            let question = question.unwrap_or_else(|| panic!("{}: unknown question `{question_id}`", rule.code));
            for value in values {
                let json = answer_json(question, value);
                let parsed = parse_answers(&json.to_string());
                assert!(parsed.is_ok(), "{}: `{value}` is not an answer to `{question_id}`", rule.code);
                let one_of = matches!(rule.when, Condition::OneOf { .. });
                let given = answers_by_question(&parse_answers(&json.to_string()).expect("valid in test"));
                assert_eq!(matches(rule.when, &given), one_of, "{}: `{json}`", rule.code);
            }
        }
    }

    #[test]
    fn rule_conditions_test_one_answer() {
        let when = |json: &str| answers_by_question(&parse_answers(json).expect("valid in test"));
        let of = |values: &'static [&'static str]| Condition::OneOf { question: "purposes", values };
        let none_of = Condition::NoneOf { question: "profession", values: &["architect"] };
        assert!(matches(Condition::Always, &when("{}")));
        assert!(matches(Condition::Unanswered { question: "profession" }, &when("{}")));
        assert!(!matches(Condition::Unanswered { question: "profession" }, &when(r#"{"profession":"cpa"}"#)));
        assert!(matches(none_of, &when(r#"{"profession":"cpa"}"#)));
        assert!(!matches(none_of, &when(r#"{"profession":"architect"}"#)));
        assert!(!matches(none_of, &when("{}")), "an unanswered question is neither one of nor none of");
        assert!(matches(of(&["vba_sign"]), &when(r#"{"purposes":["smime_sign","vba_sign"]}"#)));
        assert!(!matches(of(&["vba_sign"]), &when(r#"{"purposes":[]}"#)));
        let own_domain = Condition::OneOf { question: "own_domain", values: &["false"] };
        assert!(matches(own_domain, &when(r#"{"own_domain":false}"#)));
        assert!(!matches(own_domain, &when(r#"{"own_domain":true}"#)));
    }

    #[test]
    fn invalid_answers_are_rejected() {
        for json in [
            r#"{"applicant":"robot"}"#,
            r#"{"purposes":["mining"]}"#,
            r#"{"os":"beos"}"#,
            r#"{"own_domain":"yes"}"#,
            r#"{"typo":1}"#,
            "[",
            "",
        ] {
            let err = parse_answers(json).expect_err("must fail");
            assert_eq!(err.code(), "invalid_answer", "{json}");
        }
        assert_eq!(parse_answers(r#"{"applicant":null}"#).expect("valid in test"), Answers::default());
    }

    #[test]
    fn nothing_answered_still_advises() {
        let advice = advice_for("{}");
        assert_eq!(advice.products.len(), 8);
        assert!(advice.products.iter().all(|p| p.fit != Fit::No));
        // seed: 000_83bab2e9cbe37489.txt: 1-2-3's fit depends on unanswered questions.
        assert_eq!(fit(&advice, "sign123"), Fit::Possible);
        assert!(codes(&advice, "sign123").contains(&"unanswered_applicant"));
        assert!(codes(&advice, "sign123").contains(&"unanswered_own_domain"));
        // seed: 004_d25a5a965b92ed0f.txt: NJC depends on purposes, mail client and OS.
        let njc = codes(&advice, "njc-secure-mail");
        assert!(
            njc.contains(&"unanswered_purposes")
                && njc.contains(&"unanswered_mail_client")
                && njc.contains(&"unanswered_os")
        );
        assert_eq!(fit(&advice, "jcan-123sign"), Fit::Good);
        assert!(advice.documents.iter().any(|d| d.code == "unanswered_profession"));
        assert!(advice.issuance_days.is_some());
    }

    // seed: 000_83bab2e9cbe37489.txt (own domain and corporate profile for 1-2-3).
    #[test]
    fn sign123_needs_domain_and_organisation() {
        let advice = advice_for(r#"{"applicant":"individual","own_domain":false}"#);
        assert_eq!(fit(&advice, "sign123"), Fit::No);
        assert!(codes(&advice, "sign123").contains(&"needs_corporate_profile"));
        assert!(codes(&advice, "sign123").contains(&"needs_own_domain"));
        let advice = advice_for(
            r#"{"applicant":"organisation","own_domain":true,"purposes":["smime_sign"],"os":"windows","mail_client":"outlook"}"#,
        );
        assert_eq!(fit(&advice, "sign123"), Fit::Good);
    }

    // seed: 004_d25a5a965b92ed0f.txt (Class2 Standard needs an organisation).
    #[test]
    fn class2_needs_an_organisation() {
        let advice = advice_for(r#"{"applicant":"individual"}"#);
        assert_eq!(fit(&advice, "njc-class2-standard"), Fit::No);
        assert!(codes(&advice, "njc-class2-standard").contains(&"needs_organisation"));
        assert_ne!(fit(&advice, "njc-secure-mail"), Fit::No);
        let advice = advice_for(r#"{"applicant":"sole_proprietor"}"#);
        assert_eq!(fit(&advice, "njc-class2-standard"), Fit::Possible);
    }

    // seed: 004_d25a5a965b92ed0f.txt (no VBA macro signing; no webmail).
    #[test]
    fn njc_cannot_sign_vba_or_work_in_webmail() {
        let advice = advice_for(r#"{"purposes":["vba_sign"]}"#);
        for id in ["njc-secure-mail", "njc-access-control", "njc-class2-standard"] {
            assert_eq!(fit(&advice, id), Fit::No, "{id}");
            assert!(codes(&advice, id).contains(&"purpose_not_supported"));
        }
        assert_eq!(fit(&advice, "jcan-123sign"), Fit::Possible);
        let advice = advice_for(r#"{"purposes":["smime_sign"],"mail_client":"google_workspace","os":"windows"}"#);
        assert_eq!(fit(&advice, "njc-secure-mail"), Fit::No);
        assert!(codes(&advice, "njc-secure-mail").contains(&"webmail_not_supported"));
        assert_eq!(fit(&advice, "jcan-123sign"), Fit::Good);
    }

    // seed: 002_a9432d1613d8294a.txt (free Gmail receives S/MIME only; encryption needs the
    // recipient's certificate; Adobe warns on JCAN signatures).
    #[test]
    fn mail_and_pdf_remarks() {
        let advice =
            advice_for(r#"{"purposes":["smime_sign","smime_encrypt","document_sign"],"mail_client":"gmail_free"}"#);
        let jcan = codes(&advice, "jcan-123sign");
        assert!(jcan.contains(&"gmail_free_receive_only"));
        assert!(jcan.contains(&"encryption_needs_recipient_certificate"));
        assert!(jcan.contains(&"adobe_trust_settings"));
        assert_eq!(fit(&advice, "jcan-123sign"), Fit::Possible);
        let reason = advice
            .products
            .iter()
            .find(|p| p.id == "jcan-123sign")
            .expect("valid in test")
            .reasons
            .iter()
            .find(|r| r.code == "adobe_trust_settings")
            .expect("valid in test");
        assert_eq!(reason.seed, [SEED_002]);
    }

    // seed: 001_d4e7ca17d72183de.txt (Windows 7+ and IE11 only).
    #[test]
    fn iprove_environment_is_reported_honestly() {
        let advice = advice_for(r#"{"os":"mac","purposes":["document_sign"]}"#);
        assert_eq!(fit(&advice, "iprove-general"), Fit::No);
        let reason = advice
            .products
            .iter()
            .find(|p| p.id == "iprove-general")
            .expect("valid in test")
            .reasons
            .iter()
            .find(|r| r.code == "seller_environment_windows_only")
            .expect("valid in test");
        assert!(reason.message.ja.contains("Internet Explorer 11"));
        assert!(reason.message.en.contains("accepting a key made elsewhere"), "{}", reason.message.en);
        let advice = advice_for(r#"{"os":"windows","purposes":["document_sign"]}"#);
        assert_eq!(fit(&advice, "iprove-general"), Fit::Good);
        assert!(codes(&advice, "iprove-general").contains(&"seller_environment_ie11"));
        assert_eq!(fit(&advice, "iprove-dim"), Fit::Possible);
    }

    // seed: 001_d4e7ca17d72183de.txt (「Mac、Linux など…ご利用になれません」).
    #[test]
    fn iprove_is_no_on_every_system_but_windows_and_inkan_still_helps_after_delivery() {
        for os in ["mac", "linux", "ios", "android"] {
            let advice = advice_for(&format!(r#"{{"os":"{os}"}}"#));
            for id in ["iprove-general", "iprove-dim"] {
                assert_eq!(fit(&advice, id), Fit::No, "{id} on {os}");
                assert!(codes(&advice, id).contains(&"seller_environment_windows_only"));
            }
            // NJC on a Mac is "not guaranteed" (004), not ruled out.
            assert_ne!(fit(&advice, "njc-secure-mail"), Fit::No, "{os}");
        }
        let advice = advice_for(r#"{"os":"mac"}"#);
        let iprove = advice.products.iter().find(|p| p.id == "iprove-general").expect("valid in test");
        assert_eq!(iprove.inkan.key, KeyMaker::SellerSite);
        assert_eq!(iprove.inkan.after_delivery, ["check", "repack", "plan"]);
        assert!(iprove.inkan.message.en.contains("check the .p12"));
        let jcan = advice.products.iter().find(|p| p.id == "jcan-123sign").expect("valid in test");
        assert_eq!(jcan.inkan.key, KeyMaker::Inkan);
        let json = serde_json::to_value(&advice).expect("valid in test");
        assert!(json["products"][0]["inkan"]["key"].is_string());
    }

    // seed: 004_d25a5a965b92ed0f.txt (「WEBメール…利用することはできません」).
    #[test]
    fn other_webmail_is_an_answer_and_rules_out_njc() {
        let advice = advice_for(r#"{"mail_client":"webmail_other","purposes":["smime_sign"],"os":"windows"}"#);
        for id in ["njc-secure-mail", "njc-access-control", "njc-class2-standard"] {
            assert_eq!(fit(&advice, id), Fit::No, "{id}");
            let reason = advice
                .products
                .iter()
                .find(|p| p.id == id)
                .and_then(|p| p.reasons.iter().find(|r| r.code == "webmail_not_supported"))
                .expect("a reason");
            assert!(reason.message.ja.contains("WEBメール"));
            assert_eq!(reason.seed, [SEED_004]);
        }
        let option = questions()
            .iter()
            .find(|q| q.id == "mail_client")
            .and_then(|q| q.options.iter().find(|o| o.value == "webmail_other"))
            .expect("the option");
        assert_eq!(option.text.ja, "その他の Web メール");
        assert_eq!(option.text.en, "Other webmail");
    }

    // seed: 000_83bab2e9cbe37489.txt ("最大で 3営業日") with holidays.rs and the assumed closure.
    #[test]
    fn issuance_dates_for_applying_today() {
        let d = |s: &str| Date::parse(s).expect("valid in test");
        let advice = advise_on(&Answers::default(), Some(d("2025-05-02")));
        let jcan = advice.products.iter().find(|p| p.id == "jcan-123sign").expect("valid in test");
        let estimate = jcan.issuance.as_ref().expect("valid in test");
        assert_eq!(estimate.latest, Some(d("2025-05-09")), "Golden Week: 3-6 May are not business days");
        assert!(estimate.message.ja.contains("2025-05-09"));
        // The year-end closure (an assumption) moves the date over the new year.
        let advice = advise_on(&Answers::default(), Some(d("2025-12-26")));
        let jcan = advice.products.iter().find(|p| p.id == "jcan-123sign").expect("valid in test");
        assert_eq!(jcan.issuance.as_ref().and_then(|e| e.latest), Some(d("2026-01-07")));
        assert!(jcan.issuance.as_ref().expect("valid in test").message.en.contains("Inkan's assumption"));
        // NJC's 15 minutes is the PIN e-mail, not the certificate.
        let njc = advice.products.iter().find(|p| p.id == "njc-secure-mail").expect("valid in test");
        let estimate = njc.issuance.as_ref().expect("valid in test");
        assert_eq!(estimate.milestone, IssuanceMilestone::PinEmail);
        assert!(estimate.message.en.contains("not the whole process"));
        assert_eq!(estimate.latest, None);
        // MCCI: one week or more, no upper bound.
        let mcci = advice.products.iter().find(|p| p.id == "jcan-mcci").expect("valid in test");
        assert_eq!(mcci.issuance.as_ref().and_then(|e| e.earliest), Some(d("2026-01-02")));
        assert_eq!(mcci.issuance.as_ref().and_then(|e| e.latest), None);
        // The range of the best fits leaves NJC's PIN e-mail out.
        let advice = advise_on(
            &parse_answers(r#"{"applicant":"individual","purposes":["smime_sign"],"mail_client":"thunderbird","os":"windows","profession":"none"}"#)
                .expect("valid in test"),
            None,
        );
        if let Some(range) = advice.issuance_days {
            assert!(!range.products.iter().any(|id| id.starts_with("njc-")), "{:?}", range.products);
        }
    }

    // seed: 000_83bab2e9cbe37489.txt, 003_8c0952f4faeac254.txt (documents per profession).
    #[test]
    fn documents_for_a_lawyer_with_office_name() {
        let advice = advice_for(r#"{"profession":"lawyer","org_name_on_certificate":true,"applicant":"individual"}"#);
        let docs: Vec<_> = advice.documents.iter().map(|d| d.code).collect();
        assert!(docs.contains(&"jcan_lawyer_registration"));
        assert!(docs.contains(&"jcan_professional_office_card"));
        assert!(docs.contains(&"mcci_other_credentials"));
        assert!(docs.contains(&"upload_limits"));
        assert!(!docs.contains(&"sign123_corporate_profile"), "1-2-3 is ruled out for individuals");
        let upload = advice
            .documents
            .iter()
            .find(|d| d.code == "upload_limits" && d.products == ["jcan-mcci"])
            .expect("valid in test");
        assert!(upload.message.en.contains("4 MB"));
        assert_eq!(fit(&advice, "jcan-mcci"), Fit::Possible);
        let advice = advice_for(r#"{"profession":"architect","org_name_on_certificate":false}"#);
        let docs: Vec<_> = advice.documents.iter().map(|d| d.code).collect();
        assert!(docs.contains(&"mcci_architect_licence") && docs.contains(&"jcan_architect_registration"));
        assert!(!docs.contains(&"jcan_professional_office_card"));
        assert!(!codes(&advice, "jcan-mcci").contains(&"mcci_ask_first"));
    }

    #[test]
    fn employee_documents_show_the_condition_when_unanswered() {
        let advice = advice_for(r#"{"profession":"employee"}"#);
        let org = advice.documents.iter().find(|d| d.code == "jcan_employee_organisation").expect("valid in test");
        assert!(org.message.ja.starts_with("組織名を記載する場合"));
        let id = advice.documents.iter().find(|d| d.code == "jcan_employee_identity").expect("valid in test");
        assert!(id.message.ja.starts_with("次のいずれか1点"));
        assert!(id.message.ja.contains("マイナンバーカード"));
    }

    // seed: 000_83bab2e9cbe37489.txt (JCAN: at most 3 business days).
    #[test]
    fn issuance_days_of_the_best_fits() {
        let advice = advice_for(
            r#"{"applicant":"individual","own_domain":false,"purposes":["smime_sign","e_contract"],"profession":"lawyer","os":"windows","mail_client":"outlook"}"#,
        );
        assert_eq!(fit(&advice, "jcan-123sign"), Fit::Good);
        let range = advice.issuance_days.expect("valid in test");
        assert_eq!(range.products, ["jcan-123sign"]);
        assert_eq!((range.min, range.max), (0, Some(5)));
        let json = serde_json::to_value(advise(&Answers::default())).expect("valid in test");
        assert!(json["issuance_days"]["min"].is_u64());
        assert!(json["products"][0]["reasons"].is_array());
        assert!(json["products"][0]["fit"].is_string());
    }

    #[test]
    fn products_are_sorted_by_fit() {
        let advice = advice_for(r#"{"applicant":"individual","purposes":["vba_sign"]}"#);
        let fits: Vec<Fit> = advice.products.iter().map(|p| p.fit).collect();
        let mut sorted = fits.clone();
        sorted.sort();
        assert_eq!(fits, sorted);
        assert_eq!(advice.products.last().map(|p| p.fit), Some(Fit::No));
    }
}
