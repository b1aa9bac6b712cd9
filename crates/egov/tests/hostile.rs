//! Hostile input: random bytes and random mutations of valid documents never panic; a
//! mutated signed licence is either rejected or, when the change was outside the signed
//! content (e.g. base64 line breaks), reports exactly the original data.

mod common;

use common::*;
use proptest::prelude::*;
use tanba_egov::{sign_result, verify_result, Application, ResultVerifyOptions};

fn app_xml() -> Vec<u8> {
    import_app(ivanov()).to_xml()
}

fn signed_licence() -> (Vec<u8>, tanba_egov::ResultDocument) {
    let r = licence("050440000012", "900101300007");
    (
        sign_result(&r.to_xml(), &signer("employee"), &checker())
            .unwrap()
            .xml,
        r,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Application::from_xml(&bytes);
        let _ = tanba_egov::ResultDocument::from_xml(&bytes);
        let _ = Application::from_json(&bytes, &ctx());
    }

    #[test]
    fn mutated_applications_parse_or_fail_cleanly(pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let mut xml = app_xml();
        let i = pos.index(xml.len());
        if cut { xml.truncate(i) } else { xml[i] = byte }
        if let Ok(app) = Application::from_xml(&xml) {
            // Whatever was accepted is a valid application that survives a round trip.
            prop_assert_eq!(Application::from_xml(&app.to_xml()).unwrap(), app);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn mutated_signed_licence_never_reports_other_data(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (mut xml, original) = signed_licence();
        let i = pos.index(xml.len());
        xml[i] = byte;
        if let Ok(v) = verify_result(&xml, &checker(), &ResultVerifyOptions::default()) {
            if v.valid {
                prop_assert_eq!(v.result.unwrap(), original);
            } else {
                prop_assert!(v.checks.iter().any(|c| !c.ok));
            }
        }
    }
}
