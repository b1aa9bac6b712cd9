//! The `Application` document: what an applicant (or an operator on their behalf) signs.

use crate::values::ValueError;
use serde::{Deserialize, Serialize};
use tanba_xml::{Document, ParseOptions};

use crate::attachment::Attachment;
use crate::error::EgovError;
use crate::forms::Form;
use crate::values::{
    Code, CurrencyCode, Date, Decimal, Digits12, TaxId, TaxIdKind, Text, Timestamp,
};
use crate::xml_in::{attr, schema_err, Elems};
use crate::xml_out::XmlOut;

/// The consent line of the forms (seed `002_…` L285): consent to the use of legally
/// protected secret information contained in digital systems.
pub const CONSENT_TEXT_KK: &str =
    "Цифрлық жүйелерде қамтылған, заңмен қорғалатын құпияны құрайтын мәліметтерді пайдалануға келісемін";

/// The state service applied for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Service code (from the register of state services).
    pub code: Code,
    /// Service name.
    pub name: Text,
}

/// Who applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApplicantKind {
    /// A natural person (identified by IIN).
    Individual,
    /// A legal entity (identified by BIN).
    LegalEntity,
    /// An individual entrepreneur (identified by the owner's IIN).
    IndividualEntrepreneur,
}

impl ApplicantKind {
    /// `individual`, `legal-entity` or `individual-entrepreneur`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantKind::Individual => "individual",
            ApplicantKind::LegalEntity => "legal-entity",
            ApplicantKind::IndividualEntrepreneur => "individual-entrepreneur",
        }
    }
}

impl std::str::FromStr for ApplicantKind {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "individual" => Ok(ApplicantKind::Individual),
            "legal-entity" => Ok(ApplicantKind::LegalEntity),
            "individual-entrepreneur" => Ok(ApplicantKind::IndividualEntrepreneur),
            _ => Err(ValueError::new(format!(
                "expected individual, legal-entity or individual-entrepreneur, got {s:?}"
            ))),
        }
    }
}

/// The applicant: kind, IIN or BIN, name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Individual, legal entity or individual entrepreneur.
    pub kind: ApplicantKind,
    /// IIN (individuals, entrepreneurs) or BIN (legal entities).
    pub id: TaxId,
    /// Full name or organisation name.
    pub name: Text,
}

impl Applicant {
    /// A legal entity is identified by a BIN; individuals and entrepreneurs by an IIN.
    pub fn validate(&self) -> Result<(), EgovError> {
        let want = match self.kind {
            ApplicantKind::LegalEntity => TaxIdKind::Bin,
            _ => TaxIdKind::Iin,
        };
        if self.id.kind() != want {
            return Err(EgovError::invalid(
                "id",
                format!(
                    "a {} applicant is identified by a {want}, got a {}",
                    self.kind.as_str(),
                    self.id.kind()
                ),
            ));
        }
        Ok(())
    }
}

/// How a power of attorney was certified (seed `000_…` L73–75).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerOfAttorneyKind {
    /// Certified by a notary: its details are entered (and checked with the notarial system).
    Notarial,
    /// Certified otherwise: its details are not entered.
    Other,
}

impl std::str::FromStr for PowerOfAttorneyKind {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "notarial" => Ok(PowerOfAttorneyKind::Notarial),
            "other" => Ok(PowerOfAttorneyKind::Other),
            _ => Err(ValueError::new(format!(
                "expected notarial or other, got {s:?}"
            ))),
        }
    }
}

/// A power of attorney. Details are given for notarial ones only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerOfAttorney {
    /// Notarial or other.
    pub kind: PowerOfAttorneyKind,
    /// Registration number (notarial only, required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Code>,
    /// Date of issue (notarial only, required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Last day of validity (notarial only, optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
    /// The notary (notarial only, optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notary: Option<Text>,
}

