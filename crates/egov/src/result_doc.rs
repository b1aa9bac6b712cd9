//! The `Result` document: what a service provider issues — a licence, permit, conclusion,
//! certificate, act, or a refusal — certified with the EDS of an authorised employee.

use crate::values::ValueError;
use serde::{Deserialize, Serialize};
use tanba_xml::{Document, ParseOptions};

use crate::application::{read_tax_id, write_tax_id};
use crate::error::EgovError;
use crate::values::{Code, Date, Digits12, TaxId, Text, Timestamp};
use crate::xml_in::{schema_err, Elems};
use crate::xml_out::XmlOut;

/// What kind of result was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultKind {
    /// A licence.
    Licence,
    /// A permit.
    Permit,
    /// A conclusion.
    Conclusion,
    /// A certificate (document, not X.509).
    Certificate,
    /// An act.
    Act,
    /// A reasoned refusal.
    Refusal,
}

impl ResultKind {
    /// Lower-case name as used in XML and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultKind::Licence => "licence",
            ResultKind::Permit => "permit",
            ResultKind::Conclusion => "conclusion",
            ResultKind::Certificate => "certificate",
            ResultKind::Act => "act",
            ResultKind::Refusal => "refusal",
        }
    }
}

impl std::str::FromStr for ResultKind {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Ok(match s {
            "licence" => ResultKind::Licence,
            "permit" => ResultKind::Permit,
            "conclusion" => ResultKind::Conclusion,
            "certificate" => ResultKind::Certificate,
            "act" => ResultKind::Act,
            "refusal" => ResultKind::Refusal,
            _ => {
                return Err(ValueError::new(format!(
                    "expected licence, permit, conclusion, certificate, act or refusal, got {s:?}"
                )))
            }
        })
    }
}

impl std::fmt::Display for ResultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Validity of the result: from a date, until a date or indefinitely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultValidity {
    /// First day of validity.
    pub from: Date,
    /// Last day (inclusive); `None` = indefinite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// To whom the result was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    /// IIN or BIN of the holder.
    pub id: TaxId,
    /// Name of the holder.
    pub name: Text,
}

/// The state body that issued the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuingBody {
    /// Its name.
    pub name: Text,
    /// Its BIN — the signer's certificate must carry the same BIN.
    pub bin: Digits12,
}

/// The decision: text and, for licences, the sub-types of activity covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Decision text (required for refusals: the grounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    /// Licence sub-types (sub-kinds of activity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_types: Vec<Text>,
}

/// An issued result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultDocument {
    /// Kind of result.
    pub kind: ResultKind,
    /// Number / unique id of the result.
    pub number: Code,
    /// Date of issue.
    pub issue_date: Date,
    /// Exact time of issue; also the signing time the verifier checks the certificate at.
    pub issued_at: Timestamp,
    /// Validity (absent for refusals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity: Option<ResultValidity>,
    /// The holder.
    pub holder: Holder,
    /// The issuing body.
    pub issuing_body: IssuingBody,
    /// The service code.
    pub service_code: Code,
    /// The application this result answers.
    pub application_id: Code,
    /// The decision.
    #[serde(default)]
    pub decision: Decision,
}

impl ResultDocument {
    /// Cross-field checks: validity runs forwards, refusals carry grounds and no validity,
    /// the issue time falls on the issue date (in its own offset).
    pub fn validate(&self) -> Result<(), EgovError> {
        if let Some(v) = &self.validity {
            if let Some(u) = v.until {
                if u < v.from {
                    return Err(EgovError::invalid(
                        "validity.until",
                        format!("{u} is before validity.from {}", v.from),
                    ));
                }
            }
        }
        if self.kind == ResultKind::Refusal {
            if self.decision.text.is_none() {
                return Err(EgovError::invalid(
                    "decision.text",
                    "a refusal states its grounds",
                ));
            }
            if self.validity.is_some() {
                return Err(EgovError::invalid(
                    "validity",
                    "a refusal has no validity period",
                ));
            }
        }
        if self.issued_at.to_offset_date_time().date() != self.issue_date.to_date() {
            return Err(EgovError::invalid(
                "issued_at",
                format!(
                    "{} does not fall on issue_date {}",
                    self.issued_at, self.issue_date
                ),
            ));
        }
        Ok(())
    }

