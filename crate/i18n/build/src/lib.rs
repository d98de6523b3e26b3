//! The build-time half of `inkan-i18n`: a crate's `build.rs` calls [`Messages::write`], which
//! reads the crate's `messages/ja.json` and `messages/en.json`, checks them, and writes
//! `$OUT_DIR/texts.rs`: a `texts` module with one item per key, which the crate includes. A
//! text without placeholders becomes an [`inkan_i18n::Texts`] constant (`key.wrong_password`
//! becomes `texts::key::WRONG_PASSWORD`); a text with placeholders becomes a struct whose fields
//! are the placeholders (`key.too_large`, "... {size} bytes, limit {limit}", becomes
//! `texts::key::TooLarge { limit, size }`), with a `render()` that fills an
//! [`inkan_i18n::Template`]: each `{name}` replaced by [`inkan_i18n::ARGUMENT_MARK`] and the
//! name's position among the sorted names.
//!
//! Why structs rather than names passed at run time (`render(&[("size", ...)])`): the compiler
//! checks that every argument is there and spelt right, and the wasm modules carry neither the
//! names (at every call and in every template, twice) nor the code that looked them up.
//!
//! Why constants rather than the files read at run time: each `message()` names the constant it
//! renders, so the linker keeps only the texts a wasm module can show and no JSON reader is
//! linked at all; a key no code renders is a `pub(crate)` constant nobody uses, which the
//! compiler's `dead_code` lint reports; and a file that is wrong (a key in one language only,
//! different placeholders, an empty text, Japanese that is plain ASCII) fails the build with the
//! file and the key named, instead of showing a broken text to a user.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// A crate's message files and what its build script says about them.
pub struct Messages {
    dir: &'static str,
    ascii_japanese: &'static [&'static str],
    cfgs: Vec<(&'static str, &'static str)>,
}

impl Messages {
    /// The files `<dir>/ja.json` and `<dir>/en.json`, relative to the crate's `Cargo.toml`.
    pub fn new(dir: &'static str) -> Self {
        Self { dir, ascii_japanese: &[], cfgs: Vec::new() }
    }

