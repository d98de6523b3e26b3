//! A crate's message catalog: two flat JSON objects (key -> text), rendered with `{name}` placeholders.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use crate::Message;

/// One of the two languages every catalog carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Japanese.
    Ja,
    /// English.
    En,
}

/// A value for a `{name}` placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg<'a> {
    /// Text (or a number, already formatted) inserted as is, the same in both languages.
    Text(Cow<'a, str>),
    /// Another key of the same catalog, rendered in the message's own language (a field name).
    Key(&'a str),
    /// A value already rendered in both languages (a list of rendered items): its text in the
    /// message's own language.
    Message(Message),
}

impl From<Message> for Arg<'static> {
    fn from(m: Message) -> Self {
        Arg::Message(m)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'static> {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}

macro_rules! arg_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'static> {
            fn from(n: $t) -> Self {
                Arg::Text(Cow::Owned(n.to_string()))
            }
        }
        impl From<&$t> for Arg<'static> {
            fn from(n: &$t) -> Self {
                Arg::Text(Cow::Owned(n.to_string()))
            }
        }
    )*};
}
arg_from_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// A crate's messages in Japanese and English, from the two JSON files compiled into it.
///
/// Each file is a flat JSON object from key to text, parsed once on first use. Rendering never
/// panics: a missing key, a placeholder without an argument, or a file that does not parse
/// renders the key itself, so the slip is visible; each crate's tests check [`Catalog::problems`]
/// and render every variant so it does not ship.
pub struct Catalog {
    ja: &'static str,
    en: &'static str,
    parsed_ja: OnceLock<Parsed>,
    parsed_en: OnceLock<Parsed>,
}

type Parsed = Result<BTreeMap<String, String>, String>;

impl Catalog {
    /// A catalog from the texts of its `ja.json` and `en.json` (pass `include_str!(...)`).
    pub const fn new(ja: &'static str, en: &'static str) -> Self {
        Self { ja, en, parsed_ja: OnceLock::new(), parsed_en: OnceLock::new() }
    }

    fn parsed(&self, lang: Lang) -> &Parsed {
        match lang {
            Lang::Ja => self.parsed_ja.get_or_init(|| serde_json::from_str(self.ja).map_err(|e| e.to_string())),
            Lang::En => self.parsed_en.get_or_init(|| serde_json::from_str(self.en).map_err(|e| e.to_string())),
        }
    }

    fn get(&self, lang: Lang, key: &str) -> Option<&str> {
        self.parsed(lang).as_ref().ok()?.get(key).map(String::as_str)
    }

