//! A CMS signature file as a whole (`.p7s`, `.p7m`, PKCS#7 from e-contract services, CFCA
//! SADK, GmSSL): attached or detached, DER/BER, PEM or base64; one report part per SignerInfo
//! with its chain and signature time-stamp.
//!
//! Decoding the input ([`decode_input`]) is always built in; verifying and describing a CMS
//! file need the `cms` feature.

use base64::Engine;

use super::{CmsError, MAX_CMS_SIZE};
#[cfg(feature = "cms")]
use {
    super::tsp::TimeStampToken,
    super::{oid, CmsOptions, Content, SignedData, REPORT_KIND},
    crate::ltv::{DataSource, SignerData},
    crate::report::{summarize, Check, PoeSource, Reason, Report, Status},
    crate::x509::{Certificate, ChainOptions, TrustStore},
    serde_json::json,
};

#[cfg(feature = "cms")]
/// The report kind of one SignerInfo's part.
pub const SIGNER_REPORT_KIND: &str = "cms-signer";

/// The bytes of a CMS given as DER/BER, PEM (any label: `PKCS7`, `CMS`, …) or base64 text.
pub fn decode_input(input: &[u8]) -> Result<Vec<u8>, CmsError> {
    if input.len() > MAX_CMS_SIZE.saturating_mul(2) {
        return Err(CmsError::TooLarge(format!("input of {} bytes", input.len())));
    }
    let text = input.trim_ascii();
    if text.starts_with(b"-----BEGIN ") {
        if let Ok((_, der)) = pem_rfc7468::decode_vec(text) {
            return Ok(der);
        }
        // Lenient PEM (long lines, headers): the base64 between the BEGIN and END lines.
        let body: Vec<&[u8]> = text
            .split(|b| *b == b'\n')
            .map(<[u8]>::trim_ascii)
            .filter(|l| !l.starts_with(b"-----") && !l.contains(&b':'))
            .collect();
        return base64_text(&body.concat()).ok_or_else(|| CmsError::Malformed("PEM with bad base64".into()));
    }
    let is_b64 =
        |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_') || b.is_ascii_whitespace();
    if !text.is_empty() && text.first() != Some(&0x30) && text.iter().all(is_b64) {
        return base64_text(text).ok_or_else(|| CmsError::Malformed("text that is neither PEM nor base64".into()));
    }
    Ok(input.to_vec())
}

/// Base64 (standard or URL-safe alphabet) with white space ignored.
fn base64_text(text: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
    ]
    .iter()
    .find_map(|engine| engine.decode(&compact).ok())
}