    /// Keys whose Japanese text may be plain ASCII (product names such as "Android"): every
    /// other Japanese text must hold a character that is not ASCII, so that an English text
    /// pasted into `ja.json` fails the build. A listed key that does not exist, or whose text is
    /// not ASCII after all, fails it too, so the list stays true.
    pub fn ascii_japanese(mut self, keys: &'static [&'static str]) -> Self {
        self.ascii_japanese = keys;
        self
    }

    /// Compiles the texts of one area (the part of the key before the dot) only under a `cfg`
    /// predicate, e.g. `("document", r#"feature = "documents""#)`: the code that renders them
    /// exists only then, and without it their constants would be unused.
    pub fn cfg(mut self, area: &'static str, predicate: &'static str) -> Self {
        self.cfgs.push((area, predicate));
        self
    }

    /// Checks the files and writes `$OUT_DIR/texts.rs`, or prints every problem and exits with
    /// status 1, which fails the build. Call it from `build.rs`; include the result with
    /// `include!(concat!(env!("OUT_DIR"), "/texts.rs"));`.
    pub fn write(self) {
        if let Err(problems) = self.try_write() {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            std::process::exit(1);
        }
    }

    fn try_write(&self) -> Result<(), Vec<String>> {
        let env = |name: &str| std::env::var(name).map_err(|e| vec![format!("environment variable {name}: {e}")]);
        let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
        let out = PathBuf::from(env("OUT_DIR")?).join("texts.rs");
        let read = |lang: &str| -> Result<File, Vec<String>> {
            let path = format!("{}/{lang}.json", self.dir);
            println!("cargo:rerun-if-changed={path}");
            let entries = read_flat_object(&manifest_dir.join(&path)).map_err(|e| vec![format!("{path}: {e}")])?;
            Ok((path, entries))
        };
        let ja = read("ja")?;
        let en = read("en")?;
        let texts = self.check(&ja, &en)?;
        let code = self.generate(&texts).map_err(|e| vec![format!("cannot format texts.rs: {e}")])?;
        std::fs::write(&out, code).map_err(|e| vec![format!("cannot write {}: {e}", out.display())])
    }

    /// Every problem of the two files, or the texts by area and constant name.
    fn check(&self, (ja_path, ja): &File, (en_path, en): &File) -> Result<Areas, Vec<String>> {
        let mut problems = Vec::new();
        let mut map = |path: &str, entries: &[(String, String)]| {
            let mut map = BTreeMap::new();
            for (key, text) in entries {
                if map.insert(key.clone(), text.clone()).is_some() {
                    problems.push(format!("{path}: key {key} is there twice"));
                }
                if text.is_empty() {
                    problems.push(format!("{path}: key {key} has an empty text"));
                }
                if text.chars().any(|c| c.is_control() && c != '\n') {
                    problems.push(format!("{path}: key {key} holds a control character other than a line break"));
                }
            }
            map
        };
        let ja_map = map(ja_path, ja);
        let en_map = map(en_path, en);
        let mut areas: Areas = BTreeMap::new();
        for (key, ja_text) in &ja_map {
            let Some(en_text) = en_map.get(key) else {
                problems.push(format!("{ja_path}: key {key} is missing from {en_path}"));
                continue;
            };
            let (ja_names, en_names) = (inkan_i18n::placeholders(ja_text), inkan_i18n::placeholders(en_text));
            if ja_names != en_names {
                problems.push(format!(
                    "{ja_path}, {en_path}: key {key} has placeholders {ja_names:?} in Japanese but {en_names:?} in English"
                ));
            }
            if ja_names.len() > MAX_ARGUMENTS {
                problems.push(format!("{ja_path}: key {key} has more than {MAX_ARGUMENTS} placeholders"));
            }
            for name in ja_names
                .iter()
                .filter(|name| RUST_KEYWORDS.contains(name) || name.starts_with(|c: char| c.is_ascii_digit()))
            {
                problems.push(format!(
                    "{ja_path}: key {key} has the placeholder {{{name}}}, which cannot be a Rust field name"
                ));
            }
            let listed = self.ascii_japanese.contains(&key.as_str());
            if ja_text.is_ascii() && !listed {
                problems.push(format!(
                    "{ja_path}: key {key} has no Japanese text ({ja_text:?} is plain ASCII; list the key in \
                     build.rs's ascii_japanese if that is intended)"
                ));
            } else if listed && !ja_text.is_ascii() {
                problems.push(format!("build.rs: key {key} is listed in ascii_japanese but its text is not ASCII"));
            }
            match constant_path(key) {
                Ok((area, name)) => {
                    let texts = areas.entry(area).or_default();
                    if let Some((other, _, _)) = texts.get(&name) {
                        problems.push(format!("{ja_path}: keys {other} and {key} both become the constant {name}"));
                    }
                    if let Some((_, (other, ..))) = texts.iter().find(|(n, _)| struct_name(n) == struct_name(&name)) {
                        problems.push(format!(
                            "{ja_path}: keys {other} and {key} both become the struct {}",
                            struct_name(&name)
                        ));
                    }
                    texts.insert(name, (key.clone(), ja_text.clone(), en_text.clone()));
                }
                Err(e) => problems.push(format!("{ja_path}: key {key}: {e}")),
            }
        }
        for key in en_map.keys().filter(|k| !ja_map.contains_key(*k)) {
            problems.push(format!("{en_path}: key {key} is missing from {ja_path}"));
        }
        for key in self.ascii_japanese.iter().filter(|k| !ja_map.contains_key(**k)) {
            problems.push(format!("build.rs: key {key} is listed in ascii_japanese but is in no file"));
        }
        for (area, _) in self.cfgs.iter().filter(|(area, _)| !areas.contains_key(*area)) {
            problems.push(format!("build.rs: area {area} has a cfg but no key"));
        }
        if problems.is_empty() { Ok(areas) } else { Err(problems) }
    }

    fn generate(&self, areas: &Areas) -> Result<String, fmt::Error> {
        let mut out = String::new();
        writeln!(out, "// Generated by inkan-i18n-build from {0}/ja.json and {0}/en.json: edit those.", self.dir)?;
        writeln!(out, "/// This crate's texts (`{0}/ja.json`, `{0}/en.json`), one constant per key.", self.dir)?;
        writeln!(out, "pub(crate) mod texts {{")?;
        for (area, texts) in areas {
            writeln!(out, "    /// The `{area}.*` texts.")?;
            if let Some((_, predicate)) = self.cfgs.iter().find(|(a, _)| a == area) {
                writeln!(out, "    #[cfg({predicate})]")?;
            }
            writeln!(out, "    pub(crate) mod {area} {{")?;
            for (name, (key, ja, en)) in texts {
                writeln!(out, "        /// `{key}`: {}", en.replace('\n', " "))?;
                let names: Vec<&str> = inkan_i18n::placeholders(ja).into_iter().collect();
                if names.is_empty() {
                    writeln!(
                        out,
                        "        pub(crate) const {name}: inkan_i18n::Texts = inkan_i18n::Texts {{ ja: {ja:?}, en: {en:?} }};"
                    )?;
                    continue;
                }
                let (ja, en) = (template(ja, &names), template(en, &names));
                let struct_name = struct_name(name);
                writeln!(out, "        pub(crate) struct {struct_name}<'a> {{")?;
                for field in &names {
                    writeln!(out, "            /// `{{{field}}}`")?;
                    writeln!(out, "            pub(crate) {field}: inkan_i18n::Arg<'a>,")?;
                }
                writeln!(out, "        }}")?;
                writeln!(out, "        impl {struct_name}<'_> {{")?;
                writeln!(out, "            /// The message in both languages, the fields filled in.")?;
                // Inlined, so that each call site builds the argument array and calls the one
                // shared Template::fill, as it called Texts::render before: one function per
                // text would cost more than the names this saves.
                writeln!(out, "            #[inline(always)]")?;
                writeln!(out, "            pub(crate) fn render(self) -> inkan_i18n::Message {{")?;
                let fields: Vec<String> = names.iter().map(|f| format!("self.{f}")).collect();
                writeln!(
                    out,
                    "                inkan_i18n::Template {{ ja: {ja:?}, en: {en:?} }}.fill(&[{}])",
                    fields.join(", ")
                )?;
                writeln!(out, "            }}")?;
                writeln!(out, "        }}")?;
            }
            writeln!(out, "    }}")?;
        }
        writeln!(out, "}}")?;
        Ok(out)
    }
}

