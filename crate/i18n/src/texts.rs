//! One key's texts in both languages, rendered with `{name}` placeholders filled from typed arguments.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::Message;

/// One of the two languages every text exists in.
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
    /// Another key's texts, in the message's own language (a field name).
    Texts(Texts),
    /// A value already rendered in both languages (a list of rendered items): its text in the
    /// message's own language.
    Message(Message),
}

impl From<Texts> for Arg<'static> {
    fn from(t: Texts) -> Self {
        Arg::Texts(t)
    }
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

/// A number's text, through its `Display` (which the wasm modules carry anyway). Not
/// `to_string()`: for integers that is specialised to its own per-type formatter (`<u32>::_fmt`,
/// `<u64>::_fmt`), one more copy of integer formatting in every module; messages are not a hot
/// path.
#[inline(never)]
fn number_text(n: &dyn std::fmt::Display) -> Arg<'static> {
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = std::fmt::write(&mut text, format_args!("{n}"));
    Arg::Text(Cow::Owned(text))
}

macro_rules! arg_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'static> {
            fn from(n: $t) -> Self {
                number_text(&n)
            }
        }
        impl From<&$t> for Arg<'static> {
            fn from(n: &$t) -> Self {
                number_text(n)
            }
        }
    )*};
}
arg_from_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// One key's texts in Japanese and English, as the crate's `build.rs` generated them from its
/// `messages/ja.json` and `en.json` (see `inkan-i18n-build`): `texts::key::WRONG_PASSWORD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Texts {
    /// The Japanese text, with its `{placeholders}`.
    pub ja: &'static str,
    /// The English text, with the same `{placeholders}`.
    pub en: &'static str,
}

impl Texts {
    /// Rendered items joined with this separator's text, per language (separators are texts
    /// too: `、` in Japanese where English has `, ` or `; `).
    pub fn join(self, items: &[Message]) -> Message {
        let join_in =
            |lang: Lang, text: fn(&Message) -> &str| items.iter().map(text).collect::<Vec<_>>().join(self.get(lang));
        Message::new(join_in(Lang::Ja, |m| &m.ja), join_in(Lang::En, |m| &m.en))
    }

    /// The text in one language, placeholders unfilled.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }

    /// The message in both languages, its `{name}` placeholders filled from `args`.
    ///
    /// Never panics: a placeholder without an argument stays in the text as `{name}`, so the
    /// slip is visible, and each crate's tests render every variant and refuse a leftover
    /// placeholder ([`check_rendered`]) so it does not ship.
    pub fn render(&self, args: &[(&str, Arg<'_>)]) -> Message {
        Message::new(self.render_in(Lang::Ja, args), self.render_in(Lang::En, args))
    }

    fn render_in(&self, lang: Lang, args: &[(&str, Arg<'_>)]) -> String {
        let template = self.get(lang);
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = byte_position(rest, b'{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name = byte_position(after, b'}').map(|close| &after[..close]).filter(|name| is_placeholder(name));
            match name.and_then(|name| Some((name, &args.iter().find(|(n, _)| *n == name)?.1))) {
                Some((name, arg)) => {
                    match arg {
                        Arg::Text(text) => out.push_str(text),
                        Arg::Texts(texts) => out.push_str(texts.get(lang)),
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
        out
    }
}

/// What is wrong with one rendered message (`code` names it in the answer): it still holds a
/// `{placeholder}` (an argument is missing), its Japanese is plain ASCII, or (with `en_ascii`)
/// its English is not printable ASCII. `None` when it is fine. For the crates' tests, which
/// render every variant.
pub fn check_rendered(code: &str, message: &Message, en_ascii: bool) -> Option<String> {
    let problem = if !placeholders(&message.ja).is_empty() || !placeholders(&message.en).is_empty() {
        "still holds a {placeholder}"
    } else if message.ja.is_ascii() {
        "has no Japanese text"
    } else if en_ascii && !message.en.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        "has English text that is not printable ASCII"
    } else {
        return None;
    };
    Some(format!("{code} {problem}: {message:?}"))
}

/// Where an ASCII byte first occurs in `text` (a char boundary, since it is ASCII). Not
/// `str::find`: its char searcher brings a memchr of its own (~0.7 KB) into each wasm module,
/// and templates are short.
fn byte_position(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
}

fn is_placeholder(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The `{name}` placeholders of a text, sorted: a name is lowercase ASCII letters, digits and
/// `_`; any other `{...}` is plain text. The build-time check compares them across languages.
pub fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|after| after.find('}').map(|close| &after[..close]))
        .filter(|name| is_placeholder(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: Texts = Texts {
        ja: "大きすぎます({size} バイト、上限 {limit})。",
        en: "Too large ({size} bytes, limit {limit}).",
    };
    const FIELD: Texts = Texts { ja: "{field}を入力", en: "Fill in {field}." };
    const NAME: Texts = Texts { ja: "氏名", en: "name" };

    #[test]
    fn fills_placeholders_per_language() {
        let m = SIZE.render(&[("size", 3usize.into()), ("limit", 2u64.into())]);
        assert_eq!(m, Message::new("大きすぎます(3 バイト、上限 2)。", "Too large (3 bytes, limit 2)."));
        assert_eq!(FIELD.render(&[("field", NAME.into())]), Message::new("氏名を入力", "Fill in name."));
        let m = FIELD.render(&[("field", Message::new("一覧", "list").into())]);
        assert_eq!(m, Message::new("一覧を入力", "Fill in list."));
        let braces = Texts { ja: "{ x }{", en: "{X} {}" };
        assert_eq!(braces.render(&[("x", "1".into())]), Message::new("{ x }{", "{X} {}"));
        assert_eq!(check_rendered("k", &NAME.render(&[]), true), None);
    }

    #[test]
    fn a_missing_argument_stays_visible_and_the_check_names_it() {
        let m = SIZE.render(&[("size", "1".into())]);
        assert_eq!(m, Message::new("大きすぎます(1 バイト、上限 {limit})。", "Too large (1 bytes, limit {limit})."));
        assert!(check_rendered("k", &m, true).is_some_and(|p| p.starts_with("k still holds a {placeholder}")));
        assert!(check_rendered("k", &Message::new("name", "name"), true).is_some());
        assert!(check_rendered("k", &Message::new("名", "é"), true).is_some());
        assert_eq!(check_rendered("k", &Message::new("名", "é"), false), None);
    }

    #[test]
    fn placeholders_are_lowercase_names_in_braces() {
        assert_eq!(placeholders("{a} {b_2} {a} { x } {X} {}").into_iter().collect::<Vec<_>>(), vec!["a", "b_2"]);
    }
}
