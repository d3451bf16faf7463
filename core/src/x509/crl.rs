//! Certificate revocation lists (RFC 5280 §5), SM2-signed ones included: decoding, the CRL
//! and entry extensions revocation checking needs (cRLNumber, deltaCRLIndicator,
//! issuingDistributionPoint, reasonCode, certificateIssuer of indirect CRLs), signature and
//! currency checks. Which CRLs speak for which certificate is decided in
//! [`super::revocation`].

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::GeneralName;

use super::cert::{x509_time, Certificate};
use super::name::{self, NameKey};
use super::X509Error;
use crate::alg::SignatureAlgorithm;
use crate::time::Time;

/// Largest CRL accepted.
pub const MAX_CRL_SIZE: usize = 64 * 1024 * 1024;

const CRL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.20");
const DELTA_CRL_INDICATOR: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.27");
const ISSUING_DISTRIBUTION_POINT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");
const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const ISSUER_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.18");
const FRESHEST_CRL: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.46");
const AUTHORITY_INFO_ACCESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
const REASON_CODE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");
const HOLD_INSTRUCTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.23");
const INVALIDITY_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.24");
const CERTIFICATE_ISSUER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.29");

/// The CRLReason code removeFromCRL (only meaningful in delta CRLs).
pub const REASON_REMOVE_FROM_CRL: u8 = 8;

/// A decoded CRL.
#[derive(Debug, Clone)]
pub struct Crl {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    inner: x509_cert::crl::CertificateList,
    issuer_key: NameKey,
    number: Option<Vec<u8>>,
    base_number: Option<Vec<u8>>,
    idp: Option<IssuingDistributionPoint>,
    idp_der: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    entries: Vec<Entry>,
    /// The certificate issuers named by indirect-CRL entries ([`Entry::issuer`] indexes it;
    /// 0 is the CRL issuer).
    entry_issuers: Vec<Vec<NameKey>>,
    unusable: Option<String>,
}

/// One revoked-certificate entry.
#[derive(Debug, Clone)]
struct Entry {
    serial: Vec<u8>,
    issuer: usize,
    date: Time,
    reason: Option<u8>,
}

/// What a CRL says of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CrlStatus {
    /// Listed as revoked at this time, with the CRLReason code when given.
    Revoked(Time, Option<u8>),
    /// Not listed.
    NotListed,
}

impl Crl {
    /// Decodes one DER CRL. A CRL that decodes but carries an unknown critical CRL or entry
    /// extension is kept, marked unusable (RFC 5280 §5.2, §5.3), so the report can say why.
    pub fn from_der(der: &[u8]) -> Result<Crl, X509Error> {
        if der.len() > MAX_CRL_SIZE {
            return Err(X509Error::TooLarge(format!("CRL of {} bytes", der.len())));
        }
        let inner =
            x509_cert::crl::CertificateList::from_der(der).map_err(|e| X509Error::Malformed(format!("CRL: {e}")))?;
        let tbs = super::signed_part_range(der).map_err(|e| X509Error::Malformed(format!("CRL: {e}")))?;
        if inner.tbs_cert_list.signature != inner.signature_algorithm {
            return Err(X509Error::Malformed(
                "CRL signature algorithm differs from the one inside TBSCertList".into(),
            ));
        }
        let mut crl = Crl {
            issuer_key: name::name_key(&inner.tbs_cert_list.issuer),
            der: der.to_vec(),
            tbs,
            number: None,
            base_number: None,
            idp: None,
            idp_der: None,
            authority_key_id: None,
            entries: Vec::new(),
            entry_issuers: Vec::new(),
            unusable: None,
            inner,
        };
        crl.decode_extensions()?;
        crl.decode_entries()?;
        Ok(crl)
    }