/// The most placeholders one text may have: a mark's position is one digit.
const MAX_ARGUMENTS: usize = 10;

/// The text with each `{name}` (of `names`, sorted) replaced by the argument mark and the
/// name's position as one digit; any other `{...}` stays as it is.
fn template(text: &str, names: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let position = after
            .find('}')
            .and_then(|close| names.iter().position(|name| *name == &after[..close]).map(|p| (close, p)));
        match position {
            Some((close, position)) => {
                out.push(inkan_i18n::ARGUMENT_MARK);
                out.push(char::from(b'0' + position as u8));
                rest = &after[close + 1..];
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

/// The struct a text with placeholders becomes: `TOO_LARGE` -> `TooLarge`.
fn struct_name(constant: &str) -> String {
    constant
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_string() + &chars.as_str().to_ascii_lowercase()).unwrap_or_default()
        })
        .collect()
}

/// One file's path and its entries in file order.
type File = (String, Vec<(String, String)>);
/// Area (module) -> constant name -> (key, Japanese, English).
type Areas = BTreeMap<String, BTreeMap<String, (String, String, String)>>;

/// The module and constant a key becomes: `field.commonName` -> (`field`, `COMMON_NAME`).
fn constant_path(key: &str) -> Result<(String, String), String> {
    let (area, name) = key.split_once('.').ok_or("a key is <area>.<name>, with one dot")?;
    let lower_ident = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if !lower_ident(area) || RUST_KEYWORDS.contains(&area) {
        return Err(format!("the area {area:?} is not a lowercase Rust module name"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!("the name {name:?} is not letters, digits and _ starting with a letter"));
    }
    let mut constant = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            constant.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        constant.push(c.to_ascii_uppercase());
    }
    Ok((area.to_owned(), constant))
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "try", "type", "unsafe", "use", "where", "while", "yield",
];

/// A flat JSON object of strings, in file order and with duplicates kept (a map would hide a
/// key written twice).
fn read_flat_object(path: &Path) -> Result<Vec<(String, String)>, String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let mut de = serde_json::Deserializer::from_str(&source);
    let entries = serde::Deserializer::deserialize_map(&mut de, FlatObject)
        .map_err(|e| format!("not a flat JSON object of strings: {e}"))?;
    de.end().map_err(|e| format!("trailing data: {e}"))?;
    Ok(entries)
}

struct FlatObject;

