//! Sign a file as a detached CMS with the generated test PKI's key, then verify it.
//!
//! ```sh
//! cargo run -p tanba-cms --example sign_and_verify -- FILE
//! ```

use tanba_cms::{read, sign, verify, Content, Limits, SignOptions, ToSign};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args()
        .nth(1)
        .ok_or("usage: sign_and_verify FILE")?;
    let content = std::fs::read(&file)?;
    let key = tanba_testdata::read(&tanba_testdata::own("pki/keys/individual.key.pem"));
    let cert = tanba_testdata::read(&tanba_testdata::own("pki/certs/individual.pem"));
    let signer = tanba_keys::Keystore::from_pkcs8(&key, None, &cert)?
        .signer(&tanba_keys::KeySelector::Single)?;
    let options = SignOptions {
        detached: true,
        ..Default::default()
    };
    let cms = sign(ToSign::Content(&content), &signer, &options)?;
    println!("{} bytes of detached CMS over {file}", cms.len());
    let facts = verify(
        &read(&cms, &Limits::default())?,
        Content::Detached(&content),
        &[],
        &Default::default(),
    )?;
    for s in &facts.signers {
        for f in &s.facts {
            println!(
                "signer #{}: {} {:?}: {}",
                s.index, f.name, f.outcome, f.detail
            );
        }
    }
    println!("all verified: {}", facts.all_verified());
    Ok(())
}