    fn decode_extensions(&mut self) -> Result<(), X509Error> {
        let bad = |oid: ObjectIdentifier, e: der::Error| X509Error::Malformed(format!("CRL extension {oid}: {e}"));
        let mut seen = std::collections::HashSet::new();
        for ext in self.inner.tbs_cert_list.crl_extensions.iter().flatten() {
            if !seen.insert(ext.extn_id) {
                return Err(X509Error::Malformed(format!(
                    "CRL extension {} appears twice",
                    ext.extn_id
                )));
            }
            let value = ext.extn_value.as_bytes();
            match ext.extn_id {
                CRL_NUMBER if ext.critical => {
                    self.unusable
                        .get_or_insert("cRLNumber must not be critical (RFC 5280 §5.2.3)".into());
                }
                CRL_NUMBER => {
                    let n = der::asn1::Uint::from_der(value).map_err(|e| bad(ext.extn_id, e))?;
                    self.number = Some(n.as_bytes().to_vec());
                }
                DELTA_CRL_INDICATOR => {
                    let n = der::asn1::Uint::from_der(value).map_err(|e| bad(ext.extn_id, e))?;
                    self.base_number = Some(n.as_bytes().to_vec());
                }
                ISSUING_DISTRIBUTION_POINT => {
                    let idp = IssuingDistributionPoint::from_der(value).map_err(|e| bad(ext.extn_id, e))?;
                    self.idp = Some(idp);
                    self.idp_der = Some(value.to_vec());
                }
                AUTHORITY_KEY_ID => {
                    let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(value)
                        .map_err(|e| bad(ext.extn_id, e))?;
                    self.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                }
                ISSUER_ALT_NAME | FRESHEST_CRL | AUTHORITY_INFO_ACCESS => {}
                other if ext.critical => {
                    self.unusable
                        .get_or_insert(format!("unknown critical CRL extension {other}"));
                }
                _ => {}
            }
        }
        if self.number.is_none() {
            // RFC 5280 §5.2.3 makes cRLNumber mandatory; without it a CRL cannot be ordered
            // against others (and delta CRLs cannot be applied), so it is not used.
            self.unusable
                .get_or_insert("CRL lacks the cRLNumber extension (RFC 5280 §5.2.3)".into());
        }
        Ok(())
    }

    fn decode_entries(&mut self) -> Result<(), X509Error> {
        let indirect = self.idp.as_ref().is_some_and(|i| i.indirect_crl);
        let mut issuers = vec![vec![self.issuer_key.clone()]];
        let mut current = 0;
        let mut entries = Vec::new();
        for entry in self.inner.tbs_cert_list.revoked_certificates.iter().flatten() {
            let mut reason = None;
            for ext in entry.crl_entry_extensions.iter().flatten() {
                let value = ext.extn_value.as_bytes();
                match ext.extn_id {
                    REASON_CODE => {
                        let code = x509_cert::ext::pkix::crl::CrlReason::from_der(value)
                            .map_err(|e| X509Error::Malformed(format!("CRL entry reasonCode: {e}")))?;
                        reason = Some(code as u8);
                    }
                    CERTIFICATE_ISSUER if indirect => {
                        let names = x509_cert::ext::pkix::name::GeneralNames::from_der(value)
                            .map_err(|e| X509Error::Malformed(format!("CRL entry certificateIssuer: {e}")))?;
                        issuers.push(
                            names
                                .iter()
                                .filter_map(|n| match n {
                                    GeneralName::DirectoryName(d) => Some(name::name_key(d)),
                                    _ => None,
                                })
                                .collect(),
                        );
                        current = issuers.len() - 1;
                    }
                    INVALIDITY_DATE | HOLD_INSTRUCTION => {}
                    other if ext.critical => {
                        self.unusable
                            .get_or_insert(format!("unknown critical CRL entry extension {other}"));
                    }
                    _ => {}
                }
            }
            entries.push(Entry {
                serial: entry.serial_number.as_bytes().to_vec(),
                issuer: current,
                date: x509_time(&entry.revocation_date),
                reason,
            });
        }
        self.entries = entries;
        self.entry_issuers = issuers;
        Ok(())
    }

    /// Reads every CRL in PEM (`X509 CRL` blocks, text around them allowed) or DER input.
    pub fn parse_all(input: &[u8]) -> Result<Vec<Crl>, X509Error> {
        let Some(text) = super::cert::pem_text(input) else {
            return Ok(vec![Crl::from_der(input)?]);
        };
        let mut out = Vec::new();
        for block in super::cert::pem_blocks(&text)
            .iter()
            .filter(|b| b.starts_with("-----BEGIN X509 CRL-----"))
        {
            let (_, der) =
                pem_rfc7468::decode_vec(block.as_bytes()).map_err(|e| X509Error::Malformed(format!("PEM: {e}")))?;
            out.push(Crl::from_der(&der)?);
        }
        if out.is_empty() {
            return Err(X509Error::Malformed("no X509 CRL block".into()));
        }
        Ok(out)
    }

    /// The DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Issuer, as people read it.
    pub fn issuer(&self) -> String {
        name::display(&self.inner.tbs_cert_list.issuer)
    }

    /// Comparable issuer.
    pub fn issuer_key(&self) -> &NameKey {
        &self.issuer_key
    }

    /// thisUpdate.
    pub fn this_update(&self) -> Time {
        x509_time(&self.inner.tbs_cert_list.this_update)
    }

    /// nextUpdate, if any.
    pub fn next_update(&self) -> Option<Time> {
        self.inner.tbs_cert_list.next_update.as_ref().map(x509_time)
    }

