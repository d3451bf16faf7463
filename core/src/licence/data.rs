//! Licence data: the core metadata elements of an e-licence (GB/T 36903, 电子证照元数据),
//! read from JSON or from the metadata XML e-licence files carry.
//!
//! The standard's text was not at hand; the element names below are the Chinese data-element
//! names that provincial e-licence specifications and platforms use for GB/T 36903's core
//! elements, their pinyin-initial column names (common in government databases) and English
//! names. Every spelling in a row means the same field; matching ignores ASCII case, `_`,
//! `-` and XML namespace prefixes. Anything else is kept in [`LicenceData::extra`] under the
//! name it had, never dropped.
//!
//! | field (JSON as written) | Chinese | pinyin | other English |
//! |---|---|---|---|
//! | `licenceTypeCode` | 证照类型代码 | ZZLXDM | licenseTypeCode, certificateTypeCode, typeCode |
//! | `licenceTypeName` | 证照类型名称, 证照类型, 证照名称 | ZZLXMC, ZZMC | licenseTypeName, certificateTypeName, typeName |
//! | `licenceNumber` | 证照编号 | ZZBH | licenseNumber, certificateNumber |
//! | `licenceId` | 证照标识 | ZZBS | licenseId, certificateIdentifier, identifier |
//! | `holderName` | 持证主体, 持证主体名称 | CZZT, CZZTMC | holder |
//! | `holderIdType` | 持证主体代码类型 | CZZTDMLX | holderCodeType |
//! | `holderId` | 持证主体代码 | CZZTDM | holderCode |
//! | `issuerName` | 证照颁发机构, 颁发机构, 发证机关 | ZZBFJG | issuingAuthority, issuer |
//! | `issuerCode` | 证照颁发机构代码, 颁发机构代码 | ZZBFJGDM | issuingAuthorityCode |
//! | `issueDate` | 证照颁发日期, 颁证日期, 发证日期 | ZZBFRQ | issuedOn |
//! | `validFrom` | 有效期起始日期, 有效期起始 | YXQQSRQ | validityStart |
//! | `validUntil` | 有效期截止日期, 有效期截止 | YXQJZRQ | validityEnd, validTo, expiryDate |
//! | `status` | 证照状态 | ZZZT | state |
//!
//! Dates are normalised to `YYYY-MM-DD` from `YYYYMMDD`, `YYYY/MM/DD`, `YYYY.MM.DD`,
//! `YYYY年M月D日` and date-times (the time is dropped). A validity end of `长期`, `永久`,
//! `long-term` or `9999-12-31` means no end and reads as `None` in [`LicenceData::validity_end`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::report::Reason;
use crate::time::Time;

/// Largest licence data document (JSON or XML) read.
pub const MAX_DATA_SIZE: usize = 1024 * 1024;

/// Most members kept in [`LicenceData::extra`].
pub const MAX_EXTRA: usize = 1024;

/// Why licence data could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataError {
    /// Not JSON/XML of the expected shape.
    #[error("malformed licence data: {0}")]
    Malformed(String),
    /// Beyond a named limit.
    #[error("licence data too large: {0}")]
    TooLarge(String),
    /// A form this build cannot read (XML without the `ofd` feature).
    #[error("licence data not supported: {0}")]
    Unsupported(String),
}

impl DataError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            DataError::Malformed(_) => Reason::Malformed,
            DataError::TooLarge(_) => Reason::TooLarge,
            DataError::Unsupported(_) => Reason::Unsupported,
        }
    }
}

