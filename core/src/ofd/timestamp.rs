//! Time-stamping the seal signatures of an OFD document: the proof of existence an OFD
//! archive needs. GB/T 33190 has no place for validation data or document time-stamps; what it
//! has is GB/T 38540's `SES_Signature.timeStamp [0]`, an RFC 3161 token over the signature
//! value. [`timestamp_signatures`] adds one to every seal signature that can take one, so that
//! years later, when the signer's certificate has expired, a verifier can validate the
//! signature at the time the token proves (`seal.timestamp`, then the chains at that time).
//!
//! What changes: only the SignedValue files of the signatures stamped. Adding `timeStamp`
//! leaves `TBS_Sign` and the signature value as they were, so the signature still verifies;
//! Signature.xml (whose SM3 is `dataHash`) and every file a signature's References cover are
//! untouched. A signature's own SignedValue is never among its References (it is made after
//! Signature.xml), but a *later* signature often covers an earlier one's SignedValue (h.ofd,
//! zsbk.ofd, keyword-tongz.ofd in the corpus): such a signature is left as it is, since
//! stamping it would break the later one, and the later signature's own time-stamp then
//! proves that both existed.
//!
//! Left as they are, each with its reason ([`SkipReason`]): signatures that already carry a
//! time-stamp, GM/T 0031 (v1) seal signatures (their SES_Signature has no `timeStamp` field),
//! `Type="Sign"` signatures (a bare SM2 signature or a CMS SignedData: GB/T 33190 defines no
//! time-stamp for them), SignedValue files that are not an SES_Signature, SES_Signatures that
//! do not re-encode byte for byte (rewriting them would change more than the time-stamp), and
//! signatures whose signer certificate or seal is no longer (or not yet) valid at the time
//! given: verifiers judge a time-stamped seal signature at genTime, and a proof of existence
//! made after the expiry proves nothing (stamp at intake, while they are valid).
//!
//! The library reads no clock and fetches nothing: the TSA's key and certificate and the
//! time written into every token (`genTime`) are inputs. The tokens' serial numbers are
//! derived from the TSA certificate, the time and the signature value (unique per signature
//! and time).

use std::io::Cursor;

use serde::Serialize;

use super::package::Package;
use super::sign::{write_package, Rewrite};
use super::verify::{locate, Found};
use super::xml::SignatureType;
use super::OfdError;
use crate::alg::DigestAlgorithm;
use crate::cms::build::{sign_timestamp_token, Tsa};
use crate::seal::asn1::{octets_of, time_of};
use crate::seal::{add_time_stamp, signature_value, SealVersion, SesSignature};
use crate::time::Time;
use crate::x509::Certificate;

/// Length of the serial numbers written into the tokens, in bytes.
pub const SERIAL_LEN: usize = 16;

/// What [`timestamp_signatures`] did, signature by signature (in the order of the document
/// report's `parts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[must_use = "says which signatures were stamped and which skipped"]
pub struct TimestampSummary {
    /// The time written into every new token.
    pub gen_time: Time,
    /// One entry per signature of the document.
    pub signatures: Vec<SignatureStamp>,
}

impl TimestampSummary {
    /// How many signatures got a time-stamp.
    pub fn stamped(&self) -> usize {
        self.signatures
            .iter()
            .filter(|s| matches!(s.outcome, StampOutcome::Stamped { .. }))
            .count()
    }
}

/// One signature and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureStamp {
    /// Path of its Signature.xml in the package.
    pub signature: String,
    /// Its `ID` in Signatures.xml.
    pub id: String,
    /// `Seal` or `Sign`.
    pub kind: SignatureType,
    /// Stamped or skipped.
    #[serde(flatten)]
    pub outcome: StampOutcome,
}

/// Stamped, or left as it was and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StampOutcome {
    /// A token was added to the SignedValue file.
    Stamped {
        /// The SignedValue file rewritten.
        signed_value: String,
        /// The messageImprint digest (of the signature value).
        imprint_algorithm: &'static str,
        /// The token's serial number, hex.
        serial: String,
    },
    /// Left as it was.
    Skipped {
        /// Why, for machines.
        why: SkipReason,
        /// Why, for people.
        message: String,
    },
}

/// Why a signature was not time-stamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// Its SES_Signature already has a `timeStamp`.
    AlreadyTimeStamped,
    /// A GM/T 0031 (v1) seal signature: no `timeStamp` field.
    V1Seal,
    /// `Type="Sign"`: a bare SM2 signature or a CMS SignedData.
    PlainSignature,
    /// `Type="Seal"`, but the SignedValue file is not an SES_Signature.
    NotSesSignature,
    /// Another signature covers (or shares) its SignedValue file: rewriting it would break
    /// that one.
    ProtectedByAnotherSignature,
    /// genTime precedes the claimed signing time, or the signer certificate or the seal is
    /// not valid at genTime: the token would prove nothing usable.
    UnusableTime,
    /// The SES_Signature does not re-encode byte for byte.
    NotReencodable,
    /// Signature.xml or the SignedValue file cannot be read.
    Unreadable,
}

