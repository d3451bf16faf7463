//! Certificate profile rules: what each certificate in a path should look like, by its role.
//!
//! Two kinds of rule live here. A few are rules of path validation or of this verifier's
//! own policy (a v1/v2 certificate cannot act as an intermediate CA, RFC 5280 §6.1.4 (k);
//! keys must be of a supported algorithm and strength): breaking them fails the path.
//! The rest are rules for the *issuer* — RFC 5280 §4 "MUST"s on how a CA writes a
//! certificate (criticality, key identifiers, name syntax) and, for the TLS usages, the
//! CA/Browser Forum Baseline Requirements that rustls-webpki enforces. RFC 5280 §6 does not
//! ask a verifier to check them, and real hierarchies (the NRCAC national SM2 root, CFCA,
//! NIST PKITS 4.6.4) break some, so they come back as *lints*: noted in the report, not
//! lowering the verdict unless [`super::ChainOptions::strict_profile`] asks for it.

use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::name::GeneralName;

use super::cert::{ext_oid, Certificate};
use super::Usage;
use crate::alg::oid;

/// Where a certificate stands in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// The trust anchor.
    Anchor,
    /// A CA between the anchor and the leaf.
    Intermediate,
    /// The end-entity (or the CA in leaf position).
    Leaf,
}

/// Checks the profile rules for `cert` in `role`: `Err` names a broken rule of path
/// validation; `Ok` lists the issuer/profile rules broken (lints, empty when none).
pub fn check(cert: &Certificate, role: Role, usage: Usage) -> Result<Vec<String>, String> {
    let e = cert.extensions();
    let critical = |oid: ObjectIdentifier| e.critical.contains(&oid);
    let v3 = cert.version() == 3;
    let ca = cert.is_ca();
    let self_signed = cert.is_self_issued()
        && match (&e.subject_key_id, &e.authority_key_id) {
            (Some(s), Some(a)) => s == a,
            _ => true,
        };

    key_strength(cert)?;
    let mut lints = Vec::new();
    if is_tls(usage) && cert.key_algorithm() == "DSA" {
        lints.push("CABF 6.1.5: DSA keys are not allowed in TLS certificates".into());
    }
    // PKITS 4.4.14 accepts a negative serial; the Web PKI (CABF 7.1, Go, webpki) does not.
    if is_tls(usage) && role != Role::Anchor && cert.serial_bytes().first().is_some_and(|b| b & 0x80 != 0) {
        lints.push("CABF 7.1: serial number is negative (RFC 5280 §4.1.2.2: it must be positive)".into());
    }
    // An anchor is trusted as configured: its serial and issuer linkage are not checked.
    let anchor = role == Role::Anchor;
    if !anchor && cert.serial_bytes().iter().all(|&b| b == 0) {
        lints.push("serial number is zero (RFC 5280 §4.1.2.2: it must be positive)".into());
    }
    if !v3 {
        match role {
            Role::Intermediate => {
                return Err(format!(
                    "a v{} certificate cannot be an intermediate CA",
                    cert.version()
                ))
            }
            Role::Leaf if is_tls(usage) => lints.push(format!(
                "CABF: a v{} end-entity certificate is not accepted",
                cert.version()
            )),
            Role::Anchor | Role::Leaf => {}
        }
        return Ok(lints);
    }
    // RFC 5280 §4.2.1.1: keyIdentifier in every certificate but a self-signed one; never critical.
    if critical(ext_oid::AUTHORITY_KEY_ID) {
        lints.push("authorityKeyIdentifier must not be critical".into());
    }
    if !self_signed && !anchor && e.authority_key_id.is_none() {
        lints.push("authorityKeyIdentifier keyIdentifier is missing (RFC 5280 §4.2.1.1)".into());
    }
    // §4.2.1.2: subjectKeyIdentifier in every CA certificate.
    if ca && e.subject_key_id.is_none() {
        lints.push("a CA certificate must carry subjectKeyIdentifier (RFC 5280 §4.2.1.2)".into());
    }
    // §4.2.1.9: critical basicConstraints in CA certificates; a v3 anchor must be a CA.
    if matches!(role, Role::Anchor | Role::Intermediate) {
        match e.basic_constraints {
            None => lints.push("a v3 CA certificate must carry basicConstraints".into()),
            Some((true, _)) if !critical(ext_oid::BASIC_CONSTRAINTS) => {
                lints.push("basicConstraints must be critical in a CA certificate".into())
            }
            _ => {}
        }
    }
    // §4.2.1.3: keyCertSign only with cA.
    if e.key_usage.is_some_and(|k| k.key_cert_sign) && !ca {
        lints.push("keyUsage keyCertSign set but basicConstraints cA is not".into());
    }
    // §4.2.1.10: name constraints only in CA certificates, always critical, well formed.
    if let Some(nc) = &e.name_constraints {
        if !ca {
            lints.push("nameConstraints in a certificate that is not a CA".into());
        }
        if !critical(ext_oid::NAME_CONSTRAINTS) {
            lints.push("nameConstraints must be critical".into());
        }
        for subtree in nc.permitted_subtrees.iter().chain(nc.excluded_subtrees.iter()) {
            if subtree.is_empty() {
                lints.push("nameConstraints with an empty subtree list".into());
            }
            for s in subtree {
                if let GeneralName::DnsName(d) = &s.base {
                    if d.as_str().starts_with('.') {
                        lints.push(format!("dNSName constraint {:?} has a leading period", d.as_str()));
                    }
                }
            }
        }
    }
    // §4.2.1.11: policyConstraints is critical. §4.2.2.1: authorityInfoAccess is not.
    if e_has(cert, ext_oid::POLICY_CONSTRAINTS) && !critical(ext_oid::POLICY_CONSTRAINTS) {
        lints.push("policyConstraints must be critical".into());
    }
    if critical(ext_oid::AUTHORITY_INFO_ACCESS) {
        lints.push("authorityInfoAccess must not be critical".into());
    }
    // §4.1.2.6 / §4.2.1.6: an empty subject needs a critical subjectAltName; CAs need a subject.
    let empty_subject = cert.subject_key().is_empty();
    if empty_subject {
        if ca {
            lints.push("a CA certificate must have a non-empty subject".into());
        }
        if e.subject_alt_names.is_empty() || !critical(ext_oid::SUBJECT_ALT_NAME) {
            lints.push("empty subject requires a critical subjectAltName".into());
        }
    }
    for name in &e.subject_alt_names {
        match name {
            GeneralName::DnsName(d) if !valid_dns_name(d.as_str()) => {
                lints.push(format!("subjectAltName dNSName {:?} is not a host name", d.as_str()))
            }
            GeneralName::Rfc822Name(m) if !valid_mailbox(m.as_str()) => {
                lints.push(format!("subjectAltName rfc822Name {:?} is not a mailbox", m.as_str()))
            }
            _ => {}
        }
    }
    if is_tls(usage) {
        cabf(cert, role, critical, empty_subject, &mut lints);
    }
    Ok(lints)
}

