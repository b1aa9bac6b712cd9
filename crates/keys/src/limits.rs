//! [`Limits`]: caps on the work a keystore file may ask for.

/// Caps on what a (possibly hostile) keystore may make the loader do. Key-derivation
/// iteration counts come from the file itself, so without a cap a crafted file could keep a
/// load busy for minutes.
///
/// Defaults ([`Limits::default`]):
///
/// * `max_iterations` = **1 000 000** per derivation (PKCS#12 KDF or PBKDF2). Real files
///   use far less: NCA RK 1 024, OpenSSL 3 2 048, Java keytool 10 000; OWASP's 2023
///   recommendation for PBKDF2-HMAC-SHA256 (600 000) still fits. One derivation at the cap
///   takes well under a second on current hardware.
/// * `max_total_iterations` = **6 000 000** summed over every derivation of one load, so a
///   file cannot multiply the per-derivation cap by stacking many encrypted bags. A
///   PKCS#12 needs 3 (PBES2: MAC, key, certificates) to 5 (legacy PBE derives key and IV
///   separately) derivations, so even a legacy file at the per-derivation cap still opens.
/// * `max_nesting` = **32** levels of BER nesting.
/// * `max_bags` = **256** safe bags (keys, certificates, ...) per file: pairing keys with
///   certificates and ordering chains compares certificates pairwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest iteration count accepted for one key derivation.
    pub max_iterations: u64,
    /// Largest sum of iteration counts over one load.
    pub max_total_iterations: u64,
    /// Deepest BER nesting accepted.
    pub max_nesting: usize,
    /// Most safe bags accepted in one PKCS#12 file.
    pub max_bags: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_iterations: 1_000_000,
            max_total_iterations: 6_000_000,
            max_nesting: 32,
            max_bags: 256,
        }
    }
}

/// What is left of [`Limits::max_total_iterations`] during one load.
#[derive(Debug)]
pub(crate) struct Budget {
    limits: Limits,
    spent: u64,
    bags: usize,
}

impl Budget {
    pub(crate) fn new(limits: Limits) -> Self {
        Budget {
            limits,
            spent: 0,
            bags: 0,
        }
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Account for one more safe bag, or refuse it.
    pub(crate) fn count_bag(&mut self) -> Result<(), crate::KeyError> {
        self.bags += 1;
        if self.bags > self.limits.max_bags {
            return Err(crate::KeyError::TooManyBags {
                limit: self.limits.max_bags,
            });
        }
        Ok(())
    }

    /// Account for one derivation of `iterations` rounds, or refuse it.
    pub(crate) fn spend(
        &mut self,
        what: &'static str,
        iterations: u64,
    ) -> Result<(), crate::KeyError> {
        if iterations > self.limits.max_iterations {
            return Err(crate::KeyError::IterationLimit {
                what,
                requested: iterations,
                limit: self.limits.max_iterations,
            });
        }
        let total = self.spent.saturating_add(iterations);
        if total > self.limits.max_total_iterations {
            return Err(crate::KeyError::IterationLimit {
                what,
                requested: total,
                limit: self.limits.max_total_iterations,
            });
        }
        self.spent = total;
        Ok(())
    }
}

/// How to open a PKCS#12 file: the work [`Limits`] and the integrity policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pkcs12Options {
    /// Caps on the work the file may ask for.
    pub limits: Limits,
    /// Open a file without an integrity MAC (`MacData`). Off by default: such a file is
    /// refused with [`crate::KeyError::NoMac`]; when allowed, the keystore says so
    /// ([`crate::Keystore::integrity`]).
    pub allow_missing_mac: bool,
}
