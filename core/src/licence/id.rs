//! Identifiers citizens, companies and licences carry, each validated to its parts or a
//! precise reason. The check-character rules live here, in one place, so they can be
//! corrected together:
//!
//! | identifier | standard | check character |
//! |---|---|---|
//! | resident identity number | GB 11643-1999 | ISO 7064 MOD 11-2 (`X` = 10) |
//! | unified social credit code | GB 32100-2015 | MOD 31 over the 31-symbol set, weights 3^(i−1) mod 31 |
//! | organisation code | GB 11714 | MOD 11, weights 3 7 9 10 5 8 4 2 (`X` = 10, `0` = 11) |
//! | national e-licence identifier | GB/T 36904 practice (`../shared/notes/licence-identifier.md`) | ISO 7064 MOD 37,36 hybrid |

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::{Check, Reason, Report};

/// The report kind of [`check_identifier`].
pub const REPORT_KIND: &str = "identifier";

/// Longest input looked at (identifiers are short; this bounds hostile input).
pub const MAX_IDENTIFIER_LEN: usize = 256;

/// The root every national e-licence identifier starts with.
pub const LICENCE_ROOT: &str = "1.2.156.3005.2.";

/// What kind of identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IdKind {
    /// 居民身份号码 (GB 11643).
    ResidentId,
    /// 统一社会信用代码 (GB 32100).
    CreditCode,
    /// 组织机构代码 (GB 11714).
    OrganisationCode,
    /// 电子证照标识.
    LicenceId,
}

/// A validated identifier: its kind, canonical text and named parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identifier {
    /// The kind.
    pub kind: IdKind,
    /// The canonical form (upper case; a 15-digit resident number upgraded to 18).
    pub value: String,
    /// Named parts (region, birth date, sequence, sex, registration authority, …).
    pub parts: BTreeMap<String, String>,
}

/// Why an identifier is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Wrong length, characters or structure.
    #[error("{0}")]
    Format(String),
    /// A part has an impossible value (a date that does not exist, …).
    #[error("{0}")]
    Value(String),
    /// The check character does not match.
    #[error("check character {found:?} should be {expected:?}")]
    CheckCharacter {
        /// The character written.
        found: char,
        /// The character the standard computes.
        expected: char,
    },
}

impl IdError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            IdError::Format(_) | IdError::Value(_) => Reason::Malformed,
            IdError::CheckCharacter { .. } => Reason::HashMismatch,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Check characters
// ---------------------------------------------------------------------------------------

/// ISO 7064 MOD 11-2 over 17 ASCII digits: the resident identity number's check character.
/// `None` for anything but exactly 17 digits.
pub fn mod11_2(digits: &[u8]) -> Option<char> {
    if digits.len() != 17 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * ((1u32 << (17 - i)) % 11))
        .sum();
    Some(match (12 - sum % 11) % 11 {
        10 => 'X',
        v => char::from(b'0' + v as u8),
    })
}

/// The 31 symbols of the unified social credit code (no I, O, Z, S, V).
pub const CREDIT_CODE_SYMBOLS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100 check character over the first 17 symbols.
pub fn credit_code_check(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut weight = 1u32;
    for c in first17.chars() {
        sum += CREDIT_CODE_SYMBOLS.find(c)? as u32 * weight;
        weight = weight * 3 % 31;
    }
    CREDIT_CODE_SYMBOLS.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// GB 11714 check character over the 8-character body of an organisation code.
pub fn organisation_code_check(body: &str) -> Option<char> {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0;
    for (c, w) in body.chars().zip(WEIGHTS) {
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        v => char::from_digit(v, 10)?,
    })
}

/// ISO 7064 MOD 37,36 (hybrid system over 0-9A-Z): the e-licence identifier's check character.
pub fn mod37_36(text: &str) -> Option<char> {
    const M: u32 = 36;
    let mut p = M;
    for c in text.chars() {
        let mut s = (p + c.to_digit(36)?) % M;
        if s == 0 {
            s = M;
        }
        p = (2 * s) % (M + 1);
    }
    char::from_digit((M + 1 - p) % M, 36).map(|c| c.to_ascii_uppercase())
}

