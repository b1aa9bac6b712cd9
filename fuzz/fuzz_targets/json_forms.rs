//! JSON forms and documents: an application built from JSON (typed forms, attachments,
//! consent) and a result document from JSON. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_egov::BuildContext;

fuzz_target!(|data: &[u8]| {
    let now: tanba_egov::values::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let ctx = BuildContext {
        id: "APP-FUZZ-1".parse().unwrap(),
        now,
        attachments_dir: None,
    };
    let _ = tanba_egov::Application::from_json(data, &ctx);
    let _ = tanba_egov::ResultDocument::from_json(data, now);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = tanba_egov::forms::Form::from_json_value(v, "form");
    }
});
