//! The application for a licence to export or import particular goods — the 18 numbered
//! fields of the form in seed `002_…` L241–364 (export: L241–285, import: L300–345).

use crate::values::ValueError;
use serde::{Deserialize, Serialize};

use crate::error::EgovError;
use crate::values::{Code, CommodityCode, CountryCode, CurrencyCode, Date, Decimal, Text};
use crate::xml_in::Elems;
use crate::xml_out::XmlOut;

/// Field 3: ЭКСПОРТ or ИМПОРТ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LicenceType {
    /// Export licence (ЭКСПОРТ).
    Export,
    /// Import licence (ИМПОРТ).
    Import,
}

impl LicenceType {
    /// `EXPORT` or `IMPORT`.
    pub fn as_str(self) -> &'static str {
        match self {
            LicenceType::Export => "EXPORT",
            LicenceType::Import => "IMPORT",
        }
    }
}

impl std::str::FromStr for LicenceType {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "EXPORT" => Ok(LicenceType::Export),
            "IMPORT" => Ok(LicenceType::Import),
            _ => Err(ValueError::new(format!(
                "expected EXPORT or IMPORT, got {s:?}"
            ))),
        }
    }
}

impl std::fmt::Display for LicenceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Field 2: validity period, from … to inclusive (DD.MM.YYYY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day of validity.
    pub from: Date,
    /// Last day of validity (inclusive).
    pub to: Date,
}

/// Field 4: contract number and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Contract number.
    pub number: Text,
    /// Contract date.
    pub date: Date,
}

/// Field 15: EAEU commodity code and description of the goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commodity {
    /// Ten-digit ТН ВЭД ЕАЭС code.
    pub code: CommodityCode,
    /// Description of the goods.
    pub description: Text,
}

/// The import/export licence application; one field per numbered line of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportExportLicenceForm {
    /// 1. Application number (№ өтініш).
    pub application_number: Code,
    /// 2. Validity period.
    pub validity: Period,
    /// 3. Licence type.
    pub licence_type: LicenceType,
    /// 4. Contract number and date.
    pub contract: Contract,
    /// 5. Applicant (name and details as they appear on the licence).
    pub applicant: Text,
    /// 6. Buyer (export) or seller (import).
    pub counterparty: Text,
    /// 7. Country of destination (export) or of dispatch (import).
    pub trade_country: CountryCode,
    /// 8. Buyer's (export) or seller's (import) country.
    pub counterparty_country: CountryCode,
    /// 9. Contract currency.
    pub currency: CurrencyCode,
    /// 10. Value, in the contract currency.
    pub value: Decimal,
    /// 11. Statistical value.
    pub statistical_value: Decimal,
    /// 12. Country of origin.
    pub origin_country: CountryCode,
    /// 13. Quantity.
    pub quantity: Decimal,
    /// 14. Unit of measure.
    pub unit: Text,
    /// 15. Commodity code and description.
    pub commodity: Commodity,
    /// 16. Additional information (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<Text>,
    /// 17. Basis for issuing the licence.
    pub basis: Text,
    /// 18. The applicant's authorised person.
    pub authorised_person: Text,
}

impl ImportExportLicenceForm {
    /// Cross-field checks: the period runs forwards, amounts and quantity are not negative.
    pub fn validate(&self) -> Result<(), EgovError> {
        if self.validity.to < self.validity.from {
            return Err(EgovError::invalid(
                "validity.to",
                format!(
                    "{} is before validity.from {}",
                    self.validity.to, self.validity.from
                ),
            ));
        }
        for (name, v) in [
            ("value", &self.value),
            ("statistical_value", &self.statistical_value),
            ("quantity", &self.quantity),
        ] {
            if v.is_negative() {
                return Err(EgovError::invalid(
                    name,
                    format!("must not be negative, got {v}"),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("ImportExportLicence");
        w.leaf("ApplicationNumber", &self.application_number);
        w.start("Validity")
            .leaf("From", self.validity.from)
            .leaf("To", self.validity.to)
            .end();
        w.leaf("LicenceType", self.licence_type);
        w.start("Contract")
            .leaf("Number", &self.contract.number)
            .leaf("Date", self.contract.date)
            .end();
        w.leaf("Applicant", &self.applicant);
        w.leaf("Counterparty", &self.counterparty);
        w.leaf("TradeCountry", &self.trade_country);
        w.leaf("CounterpartyCountry", &self.counterparty_country);
        w.leaf("Currency", &self.currency);
        w.leaf("Value", &self.value);
        w.leaf("StatisticalValue", &self.statistical_value);
        w.leaf("OriginCountry", &self.origin_country);
        w.leaf("Quantity", &self.quantity);
        w.leaf("Unit", &self.unit);
        w.start("Commodity")
            .leaf("Code", &self.commodity.code)
            .leaf("Description", &self.commodity.description)
            .end();
        w.opt_leaf(
            "AdditionalInformation",
            self.additional_information.as_ref(),
        );
        w.leaf("Basis", &self.basis);
        w.leaf("AuthorisedPerson", &self.authorised_person);
        w.end();
    }

    pub(crate) fn read(mut e: Elems<'_>) -> Result<Self, EgovError> {
        let application_number = e.req_val("ApplicationNumber")?;
        let mut v = e.req_elems("Validity")?;
        let validity = Period {
            from: v.req_val("From")?,
            to: v.req_val("To")?,
        };
        v.end(false)?;
        let licence_type = e.req_val("LicenceType")?;
        let mut c = e.req_elems("Contract")?;
        let contract = Contract {
            number: c.req_val("Number")?,
            date: c.req_val("Date")?,
        };
        c.end(false)?;
        let applicant = e.req_val("Applicant")?;
        let counterparty = e.req_val("Counterparty")?;
        let trade_country = e.req_val("TradeCountry")?;
        let counterparty_country = e.req_val("CounterpartyCountry")?;
        let currency = e.req_val("Currency")?;
        let value = e.req_val("Value")?;
        let statistical_value = e.req_val("StatisticalValue")?;
        let origin_country = e.req_val("OriginCountry")?;
        let quantity = e.req_val("Quantity")?;
        let unit = e.req_val("Unit")?;
        let mut c = e.req_elems("Commodity")?;
        let commodity = Commodity {
            code: c.req_val("Code")?,
            description: c.req_val("Description")?,
        };
        c.end(false)?;
        let additional_information = e.opt_val("AdditionalInformation")?;
        let basis = e.req_val("Basis")?;
        let authorised_person = e.req_val("AuthorisedPerson")?;
        e.end(false)?;
        Ok(ImportExportLicenceForm {
            application_number,
            validity,
            licence_type,
            contract,
            applicant,
            counterparty,
            trade_country,
            counterparty_country,
            currency,
            value,
            statistical_value,
            origin_country,
            quantity,
            unit,
            commodity,
            additional_information,
            basis,
            authorised_person,
        })
    }
}