impl PowerOfAttorney {
    /// Notarial: number and date present, validity not before the date. Other: no details.
    pub fn validate(&self) -> Result<(), EgovError> {
        match self.kind {
            PowerOfAttorneyKind::Notarial => {
                if self.number.is_none() {
                    return Err(EgovError::invalid(
                        "number",
                        "required for a notarial power of attorney",
                    ));
                }
                let Some(date) = self.date else {
                    return Err(EgovError::invalid(
                        "date",
                        "required for a notarial power of attorney",
                    ));
                };
                if let Some(until) = self.valid_until {
                    if until < date {
                        return Err(EgovError::invalid(
                            "valid_until",
                            format!("{until} is before date {date}"),
                        ));
                    }
                }
            }
            PowerOfAttorneyKind::Other => {
                for (name, present) in [
                    ("number", self.number.is_some()),
                    ("date", self.date.is_some()),
                    ("valid_until", self.valid_until.is_some()),
                    ("notary", self.notary.is_some()),
                ] {
                    if present {
                        return Err(EgovError::invalid(
                            name,
                            "not filled in for a power of attorney certified otherwise than by a notary",
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A representative acting for the applicant under a power of attorney.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Representative {
    /// The representative's IIN.
    pub iin: Digits12,
    /// The representative's full name.
    pub name: Text,
    /// The power of attorney.
    pub power_of_attorney: PowerOfAttorney,
}

/// The state fee paid through the payment gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// Payment reference from the payment gateway.
    pub reference: Code,
    /// Amount paid (greater than zero).
    pub amount: Decimal,
    /// Currency of the amount.
    pub currency: CurrencyCode,
    /// When it was paid.
    pub paid_at: Timestamp,
}

/// The consent statement and when it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The statement (defaults to [`CONSENT_TEXT_KK`] when built from JSON).
    pub text: Text,
    /// When the applicant gave it.
    pub given_at: Timestamp,
}

/// An application for a state service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    /// Application unique id.
    pub id: Code,
    /// When the application was created.
    pub created_at: Timestamp,
    /// The service applied for.
    pub service: Service,
    /// The applicant.
    pub applicant: Applicant,
    /// A representative, when someone applies on the applicant's behalf.
    pub representative: Option<Representative>,
    /// The service's form data.
    pub form: Form,
    /// Attached documents (by digest).
    pub attachments: Vec<Attachment>,
    /// Fee payment, when the service has a fee.
    pub payment: Option<Payment>,
    /// The consent statement.
    pub consent: Consent,
}

impl Application {
    /// Every check that spans more than one value (applicant kind vs IIN/BIN, power of
    /// attorney details, form cross-field checks, attachment names and uniqueness,
    /// positive payment amount). Errors name the field path.
    pub fn validate(&self) -> Result<(), EgovError> {
        self.applicant
            .validate()
            .map_err(|e| e.within("applicant"))?;
        if let Some(r) = &self.representative {
            r.power_of_attorney
                .validate()
                .map_err(|e| e.within("representative.power_of_attorney"))?;
        }
        self.form.validate().map_err(|e| e.within("form"))?;
        for (i, a) in self.attachments.iter().enumerate() {
            a.validate()
                .map_err(|e| e.within(&format!("attachments[{i}]")))?;
            if self.attachments[..i]
                .iter()
                .any(|b| b.file_name == a.file_name)
            {
                return Err(EgovError::invalid(
                    format!("attachments[{i}].file_name"),
                    format!("{} is listed twice", a.file_name),
                ));
            }
        }
        if let Some(p) = &self.payment {
            if p.amount.is_negative() || p.amount.as_str().trim_start_matches(['0', '.']).is_empty()
            {
                return Err(EgovError::invalid(
                    "payment.amount",
                    format!("must be greater than zero, got {}", p.amount),
                ));
            }
        }
        Ok(())
    }

    /// The compact XML form (UTF-8, namespace [`crate::NAMESPACE`], see `schema/egov.xsd`).
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = XmlOut::new("Application", crate::NAMESPACE);
        w.leaf("ApplicationId", &self.id);
        w.leaf("CreatedAt", self.created_at);
        w.start("Service")
            .leaf("Code", &self.service.code)
            .leaf("Name", &self.service.name)
            .end();
        w.start("Applicant")
            .attr("kind", self.applicant.kind.as_str());
        write_tax_id(&mut w, &self.applicant.id);
        w.leaf("Name", &self.applicant.name).end();
        if let Some(r) = &self.representative {
            let poa = &r.power_of_attorney;
            w.start("Representative")
                .leaf("Iin", &r.iin)
                .leaf("Name", &r.name);
            w.start("PowerOfAttorney").attr(
                "kind",
                match poa.kind {
                    PowerOfAttorneyKind::Notarial => "notarial",
                    PowerOfAttorneyKind::Other => "other",
                },
            );
            w.opt_leaf("Number", poa.number.as_ref())
                .opt_leaf("Date", poa.date.as_ref())
                .opt_leaf("ValidUntil", poa.valid_until.as_ref())
                .opt_leaf("Notary", poa.notary.as_ref());
            w.end().end();
        }
        self.form.write(&mut w);
        w.start("Attachments");
        for a in &self.attachments {
            a.write(&mut w);
        }
        w.end();
        if let Some(p) = &self.payment {
            w.start("Payment")
                .leaf("Reference", &p.reference)
                .leaf("Amount", &p.amount)
                .leaf("Currency", &p.currency)
                .leaf("PaidAt", p.paid_at)
                .end();
        }
        w.start("Consent")
            .leaf("Text", &self.consent.text)
            .leaf("GivenAt", self.consent.given_at)
            .end();
        w.finish()
    }

    /// Parse an application (signed or not: trailing `ds:Signature` elements are allowed
    /// and ignored here — use the verification functions to check them).
    pub fn from_xml(bytes: &[u8]) -> Result<Self, EgovError> {
        let doc = Document::parse(bytes, &ParseOptions::default())?;
        Self::from_document(&doc)
    }

    /// Read an application from an already parsed document.
    pub fn from_document(doc: &Document) -> Result<Self, EgovError> {
        let root = doc.root_element();
        let mut e = Elems::root(doc, "Application")?;
        let ns = crate::NAMESPACE;
        let id = e.req_val("ApplicationId")?;
        let created_at = e.req_val("CreatedAt")?;
        let mut s = e.req_elems("Service")?;
        let service = Service {
            code: s.req_val("Code")?,
            name: s.req_val("Name")?,
        };
        s.end(false)?;
        let (n, p) = e.req("Applicant")?;
        let kind = attr(doc, n, &p, "kind")?;
        let mut s = Elems::new(doc, ns, n, p.clone())?;
        let applicant = Applicant {
            kind,
            id: read_tax_id(&mut s)?,
            name: s.req_val("Name")?,
        };
        s.end(false)?;
        applicant
            .validate()
            .map_err(|err| schema_err(doc, n, &p, err.to_string()))?;
        let representative = match e.opt_elems("Representative")? {
            None => None,
            Some(mut s) => {
                let iin = s.req_val("Iin")?;
                let name = s.req_val("Name")?;
                let (pn, pp) = s.req("PowerOfAttorney")?;
                let kind = attr(doc, pn, &pp, "kind")?;
                let mut q = Elems::new(doc, ns, pn, pp.clone())?;
                let power_of_attorney = PowerOfAttorney {
                    kind,
                    number: q.opt_val("Number")?,
                    date: q.opt_val("Date")?,
                    valid_until: q.opt_val("ValidUntil")?,
                    notary: q.opt_val("Notary")?,
                };
                q.end(false)?;
                s.end(false)?;
                power_of_attorney
                    .validate()
                    .map_err(|err| schema_err(doc, pn, &pp, err.to_string()))?;
                Some(Representative {
                    iin,
                    name,
                    power_of_attorney,
                })
            }
        };
        let form = Form::read(&mut e)?;
        let mut s = e.req_elems("Attachments")?;
        let mut attachments = Vec::new();
        for (an, ap) in s.many("Attachment") {
            attachments.push(Attachment::read(Elems::new(doc, ns, an, ap)?)?);
        }
        s.end(false)?;
        let payment = match e.opt_elems("Payment")? {
            None => None,
            Some(mut s) => {
                let pay = Payment {
                    reference: s.req_val("Reference")?,
                    amount: s.req_val("Amount")?,
                    currency: s.req_val("Currency")?,
                    paid_at: s.req_val("PaidAt")?,
                };
                s.end(false)?;
                Some(pay)
            }
        };
        let mut s = e.req_elems("Consent")?;
        let consent = Consent {
            text: s.req_val("Text")?,
            given_at: s.req_val("GivenAt")?,
        };
        s.end(false)?;
        e.end(true)?;
        let app = Application {
            id,
            created_at,
            service,
            applicant,
            representative,
            form,
            attachments,
            payment,
            consent,
        };
        app.validate()
            .map_err(|err| schema_err(doc, root, "Application", err.to_string()))?;
        Ok(app)
    }
}

pub(crate) fn write_tax_id(w: &mut XmlOut, id: &TaxId) {
    match id {
        TaxId::Iin(d) => w.leaf("Iin", d),
        TaxId::Bin(d) => w.leaf("Bin", d),
    };
}

pub(crate) fn read_tax_id(e: &mut Elems<'_>) -> Result<TaxId, EgovError> {
    if let Some(v) = e.opt_val("Iin")? {
        return Ok(TaxId::Iin(v));
    }
    Ok(TaxId::Bin(e.req_val("Bin").map_err(|err| match err {
        EgovError::Schema {
            path,
            line,
            column,
            message,
        } if message.starts_with("expected element Bin")
            || message.starts_with("missing element Bin") =>
        {
            EgovError::Schema {
                path,
                line,
                column,
                message: message.replace("element Bin", "element Iin or Bin"),
            }
        }
        other => other,
    })?))
}
