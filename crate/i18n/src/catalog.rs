//! A crate's message catalog: two flat JSON objects (key -> text), rendered with `{name}` placeholders.

use std::borrow::Cow;
use std::collections::BTreeSet;

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
/// Each file is a flat JSON object from key to text, read where it lies in the binary by the
/// small scanner below (no JSON library: serde_json's parser would add tens of kilobytes to
/// every wasm module for two flat objects). Rendering never panics: a missing key, a
/// placeholder without an argument, or a file that does not parse renders the key itself, so
/// the slip is visible; each crate's tests check [`Catalog::problems`] and render every variant
/// so it does not ship.
pub struct Catalog {
    ja: &'static str,
    en: &'static str,
}

type Entries = Result<Vec<(Cow<'static, str>, Cow<'static, str>)>, String>;

impl Catalog {
    /// A catalog from the texts of its `ja.json` and `en.json` (pass `include_str!(...)`).
    pub const fn new(ja: &'static str, en: &'static str) -> Self {
        Self { ja, en }
    }

    fn entries(&self, lang: Lang) -> Entries {
        flat_json_object(match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        })
    }

    fn get(&self, lang: Lang, key: &str) -> Option<Cow<'static, str>> {
        self.entries(lang).ok()?.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
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
        let mut rest: &str = &template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').map(|close| &after[..close]).filter(|name| is_placeholder(name)) {
                Some(name) => {
                    let (_, arg) = args.iter().find(|(n, _)| *n == name)?;
                    match arg {
                        Arg::Text(text) => out.push_str(text),
                        Arg::Key(other) => out.push_str(&self.get(lang, other)?),
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
    pub fn keys(&self) -> BTreeSet<String> {
        [Lang::Ja, Lang::En]
            .into_iter()
            .filter_map(|lang| self.entries(lang).ok())
            .flat_map(|entries| entries.into_iter().map(|(k, _)| k.into_owned()))
            .collect()
    }

    /// What is wrong with the catalog itself: a file that does not parse, a key twice, a key in
    /// one language only, a key whose two texts have different placeholders, an empty text.
    /// Empty when sound.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let (ja, en) = match (self.entries(Lang::Ja), self.entries(Lang::En)) {
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
        let map = |entries: &[(Cow<'static, str>, Cow<'static, str>)], name: &str, problems: &mut Vec<String>| {
            let mut map = std::collections::BTreeMap::new();
            for (k, v) in entries {
                if map.insert(k.to_string(), v.to_string()).is_some() {
                    problems.push(format!("{k} is twice in {name}"));
                }
            }
            map
        };
        let ja = map(&ja, "ja.json", &mut problems);
        let en = map(&en, "en.json", &mut problems);
        for key in ja.keys().filter(|k| !en.contains_key(*k)) {
            problems.push(format!("{key} is in ja.json but not in en.json"));
        }
        for key in en.keys().filter(|k| !ja.contains_key(*k)) {
            problems.push(format!("{key} is in en.json but not in ja.json"));
        }
        for (key, ja_text) in &ja {
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

/// The entries of a flat JSON object whose values are all strings (RFC 8259: whitespace,
/// `{`, `"key": "text"` pairs separated by commas, `}`), borrowed where a string has no escape.
fn flat_json_object(json: &'static str) -> Entries {
    let mut scan = Scanner { text: json, at: 0 };
    let mut entries = Vec::new();
    scan.expect(b'{')?;
    if scan.peek() == Some(b'}') {
        scan.at += 1;
    } else {
        loop {
            let key = scan.string()?;
            scan.expect(b':')?;
            let value = scan.string()?;
            entries.push((key, value));
            match scan.next() {
                Some(b',') => {}
                Some(b'}') => break,
                _ => return Err(format!("expected , or }} at byte {}", scan.at)),
            }
        }
    }
    match scan.peek() {
        None => Ok(entries),
        Some(_) => Err(format!("trailing data at byte {}", scan.at)),
    }
}

struct Scanner {
    text: &'static str,
    at: usize,
}

impl Scanner {
    /// The next byte that is not JSON whitespace, without taking it.
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while bytes.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
        bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn expect(&mut self, want: u8) -> Result<(), String> {
        match self.next() {
            Some(b) if b == want => Ok(()),
            _ => Err(format!("expected {} at byte {}", want as char, self.at)),
        }
    }

    fn string(&mut self) -> Result<Cow<'static, str>, String> {
        self.expect(b'"')?;
        let start = self.at;
        let rest = &self.text[start..];
        let end = rest.find(['"', '\\']).ok_or_else(|| format!("unterminated string at byte {start}"))?;
        if rest.as_bytes()[end] == b'"' {
            self.at = start + end + 1;
            return Ok(Cow::Borrowed(&rest[..end]));
        }
        let mut out = String::from(&rest[..end]);
        let mut chars = rest[end..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at = start + end + i + 1;
                    return Ok(Cow::Owned(out));
                }
                '\\' => {
                    let escaped = match chars.next().map(|(_, e)| e) {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => {
                            let hex = |chars: &mut core::str::CharIndices<'_>| -> Option<u32> {
                                let digits: String = chars.by_ref().take(4).map(|(_, d)| d).collect();
                                (digits.len() == 4).then(|| u32::from_str_radix(&digits, 16).ok()).flatten()
                            };
                            let unit = hex(&mut chars).ok_or("bad \\u escape")?;
                            let code = if (0xd800..0xdc00).contains(&unit) {
                                let (Some((_, '\\')), Some((_, 'u'))) = (chars.next(), chars.next()) else {
                                    return Err("lone surrogate".into());
                                };
                                let low = hex(&mut chars).ok_or("bad \\u escape")?;
                                0x10000 + ((unit - 0xd800) << 10) + (low.wrapping_sub(0xdc00) & 0x3ff)
                            } else {
                                unit
                            };
                            char::from_u32(code).ok_or("bad \\u escape")?
                        }
                        _ => return Err(format!("bad escape at byte {}", start + end + i)),
                    };
                    out.push(escaped);
                }
                c => out.push(c),
            }
        }
        Err(format!("unterminated string at byte {start}"))
    }
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
    fn the_scanner_reads_json_escapes_and_refuses_what_is_not_a_flat_object() {
        let c = Catalog::new(r#"{ "q": "say \"hi\"\n\u00e9\ud83d\ude00\\", "e": "" }"#, r#"{"q":"x","e":"y"}"#);
        assert_eq!(c.text(Lang::Ja, "q", &[]), "say \"hi\"\né😀\\");
        for bad in ["", "[]", r#"{"a": 1}"#, r#"{"a": "b""#, r#"{"a": "b"} x"#, r#"{"a": "\ud800"}"#, r#"{"a": "\q"}"#]
        {
            assert!(flat_json_object(bad).is_err(), "{bad}");
        }
        assert_eq!(flat_json_object(" { } ").map(|e| e.len()), Ok(0));
    }

    #[test]
    fn the_scanner_agrees_with_serde_json_on_every_catalog() {
        let files = [
            include_str!("../../pki/messages/ja.json"),
            include_str!("../../pki/messages/en.json"),
            include_str!("../../pki/messages/keys/ja.json"),
            include_str!("../../pki/messages/keys/en.json"),
            include_str!("../../inspect/messages/ja.json"),
            include_str!("../../inspect/messages/en.json"),
            include_str!("../../knowledge/messages/ja.json"),
            include_str!("../../knowledge/messages/en.json"),
            include_str!("../../ca/messages/ja.json"),
            include_str!("../../ca/messages/en.json"),
            include_str!("../../cli/messages/ja.json"),
            include_str!("../../cli/messages/en.json"),
            include_str!("../../messages/ja.json"),
            include_str!("../../messages/en.json"),
            include_str!("../../../worker/core/messages/ja.json"),
            include_str!("../../../worker/core/messages/en.json"),
        ];
        for file in files {
            let ours: Vec<(String, String)> = flat_json_object(file)
                .expect("scans")
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let theirs: serde_json::Map<String, serde_json::Value> = serde_json::from_str(file).expect("parses");
            assert_eq!(ours.len(), theirs.len());
            for (k, v) in &ours {
                assert_eq!(theirs.get(k).and_then(|v| v.as_str()), Some(v.as_str()), "{k}");
            }
        }
    }

    #[test]
    fn problems_name_keys_and_placeholders_that_differ() {
        let c = Catalog::new(r#"{"a": "{x}", "b": "b"}"#, r#"{"a": "{y}", "c": ""}"#);
        assert_eq!(c.problems().len(), 3, "{:?}", c.problems());
        assert_eq!(c.unused_keys(&["\"a\" \"b\""]), vec!["c".to_owned()]);
    }
}
