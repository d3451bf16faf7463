//! Revocation status of a validated path (RFC 5280 §6.3): for each certificate below the
//! anchor, the supplied CRLs whose scope covers it — distribution point and
//! issuingDistributionPoint matching, onlySomeReasons with reason coverage gathered over
//! several CRLs, indirect CRLs (cRLIssuer, certificateIssuer entries), delta CRLs applied to
//! their base — each signed by a key validated to the same trust anchor (the issuer's own,
//! a self-issued rollover certificate's, or a separate CRL-signing certificate's), current at
//! the validation time and free of unknown critical extensions. OCSP responses are the
//! fallback. Every loop is bounded by a named limit.

use std::collections::HashMap;

use der::{Decode, Encode};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::CrlDistributionPoints;

use super::cert::{ext_oid, path_spkis, Certificate};
use super::crl::{compare_numbers, Crl, CrlStatus, REASON_REMOVE_FROM_CRL};
use super::name::{self, NameKey};
use super::ocsp::OcspStatus;
use super::path::{verify_chain_at_depth, ChainOptions};
use super::trust::TrustStore;
use super::{RevocationPolicy, Usage};
use crate::report::{Check, Reason, Status};
use crate::time::Time;

/// Most CRLs examined for one certificate.
pub const MAX_CRLS_PER_CERTIFICATE: usize = 64;

/// Most CRL signature verifications one path's revocation check may spend.
pub const MAX_CRL_SIGNATURE_CHECKS: usize = 64;

/// Most certificates tried as the signer of one CRL.
pub const MAX_CRL_SIGNER_CANDIDATES: usize = 8;

/// How deep CRL-signer paths may nest: 1 = a CRL signer off the path is validated with its
/// own path, whose CRLs must then be signed by certificates on that path.
pub const MAX_CRL_SIGNER_DEPTH: usize = 1;

/// Most CRL-signer paths (each a full [`super::path::verify_chain`]) one revocation check may
/// build.
pub const MAX_CRL_SIGNER_PATHS: usize = 8;

/// Most distribution points of one certificate considered.
pub const MAX_DISTRIBUTION_POINTS: usize = 16;

/// Every reason of RFC 5280 §5.3.1 ReasonFlags but `unused` (bits 1–8).
const ALL_REASONS: u16 = 0x1fe;

/// What the CRLs say of one certificate.
enum CertStatus {
    Good,
    Revoked { when: Time, reason: Option<u8> },
    Unknown(Vec<String>),
}

/// The revocation check of a validated path `[leaf, …, anchor]`, whose certificates other
/// than the anchor are looked up; `pool` holds the certificates that may sign CRLs
/// (`depth` counts nested CRL-signer validations).
pub(crate) fn check(path: &[&Certificate], pool: &[Certificate], opts: &ChainOptions, depth: usize) -> Check {
    let mut ctx = Context {
        spkis: path_spkis(path),
        path,
        pool,
        opts,
        depth,
        sig_checks: 0,
        sig_cache: HashMap::new(),
        validated: HashMap::new(),
    };
    let mut unknown = Vec::new();
    for i in 0..path.len().saturating_sub(1) {
        let cert = path[i];
        let mut status = ctx.crl_status(i);
        if let CertStatus::Unknown(mut why) = status {
            status = CertStatus::Unknown(Vec::new());
            for response in &opts.ocsp {
                match response.status_of(cert, path[i + 1], opts.at, opts.freshness()) {
                    Ok(OcspStatus::Good) => status = CertStatus::Good,
                    Ok(OcspStatus::Revoked(when)) => status = CertStatus::Revoked { when, reason: None },
                    Ok(OcspStatus::Unknown) => why.push("the OCSP responder does not know it".into()),
                    Err(e) => why.push(e),
                }
                if !matches!(status, CertStatus::Unknown(_)) {
                    break;
                }
            }
            if matches!(status, CertStatus::Unknown(_)) {
                status = CertStatus::Unknown(why);
            }
        }
        match status {
            CertStatus::Revoked { when, reason } => {
                let reason_text = reason.map(|r| format!(" ({})", reason_name(r))).unwrap_or_default();
                return Check::failed(
                    "x509.revocation",
                    Reason::Revoked,
                    format!("{} was revoked at {when}{reason_text}", cert.subject()),
                )
                .with_detail("certificate", cert.subject())
                .with_detail("revoked_at", when.to_string())
                .with_detail("revoked_depth", i);
            }
            CertStatus::Good => {}
            CertStatus::Unknown(why) => unknown.push(match why.first() {
                Some(w) if why.len() == 1 => format!("{} ({w})", cert.subject()),
                Some(_) => format!("{} ({})", cert.subject(), why.join("; ")),
                None => cert.subject(),
            }),
        }
    }
    match (unknown.is_empty(), opts.revocation) {
        (true, _) => Check::passed(
            "x509.revocation",
            "no certificate is revoked according to the supplied CRLs and OCSP responses",
        ),
        (false, RevocationPolicy::NotRequired) => Check::passed(
            "x509.revocation",
            format!(
                "not established for {}; the policy does not require it",
                unknown.join("; ")
            ),
        )
        .with_detail("revocation_checked", false),
        (false, RevocationPolicy::Required) => Check::failed(
            "x509.revocation",
            Reason::RevocationUnknown,
            format!("no usable CRL or OCSP response for {}", unknown.join("; ")),
        ),
    }
}

