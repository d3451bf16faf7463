//! The algorithm registry on real files: signatures other products made with RSA-1024,
//! SHA-1, ECDSA P-384/P-521/brainpool with SHA-512, plain r‖s values (BSI TR-03111 OIDs and
//! under DER OIDs), a SignerInfo naming a signature OID as its digest, an Adobe SignerInfo whose
//! signatureAlgorithm and digestAlgorithm disagree, RSA-PSS with inconsistent parameters —
//! each signature value checked, and the crypto-constraints verdict where the algorithm or key
//! is below the policy (INDETERMINATE `CryptoConstraintsFailure`, never `BadSignature`).
//!
//! BER-encoded CMS in some pdf-real files is the CMS helper's work; those files are not here
//! (`mkl5__sampleCert.pdf` RSA-1024, `mkl5__sampleECDSA.pdf` brainpoolP256r1,
//! `mklpb1__doc_v2_fillsigned.pdf` DigestInfo without NULL).

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use yinjian::alg::CryptoConstraints;
use yinjian::cms::{Content, SignedData};
use yinjian::pdf::{verify_pdf, PdfOptions};
use yinjian::seal::SealOptions;
use yinjian::x509::TrustStore;
use yinjian::{Reason, Report, Status};

fn verify(rel: &str, constraints: Option<CryptoConstraints>) -> Option<Report> {
    let path = common::corpus(rel)?;
    let bytes = std::fs::read(path).unwrap();
    let trust = TrustStore::new();
    let mut opts = PdfOptions::new(SealOptions::new(&trust, common::t("2025-01-01T00:00:00Z")));
    if let Some(c) = constraints {
        opts.seal.chain.constraints = c;
    }
    Some(verify_pdf(&bytes, &opts))
}