fn skipped(why: SkipReason, message: impl Into<String>) -> StampOutcome {
    StampOutcome::Skipped {
        why,
        message: message.into(),
    }
}

/// Adds an RFC 3161 time-stamp token, made by `tsa` at `gen_time`, to every v4 seal signature
/// of the OFD package `input` that has none and whose SignedValue no other signature covers;
/// returns the new package and what was done to each signature. Every entry but the
/// SignedValue files stamped is copied byte for byte; when nothing is stamped the package
/// written has the input's entries unchanged.
///
/// The token's messageImprint is the digest of the signature value (the BIT STRING's bytes)
/// with the TSA key's digest algorithm (SM3 for an SM2 TSA); `tsa.chain` should hold the
/// TSA's intermediates, since verifiers build its path from the token's certificates.
///
/// # Errors
///
/// [`OfdError`] when the package, OFD.xml or a signature list cannot be read, and
/// [`OfdError::Malformed`] when the TSA cannot sign (its key does not match its certificate,
/// too many chain certificates).
pub fn timestamp_signatures(
    input: &[u8],
    tsa: &Tsa<'_>,
    gen_time: Time,
) -> Result<(Vec<u8>, TimestampSummary), OfdError> {
    let mut pkg = Package::open(Cursor::new(input))?;
    let found = locate(&mut pkg)?;
    // Every file some signature's References cover: name (lower case) → those signatures.
    let mut covered: Vec<(String, &str)> = Vec::new();
    for sig in &found {
        let Ok((_, parsed)) = &sig.xml else { continue };
        for reference in &parsed.references {
            let name = Package::<Cursor<&[u8]>>::resolve(&sig.path, &reference.file_ref)
                .and_then(|f| pkg.entry(&f).map(|e| e.name.to_lowercase()));
            covered.extend(name.map(|n| (n, sig.path.as_str())));
        }
    }
    let mut rewrite = Rewrite::default();
    let mut signatures = Vec::with_capacity(found.len());
    for sig in &found {
        let outcome = stamp_one(&mut pkg, sig, &covered, &mut rewrite, tsa, gen_time)?;
        signatures.push(SignatureStamp {
            signature: sig.path.clone(),
            id: sig.entry.id.clone(),
            kind: sig.entry.kind,
            outcome,
        });
    }
    let output = write_package(input, rewrite, gen_time)?;
    Ok((output, TimestampSummary { gen_time, signatures }))
}

