//! The CWT claims (RFC 8392) a licence QR code carries, and yinjian's private licence claim.
//!
//! The licence claim (key [`LICENCE_CLAIM`]) is a CBOR map with small integer keys, so the
//! code stays small: [`LICENCE_KEYS`]. Dates that are `YYYY-MM-DD` travel as the unsigned
//! integer `YYYYMMDD` (5 bytes instead of 11); anything else (长期) as text. The binding hash
//! (key 14) is the SM3 digest of the full licence file, when the issuer binds one.

use ciborium::value::Value;
use coset::cwt::{ClaimName, ClaimsSet, ClaimsSetBuilder, Timestamp};
use coset::CborSerializable;

use super::QrError;
use crate::licence::data::{Field, LicenceData};
use crate::time::Time;

/// The private-use CWT claim key (below −65536) holding the licence map.
pub const LICENCE_CLAIM: i64 = -70_001;

/// The key of the binding hash (SM3 of the full licence file) inside the licence map.
pub const BINDING_KEY: i64 = 14;

/// Keys of the licence map and the field each carries.
pub const LICENCE_KEYS: &[(i64, Field)] = &[
    (1, Field::LicenceId),
    (2, Field::LicenceTypeCode),
    (3, Field::LicenceTypeName),
    (4, Field::LicenceNumber),
    (5, Field::HolderName),
    (6, Field::HolderIdType),
    (7, Field::HolderId),
    (8, Field::IssuerName),
    (9, Field::IssuerCode),
    (10, Field::IssueDate),
    (11, Field::ValidFrom),
    (12, Field::ValidUntil),
    (13, Field::Status),
];

/// What a licence QR code says, once its signature verified.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenceClaims {
    /// `iss`: the issuing authority (its unified social credit code).
    pub issuer: Option<String>,
    /// `iat`.
    pub issued_at: Option<Time>,
    /// `exp`.
    pub expires: Option<Time>,
    /// The licence's core data.
    pub licence: LicenceData,
    /// SM3 digest of the full licence file, when bound.
    pub binding: Option<Vec<u8>>,
}

fn date_value(text: &str) -> Value {
    let b = text.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 8 {
            if let Ok(n) = digits.parse::<u32>() {
                return Value::Integer(n.into());
            }
        }
    }
    Value::Text(text.to_owned())
}

/// The licence type code inside a valid e-licence identifier.
fn id_type_code(data: &LicenceData) -> Option<String> {
    let id = crate::licence::id::licence_id(data.licence_id.as_deref()?).ok()?;
    id.value
        .strip_prefix(crate::licence::id::LICENCE_ROOT)?
        .split('.')
        .next()
        .map(str::to_owned)
}

fn is_date(field: Field) -> bool {
    matches!(field, Field::IssueDate | Field::ValidFrom | Field::ValidUntil)
}

/// The claims set, encoded.
pub fn encode(
    data: &LicenceData,
    issuer: Option<&str>,
    issued_at: Time,
    expires: Time,
    binding: Option<&[u8]>,
) -> Result<Vec<u8>, QrError> {
    let mut map = Vec::new();
    for (key, field) in LICENCE_KEYS {
        // The issuer code travels as `iss`, the type code inside the licence identifier:
        // do not repeat them.
        if *field == Field::IssuerCode && issuer.is_some() && issuer == data.issuer_code.as_deref() {
            continue;
        }
        if *field == Field::LicenceTypeCode
            && data.licence_type_code.is_some()
            && id_type_code(data) == data.licence_type_code
        {
            continue;
        }
        if let Some(value) = data.get(*field) {
            let value = if is_date(*field) {
                date_value(value)
            } else {
                Value::Text(value.to_owned())
            };
            map.push((Value::Integer((*key).into()), value));
        }
    }
    if let Some(hash) = binding {
        map.push((Value::Integer(BINDING_KEY.into()), Value::Bytes(hash.to_vec())));
    }
    let mut builder = ClaimsSetBuilder::new()
        .issued_at(Timestamp::WholeSeconds(issued_at.unix()))
        .expiration_time(Timestamp::WholeSeconds(expires.unix()));
    if let Some(iss) = issuer {
        builder = builder.issuer(iss.to_owned());
    }
    builder
        .private_claim(LICENCE_CLAIM, Value::Map(map))
        .build()
        .to_vec()
        .map_err(|e| QrError::Encode(e.to_string()))
}

fn time(ts: &Option<Timestamp>, name: &str) -> Result<Option<Time>, QrError> {
    match ts {
        None => Ok(None),
        Some(Timestamp::WholeSeconds(s)) => Time::from_unix(*s)
            .map(Some)
            .map_err(|e| QrError::Claims(format!("{name}: {e}"))),
        Some(Timestamp::FractionalSeconds(_)) => Err(QrError::Claims(format!("{name} must be whole seconds"))),
    }
}

/// Reads the claims set.
pub fn decode(bytes: &[u8]) -> Result<LicenceClaims, QrError> {
    let set = ClaimsSet::from_slice(bytes).map_err(|e| QrError::Claims(e.to_string()))?;
    let mut claims = LicenceClaims {
        issuer: set.issuer.clone(),
        issued_at: time(&set.issued_at, "iat")?,
        expires: time(&set.expiration_time, "exp")?,
        licence: LicenceData::default(),
        binding: None,
    };
    let licence = set
        .rest
        .iter()
        .find(|(name, _)| *name == ClaimName::PrivateUse(LICENCE_CLAIM))
        .map(|(_, v)| v)
        .ok_or_else(|| QrError::Claims(format!("no licence claim ({LICENCE_CLAIM})")))?;
    let Value::Map(entries) = licence else {
        return Err(QrError::Claims("the licence claim is not a map".into()));
    };
    for (key, value) in entries {
        let key = key
            .as_integer()
            .and_then(|k| i64::try_from(k).ok())
            .ok_or_else(|| QrError::Claims("licence claim keys must be integers".into()))?;
        if key == BINDING_KEY {
            let hash = value
                .as_bytes()
                .ok_or_else(|| QrError::Claims("the binding hash is not a byte string".into()))?;
            claims.binding = Some(hash.clone());
            continue;
        }
        let text = match value {
            Value::Text(t) => t.clone(),
            Value::Integer(n) => {
                let n = i128::from(*n);
                match LICENCE_KEYS.iter().find(|(k, _)| *k == key) {
                    Some((_, f)) if is_date(*f) && (10_000_101..=99_991_231).contains(&n) => {
                        format!("{:04}-{:02}-{:02}", n / 10000, n / 100 % 100, n % 100)
                    }
                    _ => n.to_string(),
                }
            }
            _ => {
                return Err(QrError::Claims(format!(
                    "licence claim {key} is neither text nor an integer"
                )))
            }
        };
        match LICENCE_KEYS.iter().find(|(k, _)| *k == key) {
            Some((_, field)) => {
                let slot = claims.licence.field_mut(*field);
                if slot.is_some() {
                    return Err(QrError::Claims(format!("licence claim {key} repeated")));
                }
                *slot = Some(text);
            }
            None => {
                claims
                    .licence
                    .set(&format!("claim{key}"), text)
                    .map_err(|e| QrError::Claims(e.to_string()))?;
            }
        }
    }
    if claims.licence.issuer_code.is_none() {
        claims.licence.issuer_code = claims.issuer.clone();
    }
    if claims.licence.licence_type_code.is_none() {
        claims.licence.licence_type_code = id_type_code(&claims.licence);
    }
    Ok(claims)
}
