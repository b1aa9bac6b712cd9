//! Verify one CMS (attached) N times in-process and print the time per verification —
//! the tanba side of `crates/cms/benches/compare_openssl.sh`.
//!
//! ```sh
//! cargo run --release -p tanba-cms --example verify_loop -- FILE.p7s 2000
//! ```

use tanba_cms::{read, verify, Content, Limits};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args.next().ok_or("usage: verify_loop FILE [N]")?;
    let n: u32 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let cms = std::fs::read(file)?;
    let policy = Default::default();
    let start = std::time::Instant::now();
    for _ in 0..n {
        let parsed = read(&cms, &Limits::default())?;
        let v = verify(&parsed, Content::Attached, &[], &policy)?;
        if !v.all_verified() {
            return Err("the CMS does not verify".into());
        }
    }
    println!("{:.2}", start.elapsed().as_secs_f64() * 1e6 / f64::from(n));
    Ok(())
}
