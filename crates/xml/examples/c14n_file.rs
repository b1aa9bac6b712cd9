//! Canonicalize a file (exclusive C14N, whole document) to stdout or count the bytes.
//!
//! ```sh
//! cargo run --release -p tanba-xml --example c14n_file -- doc.xml            # to stdout
//! cargo run --release -p tanba-xml --example c14n_file -- doc.xml --count    # byte count only
//! cargo run --release -p tanba-xml --example c14n_file -- --generate 10 big.xml
//! ```
//! With `--count`, it is what the benchmark measures (used with `/usr/bin/time -v` for
//! peak memory).

use std::io::Write;

use tanba_xml::c14n::{canonicalize, C14nOptions, NodeSet};
use tanba_xml::{Document, ParseOptions};

struct Count(usize);
impl Write for Count {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--generate") {
        let mb: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
        let path = args.get(2).expect("--generate MB FILE");
        std::fs::write(path, generate(mb << 20)).expect("write");
        return;
    }
    let Some(path) = args.first() else {
        eprintln!("usage: c14n_file FILE [--count] | --generate MB FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let t = std::time::Instant::now();
    let doc = match Document::parse_vec(bytes, &ParseOptions::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}:{e}");
            std::process::exit(2);
        }
    };
    let opts = C14nOptions::exclusive();
    if args.iter().any(|a| a == "--count") {
        let mut c = Count(0);
        canonicalize(&doc, &opts, &NodeSet::document(), &mut c).expect("canonicalize");
        let secs = t.elapsed().as_secs_f64();
        let mb = doc.source().len() as f64 / 1e6;
        eprintln!(
            "{} input bytes, {} canonical bytes, {} nodes, {:.1} ms, {:.0} MB/s",
            doc.source().len(),
            c.0,
            doc.node_count(),
            secs * 1e3,
            mb / secs
        );
    } else {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        canonicalize(&doc, &opts, &NodeSet::document(), &mut lock).expect("canonicalize");
    }
}

fn generate(target: usize) -> String {
    let mut s = String::with_capacity(target + 1024);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<app:Registry xmlns:app=\"urn:tanba:example:registry\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
    let mut i = 0u64;
    while s.len() < target {
        s.push_str(&format!(
            "  <app:Record Id=\"r{i}\" status=\"active\">\n    <app:Iin>{:012}</app:Iin>\n    <app:Name>ТЕСТОВ ТЕСТ ТЕСТОВИЧ</app:Name>\n    <app:Address city=\"Астана\">пр. Мәңгілік Ел, {i} &amp; корп. 2</app:Address>\n    <app:Amount currency=\"KZT\">{}.50</app:Amount>\n  </app:Record>\n",
            900101300000u64 + i,
            i * 37
        ));
        i += 1;
    }
    s.push_str("</app:Registry>\n");
    s
}
