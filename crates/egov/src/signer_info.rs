//! Who signed: the identity of a signer ([`SignerInfo`], from tanba-pki) and the roles
//! that make a signer act for an organisation.

use tanba_pki::Role;
pub use tanba_pki::SignerInfo;

/// Roles that let a person sign for a legal entity (KZ-PKI.md §5.1 rule 2).
pub const ORGANIZATION_SIGNING_ROLES: [Role; 3] =
    [Role::FirstHead, Role::Signatory, Role::FinancialSignatory];

/// Roles that make a person an employee of the organisation in their certificate (the
/// plain employee role and every signing role).
pub const ORGANIZATION_EMPLOYEE_ROLES: [Role; 4] = [
    Role::Employee,
    Role::FirstHead,
    Role::Signatory,
    Role::FinancialSignatory,
];