fn e_has(cert: &Certificate, oid: ObjectIdentifier) -> bool {
    cert.inner()
        .tbs_certificate()
        .extensions()
        .is_some_and(|list| list.iter().any(|x| x.extn_id == oid))
}

fn is_tls(usage: Usage) -> bool {
    matches!(usage, Usage::TlsServer | Usage::TlsClient)
}

/// CA/Browser Forum Baseline Requirements rules (TLS usages only).
fn cabf(
    cert: &Certificate,
    role: Role,
    critical: impl Fn(ObjectIdentifier) -> bool,
    empty_subject: bool,
    lints: &mut Vec<String>,
) {
    let e = cert.extensions();
    match role {
        Role::Anchor if cert.is_self_issued() => {
            if e.ext_key_usage.is_some() {
                lints.push("CABF 7.1.2.1.2: a root must not carry extKeyUsage".into());
            }
            if e.has_authority_key_id {
                if e.authority_key_id_has_issuer {
                    lints.push("CABF 7.1.2.1.3: root authorityKeyIdentifier must hold only keyIdentifier".into());
                }
                if e.authority_key_id.is_none() || e.authority_key_id != e.subject_key_id {
                    lints.push("CABF 7.1.2.1.3: root keyIdentifier must equal its subjectKeyIdentifier".into());
                }
            }
        }
        Role::Anchor | Role::Intermediate => {}
        Role::Leaf if cert.is_ca() => {
            if !e.key_usage.is_some_and(|k| k.key_cert_sign) {
                lints.push("CABF 7.1.2.7.8: an end-entity certificate must not have basicConstraints cA".into());
            }
        }
        Role::Leaf => {
            if e.subject_alt_names.is_empty() {
                lints.push("CABF: a TLS certificate must carry subjectAltName".into());
            }
            if critical(ext_oid::SUBJECT_ALT_NAME) && !empty_subject {
                lints.push("CABF: subjectAltName must not be critical when the subject is not empty".into());
            }
            match &e.ext_key_usage {
                None => lints.push("CABF: a TLS certificate must carry extKeyUsage".into()),
                Some(list) if list.iter().any(|o| o.to_string() == "2.5.29.37.0") => {
                    lints.push("CABF: anyExtendedKeyUsage is not allowed in a TLS certificate".into())
                }
                Some(_) if critical(ext_oid::EXT_KEY_USAGE) => {
                    lints.push("CABF 7.1.2.7.6: extKeyUsage must not be critical".into())
                }
                Some(_) => {}
            }
        }
    }
}

