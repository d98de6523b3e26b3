//! The PEM reader every text input goes through, and the text sniffing before it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = inkan::pem::looks_like_text(data);
    for block in inkan::pem::find_blocks(data) {
        // What we read must write back to the same bytes.
        let again = inkan::pem::encode(&block.label, &block.der);
        let round = inkan::pem::find_blocks(again.as_bytes());
        assert_eq!(round.len(), 1, "re-encoded block not found again");
        assert_eq!(round[0].der, block.der, "PEM round trip changed the bytes");
    }
});
