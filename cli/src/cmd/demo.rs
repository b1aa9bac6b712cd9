//! `tanba demo` — the main job end to end on the bundled test PKI (`testdata/pki`): an
//! import-licence application is built, checked, signed, wrapped in a SendMessage
//! envelope with the transport signature, verified on both layers; a licence is issued
//! and signed by the provider, and verified as a third party would.

use std::path::PathBuf;

use tanba_crypto::KeySigner;
use tanba_egov::{
    application_envelope, presign_check, sign_application, sign_result, sign_transport,
    verify_result, verify_submission, Application, BuildContext, CertChecker, Decision, Holder,
    IssuingBody, ResultDocument, ResultKind, ResultValidity, ResultVerifyOptions, Timestamp,
};
use tanba_keys::{KeySelector, Keystore};
use time::macros::datetime;

use crate::error::CliError;
use crate::io::write_file_atomic;

macro_rules! testdata {
    ($rel:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/", $rel)).as_slice()
    };
}

const ROOT: &[u8] = testdata!("pki/certs/root.pem");
const CA: &[u8] = testdata!("pki/certs/ca.pem");
const CRL: &[u8] = testdata!("pki/crl/ca.crl");
const DELTA_CRL: &[u8] = testdata!("pki/crl/ca_delta.crl");
const APPLICANT_KEY: &[u8] = testdata!("pki/keys/individual.key.pem");
const APPLICANT_CERT: &[u8] = testdata!("pki/certs/individual.pem");
const PORTAL_KEY: &[u8] = testdata!("pki/keys/head.key.pem");
const PORTAL_CERT: &[u8] = testdata!("pki/certs/head.pem");
const PROVIDER_KEY: &[u8] = testdata!("pki/keys/employee.key.pem");
const PROVIDER_CERT: &[u8] = testdata!("pki/certs/employee.pem");
const FORM: &[u8] = testdata!("examples/import-licence.json");

/// Arguments of `tanba demo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba demo
  tanba demo --out demo/ && tanba licence verify demo/licence.xml --trust demo/trust.pem --no-revocation

