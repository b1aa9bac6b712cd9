//! Random (version 4) UUIDs for message ids and `wsu:Id` values.

use ring::rand::{SecureRandom, SystemRandom};

/// A fresh random UUID in the canonical lower-case 8-4-4-4-12 form.
///
/// # Panics
/// Never in practice: the operating system random source failing is not recoverable,
/// and ring reports it only on platforms without one.
pub fn new_v4() -> String {
    let mut b = [0u8; 16];
    // An unavailable OS random generator leaves no safe way to continue.
    SystemRandom::new()
        .fill(&mut b)
        .expect("the operating system random generator is unavailable");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Is `s` a UUID in 8-4-4-4-12 hexadecimal form (any case, no braces)?
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_format_and_uniqueness() {
        let a = new_v4();
        let b = new_v4();
        assert!(is_uuid(&a), "{a}");
        assert_ne!(a, b);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert!(!is_uuid("{12345678-1234-1234-1234-123456789012}"));
        assert!(!is_uuid("12345678-1234-1234-1234-12345678901g"));
    }
}
