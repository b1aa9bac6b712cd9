//! [`Budget`]: a bound on the work path building may do, so that hostile input (many
//! candidate issuers with the same name, loops, very long chains) cannot make it loop or
//! burn CPU on signature checks.

/// Work limits for one path-building run. Each candidate issuer tried costs one build
/// step; each signature check costs one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    signatures: usize,
    build_steps: usize,
    max_depth: usize,
}

/// Which limit of a [`Budget`] was exhausted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BudgetExceeded {
    /// Too many signature checks.
    #[error("path building exceeded its budget of signature checks")]
    Signatures,
    /// Too many candidate issuers tried.
    #[error("path building exceeded its budget of build steps")]
    BuildSteps,
    /// The chain would be longer than allowed.
    #[error("the chain would be longer than the allowed {0} certificates")]
    Depth(usize),
}

impl Default for Budget {
    /// 64 signature checks, 256 build steps, chains of at most 8 certificates (end entity
    /// and anchor included). NCA RK chains have 2 or 3.
    fn default() -> Self {
        Budget {
            signatures: 64,
            build_steps: 256,
            max_depth: 8,
        }
    }
}

impl Budget {
    /// A budget with explicit limits.
    pub fn new(signatures: usize, build_steps: usize, max_depth: usize) -> Self {
        Budget {
            signatures,
            build_steps,
            max_depth,
        }
    }

    /// The longest chain allowed (certificates, end entity and anchor included).
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    pub(crate) fn consume_signature(&mut self) -> Result<(), BudgetExceeded> {
        self.signatures = self
            .signatures
            .checked_sub(1)
            .ok_or(BudgetExceeded::Signatures)?;
        Ok(())
    }

    pub(crate) fn consume_build_step(&mut self) -> Result<(), BudgetExceeded> {
        self.build_steps = self
            .build_steps
            .checked_sub(1)
            .ok_or(BudgetExceeded::BuildSteps)?;
        Ok(())
    }
}
