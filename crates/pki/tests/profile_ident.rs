//! IIN/BIN: every worked example of KZ-PKI.md §2.3, policies, and a cross-check of random
//! numbers against the independent Python oracle `docs/tools/kzid.py`.

use std::process::Command;

use tanba_pki::{Bin, BinAttribute, BinEntityType, IdError, IdKind, IdPolicy, Iin, Sex};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Checksum and structure fine.
    Valid,
    /// Checksum fails.
    Checksum(Option<u8>),
    /// Checksum fine, structure impossible.
    Structure,
}

/// (number, expected verdict) — the IIN rows of KZ-PKI.md §2.3.
const IIN_EXAMPLES: &[(&str, Expect)] = &[
    ("900101300007", Expect::Valid),
    ("051231600017", Expect::Valid),
    ("000229500177", Expect::Valid),
    ("830717350867", Expect::Valid),
    ("061211600012", Expect::Valid),
    ("791028302728", Expect::Valid),
    ("000813159890", Expect::Checksum(None)),
    ("900101300008", Expect::Checksum(Some(7))),
    ("901301300007", Expect::Structure),
    ("900101700002", Expect::Structure),
    ("123456789011", Expect::Checksum(Some(3))),
    ("123456789012", Expect::Checksum(Some(3))),
    ("123456789013", Expect::Structure),
];

/// The BIN rows of KZ-PKI.md §2.3.
const BIN_EXAMPLES: &[(&str, Expect)] = &[
    ("940140000385", Expect::Valid),
    ("950341000052", Expect::Valid),
    ("070941024691", Expect::Valid),
    ("961141000023", Expect::Valid),
    ("161140016747", Expect::Valid),
    ("141040004756", Expect::Valid),
    ("980440001946", Expect::Valid),
    ("230341026076", Expect::Valid),
    ("050440000012", Expect::Valid),
    ("050441000018", Expect::Valid),
    ("050470000016", Expect::Structure),
    ("123456789021", Expect::Checksum(Some(5))),
];

fn verdict_iin(i: &Iin) -> Expect {
    match i.check(IdPolicy::Strict) {
        Ok(()) => Expect::Valid,
        Err(IdError::Checksum { expected, .. }) => Expect::Checksum(expected),
        Err(IdError::Structure { .. }) => Expect::Structure,
        Err(e) => panic!("unexpected error {e}"),
    }
}

fn verdict_bin(b: &Bin) -> Expect {
    match b.check(IdPolicy::Strict) {
        Ok(()) => Expect::Valid,
        Err(IdError::Checksum { expected, .. }) => Expect::Checksum(expected),
        Err(IdError::Structure { .. }) => Expect::Structure,
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn iin_worked_examples() {
    for (n, want) in IIN_EXAMPLES {
        let iin = Iin::parse(n).unwrap();
        assert_eq!(verdict_iin(&iin), *want, "IIN {n}");
        // ChecksumOnly accepts exactly those whose checksum holds.
        let checksum_ok = !matches!(want, Expect::Checksum(_));
        assert_eq!(
            iin.check(IdPolicy::ChecksumOnly).is_ok(),
            checksum_ok,
            "IIN {n}"
        );
        assert_eq!(iin.checksum_valid(), checksum_ok, "IIN {n}");
        // The test policy accepts any well-formed number.
        assert!(iin.check(IdPolicy::AcceptTestIds).is_ok(), "IIN {n}");
    }
}

#[test]
fn bin_worked_examples() {
    for (n, want) in BIN_EXAMPLES {
        let bin = Bin::parse(n).unwrap();
        assert_eq!(verdict_bin(&bin), *want, "BIN {n}");
        let checksum_ok = !matches!(want, Expect::Checksum(_));
        assert_eq!(
            bin.check(IdPolicy::ChecksumOnly).is_ok(),
            checksum_ok,
            "BIN {n}"
        );
        assert!(bin.check(IdPolicy::AcceptTestIds).is_ok(), "BIN {n}");
    }
}

#[test]
fn default_policy_is_checksum_only() {
    assert_eq!(IdPolicy::default(), IdPolicy::ChecksumOnly);
}

#[test]
fn iin_decoding() {
    let d = Iin::parse("900101300007").unwrap().decode().unwrap();
    assert_eq!(d.birth_date.to_string(), "1990-01-01");
    assert_eq!(d.sex, Sex::Male);
    assert_eq!(d.century, 20);
    let d = Iin::parse("051231600017").unwrap().decode().unwrap();
    assert_eq!(d.birth_date.to_string(), "2005-12-31");
    assert_eq!(d.century, 21);
    assert_eq!(d.sex, Sex::Female);
    let d = Iin::parse("000229500177").unwrap().decode().unwrap();
    assert_eq!(d.birth_date.to_string(), "2000-02-29");
    // 19th century: digit 1/2.
    let d = Iin::parse("850615200000").unwrap().decode().unwrap();
    assert_eq!(d.birth_date.to_string(), "1885-06-15");
    assert_eq!(d.century, 19);
    assert_eq!(d.sex, Sex::Female);
    // 1900 is not a leap year: 000229 with century digit 3 does not exist.
    let e = Iin::parse("000229300000").unwrap().decode().unwrap_err();
    assert!(e.to_string().contains("1900-02-29 does not exist"), "{e}");
    // The NCA test IIN: month 34 and century digit 7.
    let e = Iin::parse("123456789011").unwrap().decode().unwrap_err();
    assert!(e.to_string().contains("7th digit"), "{e}");
    let e = Iin::parse("901301300007").unwrap().decode().unwrap_err();
    assert!(e.to_string().contains("month 13"), "{e}");
}

#[test]
fn bin_decoding() {
    let d = Bin::parse("230341026076").unwrap().decode().unwrap();
    assert_eq!(d.registration_year_2d, 23);
    assert_eq!(d.registration_month, 3);
    assert_eq!(d.entity_type, BinEntityType::ResidentLegalEntity);
    assert_eq!(d.attribute, BinAttribute::Branch);
    let d = Bin::parse("940140000385").unwrap().decode().unwrap();
    assert_eq!((d.registration_year_2d, d.registration_month), (94, 1));
    assert_eq!(d.attribute, BinAttribute::HeadOffice);
    let d = Bin::parse("070941024691").unwrap().decode().unwrap();
    assert_eq!(d.attribute, BinAttribute::Branch);
    let e = Bin::parse("050470000016").unwrap().decode().unwrap_err();
    assert!(e.to_string().contains("entity type) is 7"), "{e}");
    // NCA test BIN: month 34 is reported first.
    let e = Bin::parse("123456789021").unwrap().decode().unwrap_err();
    assert!(e.to_string().contains("month 34"), "{e}");
}

#[test]
fn format_errors() {
    for bad in [
        "03124000544",   // 11 digits (typo in the OID registry)
        "1234567890123", // 13 digits
        "",
        "12345678901a",
        " 23456789011",
        "１23456789011", // full-width digit
        "IIN123456789011",
    ] {
        match Iin::parse(bad) {
            Err(IdError::Format { kind, .. }) => assert_eq!(kind, IdKind::Iin),
            other => panic!("{bad:?} -> {other:?}"),
        }
        assert!(matches!(
            Bin::parse(bad),
            Err(IdError::Format {
                kind: IdKind::Bin,
                ..
            })
        ));
    }
}

#[test]
fn error_messages_name_the_problem() {
    let e = Iin::parse("900101300008")
        .unwrap()
        .check(IdPolicy::Strict)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "IIN 900101300008 fails the national checksum: control digit should be 7, is 8"
    );
    let e = Iin::parse("000813159890")
        .unwrap()
        .check(IdPolicy::ChecksumOnly)
        .unwrap_err();
    assert!(e.to_string().contains("remainder 10 in both passes"), "{e}");
}

#[test]
fn nca_test_identifiers_are_flagged() {
    assert!(Iin::parse("123456789011").unwrap().is_nca_test_identifier());
    assert!(Iin::parse("123456789012").unwrap().is_nca_test_identifier());
    assert!(Bin::parse("123456789021").unwrap().is_nca_test_identifier());
    assert!(!Iin::parse("900101300007").unwrap().is_nca_test_identifier());
}

/// Deterministic xorshift so the batch is reproducible.
fn numbers(count: usize) -> Vec<String> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut s = String::with_capacity(12);
        for _ in 0..12 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push(char::from(b'0' + (x % 10) as u8));
        }
        out.push(s);
    }
    out
}

