//! `GET /openapi.json`: the OpenAPI 3.1 document, generated from the request and
//! response types and the handlers' annotations (utoipa, at build time, nothing
//! downloaded). The native report's schema is the verification core's own contract,
//! `crates/validate/schema/report.schema.json`, embedded under `components/schemas`.

use std::borrow::Cow;

use serde_json::Value;
use utoipa::openapi::{RefOr, Schema};
use utoipa::OpenApi;

use crate::{compat, native, ops};

/// The verification core's report (`tanba_validate::DocumentReport`); its schema is
/// put in place from `report.schema.json` by [`document`].
pub(crate) struct DocumentReport;

impl utoipa::PartialSchema for DocumentReport {
    fn schema() -> RefOr<Schema> {
        utoipa::openapi::ObjectBuilder::new().into()
    }
}

impl utoipa::ToSchema for DocumentReport {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DocumentReport")
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tanba serve",
        description = "Electronic signatures for Kazakhstan's e-government: the NCANode 3.x-compatible API (tag ncanode) and the native API (tag native). Every error answers NCANode's shape {status, message}.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        compat::xml_sign,
        compat::xml_verify,
        compat::wsse_sign,
        compat::wsse_verify,
        compat::cms_sign,
        compat::cms_sign_add,
        compat::cms_verify,
        compat::cms_extract,
        compat::pkcs12_info,
        compat::pkcs12_aliases,
        compat::x509_info,
        compat::x509_verify,
        compat::not_provided,
        native::verify,
        native::validate_certificate,
        native::batch_verify,
        native::sign_xml,
        native::sign_cms,
        ops::trust,
        ops::actuator_health,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        serve,
    )
)]
struct ApiDoc;

/// The whole document, the report schema in place.
pub(crate) fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    // the not-provided routes share one description
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        if let Some(item) = paths.get("/pdf/sign").cloned() {
            for p in ["/pdf/verify", "/jwt/encode", "/jwt/decode"] {
                paths.insert(p.into(), item.clone());
            }
        }
    }
    let report: Value =
        serde_json::from_str(include_str!("../../validate/schema/report.schema.json"))
            .unwrap_or(Value::Null);
    if let (Some(schemas), Some(defs)) = (
        doc.pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut),
        report.get("$defs").and_then(Value::as_object),
    ) {
        for (name, def) in defs {
            let mut def = def.clone();
            rewrite_refs(&mut def);
            schemas.insert(format!("Report_{name}"), def);
        }
        schemas.insert(
            "DocumentReport".into(),
            serde_json::json!({"$ref": "#/components/schemas/Report_report"}),
        );
    }
    doc
}

/// `#/$defs/x` → `#/components/schemas/Report_x`.
fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "$ref" {
                    if let Some(r) = x.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                        *x = Value::String(format!("#/components/schemas/Report_{r}"));
                    }
                } else {
                    rewrite_refs(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "this document (OpenAPI 3.1)", body = Object)))]
pub(crate) async fn serve() -> axum::Json<Value> {
    axum::Json(document())
}
