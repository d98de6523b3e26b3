//! One key's texts in both languages: [`Texts`] without arguments, [`Template`] with arguments
//! filled in at marks the build put where the `{name}` placeholders were.

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

/// A number's decimal text, written out here. Not through `Display` or `to_string()`: those
/// are one formatter per integer width (`<u64 as Display>::fmt` alone is ~0.3 KB), and a wasm
/// module that formats no other number of that width would carry it only for its messages.
#[inline(never)]
fn number_text(negative: bool, mut n: u64) -> Arg<'static> {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut text = String::new();
    if negative {
        text.push('-');
    }
    text.extend(digits[start..].iter().map(|&digit| char::from(digit)));
    Arg::Text(Cow::Owned(text))
}

macro_rules! arg_from_number {
    ($($t:ty),*; $($signed:ty),*) => {
        $(
            impl From<$t> for Arg<'static> {
                fn from(n: $t) -> Self {
                    number_text(false, n as u64)
                }
            }
            impl From<&$t> for Arg<'static> {
                fn from(n: &$t) -> Self {
                    number_text(false, *n as u64)
                }
            }
        )*
        $(
            impl From<$signed> for Arg<'static> {
                fn from(n: $signed) -> Self {
                    number_text(n < 0, n.unsigned_abs() as u64)
                }
            }
            impl From<&$signed> for Arg<'static> {
                fn from(n: &$signed) -> Self {
                    number_text(*n < 0, n.unsigned_abs() as u64)
                }
            }
        )*
    };
}
arg_from_number!(u8, u16, u32, u64, usize; i8, i16, i32, i64, isize);

/// A text without placeholders in Japanese and English, as the crate's `build.rs` generated it
/// from its `messages/ja.json` and `en.json` (see `inkan-i18n-build`):
/// `texts::key::WRONG_PASSWORD`. A text with `{placeholders}` becomes a struct instead, whose
/// fields are its arguments ([`Template`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Texts {
    /// The Japanese text.
    pub ja: &'static str,
    /// The English text.
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

    /// The text in one language.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }

    /// The message in both languages.
    pub fn render(&self) -> Message {
        Message::new(self.ja, self.en)
    }
}

/// Where an argument goes in a [`Template`]: this character, then the argument's position as
/// one ASCII digit. The build refuses texts holding control characters, so it cannot clash.
pub const ARGUMENT_MARK: char = '\u{1}';

/// A text with arguments in both languages, as `inkan-i18n-build` wrote it: each `{name}` is
/// replaced by [`ARGUMENT_MARK`] and the position of `name` among the text's placeholder
/// names, sorted. The build generates one struct per such text, whose fields are the
/// placeholders (`texts::key::TooLarge { size, limit }`), so the compiler checks every
/// argument's name and presence, and neither the names nor a `{name}` parser reach the binary:
/// the struct's `render()` calls [`Template::fill`] with the fields in that order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    /// The Japanese text, with argument marks.
    pub ja: &'static str,
    /// The English text, with the same argument marks.
    pub en: &'static str,
}