    /// cRLNumber (big-endian magnitude), if present.
    pub fn number(&self) -> Option<&[u8]> {
        self.number.as_deref()
    }

    /// The BaseCRLNumber of a delta CRL (deltaCRLIndicator), `None` for a complete CRL.
    pub fn base_number(&self) -> Option<&[u8]> {
        self.base_number.as_deref()
    }

    /// True for a delta CRL.
    pub fn is_delta(&self) -> bool {
        self.base_number.is_some()
    }

    /// issuingDistributionPoint, if present.
    pub fn issuing_distribution_point(&self) -> Option<&IssuingDistributionPoint> {
        self.idp.as_ref()
    }

    /// The DER of issuingDistributionPoint (to compare the scopes of a complete and a delta CRL).
    pub fn issuing_distribution_point_der(&self) -> Option<&[u8]> {
        self.idp_der.as_deref()
    }

    /// True when issuingDistributionPoint asserts indirectCRL.
    pub fn is_indirect(&self) -> bool {
        self.idp.as_ref().is_some_and(|i| i.indirect_crl)
    }

    /// authorityKeyIdentifier's keyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }

    /// Why this CRL cannot be used for any certificate (an unknown critical CRL or entry
    /// extension), if so.
    pub fn unusable(&self) -> Option<&str> {
        self.unusable.as_deref()
    }

    /// Whether the CRL is current at `at`: issued by then and its nextUpdate not passed.
    pub fn check_current(&self, at: Time) -> Result<(), String> {
        self.check_usable(super::Freshness::Current(at))
    }

    /// Whether the CRL is usable under `freshness`: current at the validation time, or, when
    /// validating in the past, issued no earlier than the time it must speak for (less the
    /// window).
    pub fn check_usable(&self, freshness: super::Freshness) -> Result<(), String> {
        freshness
            .check(self.this_update(), self.next_update())
            .map_err(|m| format!("CRL of {}: {m}", self.issuer()))
    }

    /// Verifies the CRL's signature with the key in `spki` (DER SubjectPublicKeyInfo).
    pub fn verify_signature(&self, spki: &[u8], allow_sha1: bool) -> Result<(), String> {
        self.verify_signature_with(spki, allow_sha1, &crate::alg::SignatureCache::new())
    }

    /// [`Crl::verify_signature`] through a cache of verifications.
    pub fn verify_signature_with(
        &self,
        spki: &[u8],
        allow_sha1: bool,
        cache: &crate::alg::SignatureCache,
    ) -> Result<(), String> {
        let alg = self.signature_algorithm()?;
        if alg.is_weak() && !allow_sha1 {
            return Err(format!("{} signatures are not accepted (legacy SHA-1)", alg.name()));
        }
        let sig = self
            .inner
            .signature
            .as_bytes()
            .ok_or("CRL signature BIT STRING has unused bits")?;
        cache
            .verify(alg, spki, &self.der[self.tbs.clone()], sig)
            .map_err(|e| format!("CRL signature: {e}"))?;
        Ok(())
    }

    /// Whether `cert` is listed (matching the serial number and, on an indirect CRL, the
    /// certificate issuer of the entry). Entries dated after `at` do not count.
    pub fn status_of(&self, cert: &Certificate, at: Time) -> CrlStatus {
        for entry in &self.entries {
            if entry.serial != cert.serial_bytes() {
                continue;
            }
            let issuers = &self.entry_issuers[entry.issuer];
            if !issuers.iter().any(|k| k == cert.issuer_key()) {
                continue;
            }
            if entry.date <= at {
                return CrlStatus::Revoked(entry.date, entry.reason);
            }
        }
        CrlStatus::NotListed
    }

    /// The signature algorithm, or why it is not supported.
    pub fn signature_algorithm(&self) -> Result<SignatureAlgorithm, String> {
        let alg = &self.inner.signature_algorithm;
        let params = alg.parameters.as_ref().and_then(|p| p.to_der().ok());
        SignatureAlgorithm::from_algorithm_identifier(&alg.oid, params.as_deref()).map_err(|e| e.to_string())
    }
}

/// Compares two non-negative big-endian integers (cRLNumbers).
pub fn compare_numbers(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let strip = |x: &[u8]| -> Vec<u8> { x.iter().copied().skip_while(|&b| b == 0).collect() };
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn crl_numbers_compare_as_integers() {
        assert_eq!(compare_numbers(&[0, 5], &[5]), Ordering::Equal);
        assert_eq!(compare_numbers(&[1, 0], &[0xff]), Ordering::Greater);
        assert_eq!(compare_numbers(&[2], &[3]), Ordering::Less);
    }
}
