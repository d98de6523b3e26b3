//! Checks `messages/ja.json` and `messages/en.json` and writes their texts as constants
//! (`$OUT_DIR/texts.rs`, included by `src/lib.rs`): see `inkan-i18n-build`.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    inkan_i18n_build::Messages::new("messages").write();
}
