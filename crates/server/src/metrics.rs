//! Counters and latency histograms for `GET /metrics` (Prometheus text format).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

/// Upper bounds (seconds) of the latency histogram buckets.
const BOUNDS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BOUNDS.len()],
    sum: f64,
    count: u64,
}

#[derive(Debug, Default)]
struct Tables {
    requests: BTreeMap<(String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    verdicts: BTreeMap<&'static str, u64>,
}

/// The service's counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    next_id: AtomicU64,
    in_flight: AtomicI64,
    refused: AtomicU64,
    tsa_requests: AtomicU64,
    tsa_failures: AtomicU64,
    tsa_micros: AtomicU64,
    tables: Mutex<Tables>,
}

impl Metrics {
    /// A request starts: its id.
    pub fn begin(&self) -> u64 {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A request ended on `route` with `status` after `seconds`.
    pub fn end(&self, route: &str, status: u16, seconds: f64) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let mut t = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        *t.requests.entry((route.to_string(), status)).or_default() += 1;
        let h = t.latency.entry(route.to_string()).or_default();
        for (i, b) in BOUNDS.iter().enumerate() {
            if seconds <= *b {
                h.buckets[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// A request refused by the concurrency limit.
    pub fn refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// A time-stamp request answered (`ok`) or not, after `took`.
    pub fn tsa(&self, ok: bool, took: std::time::Duration) {
        self.tsa_requests.fetch_add(1, Ordering::Relaxed);
        if !ok {
            self.tsa_failures.fetch_add(1, Ordering::Relaxed);
        }
        self.tsa_micros.fetch_add(
            took.as_micros().min(u128::from(u64::MAX)) as u64,
            Ordering::Relaxed,
        );
    }

    /// A verdict given (by its ETSI indication name).
    pub fn verdict(&self, indication: &'static str) {
        let mut t = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        *t.verdicts.entry(indication).or_default() += 1;
    }

    /// The Prometheus text, with the CRL figures of `crls` and the revocation engine's
    /// network counters.
    pub fn render(&self, crls: &[tanba_pki::CrlFreshness], net: tanba_pki::EngineStats) -> String {
        let t = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        let mut o = String::new();
        let _ = writeln!(
            o,
            "# HELP tanba_requests_total Requests answered, by route and status."
        );
        let _ = writeln!(o, "# TYPE tanba_requests_total counter");
        for ((route, status), n) in &t.requests {
            let _ = writeln!(
                o,
                "tanba_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                label(route)
            );
        }
        let _ = writeln!(
            o,
            "# HELP tanba_request_duration_seconds Request latency, by route."
        );
        let _ = writeln!(o, "# TYPE tanba_request_duration_seconds histogram");
        for (route, h) in &t.latency {
            let r = label(route);
            for (i, b) in BOUNDS.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "tanba_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {}",
                    h.buckets[i]
                );
            }
            let _ = writeln!(
                o,
                "tanba_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                o,
                "tanba_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                o,
                "tanba_request_duration_seconds_count{{route=\"{r}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(
            o,
            "# HELP tanba_verdicts_total Verdicts given, by ETSI indication."
        );
        let _ = writeln!(o, "# TYPE tanba_verdicts_total counter");
        for (v, n) in &t.verdicts {
            let _ = writeln!(o, "tanba_verdicts_total{{indication=\"{v}\"}} {n}");
        }
        let _ = writeln!(
            o,
            "# HELP tanba_requests_in_flight Requests being worked on."
        );
        let _ = writeln!(o, "# TYPE tanba_requests_in_flight gauge");
        let _ = writeln!(
            o,
            "tanba_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            o,
            "# HELP tanba_requests_refused_total Requests refused by the concurrency limit."
        );
        let _ = writeln!(o, "# TYPE tanba_requests_refused_total counter");
        let _ = writeln!(
            o,
            "tanba_requests_refused_total {}",
            self.refused.load(Ordering::Relaxed)
        );
        let outbound = [
            (
                "ocsp",
                net.ocsp_requests,
                net.ocsp_failures,
                net.ocsp_micros,
            ),
            ("crl", net.crl_downloads, net.crl_failures, net.crl_micros),
            (
                "tsa",
                self.tsa_requests.load(Ordering::Relaxed),
                self.tsa_failures.load(Ordering::Relaxed),
                self.tsa_micros.load(Ordering::Relaxed),
            ),
        ];
        let _ = writeln!(o, "# HELP tanba_outbound_requests_total Requests to OCSP responders, CRL servers and the TSA.");
        let _ = writeln!(o, "# TYPE tanba_outbound_requests_total counter");
        for (kind, n, _, _) in outbound {
            let _ = writeln!(o, "tanba_outbound_requests_total{{kind=\"{kind}\"}} {n}");
        }
        let _ = writeln!(
            o,
            "# HELP tanba_outbound_failures_total Of those, without a usable answer."
        );
        let _ = writeln!(o, "# TYPE tanba_outbound_failures_total counter");
        for (kind, _, f, _) in outbound {
            let _ = writeln!(o, "tanba_outbound_failures_total{{kind=\"{kind}\"}} {f}");
        }
        let _ = writeln!(
            o,
            "# HELP tanba_outbound_seconds_total Time spent on those requests."
        );
        let _ = writeln!(o, "# TYPE tanba_outbound_seconds_total counter");
        for (kind, _, _, micros) in outbound {
            let _ = writeln!(
                o,
                "tanba_outbound_seconds_total{{kind=\"{kind}\"}} {}",
                micros as f64 / 1e6
            );
        }
        let _ = writeln!(
            o,
            "# HELP tanba_crl_age_seconds Seconds since the CRL's thisUpdate."
        );
        let _ = writeln!(o, "# TYPE tanba_crl_age_seconds gauge");
        for c in crls {
            let _ = writeln!(
                o,
                "tanba_crl_age_seconds{{source=\"{}\",issuer=\"{}\",delta=\"{}\"}} {}",
                label(&c.source),
                label(&c.issuer),
                c.delta,
                c.age_seconds
            );
        }
        let _ = writeln!(
            o,
            "# HELP tanba_crl_next_update_timestamp_seconds The CRL's nextUpdate (Unix time)."
        );
        let _ = writeln!(o, "# TYPE tanba_crl_next_update_timestamp_seconds gauge");
        for c in crls {
            let next = c.next_update.as_deref().and_then(|n| {
                time::OffsetDateTime::parse(n, &time::format_description::well_known::Rfc3339).ok()
            });
            if let Some(n) = next {
                let _ = writeln!(
                    o,
                    "tanba_crl_next_update_timestamp_seconds{{source=\"{}\",issuer=\"{}\",delta=\"{}\"}} {}",
                    label(&c.source),
                    label(&c.issuer),
                    c.delta,
                    n.unix_timestamp()
                );
            }
        }
        let _ = writeln!(o, "# HELP tanba_crl_entries Entries a held CRL lists.");
        let _ = writeln!(o, "# TYPE tanba_crl_entries gauge");
        for c in crls {
            let _ = writeln!(
                o,
                "tanba_crl_entries{{source=\"{}\",delta=\"{}\"}} {}",
                label(&c.source),
                c.delta,
                c.entries
            );
        }
        o
    }
}

/// A label value escaped for the text format.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
