//! The PEM reader every text input goes through, and the text sniffing before it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = inkan::looks_like_text(data);
    for block in inkan::find_pem_blocks(data) {
        // What we read must write back to the same bytes.
        let again = inkan::encode_pem(&block.label, &block.der);
        let round = inkan::find_pem_blocks(again.as_bytes());
        assert_eq!(round.len(), 1, "re-encoded block not found again");
        assert_eq!(round[0].der, block.der, "PEM round trip changed the bytes");
    }
});