Runs on the generated test PKI bundled with tanba (testdata/pki: public test keys, never
trust them), with a fixed demo clock (2026-05-20, when the test CRLs are current):
  1. build an import-licence application (testdata/examples/import-licence.json) for the
     individual entrepreneur ИВАНОВ ИВАН (IIN 900101300007);
  2. pre-sign checks of his certificate (chain, validity, revocation by CRL + delta CRL,
     SIGN key usage, IIN = the applicant's);
  3. sign it (enveloped XMLDSig, Kalkan profile);
  4. wrap it in a SmartBridge SendMessage envelope;
  5. add the WS-Security transport signature (key of ТОО \"ТАНБА ТЕСТ\");
  6. verify both signatures and both signers, as the receiving system would;
  7. issue a licence and sign it as the provider (ПЕТРОВ ПЕТР, an employee of the issuing
     body, BIN 050440000012);
  8. verify the licence as a third party.
With --out DIR: application.xml, envelope.xml, licence.xml and trust.pem (the test root
and its issuing CA) are written there.
Exit codes: 0 every step succeeded, 1 a check failed, 2 cannot write --out.")]
pub struct Args {
    /// Leave application.xml, envelope.xml, licence.xml and trust.pem in this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn signer(key: &[u8], cert: &[u8]) -> Result<KeySigner, CliError> {
    let mut chain = cert.to_vec();
    chain.extend_from_slice(CA);
    Keystore::from_pkcs8(key, None, &chain)
        .and_then(|k| k.signer(&KeySelector::Single))
        .map_err(|e| CliError::input(format!("bundled test key: {e}")))
}

fn step(n: usize, text: &str) {
    crate::io::outln!("{n}. {text}");
}

fn fail(step: &str, e: impl std::fmt::Display) -> CliError {
    CliError::check_failed(format!("demo step '{step}' failed: {e}"))
}

/// Run the demo.
pub fn run(args: &Args) -> Result<(), CliError> {
    let now = datetime!(2026-05-20 10:00 +05:00);
    let mut checker = CertChecker::new().at(now);
    let bad = |e: tanba_egov::EgovError| CliError::input(format!("bundled test data: {e}"));
    checker.add_trust(ROOT).map_err(bad)?;
    checker.add_trust(CA).map_err(bad)?;
    checker.add_crl(CRL).map_err(bad)?;
    checker.add_crl(DELTA_CRL).map_err(bad)?;

    // 1. Build.
    let mut form: serde_json::Value =
        serde_json::from_slice(FORM).map_err(|e| CliError::input(format!("bundled form: {e}")))?;
    form["applicant"] = serde_json::json!({
        "kind": "individual-entrepreneur", "id": {"iin": "900101300007"}, "name": "ЖК ИВАНОВ ИВАН"
    });
    form["form"]["applicant"] = "ЖК ИВАНОВ ИВАН, Алматы".into();
    form["form"]["authorised_person"] = "ИВАНОВ ИВАН ИВАНОВИЧ".into();
    let ctx = BuildContext {
        id: "APP-DEMO-2026-0001"
            .parse()
            .map_err(|e: tanba_egov::values::ValueError| CliError::input(e.to_string()))?,
        now: Timestamp::from_offset_date_time(now),
        attachments_dir: None,
    };
    let form_bytes = serde_json::to_vec(&form).map_err(|e| CliError::input(e.to_string()))?;
    let app = Application::from_json(&form_bytes, &ctx).map_err(bad)?;
    let app_xml = app.to_xml();
    step(1, "build the import-licence application");
    crate::io::outln!(
        "   {} — service {} ({}), applicant {} {}, {} bytes of XML (schema urn:tanba:egov:1)",
        app.id,
        app.service.code,
        app.service.name,
        app.applicant.id,
        app.applicant.name,
        app_xml.len()
    );

    // 2. Pre-sign checks.
    let applicant = signer(APPLICANT_KEY, APPLICANT_CERT)?;
    let chain = tanba_crypto::Signer::certificate_chain(&applicant);
    let report =
        presign_check(&app, &chain[0], chain, &checker).map_err(|e| fail("pre-sign checks", e))?;
    step(
        2,
        "pre-sign checks of the applicant's certificate (seed 004 L153)",
    );
    for c in &report.checks {
        crate::io::outln!(
            "   [{:?}] {}: {}",
            c.outcome,
            tanba_egov::signing::check_kind_name(c.kind),
            c.detail
        );
    }

    // 3. Sign.
    let signed =
        sign_application(&app_xml, &applicant, &checker, None).map_err(|e| fail("sign", e))?;
    step(
        3,
        "sign the application (enveloped XMLDSig, Kalkan profile)",
    );
    crate::io::outln!("   signed by {}", signed.signer.describe());

    // 4. Envelope.
    let envelope = application_envelope(
        &signed.xml,
        "ELICENSE_APPLICATION_SYNC",
        "tanba-demo-portal",
        None,
        Some(now),
    )
    .map_err(|e| fail("envelope", e))?;
    step(
        4,
        "wrap it in a SmartBridge SyncChannel SendMessage (application as xs:string)",
    );
    crate::io::outln!("   {} bytes", envelope.len());

    // 5. Transport signature.
    let portal = signer(PORTAL_KEY, PORTAL_CERT)?;
    let envelope =
        sign_transport(envelope.as_bytes(), &portal).map_err(|e| fail("transport signature", e))?;
    step(5, "add the WS-Security transport signature");
    if let Some(s) =
        tanba_egov::SignerInfo::from_der(&tanba_crypto::Signer::certificate_chain(&portal)[0])
    {
        crate::io::outln!("   by {}", s.describe());
    }

    // 6. Verify both layers.
    let sub =
        verify_submission(&envelope, &checker).map_err(|e| fail("verify the submission", e))?;
    step(6, "verify both signatures, as the receiving system would");
    if let Some(t) = &sub.transport.signer {
        crate::io::outln!("   transport signature: valid, signer {}", t.describe());
    }
    for s in &sub.application.signers {
        crate::io::outln!(
            "   {:?} signature: valid, signer {}",
            s.role,
            s.signer.describe()
        );
    }
    if !sub.valid {
        return Err(fail("verify the submission", sub.failures.join("; ")));
    }

    // 7. Issue and sign a licence.
    let received = sub
        .application
        .application
        .as_ref()
        .ok_or_else(|| fail("verify the submission", "no signed application"))?;
    let licence = issue_licence(received)?;
    let provider = signer(PROVIDER_KEY, PROVIDER_CERT)?;
    let licence_xml = sign_result(&licence.to_xml(), &provider, &checker)
        .map_err(|e| fail("issue the licence", e))?;
    step(7, "issue the licence and sign it as the provider");
    crate::io::outln!(
        "   {} {} for {} — signed by {}",
        licence.kind,
        licence.number,
        licence.holder.name,
        licence_xml.signer.describe()
    );

    // 8. Verify as a third party (certificate judged at the issue time in the document).
    let mut third = CertChecker::new();
    third.add_trust(ROOT).map_err(bad)?;
    third.add_trust(CA).map_err(bad)?;
    third.add_crl(CRL).map_err(bad)?;
    third.add_crl(DELTA_CRL).map_err(bad)?;
    let v = verify_result(&licence_xml.xml, &third, &ResultVerifyOptions::default())
        .map_err(|e| fail("verify the licence", e))?;
    step(8, "verify the licence as a third party");
    for c in &v.checks {
        crate::io::outln!(
            "   [{}] {}: {}",
            if c.ok { "ok" } else { "FAILED" },
            c.name,
            c.detail
        );
    }
    if !v.valid {
        return Err(fail("verify the licence", "see the failed checks above"));
    }

    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?;
        let mut trust = ROOT.to_vec();
        trust.extend_from_slice(CA);
        write_file_atomic(&dir.join("application.xml"), &signed.xml)?;
        write_file_atomic(&dir.join("envelope.xml"), &envelope)?;
        write_file_atomic(&dir.join("licence.xml"), &licence_xml.xml)?;
        write_file_atomic(&dir.join("trust.pem"), &trust)?;
        crate::io::outln!(
            "wrote application.xml, envelope.xml, licence.xml, trust.pem to {}\n  try: tanba licence verify {} --trust {} --no-revocation",
            dir.display(),
            dir.join("licence.xml").display(),
            dir.join("trust.pem").display()
        );
    }
    crate::io::outln!("demo: every step succeeded");
    Ok(())
}

fn p<T: std::str::FromStr<Err = tanba_egov::values::ValueError>>(s: &str) -> Result<T, CliError> {
    s.parse().map_err(CliError::input)
}

fn issue_licence(app: &Application) -> Result<ResultDocument, CliError> {
    let (from, until) = match &app.form {
        tanba_egov::Form::ImportExportLicence(f) => (f.validity.from, Some(f.validity.to)),
        _ => (p("01.06.2026")?, None),
    };
    let issued_at = datetime!(2026-05-25 15:20 +05:00);
    Ok(ResultDocument {
        kind: ResultKind::Licence,
        number: p("KZ26VEI00012345")?,
        issue_date: tanba_egov::Date::from_date(issued_at.date()),
        issued_at: Timestamp::from_offset_date_time(issued_at),
        validity: Some(ResultValidity { from, until }),
        holder: Holder {
            id: app.applicant.id.clone(),
            name: app.applicant.name.clone(),
        },
        issuing_body: IssuingBody {
            name: p("ТОО \"ТАНБА ТЕСТ\" (issuing body of the demo)")?,
            bin: p("050440000012")?,
        },
        service_code: app.service.code.clone(),
        application_id: app.id.clone(),
        decision: Decision {
            text: Some(p("Лицензия берілді / Licence granted")?),
            sub_types: vec![p("Шифрлау құралдарының импорты")?],
        },
    })
}