/// The core elements of an e-licence. Every field is optional: files in the wild carry some.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenceData {
    /// 证照类型代码: licence type code (e.g. `11100000000013338W011` for a business licence).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub licence_type_code: Option<String>,
    /// 证照类型名称: licence type name (e.g. 营业执照).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub licence_type_name: Option<String>,
    /// 证照编号: the number printed on the licence.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub licence_number: Option<String>,
    /// 证照标识: the national e-licence identifier (`1.2.156.3005.2.…`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub licence_id: Option<String>,
    /// 持证主体: the holder's name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub holder_name: Option<String>,
    /// 持证主体代码类型: the type of the holder's identifier (统一社会信用代码, 居民身份证, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub holder_id_type: Option<String>,
    /// 持证主体代码: the holder's identifier (credit code, resident number, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub holder_id: Option<String>,
    /// 证照颁发机构: the issuing authority's name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issuer_name: Option<String>,
    /// 证照颁发机构代码: the issuing authority's code (normally its credit code).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issuer_code: Option<String>,
    /// 证照颁发日期: issue date, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issue_date: Option<String>,
    /// 有效期起始日期: start of validity, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_from: Option<String>,
    /// 有效期截止日期: end of validity, `YYYY-MM-DD`, or a word for "no end" (长期).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid_until: Option<String>,
    /// 证照状态: status as written (有效, 注销, 吊销, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<String>,
    /// Every other element, by the name it had.
    #[serde(flatten, default)]
    pub extra: BTreeMap<String, String>,
}

/// A core field of [`LicenceData`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// 证照类型代码.
    LicenceTypeCode,
    /// 证照类型名称.
    LicenceTypeName,
    /// 证照编号.
    LicenceNumber,
    /// 证照标识.
    LicenceId,
    /// 持证主体.
    HolderName,
    /// 持证主体代码类型.
    HolderIdType,
    /// 持证主体代码.
    HolderId,
    /// 证照颁发机构.
    IssuerName,
    /// 证照颁发机构代码.
    IssuerCode,
    /// 证照颁发日期.
    IssueDate,
    /// 有效期起始日期.
    ValidFrom,
    /// 有效期截止日期.
    ValidUntil,
    /// 证照状态.
    Status,
}

/// Every field with the spellings that name it (the first is the JSON name yinjian writes).
pub const FIELD_NAMES: &[(Field, &[&str])] = &[
    (
        Field::LicenceTypeCode,
        &[
            "licenceTypeCode",
            "licenseTypeCode",
            "certificateTypeCode",
            "typeCode",
            "证照类型代码",
            "ZZLXDM",
        ],
    ),
    (
        Field::LicenceTypeName,
        &[
            "licenceTypeName",
            "licenseTypeName",
            "certificateTypeName",
            "typeName",
            "证照类型名称",
            "证照类型",
            "证照名称",
            "ZZLXMC",
            "ZZMC",
        ],
    ),
    (
        Field::LicenceNumber,
        &[
            "licenceNumber",
            "licenseNumber",
            "certificateNumber",
            "证照编号",
            "ZZBH",
        ],
    ),
    (
        Field::LicenceId,
        &[
            "licenceId",
            "licenseId",
            "certificateIdentifier",
            "identifier",
            "证照标识",
            "ZZBS",
        ],
    ),
    (
        Field::HolderName,
        &["holderName", "holder", "持证主体", "持证主体名称", "CZZT", "CZZTMC"],
    ),
    (
        Field::HolderIdType,
        &["holderIdType", "holderCodeType", "持证主体代码类型", "CZZTDMLX"],
    ),
    (Field::HolderId, &["holderId", "holderCode", "持证主体代码", "CZZTDM"]),
    (
        Field::IssuerName,
        &[
            "issuerName",
            "issuingAuthority",
            "issuer",
            "证照颁发机构",
            "颁发机构",
            "发证机关",
            "ZZBFJG",
        ],
    ),
    (
        Field::IssuerCode,
        &[
            "issuerCode",
            "issuingAuthorityCode",
            "证照颁发机构代码",
            "颁发机构代码",
            "ZZBFJGDM",
        ],
    ),
    (
        Field::IssueDate,
        &[
            "issueDate",
            "issuedOn",
            "证照颁发日期",
            "颁证日期",
            "发证日期",
            "ZZBFRQ",
        ],
    ),
    (
        Field::ValidFrom,
        &["validFrom", "validityStart", "有效期起始日期", "有效期起始", "YXQQSRQ"],
    ),
    (
        Field::ValidUntil,
        &[
            "validUntil",
            "validityEnd",
            "validTo",
            "expiryDate",
            "有效期截止日期",
            "有效期截止",
            "YXQJZRQ",
        ],
    ),
    (Field::Status, &["status", "state", "证照状态", "ZZZT"]),
];

fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Field {
    /// The field a name stands for, in any accepted spelling.
    pub fn from_name(name: &str) -> Option<Field> {
        let name = name.rsplit_once(':').map_or(name, |(_, local)| local);
        let folded = fold(name);
        FIELD_NAMES
            .iter()
            .find(|(_, names)| names.iter().any(|n| fold(n) == folded))
            .map(|(f, _)| *f)
    }

    /// The JSON name yinjian writes.
    pub fn json_name(self) -> &'static str {
        FIELD_NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, names)| names[0])
    }

    fn is_date(self) -> bool {
        matches!(self, Field::IssueDate | Field::ValidFrom | Field::ValidUntil)
    }
}

/// Words meaning "no end of validity".
pub const NO_END: &[&str] = &[
    "长期",
    "永久",
    "长期有效",
    "long-term",
    "longterm",
    "permanent",
    "9999-12-31",
];

/// Statuses that mean the licence is no longer in force.
pub const WITHDRAWN_STATUSES: &[&str] = &[
    "注销",
    "吊销",
    "撤销",
    "废止",
    "作废",
    "revoked",
    "cancelled",
    "canceled",
    "withdrawn",
];

/// `YYYY-MM-DD` from the date spellings licences use; the text unchanged when it is none of
/// them (e.g. 长期).
pub fn normalise_date(text: &str) -> String {
    let text = text.trim();
    let digits: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let date = match (text.len(), digits.as_slice()) {
        (8, [d]) if text.bytes().all(|b| b.is_ascii_digit()) => Some((d / 10000, d / 100 % 100, d % 100)),
        (_, [y, m, d, ..]) if *y >= 1000 && text.starts_with(|c: char| c.is_ascii_digit()) => Some((*y, *m, *d)),
        _ => None,
    };
    match date {
        Some((y, m, d)) if (1..=12).contains(&m) && (1..=31).contains(&d) && y <= 9999 => {
            format!("{y:04}-{m:02}-{d:02}")
        }
        _ => text.to_owned(),
    }
}