/// Keys this crate can use: SM2, the ECDSA curves of the algorithm registry, Ed25519, and RSA
/// from 1024 bits whose size is a whole number of bytes. Whether a key is strong enough is
/// the crypto constraints' question ([`crate::alg::CryptoConstraints`], checked in path
/// validation), not the profile's.
fn key_strength(cert: &Certificate) -> Result<(), String> {
    let spki = cert.inner().tbs_certificate().subject_public_key_info();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    match spki.algorithm.oid {
        oid::EC_PUBLIC_KEY => match curve {
            Some(oid::SM2_CURVE) => Ok(()),
            Some(c) if crate::alg::Curve::from_oid(&c).is_some() => Ok(()),
            Some(other) => Err(format!("elliptic curve {other} is not supported")),
            None => Err("EC key without a named curve".into()),
        },
        oid::SM2_CURVE | oid::ED25519 => Ok(()),
        oid::RSA_ENCRYPTION | oid::RSASSA_PSS => {
            let bits = spki.subject_public_key.raw_bytes();
            let modulus = rsa_modulus_len(bits).ok_or("RSA public key cannot be decoded")?;
            if modulus < (crate::alg::MIN_RSA_BITS / 8) as usize {
                return Err(format!(
                    "RSA key of {} bits is below the {} bits this library verifies",
                    rsa_modulus_bits(bits).unwrap_or(0),
                    crate::alg::MIN_RSA_BITS
                ));
            }
            if rsa_modulus_bits(bits).is_some_and(|b| b % 8 != 0) {
                return Err("RSA modulus size is not a multiple of 8 bits".into());
            }
            Ok(())
        }
        // DSA (legacy; verified through `alg`, sizes the `dsa` crate accepts: 1024–3072 bits).
        crate::alg::ID_DSA => Ok(()),
        other => Err(format!("public key algorithm {other} is not supported")),
    }
}

/// Byte length of the RSA modulus in `RSAPublicKey` DER (without a sign byte).
fn rsa_modulus_len(der: &[u8]) -> Option<usize> {
    rsa_modulus(der).map(|m| m.len())
}

fn rsa_modulus_bits(der: &[u8]) -> Option<usize> {
    let m = rsa_modulus(der)?;
    let first = *m.first()?;
    Some(m.len() * 8 - first.leading_zeros() as usize)
}

fn rsa_modulus(der: &[u8]) -> Option<&[u8]> {
    use der::{Decode, Reader};
    let mut reader = der::SliceReader::new(der).ok()?;
    reader
        .sequence(|seq| {
            let n = der::asn1::UintRef::decode(seq)?;
            let _e = der::asn1::UintRef::decode(seq)?;
            Ok::<_, der::Error>(n.as_bytes())
        })
        .ok()
}

/// A preferred-name-syntax host name, optionally with a leading `*.` wildcard label.
pub fn valid_dns_name(name: &str) -> bool {
    let name = name.strip_prefix("*.").unwrap_or(name);
    let labels: Vec<&str> = name.split('.').collect();
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    let ok_label = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    labels.iter().all(ok_label) && !labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
}

/// `local@domain` with a valid domain.
fn valid_mailbox(mailbox: &str) -> bool {
    match mailbox.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !local.contains(['@', ' ', '"']) && valid_dns_name(domain) && !domain.starts_with("*.")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_name_syntax() {
        assert!(valid_dns_name("example.com"));
        assert!(valid_dns_name("*.example.com"));
        assert!(valid_dns_name("xn--fiqs8s.cn"));
        assert!(!valid_dns_name("under_score.example.com"));
        assert!(!valid_dns_name("1.2.3.4"));
        assert!(!valid_dns_name("a..b"));
        assert!(!valid_dns_name("-a.com"));
        assert!(valid_mailbox("u@example.com"));
        assert!(!valid_mailbox("example.com"));
    }
}