    /// The compact XML form (namespace [`crate::NAMESPACE`], root `Result`).
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = XmlOut::new("Result", crate::NAMESPACE);
        w.leaf("Kind", self.kind)
            .leaf("Number", &self.number)
            .leaf("IssueDate", self.issue_date)
            .leaf("IssuedAt", self.issued_at);
        if let Some(v) = &self.validity {
            w.start("Validity")
                .leaf("From", v.from)
                .opt_leaf("Until", v.until.as_ref())
                .end();
        }
        w.start("Holder");
        write_tax_id(&mut w, &self.holder.id);
        w.leaf("Name", &self.holder.name).end();
        w.start("IssuingBody")
            .leaf("Name", &self.issuing_body.name)
            .leaf("Bin", &self.issuing_body.bin)
            .end();
        w.leaf("ServiceCode", &self.service_code);
        w.leaf("ApplicationId", &self.application_id);
        w.start("Decision");
        w.opt_leaf("Text", self.decision.text.as_ref());
        for s in &self.decision.sub_types {
            w.leaf("SubType", s);
        }
        w.end();
        w.finish()
    }

    /// Parse a result document (trailing `ds:Signature` elements allowed and ignored —
    /// for data you rely on, use [`crate::verify_result`], which reads only signed nodes).
    pub fn from_xml(bytes: &[u8]) -> Result<Self, EgovError> {
        let doc = Document::parse(bytes, &ParseOptions::default())?;
        Self::from_document(&doc)
    }

    /// Read a result from a parsed document.
    pub fn from_document(doc: &Document) -> Result<Self, EgovError> {
        let root = doc.root_element();
        let mut e = Elems::root(doc, "Result")?;
        let ns = crate::NAMESPACE;
        let kind = e.req_val("Kind")?;
        let number = e.req_val("Number")?;
        let issue_date = e.req_val("IssueDate")?;
        let issued_at = e.req_val("IssuedAt")?;
        let validity = match e.opt_elems("Validity")? {
            None => None,
            Some(mut s) => {
                let v = ResultValidity {
                    from: s.req_val("From")?,
                    until: s.opt_val("Until")?,
                };
                s.end(false)?;
                Some(v)
            }
        };
        let mut s = e.req_elems("Holder")?;
        let holder = Holder {
            id: read_tax_id(&mut s)?,
            name: s.req_val("Name")?,
        };
        s.end(false)?;
        let mut s = e.req_elems("IssuingBody")?;
        let issuing_body = IssuingBody {
            name: s.req_val("Name")?,
            bin: s.req_val("Bin")?,
        };
        s.end(false)?;
        let service_code = e.req_val("ServiceCode")?;
        let application_id = e.req_val("ApplicationId")?;
        let (n, p) = e.req("Decision")?;
        let mut s = Elems::new(doc, ns, n, p.clone())?;
        let text = s.opt_val("Text")?;
        let mut sub_types = Vec::new();
        for (sn, sp) in s.many("SubType") {
            sub_types.push(crate::xml_in::value(doc, sn, &sp)?);
        }
        s.end(false)?;
        e.end(true)?;
        let r = ResultDocument {
            kind,
            number,
            issue_date,
            issued_at,
            validity,
            holder,
            issuing_body,
            service_code,
            application_id,
            decision: Decision { text, sub_types },
        };
        r.validate()
            .map_err(|err| schema_err(doc, root, "Result", err.to_string()))?;
        Ok(r)
    }

    /// Parse from JSON (all fields as in the struct; `issued_at` defaults to `now`,
    /// `issue_date` to the date of `issued_at`), validated; errors name the field.
    pub fn from_json(bytes: &[u8], now: Timestamp) -> Result<Self, EgovError> {
        let mut v = crate::json::parse_value(bytes)?;
        if let serde_json::Value::Object(m) = &mut v {
            let at = match m.get("issued_at") {
                Some(serde_json::Value::String(s)) => s.parse::<Timestamp>().unwrap_or(now),
                _ => now,
            };
            m.entry("issued_at")
                .or_insert_with(|| serde_json::Value::String(now.to_string()));
            m.entry("issue_date").or_insert_with(|| {
                serde_json::Value::String(
                    Date::from_date(at.to_offset_date_time().date()).to_string(),
                )
            });
        }
        let r: ResultDocument = crate::json::from_value(v, "")?;
        r.validate()?;
        Ok(r)
    }
}