/// The calendar date of a `YYYY-MM-DD` text.
fn date(text: &str) -> Option<time::Date> {
    let mut parts = text.splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// Licences are dated in China Standard Time (UTC+8): the instant a calendar day begins.
fn day_start(date: time::Date) -> Option<Time> {
    Time::from_unix(date.midnight().assume_utc().unix_timestamp() - 8 * 3600).ok()
}

impl LicenceData {
    /// Reads licence data from a JSON object whose members use any accepted spelling.
    pub fn from_json(json: &[u8]) -> Result<LicenceData, DataError> {
        if json.len() > MAX_DATA_SIZE {
            return Err(DataError::TooLarge(format!(
                "{} bytes (limit {MAX_DATA_SIZE})",
                json.len()
            )));
        }
        let value: Value = serde_json::from_slice(json).map_err(|e| DataError::Malformed(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(DataError::Malformed("licence data must be a JSON object".into()));
        };
        let mut data = LicenceData::default();
        for (name, value) in map {
            let text = match value {
                Value::String(s) => s,
                Value::Null => continue,
                other => other.to_string(),
            };
            data.set(&name, text)?;
        }
        Ok(data)
    }

    #[cfg(feature = "ofd")]
    /// Reads licence data from metadata XML: every element with text, at any depth, is
    /// matched by local name; unmatched ones go to `extra` (the name of a repeated unknown
    /// element gets `#2`, `#3`, … appended).
    pub fn from_xml(xml: &[u8]) -> Result<LicenceData, DataError> {
        if xml.len() > MAX_DATA_SIZE {
            return Err(DataError::TooLarge(format!(
                "{} bytes (limit {MAX_DATA_SIZE})",
                xml.len()
            )));
        }
        let root = crate::ofd::xml::parse(xml, "licence metadata").map_err(|e| match e {
            crate::ofd::OfdError::TooLarge(m) => DataError::TooLarge(m),
            other => DataError::Malformed(other.to_string()),
        })?;
        let mut data = LicenceData::default();
        let mut stack = vec![&root];
        let mut leaves = Vec::new();
        while let Some(node) = stack.pop() {
            if node.children.is_empty() {
                leaves.push(node);
            } else {
                stack.extend(node.children.iter().rev());
            }
        }
        for leaf in leaves {
            let text = leaf.text.trim();
            if text.is_empty() {
                continue;
            }
            data.set(leaf.name, text.to_owned())?;
        }
        Ok(data)
    }

    /// Reads JSON or XML, whichever `bytes` is (first non-blank byte `<` means XML).
    pub fn parse(bytes: &[u8]) -> Result<LicenceData, DataError> {
        let bytes = crate::codec::without_bom(bytes);
        match crate::codec::is_xml_text(bytes) {
            #[cfg(feature = "ofd")]
            true => LicenceData::from_xml(bytes),
            #[cfg(not(feature = "ofd"))]
            true => Err(DataError::Unsupported(
                "XML licence data needs the `ofd` feature of yinjian".into(),
            )),
            false => LicenceData::from_json(bytes),
        }
    }

    /// Sets a field by any accepted name, or keeps it in `extra`.
    pub fn set(&mut self, name: &str, value: String) -> Result<(), DataError> {
        match Field::from_name(name) {
            Some(field) => {
                let value = if field.is_date() {
                    normalise_date(&value)
                } else {
                    value.trim().to_owned()
                };
                *self.field_mut(field) = Some(value);
            }
            None => {
                if self.extra.len() >= MAX_EXTRA {
                    return Err(DataError::TooLarge(format!("more than {MAX_EXTRA} extra elements")));
                }
                let mut key = name.to_owned();
                let mut n = 1;
                while self.extra.contains_key(&key) {
                    n += 1;
                    key = format!("{name}#{n}");
                }
                self.extra.insert(key, value);
            }
        }
        Ok(())
    }

    /// A core field.
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::LicenceTypeCode => self.licence_type_code.as_deref(),
            Field::LicenceTypeName => self.licence_type_name.as_deref(),
            Field::LicenceNumber => self.licence_number.as_deref(),
            Field::LicenceId => self.licence_id.as_deref(),
            Field::HolderName => self.holder_name.as_deref(),
            Field::HolderIdType => self.holder_id_type.as_deref(),
            Field::HolderId => self.holder_id.as_deref(),
            Field::IssuerName => self.issuer_name.as_deref(),
            Field::IssuerCode => self.issuer_code.as_deref(),
            Field::IssueDate => self.issue_date.as_deref(),
            Field::ValidFrom => self.valid_from.as_deref(),
            Field::ValidUntil => self.valid_until.as_deref(),
            Field::Status => self.status.as_deref(),
        }
    }

    /// A core field, to change.
    pub fn field_mut(&mut self, field: Field) -> &mut Option<String> {
        match field {
            Field::LicenceTypeCode => &mut self.licence_type_code,
            Field::LicenceTypeName => &mut self.licence_type_name,
            Field::LicenceNumber => &mut self.licence_number,
            Field::LicenceId => &mut self.licence_id,
            Field::HolderName => &mut self.holder_name,
            Field::HolderIdType => &mut self.holder_id_type,
            Field::HolderId => &mut self.holder_id,
            Field::IssuerName => &mut self.issuer_name,
            Field::IssuerCode => &mut self.issuer_code,
            Field::IssueDate => &mut self.issue_date,
            Field::ValidFrom => &mut self.valid_from,
            Field::ValidUntil => &mut self.valid_until,
            Field::Status => &mut self.status,
        }
    }

    /// The data as JSON (yinjian's field names; extras as they were named).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// When validity starts (00:00 China Standard Time of `valid_from`), if it is a date.
    pub fn validity_start(&self) -> Option<Time> {
        self.valid_from.as_deref().and_then(date).and_then(day_start)
    }

    /// When validity ends (the end of the day `valid_until`, China Standard Time), or `None`
    /// when there is no end date (absent, 长期, 9999-12-31, or not a date).
    pub fn validity_end(&self) -> Option<Time> {
        let until = self.valid_until.as_deref()?;
        if NO_END.iter().any(|w| w.eq_ignore_ascii_case(until.trim())) {
            return None;
        }
        date(until).and_then(|d| d.next_day()).and_then(day_start)
    }

    /// Whether `valid_until` is written but is neither a date nor a "no end" word.
    pub fn validity_end_unreadable(&self) -> bool {
        self.valid_until
            .as_deref()
            .is_some_and(|u| !NO_END.iter().any(|w| w.eq_ignore_ascii_case(u.trim())) && date(u).is_none())
    }

    /// Whether the status says the licence was withdrawn (注销, 吊销, 撤销, …).
    pub fn is_withdrawn(&self) -> bool {
        self.status.as_deref().is_some_and(|s| {
            let s = s.trim();
            WITHDRAWN_STATUSES
                .iter()
                .any(|w| s.eq_ignore_ascii_case(w) || (!w.is_ascii() && s.contains(w)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_aliases_and_extras() {
        let data = LicenceData::from_json(
            r#"{"证照类型名称":"营业执照","holder_name":"示例科技有限公司","CZZTDM":"91350100M000100Y43",
                "issueDate":"2024年3月5日","validUntil":"长期","注册资本":"100万元","seq":7}"#
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(data.licence_type_name.as_deref(), Some("营业执照"));
        assert_eq!(data.holder_name.as_deref(), Some("示例科技有限公司"));
        assert_eq!(data.holder_id.as_deref(), Some("91350100M000100Y43"));
        assert_eq!(data.issue_date.as_deref(), Some("2024-03-05"));
        assert_eq!(data.validity_end(), None);
        assert!(!data.validity_end_unreadable());
        assert_eq!(data.extra["注册资本"], "100万元");
        assert_eq!(data.extra["seq"], "7");
        let json = data.to_json();
        assert_eq!(json["holderName"], "示例科技有限公司");
        assert_eq!(json["注册资本"], "100万元");
        // What yinjian writes reads back unchanged.
        assert_eq!(LicenceData::from_json(json.to_string().as_bytes()).unwrap(), data);
    }

    #[test]
    fn xml_any_depth_prefixes_and_unknowns_kept() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
            <m:证照元数据 xmlns:m="urn:x">
              <m:基本信息><m:证照标识>1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U</m:证照标识>
              <m:证照编号>No.123</m:证照编号><m:证照类型代码>11100000000013338W011</m:证照类型代码></m:基本信息>
              <ValidityStart>20230101</ValidityStart><YXQJZRQ>2043/12/31</YXQJZRQ>
              <Remark>a</Remark><Remark>b &amp; c</Remark><Empty/>
            </m:证照元数据>"#;
        let data = LicenceData::from_xml(xml.as_bytes()).unwrap();
        assert_eq!(data.licence_number.as_deref(), Some("No.123"));
        assert!(data.licence_id.as_deref().unwrap().starts_with("1.2.156.3005.2."));
        assert_eq!(data.valid_from.as_deref(), Some("2023-01-01"));
        assert_eq!(data.valid_until.as_deref(), Some("2043-12-31"));
        assert_eq!(data.extra["Remark"], "a");
        assert_eq!(data.extra["Remark#2"], "b & c");
        // 2043-12-31 ends at 2044-01-01T00:00+08:00.
        assert_eq!(data.validity_end().unwrap().to_string(), "2043-12-31T16:00:00Z");
        assert_eq!(data.validity_start().unwrap().to_string(), "2022-12-31T16:00:00Z");
        assert_eq!(LicenceData::parse(xml.as_bytes()).unwrap(), data);
    }

    #[test]
    fn bad_input_has_reasons() {
        assert_eq!(LicenceData::from_json(b"[1]").unwrap_err().reason(), Reason::Malformed);
        assert_eq!(
            LicenceData::from_xml(b"<a><b></a>").unwrap_err().reason(),
            Reason::Malformed
        );
        let deep = "<a>".repeat(100);
        assert_eq!(
            LicenceData::from_xml(deep.as_bytes()).unwrap_err().reason(),
            Reason::TooLarge
        );
        let big = vec![b' '; MAX_DATA_SIZE + 1];
        assert_eq!(LicenceData::parse(&big).unwrap_err().reason(), Reason::TooLarge);
        let data = LicenceData {
            valid_until: Some("soon".into()),
            status: Some("已注销".into()),
            ..LicenceData::default()
        };
        assert!(data.validity_end_unreadable());
        assert!(data.is_withdrawn());
        assert_eq!(normalise_date("2024-02-30 10:00:00"), "2024-02-30");
        assert_eq!(normalise_date("长期"), "长期");
    }
}