struct Context<'p, 'a> {
    path: &'p [&'a Certificate],
    spkis: Vec<std::borrow::Cow<'a, [u8]>>,
    pool: &'a [Certificate],
    opts: &'p ChainOptions,
    depth: usize,
    sig_checks: usize,
    /// (CRL index, SHA-256 of the key) → whether the CRL's signature verifies.
    sig_cache: HashMap<(usize, [u8; 32]), Result<(), String>>,
    /// Certificate fingerprint → whether it validated as a CRL signer.
    validated: HashMap<[u8; 32], Result<(), String>>,
}

impl<'p> Context<'p, '_> {
    /// RFC 5280 §6.3.3 for `path[i]` over the supplied CRLs.
    fn crl_status(&mut self, i: usize) -> CertStatus {
        let cert = self.path[i];
        let dps = distribution_points(cert);
        let mut mask = 0u16;
        let mut why: Vec<String> = Vec::new();
        let mut seen = 0usize;
        let opts = self.opts;
        for dp in &dps {
            for (ci, crl) in opts.crls.iter().enumerate() {
                if mask == ALL_REASONS {
                    break;
                }
                if crl.is_delta() {
                    continue;
                }
                // Only CRLs naming an issuer this certificate could be covered by count
                // against the limit.
                if crl.issuer_key() != cert.issuer_key() && !crl.is_indirect() {
                    continue;
                }
                seen += 1;
                if seen > MAX_CRLS_PER_CERTIFICATE {
                    why.push(format!("more than {MAX_CRLS_PER_CERTIFICATE} candidate CRLs"));
                    return CertStatus::Unknown(why);
                }
                let interim = match self.scope(cert, dp, crl) {
                    Ok(reasons) => reasons,
                    Err(e) => {
                        why.push(e);
                        continue;
                    }
                };
                if mask | interim == mask {
                    continue;
                }
                let signer = match self.signer(i, ci, crl, dp.crl_issuer.is_some()) {
                    Ok(spki) => spki,
                    Err(e) => {
                        why.push(e);
                        continue;
                    }
                };
                let delta = self.delta_for(crl, &signer);
                let listed = match delta.map(|d| d.status_of(cert, self.opts.at)) {
                    Some(CrlStatus::Revoked(_, Some(REASON_REMOVE_FROM_CRL))) => CrlStatus::NotListed,
                    Some(revoked @ CrlStatus::Revoked(..)) => revoked,
                    Some(CrlStatus::NotListed) | None => crl.status_of(cert, self.opts.at),
                };
                match listed {
                    CrlStatus::Revoked(_, Some(REASON_REMOVE_FROM_CRL)) | CrlStatus::NotListed => {}
                    CrlStatus::Revoked(when, reason) => return CertStatus::Revoked { when, reason },
                }
                mask |= interim;
            }
        }
        if mask == ALL_REASONS {
            CertStatus::Good
        } else {
            if mask != 0 {
                why.insert(0, "the usable CRLs do not cover every revocation reason".into());
            } else if why.is_empty() {
                why.push("no CRL of its issuer was supplied".into());
            }
            CertStatus::Unknown(why)
        }
    }

    /// RFC 5280 §6.3.3 (a)–(c): whether complete CRL `crl` covers `cert` through distribution
    /// point `dp`, and for which reasons.
    fn scope(&self, cert: &Certificate, dp: &DistributionPoint, crl: &Crl) -> Result<u16, String> {
        let what = || format!("CRL of {}", crl.issuer());
        if let Some(e) = crl.unusable() {
            return Err(format!("{}: {e}", what()));
        }
        crl.check_usable(self.opts.freshness())?;
        let dp_issuers: Option<Vec<NameKey>> = dp.crl_issuer.as_ref().map(|names| directory_names(names));
        match &dp_issuers {
            Some(issuers) => {
                if !issuers.contains(crl.issuer_key()) {
                    return Err(format!("{} is not the cRLIssuer of its distribution point", what()));
                }
                if !crl.is_indirect() {
                    return Err(format!(
                        "{} is not an indirect CRL, yet the distribution point names a cRLIssuer",
                        what()
                    ));
                }
            }
            None if crl.issuer_key() != cert.issuer_key() => {
                return Err(format!("{} is not the certificate's issuer", what()));
            }
            None => {}
        }
        let mut reasons = dp.reasons.map_or(ALL_REASONS, |r| r.bits() & ALL_REASONS);
        if let Some(idp) = crl.issuing_distribution_point() {
            if let Some(idp_name) = &idp.distribution_point {
                let idp_names = dp_names(idp_name, std::slice::from_ref(crl.issuer_key()));
                let cert_names = match (&dp.distribution_point, &dp.crl_issuer) {
                    (Some(name), _) => {
                        let bases = dp_issuers.clone().unwrap_or_else(|| vec![cert.issuer_key().clone()]);
                        dp_names(name, &bases)
                    }
                    (None, Some(issuers)) => issuers.iter().map(general_name).collect(),
                    (None, None) => Vec::new(),
                };
                if !idp_names.iter().any(|n| cert_names.contains(n)) {
                    return Err(format!(
                        "{}: its issuingDistributionPoint is not a distribution point of the certificate",
                        what()
                    ));
                }
            }
            if idp.only_contains_user_certs && cert.is_ca() {
                return Err(format!("{} covers only end-entity certificates", what()));
            }
            if idp.only_contains_ca_certs && !cert.is_ca() {
                return Err(format!("{} covers only CA certificates", what()));
            }
            if idp.only_contains_attribute_certs {
                return Err(format!("{} covers only attribute certificates", what()));
            }
            if let Some(some) = idp.only_some_reasons {
                reasons &= some.bits();
            }
        }
        Ok(reasons)
    }

    /// RFC 5280 §6.3.3 (f)–(g): the key that signed `crl`, validated to the path's anchor.
    /// `named_by_issuer`: the distribution point names a cRLIssuer (the certificate's issuer
    /// designated the CRL's signer), so the certificate itself may be it.
    fn signer(&mut self, i: usize, ci: usize, crl: &Crl, named_by_issuer: bool) -> Result<Vec<u8>, String> {
        let mut why = None;
        let fits = |c: &Certificate| {
            c.subject_key() == crl.issuer_key()
                && match (crl.authority_key_id(), &c.extensions().subject_key_id) {
                    (Some(aki), Some(ski)) => aki == ski.as_slice(),
                    _ => true,
                }
        };
        // Certificates of the validated path from `i` up: the issuer, self-issued rollover
        // certificates, or the certificate itself when it is the cRLIssuer its own
        // distribution point names (PKITS 4.14.30).
        for j in i..self.path.len() {
            let c = self.path[j];
            if !fits(c) || (j == i && !named_by_issuer) {
                continue;
            }
            if !may_sign_crls(c) {
                why = Some(format!("{}: keyUsage lacks cRLSign", c.subject()));
                continue;
            }
            let spki = self.spkis[j].to_vec();
            match self.verify(ci, crl, &spki) {
                Ok(()) => return Ok(spki),
                Err(e) => why = Some(e),
            }
        }
        // Other certificates of the CRL issuer, each validated to the same anchor.
        if self.depth < MAX_CRL_SIGNER_DEPTH {
            let candidates = self
                .pool
                .iter()
                .filter(|c| fits(c) && !self.path.contains(c))
                .take(MAX_CRL_SIGNER_CANDIDATES);
            for c in candidates {
                if !may_sign_crls(c) {
                    why.get_or_insert(format!("{}: keyUsage lacks cRLSign", c.subject()));
                    continue;
                }
                let spki = c.spki_der();
                if let Err(e) = self.verify(ci, crl, &spki) {
                    why = Some(e);
                    continue;
                }
                match self.validate_signer(c) {
                    Ok(()) => return Ok(spki),
                    Err(e) => why = Some(e),
                }
            }
        }
        Err(why.unwrap_or_else(|| {
            format!(
                "CRL of {}: no certificate of its issuer among the path and the supplied certificates",
                crl.issuer()
            )
        }))
    }

    /// Verifies CRL `ci`'s signature with `spki` (cached; counted).
    fn verify(&mut self, ci: usize, crl: &Crl, spki: &[u8]) -> Result<(), String> {
        let key = (ci, sha256(spki));
        if let Some(known) = self.sig_cache.get(&key) {
            return known.clone();
        }
        if self.sig_checks >= MAX_CRL_SIGNATURE_CHECKS {
            return Err(format!(
                "CRL signature budget of {MAX_CRL_SIGNATURE_CHECKS} checks spent"
            ));
        }
        self.sig_checks += 1;
        let result = crl.verify_signature_with(
            spki,
            self.opts.crypto_constraints().allow_sha1,
            &self.opts.signature_cache,
        );
        self.sig_cache.insert(key, result.clone());
        result
    }

    /// Validates a CRL signer that is not on the path: its own path to the same anchor, its
    /// own revocation status included.
    fn validate_signer(&mut self, signer: &Certificate) -> Result<(), String> {
        if let Some(known) = self.validated.get(signer.fingerprint()) {
            return known.clone();
        }
        if self.validated.len() >= MAX_CRL_SIGNER_PATHS {
            return Err(format!("budget of {MAX_CRL_SIGNER_PATHS} CRL-signer paths spent"));
        }
        let anchor = self.path[self.path.len() - 1];
        let mut trust = TrustStore::new();
        trust.add_certificate(anchor.clone(), None);
        let opts = ChainOptions {
            usage: Usage::Any,
            ..self.opts.clone()
        };
        let outcome = verify_chain_at_depth(signer, self.pool, &trust, &opts, self.depth + 1);
        let result = if outcome.status() == Status::Passed {
            Ok(())
        } else {
            let message = outcome
                .checks
                .iter()
                .find(|c| c.status != Status::Passed)
                .map(|c| c.message.clone())
                .unwrap_or_default();
            Err(format!("CRL signer {} does not validate: {message}", signer.subject()))
        };
        self.validated.insert(*signer.fingerprint(), result.clone());
        result
    }

    /// RFC 5280 §6.3.3 (h)–(i): a current delta CRL for complete CRL `base`, same issuer and
    /// scope, signed by the same key, whose BaseCRLNumber the base reaches and which is newer.
    fn delta_for(&mut self, base: &Crl, spki: &[u8]) -> Option<&'p Crl> {
        let base_number = base.number()?;
        let opts = self.opts;
        for (ci, delta) in opts.crls.iter().enumerate() {
            let Some(delta_base) = delta.base_number() else {
                continue;
            };
            let fits = delta.issuer_key() == base.issuer_key()
                && delta.issuing_distribution_point_der() == base.issuing_distribution_point_der()
                && delta.unusable().is_none()
                && delta.check_usable(opts.freshness()).is_ok()
                && compare_numbers(delta_base, base_number).is_le()
                && delta.number().is_some_and(|n| compare_numbers(n, base_number).is_gt());
            if fits && self.verify(ci, delta, spki).is_ok() {
                return Some(delta);
            }
        }
        None
    }
}