// ---------------------------------------------------------------------------------------
// Validators
// ---------------------------------------------------------------------------------------

fn prepare(value: &str) -> Result<String, IdError> {
    if value.len() > MAX_IDENTIFIER_LEN {
        return Err(IdError::Format(format!("longer than {MAX_IDENTIFIER_LEN} characters")));
    }
    Ok(value.trim().to_ascii_uppercase())
}

fn check_char(found: char, expected: char) -> Result<(), IdError> {
    if found == expected {
        Ok(())
    } else {
        Err(IdError::CheckCharacter { found, expected })
    }
}

/// A resident identity number (GB 11643-1999): 18 characters, or the 15-digit legacy form
/// (upgraded to 18 by inserting the century 19 and computing the check character).
pub fn resident_id(value: &str) -> Result<Identifier, IdError> {
    let v = prepare(value)?;
    let v = match v.len() {
        15 if v.bytes().all(|b| b.is_ascii_digit()) => {
            let mut body = format!("{}19{}", &v[..6], &v[6..]);
            let check = mod11_2(body.as_bytes()).ok_or_else(|| IdError::Format("15 digits".into()))?;
            body.push(check);
            body
        }
        18 if v.is_ascii() => v,
        _ => {
            return Err(IdError::Format(format!(
                "{} characters: a resident identity number has 18 digits (or 15 in the legacy form)",
                v.chars().count()
            )))
        }
    };
    let b = v.as_bytes();
    if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return Err(IdError::Format("17 digits then a digit or X".into()));
    }
    if b[0] == b'0' || b[..2] == *b"00" {
        return Err(IdError::Value(format!("region code {} is not a region", &v[..6])));
    }
    let (y, m, d) = (
        v[6..10].parse::<i32>().unwrap_or(0),
        v[10..12].parse::<u8>().unwrap_or(0),
        v[12..14].parse::<u8>().unwrap_or(0),
    );
    if y < 1800 || crate::time::Time::from_utc_fields(y, m, d, 0, 0, 0).is_none() {
        return Err(IdError::Value(format!("birth date {} does not exist", &v[6..14])));
    }
    let expected = mod11_2(&b[..17]).ok_or_else(|| IdError::Format("17 digits then a digit or X".into()))?;
    check_char(char::from(b[17]), expected)?;
    let sequence = &v[14..17];
    let sex = if (b[16] - b'0') % 2 == 1 { "male" } else { "female" };
    let parts = BTreeMap::from([
        ("region".to_owned(), v[..6].to_owned()),
        (
            "birth_date".to_owned(),
            format!("{}-{}-{}", &v[6..10], &v[10..12], &v[12..14]),
        ),
        ("sequence".to_owned(), sequence.to_owned()),
        ("sex".to_owned(), sex.to_owned()),
    ]);
    Ok(Identifier {
        kind: IdKind::ResidentId,
        value: v,
        parts,
    })
}

/// A unified social credit code (GB 32100-2015). Early pilot codes issued before the
/// standard can carry another check character: such a code is reported as a mismatch,
/// never as valid.
pub fn credit_code(value: &str) -> Result<Identifier, IdError> {
    let v = prepare(value)?;
    if v.chars().count() != 18 {
        return Err(IdError::Format(format!(
            "{} characters: a unified social credit code has 18",
            v.chars().count()
        )));
    }
    if let Some(bad) = v.chars().find(|c| !CREDIT_CODE_SYMBOLS.contains(*c)) {
        return Err(IdError::Format(format!(
            "{bad:?} is not one of the 31 symbols (I, O, Z, S, V are never used)"
        )));
    }
    if !v[2..8].bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::Format(format!("region code {} must be 6 digits", &v[2..8])));
    }
    let expected = credit_code_check(&v[..17]).ok_or_else(|| IdError::Format("bad symbol".into()))?;
    check_char(v.chars().nth(17).unwrap_or(' '), expected)?;
    let organisation = &v[8..17];
    let parts = BTreeMap::from([
        ("registration_authority".to_owned(), v[..1].to_owned()),
        ("organisation_type".to_owned(), v[1..2].to_owned()),
        ("region".to_owned(), v[2..8].to_owned()),
        ("organisation_code".to_owned(), organisation.to_owned()),
        (
            "organisation_code_valid".to_owned(),
            organisation_code(organisation).is_ok().to_string(),
        ),
    ]);
    Ok(Identifier {
        kind: IdKind::CreditCode,
        value: v,
        parts,
    })
}

