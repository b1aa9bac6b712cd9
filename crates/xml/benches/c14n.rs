//! Parse + exclusive C14N throughput: a ~4 KB SOAP envelope (SmartBridge-like) and a
//! generated ~10 MB document. Criterion reports bytes/s (MB/s) from the input size.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tanba_xml::c14n::{canonicalize, C14nOptions, NodeSet};
use tanba_xml::{Document, ParseOptions};

/// A writer that only counts, standing in for a digest.
struct Count(usize);
impl std::io::Write for Count {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn envelope() -> String {
    let mut rows = String::new();
    let mut i = 0;
    while rows.len() < 3000 {
        rows.push_str(&format!(
            "        <person id=\"p{i}\"><iin>9001013000{i:02}</iin><name>ТЕСТОВ ТЕСТ</name><note>Өтініш &amp; беру</note></person>\n"
        ));
        i += 1;
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Header/>
  <soap:Body xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" wsu:Id="id-1">
    <sb:SendMessage xmlns:sb="http://bip.bee.kz/SyncChannel/v10/Types">
      <request><requestInfo><messageId>6f1c2d3e-0000-4000-8000-000000000001</messageId><serviceId>GBDFL</serviceId></requestInfo>
      <requestData><data xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Request">
{rows}      </data></requestData></request>
    </sb:SendMessage>
  </soap:Body>
</soap:Envelope>
"#
    )
}

/// A ~10 MB indented document of records (Cyrillic text, attributes, an escaped entity).
pub fn large(target: usize) -> String {
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

fn bench(c: &mut Criterion) {
    let opts = ParseOptions::default();
    let exc = C14nOptions::exclusive();
    for (name, doc) in [("soap_4k", envelope()), ("generated_10mb", large(10 << 20))] {
        let mut g = c.benchmark_group("parse_exc_c14n");
        g.throughput(Throughput::Bytes(doc.len() as u64));
        if doc.len() > 1 << 20 {
            g.sample_size(10);
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                let d = Document::parse(black_box(doc.as_bytes()), &opts).unwrap();
                let mut out = Count(0);
                canonicalize(&d, &exc, &NodeSet::document(), &mut out).unwrap();
                out.0
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
