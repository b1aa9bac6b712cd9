//! # tanba-xml
//!
//! Hardened XML parsing into a compact arena tree, and C14N 1.0 / exclusive C14N.
//!
//! * [`Document::parse`] decodes (UTF-8, UTF-16 with BOM, windows-1251, KOI8-R,
//!   ISO-8859-1/-5), checks well-formedness and namespaces under configurable [`Limits`],
//!   refuses entity declarations and external subsets (opt-in [`ParseOptions::allow_dtd`]
//!   for conformance testing), and builds a tree addressed by [`NodeId`].
//! * [`c14n::canonicalize`] writes the canonical form (inclusive or exclusive, with or
//!   without comments) of a whole document, a subtree, or either minus excluded elements,
//!   into any `io::Write`.
//! * [`Document::find_by_id`] resolves `Id`/`ID`/`id`/`wsu:Id` (and DTD `ID`) attributes and
//!   reports duplicates.
//!
//! ```
//! use tanba_xml::{c14n, Document, ParseOptions};
//! let doc = Document::parse(
//!     br#"<e:Body xmlns:e="urn:e" xmlns:x="urn:unused"><a b="1"   c='2'/></e:Body>"#,
//!     &ParseOptions::default(),
//! ).unwrap();
//! let mut out = Vec::new();
//! c14n::canonicalize(&doc, &c14n::C14nOptions::exclusive(), &c14n::NodeSet::document(), &mut out).unwrap();
//! assert_eq!(out, br#"<e:Body xmlns:e="urn:e"><a b="1" c="2"></a></e:Body>"#);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod c14n;
mod dtd;
mod encoding;
mod error;
mod escape;
mod id;
mod limits;
mod names;
mod parser;
mod tree;

pub use error::{LimitKind, Position, XmlError};
pub use id::WSU_NS;
pub use limits::{Limits, ParseOptions};
pub use names::{XMLNS_NS, XML_NS};
pub use tree::{Attribute, Children, Document, Name, Namespace, NodeId, NodeKind};