/// An organisation code (GB 11714): 8 characters and a check character, with or without `-`.
pub fn organisation_code(value: &str) -> Result<Identifier, IdError> {
    let v = prepare(value)?.replace('-', "");
    if v.len() != 9 || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(IdError::Format(format!(
            "{} characters: an organisation code is 8 letters or digits and a check character",
            v.chars().count()
        )));
    }
    let expected = organisation_code_check(&v[..8]).ok_or_else(|| IdError::Format("bad character".into()))?;
    check_char(char::from(v.as_bytes()[8]), expected)?;
    Ok(Identifier {
        kind: IdKind::OrganisationCode,
        parts: BTreeMap::from([("body".to_owned(), v[..8].to_owned())]),
        value: format!("{}-{}", &v[..8], &v[8..]),
    })
}

/// A national e-licence identifier `1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>`.
pub fn licence_id(value: &str) -> Result<Identifier, IdError> {
    let v = prepare(value)?;
    let rest = v
        .strip_prefix(LICENCE_ROOT)
        .ok_or_else(|| IdError::Format(format!("does not start with {LICENCE_ROOT}")))?;
    let parts: Vec<&str> = rest.split('.').collect();
    let [kind, issuer, serial, version, check] = parts[..] else {
        return Err(IdError::Format(format!(
            "{} fields after the root; expected type.issuer.serial.version.check",
            parts.len()
        )));
    };
    // `is_ascii` first: the byte slices below must fall on character boundaries.
    if kind.len() != 21
        || !kind.is_ascii()
        || credit_code(&kind[..18]).is_err()
        || !kind[18..].bytes().all(|b| b.is_ascii_digit())
    {
        return Err(IdError::Format(format!(
            "licence type {kind:?} should be a credit code and a 3-digit number"
        )));
    }
    let issuer_ok = (issuer.len() == 18 && credit_code(issuer).is_ok())
        || (issuer.len() == 6 && issuer.bytes().all(|b| b.is_ascii_digit()));
    if !issuer_ok {
        return Err(IdError::Format(format!(
            "issuing authority {issuer:?} should be a credit code or a 6-digit region code"
        )));
    }
    if serial.is_empty() || !serial.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(IdError::Format(format!("serial {serial:?} must be letters and digits")));
    }
    if version.len() != 3 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::Format(format!("version {version:?} must be 3 digits")));
    }
    if check.len() != 1 {
        return Err(IdError::Format(format!("check {check:?} must be one character")));
    }
    let expected =
        mod37_36(&format!("{kind}{issuer}{serial}{version}")).ok_or_else(|| IdError::Format("bad character".into()))?;
    check_char(check.chars().next().unwrap_or(' '), expected)?;
    let named = BTreeMap::from([
        ("licence_type".to_owned(), kind.to_owned()),
        ("issuing_authority".to_owned(), issuer.to_owned()),
        ("serial".to_owned(), serial.to_owned()),
        ("version".to_owned(), version.to_owned()),
    ]);
    Ok(Identifier {
        kind: IdKind::LicenceId,
        value: v,
        parts: named,
    })
}

/// A validator of one kind of identifier.
pub type Validator = fn(&str) -> Result<Identifier, IdError>;

/// Every kind, in the order [`check_identifier`] reports them when the shape fits none.
pub const ALL_KINDS: [IdKind; 4] = [
    IdKind::ResidentId,
    IdKind::CreditCode,
    IdKind::OrganisationCode,
    IdKind::LicenceId,
];

