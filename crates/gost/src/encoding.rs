//! Conversions between the NCA RK signature layout and the RFC 4491 / RFC 9215 one.

/// NCA RK `r_LE ‖ s_LE` ⇄ RFC 4491 / OpenSSL gost-engine `s_BE ‖ r_BE`: the two layouts are
/// byte reversals of each other (GOST.md §0), so this one function converts both ways.
pub fn reverse_signature_layout(signature: &[u8]) -> Vec<u8> {
    signature.iter().rev().copied().collect()
}
