//! `/openapi.json` and the router do not drift apart: every route served is documented
//! with its method, and nothing undocumented is served.

mod support;

use support::*;
use tanba_server::ServerConfig;

#[test]
fn every_route_is_documented_and_every_documented_route_is_served() {
    let s = start(nca_test_trust(), ServerConfig::default());
    let (code, text) = get(&s, "/openapi.json");
    assert_eq!(code, 200);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in tanba_server::ROUTES {
        let op = &paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is served but not documented"))
            [method.to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "{method} {path} is served but not documented"
        );
        assert!(
            op["responses"].is_object(),
            "{method} {path} documents no response"
        );
    }
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            assert!(
                tanba_server::ROUTES
                    .iter()
                    .any(|(m, p)| p == path && m.eq_ignore_ascii_case(method)),
                "{method} {path} is documented but not in ROUTES"
            );
            // and the router answers it (not the 404 fallback)
            let r = match method.as_str() {
                "get" => ureq::get(&s.url(path)).call(),
                _ => ureq::post(&s.url(path))
                    .set("Content-Type", "application/json")
                    .send_string("{}"),
            };
            let code = match r {
                Ok(r) => r.status(),
                Err(ureq::Error::Status(c, _)) => c,
                Err(e) => panic!("{path}: {e}"),
            };
            assert_ne!(code, 404, "{method} {path} is documented but not routed");
            assert_ne!(code, 405, "{method} {path} is documented but not routed");
        }
    }
    // the native report schema is the core's own contract, references resolved here
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("Report_report"));
    assert!(
        !text.contains("#/$defs/"),
        "every report $ref points into components"
    );
    let refs: Vec<&str> = text
        .match_indices("#/components/schemas/")
        .map(|(i, _)| {
            let rest = &text[i + "#/components/schemas/".len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    for r in refs {
        assert!(schemas.contains_key(r), "dangling $ref to {r}");
    }
}