/// Stamps one signature (its new SignedValue goes into `rewrite`), or says why not.
fn stamp_one(
    pkg: &mut Package<Cursor<&[u8]>>,
    sig: &Found,
    covered: &[(String, &str)],
    rewrite: &mut Rewrite,
    tsa: &Tsa<'_>,
    gen_time: Time,
) -> Result<StampOutcome, OfdError> {
    let parsed = match &sig.xml {
        Ok((_, parsed)) => parsed,
        Err(e) => return Ok(skipped(SkipReason::Unreadable, format!("{}: {e}", sig.path))),
    };
    if sig.entry.kind == SignatureType::Sign {
        return Ok(skipped(
            SkipReason::PlainSignature,
            "Type=Sign (a bare SM2 signature or a CMS SignedData): GB/T 33190 gives it no time-stamp field",
        ));
    }
    let name = Package::<Cursor<&[u8]>>::resolve(&sig.path, &parsed.signed_value_loc)
        .and_then(|loc| pkg.entry(&loc).map(|e| e.name.clone()));
    let Some(name) = name else {
        return Ok(skipped(
            SkipReason::Unreadable,
            format!("SignedValue {:?} is not in the package", parsed.signed_value_loc),
        ));
    };
    let protectors: Vec<&str> = covered
        .iter()
        .filter(|(file, _)| *file == name.to_lowercase())
        .map(|(_, by)| *by)
        .collect();
    if !protectors.is_empty() {
        return Ok(skipped(
            SkipReason::ProtectedByAnotherSignature,
            format!(
                "{name} is covered by {}: adding a time-stamp would change a file that signature protects",
                protectors.join(", ")
            ),
        ));
    }
    if rewrite.replace.contains_key(&name) {
        return Ok(skipped(
            SkipReason::ProtectedByAnotherSignature,
            format!("{name} is the SignedValue of another signature too, stamped already"),
        ));
    }
    let bytes = match pkg.read(&name) {
        Ok(bytes) => bytes,
        Err(e) => return Ok(skipped(SkipReason::Unreadable, e.to_string())),
    };
    let ses = match SesSignature::decode(&bytes) {
        Ok(ses) => ses,
        Err(e) => {
            return Ok(skipped(
                SkipReason::NotSesSignature,
                format!("{name} is not an SES_Signature: {e}"),
            ))
        }
    };
    if ses.version == SealVersion::V1 {
        return Ok(skipped(
            SkipReason::V1Seal,
            "a GM/T 0031 (v1) seal signature: its SES_Signature has no timeStamp field",
        ));
    }
    if ses.time_stamp.is_some() {
        return Ok(skipped(
            SkipReason::AlreadyTimeStamped,
            "already carries a time-stamp token (timeStamp [0]); left as it is",
        ));
    }
    if let Err(why) = usable_at(&ses, gen_time) {
        return Ok(skipped(SkipReason::UnusableTime, why));
    }
    if ses.encode().ok().as_deref() != Some(bytes.as_slice()) {
        return Ok(skipped(
            SkipReason::NotReencodable,
            format!("{name} does not re-encode byte for byte: rewriting it would change more than the time-stamp"),
        ));
    }
    let tsa_err = |e: &dyn std::fmt::Display| OfdError::Malformed(format!("time-stamp authority: {e}"));
    let value = signature_value(&bytes).map_err(|e| OfdError::Malformed(format!("{name}: {e}")))?;
    let imprint_alg = tsa.key.digest_algorithm();
    let serial = serial_number(tsa, gen_time, &value);
    let token = sign_timestamp_token(tsa, imprint_alg, &imprint_alg.digest(&value), &serial, gen_time)
        .map_err(|e| tsa_err(&e))?;
    let stamped = add_time_stamp(&bytes, &token).map_err(|e| OfdError::Malformed(format!("{name}: {e}")))?;
    rewrite.replace.insert(name.clone(), stamped);
    Ok(StampOutcome::Stamped {
        signed_value: name,
        imprint_algorithm: imprint_alg.name(),
        serial: hex::encode(serial),
    })
}

/// Whether a token at `gen_time` can prove anything: verifiers judge a time-stamped seal
/// signature at genTime, so it must not precede the claimed signing time and the signer
/// certificate and the seal must still be valid then. A time-stamp made after either expired
/// is no proof of existence while they were valid (ETSI EN 319 102-1: no POE before the
/// expiry) — the archive's intake step has to come first.
fn usable_at(ses: &SesSignature, gen_time: Time) -> Result<(), String> {
    let claimed = ses
        .to_sign
        .time()
        .map_err(|e| format!("the claimed signing time: {e}"))?;
    if gen_time < claimed {
        return Err(format!(
            "genTime {gen_time} is before the claimed signing time {claimed}"
        ));
    }
    let signer = ses
        .cert
        .as_ref()
        .ok_or_else(|| "no signer certificate".to_owned())
        .and_then(|c| octets_of(c, "SES_Signature.cert").map_err(|e| e.to_string()))
        .and_then(|der| Certificate::from_der(der).map_err(|e| format!("signer certificate: {e}")))?;
    let property = &ses.to_sign.eseal.info.property;
    let seal = time_of(&property.valid_start, "validStart")
        .and_then(|start| Ok((start, time_of(&property.valid_end, "validEnd")?)))
        .map_err(|e| format!("the seal's validity: {e}"))?;
    for (what, (start, end)) in [
        ("the signer certificate", (signer.not_before(), signer.not_after())),
        ("the seal", seal),
    ] {
        if gen_time < start || gen_time > end {
            return Err(format!(
                "{what} ({start} .. {end}) is not valid at genTime {gen_time}: a time-stamp then proves nothing about the time it was valid"
            ));
        }
    }
    Ok(())
}

/// A serial number unique per TSA, time and signature value: the first [`SERIAL_LEN`] bytes
/// of SM3 over the three, made a positive INTEGER.
fn serial_number(tsa: &Tsa<'_>, gen_time: Time, signature_value: &[u8]) -> Vec<u8> {
    let mut hasher = DigestAlgorithm::Sm3.hasher();
    hasher.update(tsa.cert.der());
    hasher.update(&gen_time.unix().to_be_bytes());
    hasher.update(signature_value);
    let mut serial = hasher.finalize();
    serial.truncate(SERIAL_LEN);
    // Positive and minimal as a DER INTEGER: top bit clear, first byte never zero.
    if let Some(first) = serial.first_mut() {
        *first = (*first & 0x7f) | 0x40;
    }
    serial
}
