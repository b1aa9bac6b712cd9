//! Resource limits applied while parsing, with safe defaults.

/// Resource limits for parsing untrusted XML.
///
/// Every knob has a documented safe default ([`Limits::default`]); change one with the
/// builder-style setters:
///
/// ```
/// let limits = tanba_xml::Limits::default().max_depth(64).max_total_size(1 << 20);
/// assert_eq!(limits.depth(), 64);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    total_size: usize,
    depth: usize,
    attributes: usize,
    name_length: usize,
    text_length: usize,
    namespace_declarations: usize,
    entity_expansion: usize,
}

impl Limits {
    /// Default maximum input size: 256 MiB.
    pub const DEFAULT_TOTAL_SIZE: usize = 256 << 20;
    /// Default maximum element nesting depth: 256.
    pub const DEFAULT_DEPTH: usize = 256;
    /// Default maximum attributes on one element (namespace declarations included): 256.
    pub const DEFAULT_ATTRIBUTES: usize = 256;
    /// Default maximum length of a name: 1024 bytes.
    pub const DEFAULT_NAME_LENGTH: usize = 1024;
    /// Default maximum length of one text node or attribute value: 64 MiB.
    pub const DEFAULT_TEXT_LENGTH: usize = 64 << 20;
    /// Default maximum namespace declarations on one element: 64.
    pub const DEFAULT_NAMESPACE_DECLARATIONS: usize = 64;
    /// Default maximum total bytes produced by internal entity expansion: 64 KiB
    /// (only relevant with `allow_dtd`).
    pub const DEFAULT_ENTITY_EXPANSION: usize = 64 << 10;

    /// Maximum input size in bytes (at most `u32::MAX`; larger values are clamped).
    pub fn max_total_size(mut self, n: usize) -> Self {
        self.total_size = n.min(u32::MAX as usize - 1);
        self
    }
    /// Maximum element nesting depth.
    pub fn max_depth(mut self, n: usize) -> Self {
        self.depth = n;
        self
    }
    /// Maximum attributes on one element, namespace declarations included.
    pub fn max_attributes(mut self, n: usize) -> Self {
        self.attributes = n;
        self
    }
    /// Maximum length in bytes of an element, attribute or PI target name.
    pub fn max_name_length(mut self, n: usize) -> Self {
        self.name_length = n;
        self
    }
    /// Maximum length in bytes of one text node, CDATA section, comment or attribute value.
    pub fn max_text_length(mut self, n: usize) -> Self {
        self.text_length = n;
        self
    }
    /// Maximum namespace declarations on one element.
    pub fn max_namespace_declarations(mut self, n: usize) -> Self {
        self.namespace_declarations = n;
        self
    }
    /// Maximum total bytes produced by internal entity expansion (`allow_dtd` mode).
    pub fn max_entity_expansion(mut self, n: usize) -> Self {
        self.entity_expansion = n;
        self
    }

    /// The configured maximum input size.
    pub fn total_size(&self) -> usize {
        self.total_size
    }
    /// The configured maximum depth.
    pub fn depth(&self) -> usize {
        self.depth
    }
    /// The configured maximum attributes per element.
    pub fn attributes(&self) -> usize {
        self.attributes
    }
    /// The configured maximum name length.
    pub fn name_length(&self) -> usize {
        self.name_length
    }
    /// The configured maximum text length.
    pub fn text_length(&self) -> usize {
        self.text_length
    }
    /// The configured maximum namespace declarations per element.
    pub fn namespace_declarations(&self) -> usize {
        self.namespace_declarations
    }
    /// The configured maximum entity expansion.
    pub fn entity_expansion(&self) -> usize {
        self.entity_expansion
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            total_size: Self::DEFAULT_TOTAL_SIZE,
            depth: Self::DEFAULT_DEPTH,
            attributes: Self::DEFAULT_ATTRIBUTES,
            name_length: Self::DEFAULT_NAME_LENGTH,
            text_length: Self::DEFAULT_TEXT_LENGTH,
            namespace_declarations: Self::DEFAULT_NAMESPACE_DECLARATIONS,
            entity_expansion: Self::DEFAULT_ENTITY_EXPANSION,
        }
    }
}

/// How to parse: limits and DTD policy.
///
/// The default is the hardened mode used for signature verification: no entity
/// declarations, no external subset; a DOCTYPE whose internal subset holds only `ATTLIST`
/// declarations (and comments) is accepted and its `ID`-typed attributes count as Ids. An
/// `ATTLIST` that gives an attribute a default or `#FIXED` value is refused, since every
/// other parser would add that value to the element unsigned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Resource limits.
    pub limits: Limits,
    /// Opt-in DTD processing for conformance testing: apply attribute defaults, normalize
    /// declared non-CDATA attribute values, expand bounded internal text entities. External
    /// entities and subsets are refused even then. Never use for signature verification.
    pub allow_dtd: bool,
}

impl ParseOptions {
    /// Hardened defaults (same as `ParseOptions::default()`).
    pub fn new() -> Self {
        Self::default()
    }
    /// Replace the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Turn the opt-in DTD processing on or off.
    pub fn allow_dtd(mut self, on: bool) -> Self {
        self.allow_dtd = on;
        self
    }
}
