//! Subject type and roles from the Extended Key Usage OIDs of the arc 1.2.398.3.3.4
//! "Пользователи" (KZ-PKI.md §1.3), with the official registry names.
//!
//! ```
//! use tanba_pki::{Role, SubjectType, roles_from_eku, subject_type_from_roles};
//! let roles = roles_from_eku(["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.1"]);
//! assert_eq!(roles, vec![Role::LegalEntity, Role::FirstHead]);
//! assert_eq!(subject_type_from_roles(&roles), SubjectType::LegalEntity);
//! ```

use std::fmt;

use serde::Serialize;

/// A role (or holder-type marker) carried as an EKU OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// `1.2.398.3.3.4.1.1` Физическое лицо (individual).
    Individual,
    /// `1.2.398.3.3.4.1.1.1` Информационная система физического лица.
    IndividualInformationSystem,
    /// `1.2.398.3.3.4.1.2` Юридическое лицо (marker on every legal-entity certificate).
    LegalEntity,
    /// `1.2.398.3.3.4.1.2.1` Первый руководитель ЮЛ (first head / CEO).
    FirstHead,
    /// `1.2.398.3.3.4.1.2.2` Лицо, наделенное правом подписи (authorised signatory).
    Signatory,
    /// `1.2.398.3.3.4.1.2.3` … правом подписи финансовых документов (financial signatory).
    FinancialSignatory,
    /// `1.2.398.3.3.4.1.2.4` Сотрудник отдела кадров (HR).
    Hr,
    /// `1.2.398.3.3.4.1.2.5` Сотрудник организации (employee; no signing right implied).
    Employee,
    /// `1.2.398.3.3.4.1.2.6` Информационная система юридического лица, or a registered
    /// system under it (`…2.6.N`, the number kept when it fits in `u32`).
    InformationSystem(Option<u32>),
    /// `1.2.398.3.3.4.2` Полномочия в ИС НУЦ РК (NCA privileges arc).
    NcaPrivileges,
    /// `1.2.398.3.3.4.2.1` Администратор НУЦ.
    NcaAdministrator,
    /// `1.2.398.3.3.4.2.2` Менеджер НУЦ.
    NcaManager,
    /// `1.2.398.3.3.4.2.3` Оператор НУЦ.
    NcaOperator,
    /// `1.2.398.3.3.4.3` Метод идентификации пользователя.
    Identification,
    /// `1.2.398.3.3.4.3.1` Идентификация через оператора ЦОН (in person).
    IdentificationInPerson,
    /// `1.2.398.3.3.4.3.2` Удаленная идентификация.
    IdentificationRemote,
    /// `1.2.398.3.3.4.3.2.1` Идентификация Digital-ID.
    IdentificationDigitalId,
    /// `1.2.398.3.3.4.3.2.2` Идентификация "AI Platform".
    IdentificationAiPlatform,
    /// `1.2.398.5.19.1.2.2.1` Информационные системы К2 (treasury client).
    TreasuryClient,
}

const IS_PREFIX: &str = "1.2.398.3.3.4.1.2.6";

/// The fixed OID ↔ role table.
const TABLE: &[(&str, Role)] = &[
    ("1.2.398.3.3.4.1.1", Role::Individual),
    ("1.2.398.3.3.4.1.1.1", Role::IndividualInformationSystem),
    ("1.2.398.3.3.4.1.2", Role::LegalEntity),
    ("1.2.398.3.3.4.1.2.1", Role::FirstHead),
    ("1.2.398.3.3.4.1.2.2", Role::Signatory),
    ("1.2.398.3.3.4.1.2.3", Role::FinancialSignatory),
    ("1.2.398.3.3.4.1.2.4", Role::Hr),
    ("1.2.398.3.3.4.1.2.5", Role::Employee),
    ("1.2.398.3.3.4.2", Role::NcaPrivileges),
    ("1.2.398.3.3.4.2.1", Role::NcaAdministrator),
    ("1.2.398.3.3.4.2.2", Role::NcaManager),
    ("1.2.398.3.3.4.2.3", Role::NcaOperator),
    ("1.2.398.3.3.4.3", Role::Identification),
    ("1.2.398.3.3.4.3.1", Role::IdentificationInPerson),
    ("1.2.398.3.3.4.3.2", Role::IdentificationRemote),
    ("1.2.398.3.3.4.3.2.1", Role::IdentificationDigitalId),
    ("1.2.398.3.3.4.3.2.2", Role::IdentificationAiPlatform),
    ("1.2.398.5.19.1.2.2.1", Role::TreasuryClient),
];