fn detail(report: &Report, check: &str, key: &str) -> Option<String> {
    let v = report.check(check)?.details.get(key)?;
    Some(v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
}

fn no_bad_signature(report: &Report, what: &str) {
    for part in &report.parts {
        for c in &part.checks {
            assert_ne!(
                c.reason,
                Some(Reason::BadSignature),
                "{what}: {}",
                part.to_json_pretty()
            );
        }
    }
}

/// One signature of a pdf-real file: its value verifies with this algorithm and key.
struct Row {
    file: &'static str,
    part: usize,
    algorithm: &'static str,
    key: &'static str,
    encoding: Option<&'static str>,
    /// Below the default constraints (RSA-1024 or SHA-1).
    constrained: bool,
    /// A leniency the `cms.signature` or `cms.algorithms` check must note.
    note: Option<(&'static str, &'static str)>,
}

const ROWS: &[Row] = &[
    // RSA-1024 (ring refuses keys below 2048 bits; these were "does not verify").
    Row {
        file: "afirma__TEST_PDF_Certified.pdf",
        part: 0,
        algorithm: "RSA-SHA256",
        key: "RSA-1024",
        encoding: None,
        constrained: true,
        note: None,
    },
    Row {
        file: "mkl5__PDFSignedFirmaCerta.pdf",
        part: 0,
        algorithm: "RSA-SHA256",
        key: "RSA-1024",
        encoding: None,
        constrained: true,
        note: None,
    },
    Row {
        file: "afirma__getSignersStructure_MARZO_2015_PRIMER_ENVIO.pdf",
        part: 0,
        algorithm: "RSA-SHA1",
        key: "RSA-1024",
        encoding: None,
        constrained: true,
        note: None,
    },
    // ECDSA P-384 with SHA-512 (Estonian ID card), DER.
    Row {
        file: "dd4j__valid-pades-esteid2018.pdf",
        part: 0,
        algorithm: "ECDSA-SHA512",
        key: "EC P-384",
        encoding: Some("der"),
        constrained: false,
        note: None,
    },
    // ECDSA P-521 (was "key does not fit the algorithm").
    Row {
        file: "mkl5__test_dsp.pdf",
        part: 0,
        algorithm: "ECDSA-SHA256",
        key: "EC P-521",
        encoding: Some("der"),
        constrained: false,
        note: None,
    },
    // ecdsa-with-SHA512 on P-256, the value plain r‖s although the OID calls for DER.
    Row {
        file: "mkl7__sample_signed_ecdsa.pdf",
        part: 0,
        algorithm: "ECDSA-SHA512",
        key: "EC P-256",
        encoding: Some("plain"),
        constrained: false,
        note: Some(("cms.signature", "plain r‖s")),
    },
    // BSI TR-03111 ecdsa-plain-SHA256 on brainpoolP256r1.
    Row {
        file: "mkldss__pdf-secCommerceLegacySigned-PLAIN.pdf",
        part: 0,
        algorithm: "ECDSA-PLAIN-SHA256",
        key: "EC brainpoolP256r1",
        encoding: Some("plain"),
        constrained: false,
        note: None,
    },
    // digestAlgorithm = sha256WithRSAEncryption.
    Row {
        file: "mkl7__notLTVenabled.pdf",
        part: 0,
        algorithm: "RSA-SHA256",
        key: "RSA-2048",
        encoding: None,
        constrained: false,
        note: Some(("cms.algorithms", "digestAlgorithm names the signature algorithm")),
    },
    // Adobe Reader: signatureAlgorithm sha1WithRSA, the RSA block a SHA-256 DigestInfo as
    // digestAlgorithm says.
    Row {
        file: "mkl5__prueba_xfa.pdf",
        part: 0,
        algorithm: "RSA-SHA256",
        key: "RSA-2048",
        encoding: None,
        constrained: false,
        note: Some(("cms.algorithms", "following digestAlgorithm")),
    },
    Row {
        file: "mkl7__202007279900001S001.pdf",
        part: 0,
        algorithm: "RSA-PSS-SHA256",
        key: "RSA-2048",
        encoding: None,
        constrained: false,
        note: None,
    },
];

#[test]
fn pdf_real_signature_values_verify() {
    let mut seen = 0;
    for row in ROWS {
        let Some(report) = verify(&format!("pdf-real/{}", row.file), None) else {
            return;
        };
        seen += 1;
        let at = format!("{} #{}", row.file, row.part);
        let part = &report.parts[row.part];
        let json = part.to_json_pretty();
        let sig = part.check("cms.signature").unwrap_or_else(|| panic!("{at}: {json}"));
        assert_eq!(sig.status, Status::Passed, "{at}: {json}");
        assert_eq!(
            detail(part, "cms.signature", "algorithm").as_deref(),
            Some(row.algorithm),
            "{at}"
        );
        assert_eq!(detail(part, "cms.signature", "key").as_deref(), Some(row.key), "{at}");
        assert_eq!(
            detail(part, "cms.signature", "signature_encoding").as_deref(),
            row.encoding,
            "{at}"
        );
        if let Some((check, text)) = row.note {
            let note = detail(part, check, "note").unwrap_or_default();
            assert!(note.contains(text), "{at}: {check} note {note:?}: {json}");
        }
        let constraints = part.check("cms.crypto-constraints");
        if row.constrained {
            let c = constraints.unwrap_or_else(|| panic!("{at}: {json}"));
            assert_eq!(c.status, Status::Indeterminate, "{at}");
            assert_eq!(c.reason, Some(Reason::CryptoConstraintsFailure), "{at}");
            // Under the legacy constraints the same signature has no constraints failure.
            let legacy = verify(&format!("pdf-real/{}", row.file), Some(CryptoConstraints::legacy())).unwrap();
            assert!(legacy.parts[row.part].check("cms.crypto-constraints").is_none(), "{at}");
        } else {
            assert!(constraints.is_none(), "{at}: {json}");
        }
        no_bad_signature(&report, &at);
        assert!(
            part.checks.iter().all(|c| c.reason != Some(Reason::Unsupported)),
            "{at}: {json}"
        );
    }
    assert_eq!(seen, ROWS.len());
}

/// RSASSA-PSS whose MGF1 hash (SHA-512) differs from the message hash (SHA-256): the value
/// verifies with the parameters as given, but they are inconsistent: FAILED, saying so.
#[test]
fn pss_with_inconsistent_parameters_fails_saying_why() {
    let Some(report) = verify("pdf-real/itext__mgfDiscrepancy.pdf", None) else {
        return;
    };
    assert_eq!(report.status, Status::Failed);
    let sig = report.parts[0].check("cms.signature").unwrap();
    assert_eq!(sig.status, Status::Failed);
    assert_eq!(sig.reason, Some(Reason::InconsistentAlgorithmParameters));
    assert_eq!(report.parts[0].reason, Some(Reason::InconsistentAlgorithmParameters));
    assert!(
        sig.message.contains("inconsistent signature parameters") && sig.message.contains("MGF1"),
        "{}",
        sig.message
    );
}

/// The Adobe sample of pdf-more: RSA-2048/SHA-1 signature, RSA-1024/SHA-1 TSA. Genuine but
/// below the constraints: INDETERMINATE CryptoConstraintsFailure, nothing "does not verify";
/// the tampered copy FAILS.
#[test]
fn weak_but_genuine_pdf_is_indeterminate_and_tampered_fails() {
    let Some(report) = verify("pdf-more/pdfsign__testfile30.pdf", None) else {
        return;
    };
    let json = report.to_json_pretty();
    assert_eq!(report.status, Status::Indeterminate, "{json}");
    assert_eq!(report.reason, Some(Reason::CryptoConstraintsFailure), "{json}");
    no_bad_signature(&report, "testfile30");
    let part = &report.parts[0];
    assert_eq!(part.check("cms.signature").unwrap().status, Status::Passed);
    // The RSA-1024/SHA-1 time-stamp verifies but breaks the constraints: reported, and not
    // used as proof of time (it does not by itself lower the signature's verdict).
    let ts = part.check("pdf.signature-timestamp").unwrap();
    assert_eq!(ts.details["used"], false, "{json}");
    assert_eq!(ts.details["problem_reason"], "CryptoConstraintsFailure", "{json}");
    assert!(ts.message.contains("1024"), "{}", ts.message);

    let tampered = verify("pdf-more/pdfsign__testfile30-tampered.pdf", None).unwrap();
    assert_eq!(tampered.status, Status::Failed);
    assert_eq!(
        tampered.parts[0].check("cms.message-digest").unwrap().reason,
        Some(Reason::HashMismatch)
    );
}

/// Android APK v1 signature block: ECDSA P-521 with SHA-512 over the content (no signed
/// attributes), detached.
#[test]
fn cms_ecdsa_p521_sha512() {
    let (Some(sig), Some(content)) = (
        common::corpus("cms/apk-ecdsa-p521.p7s.pem"),
        common::corpus("cms/apk-ecdsa-p521-content.bin"),
    ) else {
        return;
    };
    let pem = std::fs::read_to_string(sig).unwrap();
    let (_, der) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
    let content = std::fs::read(content).unwrap();
    let sd = SignedData::from_der(&der).unwrap();
    let v = sd.verify_signer(0, Content::Bytes(&content), &[]);
    let sig = v.check("cms.signature").unwrap();
    assert_eq!(sig.status, Status::Passed, "{sig:?}");
    assert_eq!(sig.details.get("key").and_then(|k| k.as_str()), Some("EC P-521"));
    assert!(v.constraints_check(&CryptoConstraints::default()).is_none());
    let mut changed = content.clone();
    changed[0] ^= 1;
    let bad = sd.verify_signer(0, Content::Bytes(&changed), &[]);
    assert_eq!(bad.check("cms.signature").unwrap().reason, Some(Reason::BadSignature));
}

/// Certificate signatures under the constraints: an RSA-1024 CA and a SHA-1 signed leaf
/// (test-vectors/alg/make-chain.sh) verify, but the chain is INDETERMINATE
/// `CryptoConstraintsFailure`, not `BadSignature`; `allow_sha1` and legacy constraints lift it.
#[test]
fn chain_signatures_under_the_constraints() {
    use yinjian::x509::{chain_report, Certificate, ChainOptions, RevocationPolicy, Usage};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/alg");
    let cert = |name: &str| Certificate::from_pem(&std::fs::read(dir.join(name)).unwrap()).unwrap();
    for (ca, what) in [("rsa1024ca", "1024"), ("sha1ca", "SHA-1")] {
        let leaf = cert(&format!("{ca}-leaf.pem"));
        let mut trust = TrustStore::new();
        trust.add_certificate(cert(&format!("{ca}-root.pem")), None);
        let mut opts = ChainOptions::new(common::t("2030-01-01T00:00:00Z"), Usage::DocumentSigning);
        opts.revocation = RevocationPolicy::NotRequired;
        let report = chain_report(&leaf, &[], &trust, &opts);
        let json = report.to_json_pretty();
        assert_eq!(report.status, Status::Indeterminate, "{ca}: {json}");
        assert_eq!(report.reason, Some(Reason::CryptoConstraintsFailure), "{ca}: {json}");
        assert!(json.contains(what), "{ca}: {json}");
        assert!(!json.contains("BadSignature"), "{ca}: {json}");

        opts.constraints = CryptoConstraints::legacy();
        let report = chain_report(&leaf, &[], &trust, &opts);
        assert_eq!(report.status, Status::Passed, "{ca}: {}", report.to_json_pretty());
    }
    // The older switch still works for SHA-1.
    let leaf = cert("sha1ca-leaf.pem");
    let mut trust = TrustStore::new();
    trust.add_certificate(cert("sha1ca-root.pem"), None);
    let mut opts = ChainOptions::new(common::t("2030-01-01T00:00:00Z"), Usage::DocumentSigning);
    opts.revocation = RevocationPolicy::NotRequired;
    opts.allow_sha1 = true;
    assert_eq!(chain_report(&leaf, &[], &trust, &opts).status, Status::Passed);
}

/// Re-encodes one BER TLV as DER lengths (indefinite → definite), for files whose CMS is BER
/// while BER input is not yet read by the CMS module: lets the signature values be checked.
fn ber_to_der(input: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut pos = 0;
    let first = *input.first()?;
    pos += 1;
    if first & 0x1f == 0x1f {
        while input.get(pos)? & 0x80 != 0 {
            pos += 1;
        }
        pos += 1;
    }
    let tag = input[..pos].to_vec();
    let len_byte = *input.get(pos)?;
    pos += 1;
    let content: Vec<u8> = if len_byte == 0x80 {
        let mut children = Vec::new();
        while input.get(pos..pos + 2)? != [0, 0] {
            let (child, used) = ber_to_der(&input[pos..])?;
            children.extend(child);
            pos += used;
        }
        pos += 2;
        children
    } else {
        let len = if len_byte & 0x80 == 0 {
            usize::from(len_byte)
        } else {
            let n = usize::from(len_byte & 0x7f);
            let bytes = input.get(pos..pos + n)?;
            pos += n;
            bytes.iter().fold(0usize, |a, b| a << 8 | usize::from(*b))
        };
        let body = input.get(pos..pos + len)?;
        pos += len;
        if first & 0x20 != 0 {
            let mut children = Vec::new();
            let mut p = 0;
            while p < body.len() {
                let (child, used) = ber_to_der(&body[p..])?;
                children.extend(child);
                p += used;
            }
            children
        } else {
            body.to_vec()
        }
    };
    let mut out = tag;
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend(content);
    Some((out, pos))
}

/// The last signature of a PDF: its /ByteRange digest input and its /Contents bytes.
fn last_signature(pdf: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("/ByteRange").unwrap();
    let open = at + text[at..].find('[').unwrap();
    let close = open + text[open..].find(']').unwrap();
    let nums: Vec<usize> = text[open + 1..close]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let mut signed = pdf[nums[0]..nums[0] + nums[1]].to_vec();
    signed.extend_from_slice(&pdf[nums[2]..nums[2] + nums[3]]);
    let hex: Vec<u8> = pdf[nums[0] + nums[1]..nums[2]]
        .iter()
        .copied()
        .filter(u8::is_ascii_hexdigit)
        .collect();
    (signed, hex::decode(hex).unwrap())
}

/// pdf-real files whose CMS is BER (the PDF verifier refuses them until BER is read): the
/// signature values, checked at the CMS level after re-encoding the lengths.
#[test]
fn ber_pdf_real_signature_values_verify_at_the_cms_level() {
    for (file, algorithm, key, note) in [
        ("mkl5__sampleCert.pdf", "RSA-SHA256", "RSA-1024", None),
        ("mkl5__sampleECDSA.pdf", "ECDSA-SHA256", "EC brainpoolP256r1", None),
        ("mklpb1__doc_v2_fillsigned.pdf", "RSA-SHA1", "RSA-2048", Some("NULL")),
    ] {
        let Some(path) = common::corpus(&format!("pdf-real/{file}")) else {
            return;
        };
        let pdf = std::fs::read(path).unwrap();
        let (signed, contents) = last_signature(&pdf);
        assert_eq!(&contents[..2], &[0x30, 0x80], "{file} is BER");
        let (der, _) = ber_to_der(&contents).unwrap();
        let sd = SignedData::from_der(&der).unwrap_or_else(|e| panic!("{file}: {e}"));
        let digest = sd.signers[0].digest().unwrap().digest(&signed);
        let v = sd.verify_signer(0, Content::Digest(&digest), &[]);
        let sig = v.check("cms.signature").unwrap();
        assert_eq!(sig.status, Status::Passed, "{file}: {sig:?}");
        assert_eq!(v.check("cms.message-digest").unwrap().status, Status::Passed, "{file}");
        let get = |k: &str| sig.details.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        assert_eq!(get("key").as_deref(), Some(key), "{file}");
        assert_eq!(v.signature_algorithm.map(|a| a.name()), Some(algorithm), "{file}");
        if let Some(n) = note {
            assert!(get("note").unwrap_or_default().contains(n), "{file}: {sig:?}");
        }
        let constrained = v.constraints_check(&CryptoConstraints::default());
        assert_eq!(
            constrained.is_some(),
            key == "RSA-1024" || algorithm == "RSA-SHA1",
            "{file}"
        );
        // A changed byte range does not verify.
        let mut other = signed.clone();
        other[10] ^= 1;
        let digest = sd.signers[0].digest().unwrap().digest(&other);
        let v = sd.verify_signer(0, Content::Digest(&digest), &[]);
        assert_eq!(v.status(), Status::Failed, "{file}");
    }
}

/// A SignerInfo whose signatureAlgorithm (ecdsa-with-SHA256) and digestAlgorithm (here made
/// SHA-384) disagree: the digestAlgorithm reading is tried first, then the hash the
/// signatureAlgorithm names, which verifies and is reported as used.
#[test]
fn disagreeing_signer_info_algorithms_fall_back_to_the_named_hash() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/cms");
    let der = std::fs::read(dir.join("ec-detached.der")).unwrap();
    let content = std::fs::read(dir.join("content.bin")).unwrap();
    let mut sd = SignedData::from_der(&der).unwrap();
    let v = sd.verify_signer(0, Content::Bytes(&content), &[]);
    assert_eq!(v.status(), Status::Passed);
    sd.signers[0].digest_algorithm.oid = yinjian::alg::oid::SHA384;
    let v = sd.verify_signer(0, Content::Bytes(&content), &[]);
    let sig = v.check("cms.signature").unwrap();
    assert_eq!(sig.status, Status::Passed, "{sig:?}");
    assert_eq!(
        sig.details.get("algorithm_used").and_then(|a| a.as_str()),
        Some("ECDSA-SHA256")
    );
    assert_eq!(v.signature_algorithm.map(|a| a.name()), Some("ECDSA-SHA384"));
    // The messageDigest attribute was made with SHA-256: that check fails on its own.
    assert_eq!(v.check("cms.message-digest").unwrap().status, Status::Failed);
}
