//! The licensing domain's readers on arbitrary bytes: applications, result documents
//! (licences), GBD FL / UL gateway responses and submission acknowledgements. Never a
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tanba_egov::Application::from_xml(data);
    let _ = tanba_egov::ResultDocument::from_xml(data);
    let _ = tanba_egov::gateway::parse_gbdfl_response(data);
    let _ = tanba_egov::gateway::parse_gbdul_response(data);
    let _ = tanba_egov::submission::parse_acknowledgement(data);
});