    /// The message for `key` in both languages, its placeholders filled from `args`.
    pub fn message(&self, key: &str, args: &[(&str, Arg<'_>)]) -> Message {
        Message::new(self.text(Lang::Ja, key, args), self.text(Lang::En, key, args))
    }

    /// The text for `key` in one language, or the key itself if anything is missing.
    pub fn text(&self, lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.render(lang, key, args).unwrap_or_else(|| key.to_owned())
    }

    fn render(&self, lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
        let template = self.get(lang, key)?;
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').map(|close| &after[..close]).filter(|name| is_placeholder(name)) {
                Some(name) => {
                    let (_, arg) = args.iter().find(|(n, _)| *n == name)?;
                    match arg {
                        Arg::Text(text) => out.push_str(text),
                        Arg::Key(other) => out.push_str(self.get(lang, other)?),
                        Arg::Message(m) => out.push_str(match lang {
                            Lang::Ja => &m.ja,
                            Lang::En => &m.en,
                        }),
                    }
                    rest = &after[name.len() + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Some(out)
    }

    /// Every key of the catalog (the union of both languages).
    pub fn keys(&self) -> BTreeSet<&str> {
        [Lang::Ja, Lang::En]
            .into_iter()
            .filter_map(|lang| self.parsed(lang).as_ref().ok())
            .flat_map(|map| map.keys().map(String::as_str))
            .collect()
    }

    /// What is wrong with the catalog itself: a file that does not parse, a key in one language
    /// only, a key whose two texts have different placeholders, an empty text. Empty when sound.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let (ja, en) = match (self.parsed(Lang::Ja), self.parsed(Lang::En)) {
            (Ok(ja), Ok(en)) => (ja, en),
            (ja, en) => {
                for (name, parsed) in [("ja.json", ja), ("en.json", en)] {
                    if let Err(e) = parsed {
                        problems.push(format!("{name} does not parse: {e}"));
                    }
                }
                return problems;
            }
        };
        for key in ja.keys().filter(|k| !en.contains_key(*k)) {
            problems.push(format!("{key} is in ja.json but not in en.json"));
        }
        for key in en.keys().filter(|k| !ja.contains_key(*k)) {
            problems.push(format!("{key} is in en.json but not in ja.json"));
        }
        for (key, ja_text) in ja {
            let Some(en_text) = en.get(key) else { continue };
            if placeholders(ja_text) != placeholders(en_text) {
                problems.push(format!(
                    "{key}: placeholders differ (ja {:?}, en {:?})",
                    placeholders(ja_text),
                    placeholders(en_text)
                ));
            }
            if ja_text.is_empty() || en_text.is_empty() {
                problems.push(format!("{key}: empty text"));
            }
        }
        problems
    }

    /// Keys that no source quotes (`"key"`): pass the `include_str!` of every file that renders
    /// from this catalog. A key built at run time would show up here, so keys are always literal.
    pub fn unused_keys(&self, sources: &[&str]) -> Vec<String> {
        self.keys()
            .into_iter()
            .filter(|key| {
                let quoted = format!("\"{key}\"");
                !sources.iter().any(|s| s.contains(&quoted))
            })
            .map(str::to_owned)
            .collect()
    }

    /// What is wrong with one rendered message of `key`: it fell back to the key, it still holds
    /// a `{placeholder}`, its Japanese is plain ASCII, or (with `en_ascii`) its English is not
    /// printable ASCII. `None` when it is fine.
    pub fn check_rendered(&self, key: &str, message: &Message, en_ascii: bool) -> Option<String> {
        let leftover = |t: &str| {
            t.split('{').skip(1).any(|after| after.find('}').is_some_and(|close| is_placeholder(&after[..close])))
        };
        let problem = if message.ja == key || message.en == key {
            "falls back to its key (missing key or argument)"
        } else if leftover(&message.ja) || leftover(&message.en) {
            "still holds a {placeholder}"
        } else if message.ja.is_ascii() {
            "has no Japanese text"
        } else if en_ascii && !message.en.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            "has English text that is not printable ASCII"
        } else {
            return None;
        };
        Some(format!("{key} {problem}: {message:?}"))
    }
}

fn is_placeholder(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The `{name}` placeholders of a text, sorted.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|after| after.find('}').map(|close| &after[..close]))
        .filter(|name| is_placeholder(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static CATALOG: Catalog = Catalog::new(
        r#"{"a.size": "大きすぎます({size} バイト、上限 {limit})。", "a.field": "{field}を入力", "field.name": "氏名", "a.brace": "{ x }"}"#,
        r#"{"a.size": "Too large ({size} bytes, limit {limit}).", "a.field": "Fill in {field}.", "field.name": "name", "a.brace": "{ x }"}"#,
    );

    #[test]
    fn fills_placeholders_and_keys_per_language() {
        let m = CATALOG.message("a.size", &[("size", 3usize.into()), ("limit", 2u64.into())]);
        assert_eq!(m, Message::new("大きすぎます(3 バイト、上限 2)。", "Too large (3 bytes, limit 2)."));
        let m = CATALOG.message("a.field", &[("field", Arg::Key("field.name"))]);
        assert_eq!(m, Message::new("氏名を入力", "Fill in name."));
        assert_eq!(CATALOG.message("a.brace", &[]), Message::new("{ x }", "{ x }"));
        let m = CATALOG.message("a.field", &[("field", Message::new("一覧", "list").into())]);
        assert_eq!(m, Message::new("一覧を入力", "Fill in list."));
        assert!(CATALOG.problems().is_empty(), "{:?}", CATALOG.problems());
    }

    #[test]
    fn anything_missing_renders_the_key_never_panics() {
        assert_eq!(CATALOG.message("a.nope", &[]), Message::new("a.nope", "a.nope"));
        assert_eq!(CATALOG.message("a.size", &[("size", "1".into())]), Message::new("a.size", "a.size"));
        assert_eq!(CATALOG.message("a.field", &[("field", Arg::Key("field.x"))]), Message::new("a.field", "a.field"));
        let broken = Catalog::new("{", r#"{"k": "{v}"}"#);
        assert_eq!(broken.message("k", &[("v", "1".into())]), Message::new("k", "1"));
        assert_eq!(broken.problems().len(), 1);
        assert!(CATALOG.check_rendered("a.nope", &CATALOG.message("a.nope", &[]), true).is_some());
    }

    #[test]
    fn problems_name_keys_and_placeholders_that_differ() {
        let c = Catalog::new(r#"{"a": "{x}", "b": "b"}"#, r#"{"a": "{y}", "c": ""}"#);
        assert_eq!(c.problems().len(), 3, "{:?}", c.problems());
        assert_eq!(c.unused_keys(&["\"a\" \"b\""]), vec!["c".to_owned()]);
    }
}
