//! The service forms an [`crate::Application`] carries: the typed import/export licence
//! application (seed `002_…` L241–364), the typed qualification-conformity form (seed
//! `003_…` L189–227), and a generic key/value form for other services.

mod generic;
mod import_export;
mod qualification;

pub use generic::{GenericField, GenericForm, GenericSection};
pub use import_export::{Commodity, Contract, ImportExportLicenceForm, LicenceType, Period};
pub use qualification::{
    Equipment, InstrumentCertificate, MeasuringInstrument, Premises, QualificationConformityForm,
    StandardDocument, TestedSample,
};

use serde::Serialize;

use crate::error::EgovError;
use crate::xml_in::{schema_err, Elems};
use crate::xml_out::XmlOut;

/// The form data of one application. In JSON: an object with `"type"` set to
/// `import_export_licence`, `qualification_conformity` or `generic`, and the form's fields.
// One form per document, built once: boxing the big variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Form {
    /// Licence for the import or export of particular goods.
    ImportExportLicence(ImportExportLicenceForm),
    /// Conformity with qualification requirements (State Flag / Emblem manufacture).
    QualificationConformity(QualificationConformityForm),
    /// Any other service: titled sections of key/value fields.
    Generic(GenericForm),
}

impl Form {
    /// The `"type"` value naming this kind of form.
    pub fn type_name(&self) -> &'static str {
        match self {
            Form::ImportExportLicence(_) => "import_export_licence",
            Form::QualificationConformity(_) => "qualification_conformity",
            Form::Generic(_) => "generic",
        }
    }

    /// Cross-field checks (dates in order, amounts not negative, …). Field paths in the
    /// errors are relative to the form (`validity.to`); callers prefix them.
    pub fn validate(&self) -> Result<(), EgovError> {
        match self {
            Form::ImportExportLicence(f) => f.validate(),
            Form::QualificationConformity(f) => f.validate(),
            Form::Generic(f) => f.validate(),
        }
    }

    /// Parse a form from JSON (`"type"` plus fields); errors name the field path under
    /// `prefix` (e.g. `form.contract.date`).
    pub fn from_json_value(value: serde_json::Value, prefix: &str) -> Result<Form, EgovError> {
        let serde_json::Value::Object(mut map) = value else {
            return Err(EgovError::invalid(
                prefix,
                "expected an object with a \"type\"",
            ));
        };
        let ty = match map.remove("type") {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                return Err(EgovError::invalid(
                    format!("{prefix}.type"),
                    "expected a string",
                ))
            }
            None => {
                return Err(EgovError::invalid(
                    format!("{prefix}.type"),
                    "missing (import_export_licence, qualification_conformity or generic)",
                ))
            }
        };
        let body = serde_json::Value::Object(map);
        let form = match ty.as_str() {
            "import_export_licence" => Form::ImportExportLicence(crate::json::from_value(body, prefix)?),
            "qualification_conformity" => Form::QualificationConformity(crate::json::from_value(body, prefix)?),
            "generic" => Form::Generic(crate::json::from_value(body, prefix)?),
            other => {
                return Err(EgovError::invalid(
                    format!("{prefix}.type"),
                    format!(
                        "unknown form type {other:?} (import_export_licence, qualification_conformity or generic)"
                    ),
                ))
            }
        };
        form.validate().map_err(|e| e.within(prefix))?;
        Ok(form)
    }

    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("Form");
        match self {
            Form::ImportExportLicence(f) => f.write(w),
            Form::QualificationConformity(f) => f.write(w),
            Form::Generic(f) => f.write(w),
        }
        w.end();
    }

    pub(crate) fn read(e: &mut Elems<'_>) -> Result<Form, EgovError> {
        let (n, path) = e.req("Form")?;
        let doc = e.doc();
        let mut inner = Elems::new(doc, crate::NAMESPACE, n, path.clone())?;
        let form = match inner.peek_local() {
            Some("ImportExportLicence") => Form::ImportExportLicence(
                ImportExportLicenceForm::read(inner.req_elems("ImportExportLicence")?)?,
            ),
            Some("QualificationConformity") => Form::QualificationConformity(
                QualificationConformityForm::read(inner.req_elems("QualificationConformity")?)?,
            ),
            Some("GenericForm") => {
                Form::Generic(GenericForm::read(inner.req_elems("GenericForm")?)?)
            }
            _ => {
                return Err(schema_err(
                    doc,
                    n,
                    &path,
                    "expected ImportExportLicence, QualificationConformity or GenericForm",
                ))
            }
        };
        inner.end(false)?;
        form.validate().map_err(|err| match err {
            EgovError::Invalid { field, message } => {
                schema_err(doc, n, &path, format!("{field}: {message}"))
            }
            other => other,
        })?;
        Ok(form)
    }
}