impl IdKind {
    /// The validator of this kind.
    pub fn validator(self) -> Validator {
        match self {
            IdKind::ResidentId => resident_id,
            IdKind::CreditCode => credit_code,
            IdKind::OrganisationCode => organisation_code,
            IdKind::LicenceId => licence_id,
        }
    }

    /// The kind's name in English, with its article ("a resident identity number",
    /// "an organisation code").
    pub fn with_article(self) -> &'static str {
        match self {
            IdKind::ResidentId => "a resident identity number",
            IdKind::CreditCode => "a unified social credit code",
            IdKind::OrganisationCode => "an organisation code",
            IdKind::LicenceId => "an e-licence identifier",
        }
    }
}

/// The kinds whose shape `v` (trimmed, upper case) has; empty when it has none of them.
fn kinds_by_shape(v: &str) -> Vec<IdKind> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    if v.starts_with("1.2.156.") {
        vec![IdKind::LicenceId]
    } else if !v.is_ascii() {
        Vec::new()
    } else if v.len() == 18 && digits(&v[..17]) {
        vec![IdKind::ResidentId, IdKind::CreditCode]
    } else if v.len() == 18 && alnum(v) {
        vec![IdKind::CreditCode]
    } else if v.len() == 15 && digits(v) {
        vec![IdKind::ResidentId]
    } else if (v.len() == 9 && alnum(v)) || (v.len() == 10 && v.as_bytes()[8] == b'-') {
        vec![IdKind::OrganisationCode]
    } else {
        Vec::new()
    }
}

/// Why `v` has the shape of no kind, in general terms, when there is more to say than each
/// kind's own refusal.
fn shape_problem(v: &str) -> Option<String> {
    if v.is_empty() {
        return Some("the identifier is empty".into());
    }
    v.chars()
        .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '.' | '-'))
        .map(|c| format!("{c:?} is not a letter or digit: identifiers are written in ASCII letters and digits"))
}

/// Recognises the kind from the shape and validates; returns a report (kind `identifier`)
/// with the parts as details, or the precise reason. An input whose shape fits no kind is
/// tried as every kind, and the message says why each refuses it.
pub fn check_identifier(value: &str) -> Report {
    let mut report = Report::new(REPORT_KIND);
    let v = value.trim().to_ascii_uppercase();
    let by_shape = kinds_by_shape(&v);
    let attempts = if by_shape.is_empty() {
        ALL_KINDS.to_vec()
    } else {
        by_shape.clone()
    };
    let mut failures = Vec::new();
    for kind in &attempts {
        match kind.validator()(&v) {
            Ok(id) => {
                let mut check = Check::passed("id.valid", format!("a valid {}: {}", kind_name(*kind), id.value))
                    .with_detail("kind", serde_json::to_value(kind).unwrap_or_default());
                for (k, val) in &id.parts {
                    check = check.with_detail(k, val.clone());
                }
                report.push(check);
                return report.finish();
            }
            Err(e) => failures.push((*kind, e)),
        }
    }
    let each = failures
        .iter()
        .map(|(k, e)| format!("as {}: {e}", k.with_article()))
        .collect::<Vec<_>>()
        .join("; ");
    let tried = serde_json::to_value(&attempts).unwrap_or_default();
    let check = match (by_shape.is_empty(), &failures[..]) {
        (false, [(kind, err), ..]) => Check::failed("id.valid", err.reason(), each)
            .with_detail("kind", serde_json::to_value(kind).unwrap_or_default()),
        _ => {
            let lead = shape_problem(&v).map_or(String::new(), |p| format!("{p}; "));
            Check::failed(
                "id.valid",
                Reason::Malformed,
                format!(
                    "{lead}the shape fits no kind of identifier; tried {} kinds: {each}",
                    failures.len()
                ),
            )
        }
    };
    report.push(check.with_detail("tried", tried));
    report.finish()
}