impl<'de> serde::de::Visitor<'de> for FlatObject {
    type Value = Vec<(String, String)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object from key to text")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, String>()? {
            entries.push(entry);
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, entries: &[(&str, &str)]) -> File {
        (path.to_owned(), entries.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn keys_become_modules_and_upper_snake_constants() {
        assert_eq!(constant_path("key.wrong_password"), Ok(("key".into(), "WRONG_PASSWORD".into())));
        assert_eq!(constant_path("field.commonName"), Ok(("field".into(), "COMMON_NAME".into())));
        assert_eq!(constant_path("platform.openssl_1_1"), Ok(("platform".into(), "OPENSSL_1_1".into())));
        for bad in ["nodot", "a.b.c", "Key.x", "type.x", "key.1x", "key.x-y"] {
            assert!(constant_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_problem_names_its_file_and_key() {
        let messages = Messages::new("messages").ascii_japanese(&["p.android", "p.gone"]).cfg("d", "test");
        let ja = file(
            "messages/ja.json",
            &[
                ("a.x", "{n}個"),
                ("a.x", "二度"),
                ("a.only_ja", "日本語"),
                ("a.ascii", "Hello"),
                ("p.android", "Android"),
            ],
        );
        let en = file(
            "messages/en.json",
            &[("a.x", "{m} items"), ("a.only_en", "x"), ("a.ascii", ""), ("p.android", "Android")],
        );
        let problems = messages.check(&ja, &en).err().unwrap_or_default();
        let expected = [
            "messages/ja.json: key a.x is there twice",
            "messages/en.json: key a.ascii has an empty text",
            "messages/ja.json: key a.only_ja is missing from messages/en.json",
            "key a.x has placeholders {} in Japanese but {\"m\"} in English",
            "messages/ja.json: key a.ascii has no Japanese text",
            "messages/en.json: key a.only_en is missing from messages/ja.json",
            "build.rs: key p.gone is listed in ascii_japanese but is in no file",
            "build.rs: area d has a cfg but no key",
        ];
        for want in expected {
            assert!(problems.iter().any(|p| p.contains(want)), "{want} not in {problems:#?}");
        }
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    }

    #[test]
    fn sound_files_become_a_constant_or_a_struct_per_key_with_escaped_literals() {
        let messages = Messages::new("messages").cfg("d", r#"feature = "x""#);
        let ja = file("ja.json", &[("d.quote", "「{v}」\"\\\n{w}{ x }"), ("a.b", "日本")]);
        let en = file("en.json", &[("d.quote", "{w} \"{v}\""), ("a.b", "Japan")]);
        let areas = messages.check(&ja, &en).expect("sound");
        let code = messages.generate(&areas).expect("formats");
        assert!(code.contains("pub(crate) mod texts {"), "{code}");
        assert!(code.contains("#[cfg(feature = \"x\")]\n    pub(crate) mod d {"), "{code}");
        assert!(code.contains("pub(crate) struct Quote<'a> {"), "{code}");
        assert!(code.contains("pub(crate) v: inkan_i18n::Arg<'a>,"), "{code}");
        assert!(
            code.contains(
                r#"inkan_i18n::Template { ja: "「\u{1}0」\"\\\n\u{1}1{ x }", en: "\u{1}1 \"\u{1}0\"" }.fill(&[self.v, self.w])"#
            ),
            "{code}"
        );
        assert!(
            code.contains(r#"const B: inkan_i18n::Texts = inkan_i18n::Texts { ja: "日本", en: "Japan" };"#),
            "{code}"
        );
    }

    #[test]
    fn placeholders_that_cannot_be_fields_and_control_characters_fail() {
        let messages = Messages::new("messages");
        let ja = file("ja.json", &[("a.kw", "{type}です"), ("a.ctl", "鐘\u{7}")]);
        let en = file("en.json", &[("a.kw", "is {type}"), ("a.ctl", "bell")]);
        let problems = messages.check(&ja, &en).err().unwrap_or_default();
        assert!(problems.iter().any(|p| p.contains("key a.kw has the placeholder {type}")), "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("key a.ctl holds a control character")), "{problems:#?}");
        let many: String = (0..11).map(|i| format!("{{p{i}}}")).collect();
        let problems =
            messages.check(&file("ja.json", &[("a.m", &format!("多{many}"))]), &file("en.json", &[("a.m", &many)]));
        assert!(problems.err().unwrap_or_default().iter().any(|p| p.contains("more than 10 placeholders")));
    }

    #[test]
    fn templates_number_the_sorted_names_and_structs_are_camel_case() {
        assert_eq!(template("{size} of {limit} {size} {x}", &["limit", "size"]), "\u{1}1 of \u{1}0 \u{1}1 {x}");
        assert_eq!(struct_name("TOO_LARGE"), "TooLarge");
        assert_eq!(struct_name("OPENSSL_1_1"), "Openssl11");
    }

    #[test]
    fn the_reader_keeps_duplicates_and_refuses_what_is_not_flat() {
        let dir = std::env::temp_dir().join(format!("inkan-i18n-build-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let at = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write");
            path
        };
        let entries = read_flat_object(&at("dup.json", r#"{"a": "1", "a": "\u00e9"}"#)).expect("reads");
        assert_eq!(entries, vec![("a".into(), "1".into()), ("a".into(), "é".into())]);
        for (name, bad) in [("n.json", r#"{"a": 1}"#), ("t.json", r#"{"a": "b"} x"#), ("l.json", "[]")] {
            assert!(read_flat_object(&at(name, bad)).is_err(), "{bad}");
        }
        assert!(read_flat_object(&dir.join("missing.json")).is_err());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
