//! Certificate revocation lists (RFC 5280 §5), SM2-signed ones included.

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};

use super::cert::{x509_time, Certificate};
use super::name::{self, NameKey};
use super::X509Error;
use crate::alg::{verify_signature, SignatureAlgorithm};
use crate::time::Time;

/// Largest CRL accepted.
pub const MAX_CRL_SIZE: usize = 64 * 1024 * 1024;

const CRL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.20");
const DELTA_CRL_INDICATOR: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.27");
const ISSUING_DISTRIBUTION_POINT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");
const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const REASON_CODE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");
const INVALIDITY_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.24");

/// A decoded CRL.
#[derive(Debug, Clone)]
pub struct Crl {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    inner: x509_cert::crl::CertificateList,
    issuer_key: NameKey,
}

/// What a CRL says of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrlStatus {
    /// Listed as revoked at this time.
    Revoked(Time),
    /// Not listed.
    NotListed,
}

impl Crl {
    /// Decodes one DER CRL.
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
        Ok(Crl {
            issuer_key: name::name_key(&inner.tbs_cert_list.issuer),
            der: der.to_vec(),
            tbs,
            inner,
        })
    }

    /// Reads every CRL in PEM (`X509 CRL` blocks) or DER input.
    pub fn parse_all(input: &[u8]) -> Result<Vec<Crl>, X509Error> {
        let trimmed = input.trim_ascii_start();
        if !trimmed.starts_with(b"-----BEGIN ") {
            return Ok(vec![Crl::from_der(input)?]);
        }
        let text = std::str::from_utf8(trimmed).map_err(|_| X509Error::Malformed("PEM is not UTF-8".into()))?;
        let mut out = Vec::new();
        for block in super::cert::pem_blocks(text)
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

    /// thisUpdate.
    pub fn this_update(&self) -> Time {
        x509_time(&self.inner.tbs_cert_list.this_update)
    }

    /// nextUpdate, if any.
    pub fn next_update(&self) -> Option<Time> {
        self.inner.tbs_cert_list.next_update.as_ref().map(x509_time)
    }

    /// Checks that this CRL can speak for certificates issued by `issuer` at time `at`:
    /// same issuer name, signature by the issuer's key, cRLSign allowed, current, complete
    /// (not a delta or partitioned CRL), no unknown critical extension.
    pub fn check_authority(&self, issuer: &Certificate, at: Time) -> Result<(), String> {
        if &self.issuer_key != issuer.subject_key() {
            return Err(format!("CRL issuer {} is not {}", self.issuer(), issuer.subject()));
        }
        if let Some(ku) = issuer.extensions().key_usage {
            if !ku.crl_sign {
                return Err("the CRL issuer's keyUsage lacks cRLSign".into());
            }
        }
        let mut has_number = false;
        for ext in self.inner.tbs_cert_list.crl_extensions.iter().flatten() {
            match ext.extn_id {
                CRL_NUMBER if ext.critical => return Err("cRLNumber must not be critical".into()),
                CRL_NUMBER => has_number = true,
                DELTA_CRL_INDICATOR => return Err("delta CRLs are not used".into()),
                ISSUING_DISTRIBUTION_POINT => {
                    return Err("partitioned CRLs (issuingDistributionPoint) are not used".into())
                }
                AUTHORITY_KEY_ID => {}
                other if ext.critical => return Err(format!("unknown critical CRL extension {other}")),
                _ => {}
            }
        }
        if !has_number {
            return Err("CRL lacks the cRLNumber extension RFC 5280 requires".into());
        }
        let alg = self.signature_algorithm()?;
        let sig = self
            .inner
            .signature
            .as_bytes()
            .ok_or("CRL signature BIT STRING has unused bits")?;
        verify_signature(alg, &issuer.spki_der(), &self.der[self.tbs.clone()], sig)
            .map_err(|e| format!("CRL signature: {e}"))?;
        if self.this_update() > at {
            return Err(format!(
                "CRL thisUpdate {} is after the validation time",
                self.this_update()
            ));
        }
        if let Some(next) = self.next_update() {
            if next < at {
                return Err(format!("CRL expired at nextUpdate {next}"));
            }
        }
        Ok(())
    }

    /// Whether `cert` is listed (call [`Crl::check_authority`] first).
    pub fn status_of(&self, cert: &Certificate, at: Time) -> Result<CrlStatus, String> {
        for entry in self.inner.tbs_cert_list.revoked_certificates.iter().flatten() {
            if entry.serial_number.as_bytes() != cert.serial_bytes() {
                continue;
            }
            for ext in entry.crl_entry_extensions.iter().flatten() {
                if ext.critical && ext.extn_id != REASON_CODE && ext.extn_id != INVALIDITY_DATE {
                    return Err(format!("unknown critical CRL entry extension {}", ext.extn_id));
                }
            }
            let when = x509_time(&entry.revocation_date);
            if when <= at {
                return Ok(CrlStatus::Revoked(when));
            }
        }
        Ok(CrlStatus::NotListed)
    }

    fn signature_algorithm(&self) -> Result<SignatureAlgorithm, String> {
        let alg = &self.inner.signature_algorithm;
        let params = alg.parameters.as_ref().and_then(|p| p.to_der().ok());
        SignatureAlgorithm::from_algorithm_identifier(&alg.oid, params.as_deref()).map_err(|e| e.to_string())
    }
}