impl Template {
    /// The message in both languages, argument marks replaced by `args` (in the order of the
    /// placeholder names, sorted). Generated code calls it; never panics: a mark without an
    /// argument is left out.
    pub fn fill(&self, args: &[Arg<'_>]) -> Message {
        Message::new(fill_in(self.ja, Lang::Ja, args), fill_in(self.en, Lang::En, args))
    }
}

fn fill_in(template: &str, lang: Lang, args: &[Arg<'_>]) -> String {
    // The mark is ASCII, so where its byte is found is a char boundary, and so is the position
    // digit after it: an index loop over the bytes, the pieces cut with `get`. Not str::split
    // (its char searcher brings a memchr, ~0.7 KB, into each wasm module), str::from_utf8
    // (~0.75 KB) or an iterator's position() (which opt-level "z" keeps in memory, ~0.3 KB).
    let bytes = template.as_bytes();
    let mut out = String::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == ARGUMENT_MARK as u8 {
            out.push_str(template.get(start..i).unwrap_or_default());
            let arg = bytes.get(i + 1).and_then(|digit| args.get(usize::from(digit.wrapping_sub(b'0'))));
            out.push_str(arg.map_or("", |arg| arg.text(lang)));
            i += 2;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push_str(template.get(start..).unwrap_or_default());
    out
}

impl Arg<'_> {
    /// The argument's text in one language.
    fn text(&self, lang: Lang) -> &str {
        match self {
            Arg::Text(text) => text,
            Arg::Texts(texts) => texts.get(lang),
            Arg::Message(m) => match lang {
                Lang::Ja => &m.ja,
                Lang::En => &m.en,
            },
        }
    }
}

/// What is wrong with one rendered message (`code` names it in the answer): it holds a
/// `{placeholder}` or an argument mark (a template rendered without filling it, or an argument
/// that is itself such a text), its Japanese is plain ASCII, or (with `en_ascii`) its English is
/// not printable ASCII. `None` when it is fine. For the crates' tests, which
/// render every variant.
pub fn check_rendered(code: &str, message: &Message, en_ascii: bool) -> Option<String> {
    let unfilled = |text: &str| !placeholders(text).is_empty() || text.contains(ARGUMENT_MARK);
    let problem = if unfilled(&message.ja) || unfilled(&message.en) {
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

    /// As the build writes `{size}` and `{limit}`: `limit` is argument 0, `size` argument 1.
    const SIZE: Template = Template {
        ja: "大きすぎます(\u{1}1 バイト、上限 \u{1}0)。",
        en: "Too large (\u{1}1 bytes, limit \u{1}0).",
    };
    const FIELD: Template = Template { ja: "\u{1}0を入力", en: "Fill in \u{1}0." };
    const NAME: Texts = Texts { ja: "氏名", en: "name" };

    #[test]
    fn fills_argument_marks_per_language() {
        let m = SIZE.fill(&[2u64.into(), 3usize.into()]);
        assert_eq!(m, Message::new("大きすぎます(3 バイト、上限 2)。", "Too large (3 bytes, limit 2)."));
        assert_eq!(FIELD.fill(&[NAME.into()]), Message::new("氏名を入力", "Fill in name."));
        let m = FIELD.fill(&[Message::new("一覧", "list").into()]);
        assert_eq!(m, Message::new("一覧を入力", "Fill in list."));
        let braces = Template { ja: "{ x }{", en: "{X} {}" };
        assert_eq!(braces.fill(&["1".into()]), Message::new("{ x }{", "{X} {}"));
        assert_eq!(check_rendered("k", &NAME.render(), true), None);
    }

    #[test]
    fn a_mark_without_its_argument_is_left_out_and_a_cut_mark_ends_the_text() {
        let m = SIZE.fill(&["1".into()]);
        assert_eq!(m, Message::new("大きすぎます( バイト、上限 1)。", "Too large ( bytes, limit 1)."));
        let cut = Template { ja: "終\u{1}", en: "end \u{1}" };
        assert_eq!(cut.fill(&["x".into()]), Message::new("終", "end "));
    }

    #[test]
    fn the_check_names_what_is_wrong() {
        let m = Message::new("上限 {limit}", "limit {limit}");
        assert!(check_rendered("k", &m, true).is_some_and(|p| p.starts_with("k still holds a {placeholder}")));
        let m = Message::new("上限 \u{1}0", "limit");
        assert!(check_rendered("k", &m, true).is_some_and(|p| p.starts_with("k still holds a {placeholder}")));
        assert!(check_rendered("k", &Message::new("name", "name"), true).is_some());
        assert!(check_rendered("k", &Message::new("名", "é"), true).is_some());
        assert_eq!(check_rendered("k", &Message::new("名", "é"), false), None);
    }

    #[test]
    fn numbers_are_their_decimal_text() {
        let text = |arg: Arg<'_>| arg.text(Lang::En).to_owned();
        assert_eq!(text(0u8.into()), "0");
        assert_eq!(text(u64::MAX.into()), "18446744073709551615");
        assert_eq!(text(i64::MIN.into()), "-9223372036854775808");
        assert_eq!(text((-42i32).into()), "-42");
        assert_eq!(text((&2048usize).into()), "2048");
        assert_eq!(text((&-7isize).into()), "-7");
    }

    #[test]
    fn placeholders_are_lowercase_names_in_braces() {
        assert_eq!(placeholders("{a} {b_2} {a} { x } {X} {}").into_iter().collect::<Vec<_>>(), vec!["a", "b_2"]);
    }
}
