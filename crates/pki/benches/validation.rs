//! Benchmarks for CRL loading/lookup and chain validation (being written).
fn main() {}
