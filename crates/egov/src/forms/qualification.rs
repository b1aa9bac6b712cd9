//! Information on conformity with the qualification requirements for manufacturing the
//! State Flag and State Emblem — the form of seed `003_…` L189–227 (items 1–7; item 8 was
//! repealed).

use serde::{Deserialize, Serialize};

use crate::error::EgovError;
use crate::values::{Date, Text};
use crate::xml_in::Elems;
use crate::xml_out::XmlOut;

/// Item 1: a standardisation document held (name and number of the standard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardDocument {
    /// Name of the standard.
    pub name: Text,
    /// Number of the standard (e.g. `ҚР СТ 989`).
    pub number: Text,
}

/// Item 2: the production and technological base; when the applicant is not the owner,
/// the lease contract (the form's footnote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Premises {
    /// Description of the premises.
    pub description: Text,
    /// Lease contract, when the premises are rented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_contract: Option<Text>,
}

/// Item 3: one piece of technological equipment (lease contract when rented).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    /// Name of the equipment.
    pub name: Text,
    /// Lease contract, when the equipment is rented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_contract: Option<Text>,
}

/// Item 5: a verification or metrological certification certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentCertificate {
    /// Certificate number.
    pub number: Text,
    /// Date of issue.
    pub issued_on: Date,
    /// Name of the issuing body.
    pub issuer: Text,
    /// End of validity.
    pub valid_until: Date,
}

/// Item 4: a measuring / control instrument or colour atlas, with its certificate (item 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuringInstrument {
    /// Name of the instrument or atlas.
    pub name: Text,
    /// Its verification / metrological certificate.
    pub certificate: InstrumentCertificate,
}

/// Items 6 and 7: a sample (master model or production reference sample) of one size,
/// with the accredited laboratory's positive test result against ҚР СТ 989.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestedSample {
    /// The standard size of the sample.
    pub size: Text,
    /// The test report (laboratory, number, date).
    pub test_report: Text,
}

/// The qualification-conformity form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualificationConformityForm {
    /// 1. Standardisation documents (at least one).
    pub standards: Vec<StandardDocument>,
    /// 2. Production and technological base.
    pub production_base: Premises,
    /// 3. Technological equipment (at least one).
    pub equipment: Vec<Equipment>,
    /// 4–5. Measuring and control instruments with their certificates.
    pub measuring_instruments: Vec<MeasuringInstrument>,
    /// 6. Master models, one per standard size.
    pub master_models: Vec<TestedSample>,
    /// 7. Production reference samples, one per size produced.
    pub reference_samples: Vec<TestedSample>,
}

impl QualificationConformityForm {
    /// Checks: at least one standard and one piece of equipment; certificates' validity
    /// does not end before their issue.
    pub fn validate(&self) -> Result<(), EgovError> {
        if self.standards.is_empty() {
            return Err(EgovError::invalid(
                "standards",
                "at least one standard is required",
            ));
        }
        if self.equipment.is_empty() {
            return Err(EgovError::invalid(
                "equipment",
                "at least one item is required",
            ));
        }
        for (i, m) in self.measuring_instruments.iter().enumerate() {
            if m.certificate.valid_until < m.certificate.issued_on {
                return Err(EgovError::invalid(
                    format!("measuring_instruments[{i}].certificate.valid_until"),
                    format!(
                        "{} is before issued_on {}",
                        m.certificate.valid_until, m.certificate.issued_on
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("QualificationConformity");
        for s in &self.standards {
            w.start("Standard")
                .leaf("Name", &s.name)
                .leaf("Number", &s.number)
                .end();
        }
        w.start("ProductionBase")
            .leaf("Description", &self.production_base.description)
            .opt_leaf(
                "LeaseContract",
                self.production_base.lease_contract.as_ref(),
            )
            .end();
        for q in &self.equipment {
            w.start("Equipment")
                .leaf("Name", &q.name)
                .opt_leaf("LeaseContract", q.lease_contract.as_ref())
                .end();
        }
        for m in &self.measuring_instruments {
            let c = &m.certificate;
            w.start("MeasuringInstrument").leaf("Name", &m.name);
            w.start("Certificate")
                .leaf("Number", &c.number)
                .leaf("IssuedOn", c.issued_on)
                .leaf("Issuer", &c.issuer)
                .leaf("ValidUntil", c.valid_until)
                .end();
            w.end();
        }
        for (name, list) in [
            ("MasterModel", &self.master_models),
            ("ReferenceSample", &self.reference_samples),
        ] {
            for s in list {
                w.start(name)
                    .leaf("Size", &s.size)
                    .leaf("TestReport", &s.test_report)
                    .end();
            }
        }
        w.end();
    }

    pub(crate) fn read(mut e: Elems<'_>) -> Result<Self, EgovError> {
        let doc = e.doc();
        let ns = crate::NAMESPACE;
        let mut standards = Vec::new();
        for (n, p) in e.many("Standard") {
            let mut s = Elems::new(doc, ns, n, p)?;
            standards.push(StandardDocument {
                name: s.req_val("Name")?,
                number: s.req_val("Number")?,
            });
            s.end(false)?;
        }
        let mut b = e.req_elems("ProductionBase")?;
        let production_base = Premises {
            description: b.req_val("Description")?,
            lease_contract: b.opt_val("LeaseContract")?,
        };
        b.end(false)?;
        let mut equipment = Vec::new();
        for (n, p) in e.many("Equipment") {
            let mut s = Elems::new(doc, ns, n, p)?;
            equipment.push(Equipment {
                name: s.req_val("Name")?,
                lease_contract: s.opt_val("LeaseContract")?,
            });
            s.end(false)?;
        }
        let mut measuring_instruments = Vec::new();
        for (n, p) in e.many("MeasuringInstrument") {
            let mut s = Elems::new(doc, ns, n, p)?;
            let name = s.req_val("Name")?;
            let (cn, cp) = s.req("Certificate")?;
            let mut c = Elems::new(doc, ns, cn, cp)?;
            let certificate = InstrumentCertificate {
                number: c.req_val("Number")?,
                issued_on: c.req_val("IssuedOn")?,
                issuer: c.req_val("Issuer")?,
                valid_until: c.req_val("ValidUntil")?,
            };
            c.end(false)?;
            s.end(false)?;
            measuring_instruments.push(MeasuringInstrument { name, certificate });
        }
        let mut samples = |local: &str| -> Result<Vec<TestedSample>, EgovError> {
            let mut v = Vec::new();
            for (n, p) in e.many(local) {
                let mut s = Elems::new(doc, ns, n, p)?;
                v.push(TestedSample {
                    size: s.req_val("Size")?,
                    test_report: s.req_val("TestReport")?,
                });
                s.end(false)?;
            }
            Ok(v)
        };
        let master_models = samples("MasterModel")?;
        let reference_samples = samples("ReferenceSample")?;
        e.end(false)?;
        Ok(QualificationConformityForm {
            standards,
            production_base,
            equipment,
            measuring_instruments,
            master_models,
            reference_samples,
        })
    }
}