impl Role {
    /// The role an EKU OID (dotted) stands for; `1.2.398.3.3.4.1.2.6.*` by prefix.
    pub fn from_oid(oid: &str) -> Option<Role> {
        if let Some((_, r)) = TABLE.iter().find(|(o, _)| *o == oid) {
            return Some(*r);
        }
        if oid == IS_PREFIX {
            return Some(Role::InformationSystem(None));
        }
        let rest = oid.strip_prefix(IS_PREFIX)?.strip_prefix('.')?;
        let first = rest.split('.').next()?;
        if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Role::InformationSystem(first.parse().ok()))
    }

    /// The OID (dotted). For a registered information system, `…2.6.N`.
    pub fn oid(&self) -> String {
        match self {
            Role::InformationSystem(None) => IS_PREFIX.to_owned(),
            Role::InformationSystem(Some(n)) => format!("{IS_PREFIX}.{n}"),
            r => TABLE
                .iter()
                .find(|(_, t)| t == r)
                .map(|(o, _)| (*o).to_owned())
                .unwrap_or_default(),
        }
    }

    /// Stable snake_case code (used in JSON): `individual`, `legal_entity`, `first_head`,
    /// `signatory`, `financial_signatory`, `hr`, `employee`, `information_system`, …
    pub fn code(&self) -> &'static str {
        match self {
            Role::Individual => "individual",
            Role::IndividualInformationSystem => "individual_information_system",
            Role::LegalEntity => "legal_entity",
            Role::FirstHead => "first_head",
            Role::Signatory => "signatory",
            Role::FinancialSignatory => "financial_signatory",
            Role::Hr => "hr",
            Role::Employee => "employee",
            Role::InformationSystem(_) => "information_system",
            Role::NcaPrivileges => "nca_privileges",
            Role::NcaAdministrator => "nca_administrator",
            Role::NcaManager => "nca_manager",
            Role::NcaOperator => "nca_operator",
            Role::Identification => "identification",
            Role::IdentificationInPerson => "identification_in_person",
            Role::IdentificationRemote => "identification_remote",
            Role::IdentificationDigitalId => "identification_digital_id",
            Role::IdentificationAiPlatform => "identification_ai_platform",
            Role::TreasuryClient => "treasury_client",
        }
    }

    /// The role with this [`code`](Self::code) (`first_head`, `signatory`, ...); the code
    /// `information_system` gives the unnumbered `InformationSystem(None)`.
    pub fn from_code(code: &str) -> Option<Role> {
        if code == "information_system" {
            return Some(Role::InformationSystem(None));
        }
        TABLE.iter().map(|(_, r)| *r).find(|r| r.code() == code)
    }

    /// The official (registry) name, in Russian.
    pub fn official_name(&self) -> &'static str {
        match self {
            Role::Individual => "Физическое лицо",
            Role::IndividualInformationSystem => "Информационная система физического лица",
            Role::LegalEntity => "Юридическое лицо",
            Role::FirstHead => "Первый руководитель юридического лица",
            Role::Signatory => "Лицо, наделенное правом подписи",
            Role::FinancialSignatory => "Лицо, наделенное правом подписи финансовых документов",
            Role::Hr => "Сотрудник отдела кадров",
            Role::Employee => "Сотрудник организации",
            Role::InformationSystem(_) => "Информационная система юридического лица",
            Role::NcaPrivileges => "Полномочия в ИС НУЦ РК",
            Role::NcaAdministrator => "Администратор НУЦ",
            Role::NcaManager => "Менеджер НУЦ",
            Role::NcaOperator => "Оператор НУЦ",
            Role::Identification => "Метод идентификации пользователя",
            Role::IdentificationInPerson => "Идентификация через оператора ЦОН",
            Role::IdentificationRemote => "Удаленная идентификация",
            Role::IdentificationDigitalId => "Идентификация Digital-ID",
            Role::IdentificationAiPlatform => "Идентификация AI Platform",
            Role::TreasuryClient => "Информационные системы К2 (Казначейство–Клиент)",
        }
    }

    /// Whether the role confers a signing right on behalf of an organisation
    /// (first head, signatory, financial signatory — KZ-PKI.md §5.1 rule 2).
    pub fn can_sign_for_organization(&self) -> bool {
        matches!(
            self,
            Role::FirstHead | Role::Signatory | Role::FinancialSignatory
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text that is neither a role code nor a role OID (see [`Role`]'s `FromStr`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?} (expected a role code such as first_head, or a role OID)")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    /// Parse a role code (`first_head`) or a role OID (`1.2.398.3.3.4.1.2.1`).
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::from_code(s)
            .or_else(|| Role::from_oid(s))
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The roles of a list of EKU OIDs (dotted), in table order, without duplicates; OIDs that
/// are not role OIDs are skipped.
pub fn roles_from_eku<I, S>(oids: I) -> Vec<Role>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut roles: Vec<Role> = oids
        .into_iter()
        .filter_map(|o| Role::from_oid(o.as_ref()))
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// Who the certificate belongs to, from its role OIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    /// EKU `…4.1.1` (or `…4.1.1.1`): a natural person.
    Individual,
    /// EKU `…4.1.2` or any of its children: a legal entity's certificate.
    LegalEntity,
    /// No holder-type OID (service certificates such as OCSP responders, CAs).
    Unknown,
}

impl fmt::Display for SubjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SubjectType::Individual => "individual",
            SubjectType::LegalEntity => "legal_entity",
            SubjectType::Unknown => "unknown",
        })
    }
}

/// The subject type from roles: legal entity wins when both markers are present (the
/// person acts for the organisation).
pub fn subject_type_from_roles(roles: &[Role]) -> SubjectType {
    let le = roles.iter().any(|r| {
        matches!(
            r,
            Role::LegalEntity
                | Role::FirstHead
                | Role::Signatory
                | Role::FinancialSignatory
                | Role::Hr
                | Role::Employee
                | Role::InformationSystem(_)
        )
    });
    if le {
        SubjectType::LegalEntity
    } else if roles
        .iter()
        .any(|r| matches!(r, Role::Individual | Role::IndividualInformationSystem))
    {
        SubjectType::Individual
    } else {
        SubjectType::Unknown
    }
}

/// A human name for a standard (non-role) EKU OID, if known.
pub fn eku_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.37.0" => "anyExtendedKeyUsage",
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        "1.3.6.1.5.5.7.3.3" => "codeSigning",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        "1.3.6.1.5.5.7.3.8" => "timeStamping",
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
        _ => return Role::from_oid(oid).map(|r| r.code()),
    })
}