/// The certificate's CRL distribution points, or the one implied when it has none (the
/// issuer's complete CRL for all reasons).
fn distribution_points(cert: &Certificate) -> Vec<DistributionPoint> {
    let listed = cert
        .inner()
        .tbs_certificate()
        .extensions()
        .into_iter()
        .flatten()
        .find(|e| e.extn_id == ext_oid::CRL_DISTRIBUTION_POINTS)
        .and_then(|e| CrlDistributionPoints::from_der(e.extn_value.as_bytes()).ok())
        .map(|d| d.0)
        .unwrap_or_default()
        .into_iter()
        .take(MAX_DISTRIBUTION_POINTS)
        .collect::<Vec<_>>();
    if listed.is_empty() {
        vec![DistributionPoint {
            distribution_point: None,
            reasons: None,
            crl_issuer: None,
        }]
    } else {
        listed
    }
}

fn may_sign_crls(cert: &Certificate) -> bool {
    cert.extensions().key_usage.is_none_or(|ku| ku.crl_sign)
}

/// A general name in comparable form: directory names by [`NameKey`], others by their DER.
#[derive(Debug, PartialEq, Eq)]
enum NameCmp {
    Dir(NameKey),
    Other(Vec<u8>),
}

fn general_name(n: &GeneralName) -> NameCmp {
    match n {
        GeneralName::DirectoryName(d) => NameCmp::Dir(name::name_key(d)),
        other => NameCmp::Other(other.to_der().unwrap_or_default()),
    }
}

fn directory_names(names: &[GeneralName]) -> Vec<NameKey> {
    names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DirectoryName(d) => Some(name::name_key(d)),
            _ => None,
        })
        .collect()
}

/// The names of a distribution point; a nameRelativeToCRLIssuer is appended to each of
/// `bases` (the CRL issuer's names).
fn dp_names(dpn: &DistributionPointName, bases: &[NameKey]) -> Vec<NameCmp> {
    match dpn {
        DistributionPointName::FullName(names) => names.iter().map(general_name).collect(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            bases.iter().map(|b| NameCmp::Dir(b.with_rdn(rdn))).collect()
        }
    }
}

fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "unknown reason",
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = crate::alg::DigestAlgorithm::Sha256.digest(data);
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest);
    out
}