#[cfg(feature = "cms")]
/// Verifies every SignerInfo of the CMS `signature` (DER or BER) over `content` (detached) or
/// the encapsulated content (`None`): a report of kind [`REPORT_KIND`] with one part of kind
/// [`SIGNER_REPORT_KIND`] per SignerInfo. Each part holds the CMS checks, a valid signature
/// time-stamp (`cms.signature-timestamp`, whose genTime is then the trusted signing time at
/// which the chain is validated) and the signer's chain (the CMS's certificates and
/// `intermediates` join the pool, its CRLs the revocation data).
pub fn verify_report(
    signature: &[u8],
    content: Option<&[u8]>,
    trust: &TrustStore,
    chain_opts: &ChainOptions,
    intermediates: &[Certificate],
    opts: &CmsOptions,
) -> Report {
    let mut report = Report::new(REPORT_KIND);
    report.subject.validation_time = Some(chain_opts.at);
    let sd = match SignedData::from_der(signature) {
        Ok(sd) => sd,
        Err(e) => {
            report.push(Check::failed("cms.parse", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    if sd.signers.is_empty() {
        report.push(Check::failed(
            "cms.signer",
            Reason::NoSignature,
            format!(
                "the SignedData has no signers ({} certificates only)",
                sd.certificates.len()
            ),
        ));
        return report.finish();
    }
    report.push(match (&sd.econtent, content) {
        (Some(e), Some(c)) if e.as_slice() != c => Check::failed(
            "cms.content",
            Reason::HashMismatch,
            "the given content differs from the content encapsulated in the signature",
        ),
        (Some(e), _) => Check::passed(
            "cms.content",
            format!("attached: {} bytes of encapsulated content", e.len()),
        )
        .with_detail("attached", true),
        (None, Some(c)) => Check::passed("cms.content", format!("detached: {} bytes of content given", c.len()))
            .with_detail("attached", false),
        (None, None) => Check::failed(
            "cms.content",
            Reason::Missing,
            "detached signature and no content given",
        ),
    });
    let content = match (content, &sd.econtent) {
        (Some(c), None) => Content::Bytes(c),
        _ => Content::Encapsulated,
    };
    for index in 0..sd.signers.len() {
        // The CMS's own data, this signer's CAdES values and signature time-stamp (decoded
        // once: its CRLs count for the chain, and it is verified in the part), the caller's;
        // listed in the part by source (`cms.validation-data`).
        let token = super::tsp::signature_timestamp(&sd, index);
        let own = SignerData::of(&sd, index, token.as_ref().and_then(|t| t.as_ref().ok()));
        let mut data = own.listing;
        data.extend(DataSource::Caller, intermediates, &chain_opts.crls, &chain_opts.ocsp);
        let mut pool = own.certificates;
        pool.extend(intermediates.iter().cloned());
        let mut chain = chain_opts.clone();
        chain.crls.extend(own.crls);
        chain.ocsp.extend(own.ocsp);
        let data = data.check("cms.validation-data");
        let part = signer_part(
            &sd,
            index,
            content,
            &pool,
            trust,
            &chain,
            intermediates,
            opts,
            token,
            data,
        );
        if report.subject.signer.is_none() {
            report.subject.signer = part.subject.signer.clone();
            report.subject.signing_time = part.subject.signing_time;
        }
        report.parts.push(part);
    }
    report.finish()
}

#[cfg(feature = "cms")]
#[allow(clippy::too_many_arguments)]
fn signer_part(
    sd: &SignedData,
    index: usize,
    content: Content<'_>,
    pool: &[Certificate],
    trust: &TrustStore,
    chain: &ChainOptions,
    intermediates: &[Certificate],
    opts: &CmsOptions,
    token: Option<Result<TimeStampToken, CmsError>>,
    validation_data: Check,
) -> Report {
    let mut part = Report::new(SIGNER_REPORT_KIND);
    part.subject.validation_time = Some(chain.at);
    let mut v = sd.verify_signer_with(index, content, intermediates, opts);
    part.subject.signing_time = v.signing_time;
    // The signature time-stamp: a proof of existence at its genTime.
    let mut proven = None;
    let mut timestamp_check = None;
    let stamped = sd
        .signers
        .get(index)
        .map(|s| s.signature.as_slice())
        .unwrap_or_default();
    if let Some(ts) = token.map(|t| t.map(|t| t.verify(stamped, trust, chain))) {
        timestamp_check = Some(match ts {
            Ok(tv) => {
                if tv.status() == Status::Passed {
                    proven = Some(tv.proof(PoeSource::SignatureTimestamp));
                }
                summarize(
                    "cms.signature-timestamp",
                    &tv.checks,
                    format!("signature time-stamped at {}: proof of existence", tv.gen_time),
                )
                .with_detail("gen_time", tv.gen_time.to_string())
            }
            Err(e) => Check::failed("cms.signature-timestamp", e.reason(), e.to_string()),
        });
    }
    // The signature verifies (or not) on its own; an algorithm or key below the crypto
    // constraints (judged when the signature is proven to exist) makes the result
    // INDETERMINATE, never a forgery.
    let constraints = chain.crypto_constraints();
    v.apply_constraints(&proven.as_ref().map_or(constraints, |p| constraints.at(p.time)));
    part.checks = v.checks.clone();
    if proven.is_none() {
        crate::ltv::mark_no_poe(&mut part.checks);
    }
    part.checks.extend(timestamp_check);
    part.push(validation_data);
    match &v.signer_certificate {
        Some(cert) => {
            part.subject.signer = Some(cert.subject());
            let times = crate::ltv::UseTimes {
                claimed: v.signing_time,
                poe: proven.clone(),
                usage: None,
            };
            let (summary, decided) = crate::ltv::signer_validation("cms.chain", cert, pool, trust, chain, &times);
            // The per-rule checks of a chain that holds; the summary alone when it does
            // not, or when only a proof of existence makes it hold (it says why).
            if decided.status() == Status::Passed {
                part.checks.extend(decided.checks);
            }
            if summary.status != Status::Passed || summary.details.contains_key("validated_at") {
                part.push(summary);
            }
        }
        None => {
            part.push(Check::failed(
                "cms.chain",
                Reason::UntrustedChain,
                "no signer certificate to validate",
            ));
        }
    }
    if let Some(p) = proven {
        part.subject.signing_time = Some(p.time);
        part.proofs_of_existence.push(p);
    }
    for (n, cs) in v.counter_signatures.iter().enumerate() {
        let mut cpart = Report::new("cms-counter-signer");
        cpart.checks = cs.checks.clone();
        cpart.subject.signer = cs.signer_certificate.as_ref().map(Certificate::subject);
        cpart.subject.signing_time = cs.signing_time;
        let mut cpart = cpart.finish();
        cpart.summary = format!("counter-signature {}: {}", n + 1, cpart.summary);
        part.parts.push(cpart);
    }
    let mut part = part.finish();
    part.summary = format!("signer {}: {}", index + 1, part.summary);
    part
}

#[cfg(feature = "cms")]
/// What a CMS holds, for `cms show`: content type, encoding, certificates and each signer's
/// identifier, algorithms and attributes.
pub fn describe(sd: &SignedData) -> serde_json::Value {
    let signers: Vec<_> = sd
        .signers
        .iter()
        .map(|s| {
            json!({
                "sid": s.sid.to_string(),
                "version": s.version,
                "digest_algorithm": s.digest().map(|d| d.name().to_owned()).unwrap_or_else(|| s.digest_algorithm.oid.to_string()),
                "signature_algorithm": s.signature_algorithm().map(|a| a.name().to_owned()).unwrap_or_else(|_| s.signature_algorithm.oid.to_string()),
                "signed_attributes": s.signed_attributes.iter().map(|a| a.oid.to_string()).collect::<Vec<_>>(),
                "signed_attributes_der": s.signed_attributes_as_encoded.is_none(),
                "unsigned_attributes": s.unsigned_attributes.iter().map(|a| a.oid.to_string()).collect::<Vec<_>>(),
                "signing_time": s.signing_time().map(|t| t.to_string()),
                "signature_time_stamp": s.unsigned_attribute(&oid::SIGNATURE_TIME_STAMP_TOKEN).is_some(),
                "counter_signatures": s.unsigned_attribute(&oid::COUNTER_SIGNATURE).map_or(0, |a| a.values.len()),
                "signature_bytes": s.signature.len(),
            })
        })
        .collect();
    json!({
        "content_type": sd.content_type.to_string(),
        "gmt_0010": sd.is_gmt_0010(),
        "version": sd.version,
        "encapsulated_content_type": sd.econtent_type.to_string(),
        "attached": sd.econtent.is_some(),
        "content_bytes": sd.econtent.as_ref().map(Vec::len),
        "empty_encapsulated_content": sd.empty_econtent,
        "ber": sd.was_ber,
        "zero_padding": sd.zero_padding,
        "certificates": sd.certificates.iter().map(|c| json!({"subject": c.subject(), "issuer": c.issuer(), "serial": c.serial_hex()})).collect::<Vec<_>>(),
        "certificate_errors": sd.certificate_errors,
        "crls": sd.crls.len(),
        "signers": signers,
    })
}
