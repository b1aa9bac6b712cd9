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
//! * [`Document::find_by_id`] resolves `Id`/`ID`/`id`/`wsu:Id`/`xml:id` (and DTD `ID`)
//!   attributes and reports duplicates as [`XmlError::DuplicateId`].
//!
//! ## Hostile input
//!
//! By default no entity declaration of any kind and no external subset is accepted, so
//! entity-expansion bombs and XXE are impossible rather than merely limited; a DOCTYPE whose
//! internal subset only holds `ATTLIST` declarations without default values (and comments)
//! is accepted and its `ID`-typed attributes count as Ids. A declared default or `#FIXED`
//! value is refused: other parsers would add it to the element, unsigned. Every resource is bounded by [`Limits`]. Malformed
//! input gives a typed [`XmlError`] with a [`Position`] (line:column); the parser never
//! panics on input (fuzzed with `cargo fuzz`, target `fuzz/fuzz_targets/parse_c14n.rs`).
//!
//! ## Positions and splicing
//!
//! Every offset and range refers to [`Document::source`], the decoded UTF-8 text (BOM
//! removed). [`Document::start_tag_range`], [`Document::end_tag_range`] and
//! [`Document::is_self_closing`] let a signer insert a `<ds:Signature>` before a parent's
//! end tag without re-serializing the document.
//!
//! ## Memory
//!
//! Nodes live in one arena in document order (28 bytes each); names are interned; text and
//! attribute values that need no expansion are ranges into the source. Use
//! [`Document::parse_vec`] to hand over the input buffer without a copy.
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
mod lexer;
mod limits;
mod names;
mod parser;
mod tree;

pub use error::{LimitKind, Position, XmlError};
pub use id::WSU_NS;
pub use limits::{Limits, ParseOptions};
pub use names::{XMLNS_NS, XML_NS};
pub use tree::{Attribute, Children, Document, Name, Namespace, NodeId, NodeKind};