/// Cross-check checksum verdicts against `python3 ../shared/docs/tools/kzid.py`, an
/// independent implementation.
#[test]
fn checksum_agrees_with_kzid_py_oracle() {
    let script = tanba_testdata::shared_testdata().join("../docs/tools/kzid.py");
    assert!(script.is_file(), "oracle missing: {}", script.display());
    let mut batch = numbers(400);
    // Make sure valid numbers are well represented: fix the control digit of half.
    for (i, n) in batch.iter_mut().enumerate().filter(|(i, _)| i % 2 == 0) {
        let iin = Iin::parse(n).unwrap();
        if let Some(c) = iin.expected_control_digit() {
            n.replace_range(11..12, &c.to_string());
        } else {
            let _ = i;
        }
    }
    batch.extend(IIN_EXAMPLES.iter().map(|(n, _)| (*n).to_owned()));
    batch.extend(BIN_EXAMPLES.iter().map(|(n, _)| (*n).to_owned()));
    let out = Command::new("python3")
        .arg(&script)
        .args(&batch)
        .output()
        .unwrap_or_else(|e| panic!("python3 is required for the IIN/BIN oracle test: {e}"));
    assert!(
        out.status.success(),
        "kzid.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let verdicts: Vec<&str> = text.lines().filter(|l| l.contains(" -> ")).collect();
    assert_eq!(verdicts.len(), batch.len());
    let mut valid = 0;
    for (n, line) in batch.iter().zip(verdicts) {
        let (num, verdict) = line.split_once(" -> ").unwrap();
        assert_eq!(num, n);
        let oracle_valid = verdict == "VALID";
        let iin = Iin::parse(n).unwrap();
        let bin = Bin::parse(n).unwrap();
        assert_eq!(
            iin.checksum_valid(),
            oracle_valid,
            "{n}: oracle says {verdict}"
        );
        assert_eq!(
            bin.checksum_valid(),
            oracle_valid,
            "{n}: oracle says {verdict}"
        );
        if verdict.starts_with("INVALID (expected ") {
            let digit: u8 = verdict["INVALID (expected ".len()..verdict.len() - 1]
                .parse()
                .unwrap();
            assert_eq!(iin.expected_control_digit(), Some(digit), "{n}");
        }
        if verdict.contains("prefix unusable") {
            assert_eq!(iin.expected_control_digit(), None, "{n}");
        }
        valid += usize::from(oracle_valid);
    }
    assert!(valid > 150, "too few valid numbers in the batch ({valid})");
}
