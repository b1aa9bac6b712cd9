//! A generic form for services without a typed form: titled sections of key/value fields,
//! kept in the order given.

use serde::{Deserialize, Serialize};

use crate::error::EgovError;
use crate::values::Text;
use crate::xml_in::{attr, Elems};
use crate::xml_out::XmlOut;

/// One field: a key and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericField {
    /// The field's label.
    pub key: Text,
    /// Its value.
    pub value: Text,
}

/// A titled section of fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericSection {
    /// Section title.
    pub title: Text,
    /// Its fields, in order (at least one).
    pub fields: Vec<GenericField>,
}

/// The generic form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericForm {
    /// Sections, in order (at least one).
    pub sections: Vec<GenericSection>,
}

impl GenericForm {
    /// At least one section, each with at least one field, keys unique within a section.
    pub fn validate(&self) -> Result<(), EgovError> {
        if self.sections.is_empty() {
            return Err(EgovError::invalid(
                "sections",
                "at least one section is required",
            ));
        }
        for (i, s) in self.sections.iter().enumerate() {
            if s.fields.is_empty() {
                return Err(EgovError::invalid(
                    format!("sections[{i}].fields"),
                    "at least one field is required",
                ));
            }
            for (j, f) in s.fields.iter().enumerate() {
                if s.fields[..j].iter().any(|g| g.key == f.key) {
                    return Err(EgovError::invalid(
                        format!("sections[{i}].fields[{j}].key"),
                        format!("duplicate key {:?} in this section", f.key.as_str()),
                    ));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("GenericForm");
        for s in &self.sections {
            w.start("Section").attr("title", s.title.as_str());
            for f in &s.fields {
                w.start("Field")
                    .attr("key", f.key.as_str())
                    .text(f.value.as_str())
                    .end();
            }
            w.end();
        }
        w.end();
    }

    pub(crate) fn read(mut e: Elems<'_>) -> Result<Self, EgovError> {
        let doc = e.doc();
        let ns = crate::NAMESPACE;
        let mut sections = Vec::new();
        for (n, p) in e.many("Section") {
            let title = attr(doc, n, &p, "title")?;
            let mut s = Elems::new(doc, ns, n, p)?;
            let mut fields = Vec::new();
            for (fnode, fp) in s.many("Field") {
                let key = attr(doc, fnode, &fp, "key")?;
                let value = crate::xml_in::value(doc, fnode, &fp)?;
                fields.push(GenericField { key, value });
            }
            s.end(false)?;
            sections.push(GenericSection { title, fields });
        }
        e.end(false)?;
        Ok(GenericForm { sections })
    }
}