fn kind_name(kind: IdKind) -> &'static str {
    match kind {
        IdKind::ResidentId => "resident identity number",
        IdKind::CreditCode => "unified social credit code",
        IdKind::OrganisationCode => "organisation code",
        IdKind::LicenceId => "e-licence identifier",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    const LICENCE: &str = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S";

    #[test]
    fn published_examples() {
        // GB 11643-1999 example number.
        let id = resident_id("11010519491231002X").unwrap();
        assert_eq!(id.parts["birth_date"], "1949-12-31");
        assert_eq!(id.parts["sex"], "female");
        // The 15-digit legacy form upgrades.
        assert_eq!(resident_id("110105491231002").unwrap().value, "11010519491231002X");
        // The licence examples of the shared note (real identifiers).
        assert!(licence_id(LICENCE).is_ok());
        assert!(licence_id("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U").is_ok());
        // GB 11714's example D2143569-X (by hand: 13·3+2·7+1·9+4·10+3·5+5·8+6·4+9·2 = 199,
        // 199 mod 11 = 1, 11 − 1 = 10 → X), and a credit code built on it.
        assert_eq!(organisation_code_check("D2143569"), Some('X'));
        assert_eq!(organisation_code("d2143569-x").unwrap().value, "D2143569-X");
        let code = format!("91350100{}", "D2143569X");
        let full = format!("{code}{}", credit_code_check(&code).unwrap());
        assert_eq!(credit_code(&full).unwrap().parts["organisation_code_valid"], "true");
    }

    #[test]
    fn precise_reasons() {
        assert!(matches!(
            resident_id("110105194912310021"),
            Err(IdError::CheckCharacter { expected: 'X', .. })
        ));
        assert!(matches!(resident_id("11010519490231002X"), Err(IdError::Value(_))));
        assert!(matches!(credit_code("91350100M000100Y4O"), Err(IdError::Format(_))));
        let report = check_identifier("not an id");
        assert_eq!(report.status, Status::Failed);
        assert_eq!(check_identifier(LICENCE).status, Status::Passed);
        assert_eq!(
            check_identifier(&LICENCE.replace(".S", ".T")).reason,
            Some(Reason::HashMismatch)
        );
    }

    /// An input of no known shape is tried as every kind, and the message says why each
    /// refuses it, with the right article; a known shape names its kind.
    #[test]
    fn unknown_shapes_say_what_was_tried() {
        let failed = |value: &str| {
            let report = check_identifier(value);
            assert_eq!(report.status, Status::Failed, "{value:?}");
            assert_eq!(report.reason, Some(Reason::Malformed), "{value:?}");
            let check = report.check("id.valid").unwrap().clone();
            assert!(!check.message.contains("as a organisation"), "{}", check.message);
            assert!(!check.message.contains("as a e-"), "{}", check.message);
            check
        };
        for (value, says) in [
            ("", "the identifier is empty"),
            ("  ", "the identifier is empty"),
            ("中文", "'中' is not a letter or digit"),
            (
                "12345678901234567",
                "17 characters: a resident identity number has 18 digits",
            ),
        ] {
            let check = failed(value);
            assert!(check.message.contains(says), "{value:?}: {}", check.message);
            for kind in ALL_KINDS {
                assert!(
                    check.message.contains(&format!("as {}: ", kind.with_article())),
                    "{value:?}: {}",
                    check.message
                );
            }
            assert_eq!(check.details["tried"].as_array().unwrap().len(), 4, "{value:?}");
            assert!(!check.details.contains_key("kind"), "no one kind was meant: {value:?}");
        }
        let check = failed("12345678901234567");
        assert!(
            check.message.contains("as a unified social credit code: 17 characters"),
            "{}",
            check.message
        );
        assert!(failed("中文")
            .message
            .contains("as a resident identity number: 2 characters"));

        // A shape that fits one kind is judged as that kind alone.
        let wrong_check = check_identifier("D2143569-Y");
        assert_eq!(wrong_check.reason, Some(Reason::HashMismatch));
        let check = wrong_check.check("id.valid").unwrap();
        assert!(
            check.message.starts_with("as an organisation code: check character"),
            "{}",
            check.message
        );
        assert_eq!(check.details["kind"], "organisation-code");
        let licence = check_identifier("1.2.156.3005.2.x");
        let check = licence.check("id.valid").unwrap();
        assert!(
            check.message.starts_with("as an e-licence identifier: "),
            "{}",
            check.message
        );
    }

    /// Found by the `identifier` fuzz target: a licence type of 21 bytes holding a multi-byte
    /// character used to be sliced inside that character.
    #[test]
    fn multibyte_characters_are_format_errors() {
        let lic = format!("{LICENCE_ROOT}1110000000001333中01.11430000006122244L.S1.001.X");
        assert!(matches!(licence_id(&lic), Err(IdError::Format(_))));
        assert_eq!(mod11_2("1101051949031000中".as_bytes()), None);
        assert_eq!(mod11_2(b"1234"), None);
        assert!(resident_id("11010519490310001中").is_err());
    }

    /// Property: every single-character substitution of a valid identifier is detected, for
    /// identifiers made at random (a small xorshift generator keeps the run reproducible).
    #[test]
    fn every_single_substitution_is_detected() {
        let mut state = 0x9e3779b97f4a7c15u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let digits = "0123456789";
        let alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for _ in 0..200 {
            let body: String = (0..17)
                .map(|i| {
                    if i == 0 {
                        '1'
                    } else {
                        digits.as_bytes()[next(10)] as char
                    }
                })
                .collect();
            let body = format!("{}19{}0101{}", &body[..6], &body[8..10], &body[14..17]);
            let id = format!("{body}{}", mod11_2(body.as_bytes()).unwrap());
            assert!(resident_id(&id).is_ok(), "{id}");
            let code: String = (0..17)
                .map(|_| CREDIT_CODE_SYMBOLS.as_bytes()[next(31)] as char)
                .collect();
            let code = format!("{}{}{}", &code[..2], "350100", &code[8..]);
            let code = format!("{code}{}", credit_code_check(&code).unwrap());
            assert!(credit_code(&code).is_ok(), "{code}");
            let serial: String = (0..11).map(|_| alnum.as_bytes()[next(36)] as char).collect();
            let body = format!("11100000000013338W011.11430000006122244L.{serial}.001");
            let lic = format!("{LICENCE_ROOT}{body}.{}", mod37_36(&body.replace('.', "")).unwrap());
            assert!(licence_id(&lic).is_ok(), "{lic}");
            for (value, alphabet, validate) in [
                (
                    id.as_str(),
                    "0123456789X",
                    resident_id as fn(&str) -> Result<Identifier, IdError>,
                ),
                (code.as_str(), CREDIT_CODE_SYMBOLS, credit_code),
            ] {
                let pos = next(value.len());
                for c in alphabet.chars().filter(|c| *c != value.as_bytes()[pos] as char) {
                    let mut mutated = value.to_owned();
                    mutated.replace_range(pos..=pos, &c.to_string());
                    assert!(validate(&mutated).is_err(), "{value} -> {mutated} accepted");
                }
            }
            // The licence serial and check characters.
            let pos = lic.len() - 1 - next(12);
            if lic.as_bytes()[pos] != b'.' {
                for c in alnum.chars().filter(|c| *c != lic.as_bytes()[pos] as char) {
                    let mut mutated = lic.clone();
                    mutated.replace_range(pos..=pos, &c.to_string());
                    assert!(licence_id(&mutated).is_err(), "{lic} -> {mutated} accepted");
                }
            }
        }
    }

    /// The check functions against an independent computation: the weighted sum over all 18
    /// characters of a resident number is 1 modulo 11 (ISO 7064's defining property).
    #[test]
    fn mod11_2_defining_property() {
        for n in 0..2000u64 {
            let body = format!("{:017}", 11_010_519_000_000_000u64 + n * 7919);
            let check = mod11_2(body.as_bytes()).unwrap();
            let value = if check == 'X' {
                10
            } else {
                check.to_digit(10).unwrap() as u64
            };
            let sum: u64 = body
                .bytes()
                .enumerate()
                .map(|(i, d)| u64::from(d - b'0') * (1u64 << (17 - i)))
                .sum::<u64>()
                + value;
            assert_eq!(sum % 11, 1, "{body}{check}");
        }
    }
}
