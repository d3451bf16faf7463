//! CMS SignedData and RFC 3161 time-stamp tokens: the OpenSSL-made cases of
//! `test-vectors/cms/` (gen/gen-cms.sh), SM2 CMS built here with yinjian's own signer (OpenSSL
//! 3.0 cannot make one), and the real containers of the corpus (`$YINJIAN_CORPUS`, by default
//! `../shared/corpus`; those tests skip without it).

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use std::path::{Path, PathBuf};

use yinjian::alg::{DigestAlgorithm, SignatureAlgorithm};
use yinjian::cms::tsp::{self, TimeStampToken};
use yinjian::cms::{self, CmsError, Content, SignedData, SignerIdentifier};
use yinjian::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, DEFAULT_DISTID};
use yinjian::x509::{parse_all, Certificate, ChainOptions, RevocationPolicy, TrustStore, Usage};
use yinjian::{Reason, Status, Time};

/// The x509-cert structure of a certificate, to build SignerIdentifiers from (the library's
/// `Certificate` keeps its own private).
fn x509(cert: &Certificate) -> x509_cert::Certificate {
    use der::Decode;
    x509_cert::Certificate::from_der(cert.der()).expect("a certificate the library parsed")
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/cms")
}

fn read(name: &str) -> Vec<u8> {
    let path = dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cert(name: &str) -> Certificate {
    parse_all(&read(&format!("pki/{name}.pem"))).unwrap().remove(0)
}

fn trust(root: &str) -> TrustStore {
    let mut t = TrustStore::new();
    t.add_certificate(cert(root), None);
    t
}

/// One day after the signer certificates' notBefore (they are made when gen-cms.sh runs).
fn opts() -> ChainOptions {
    let at = Time::from_unix(cert("rsa-signer").not_before().unix() + 86_400).unwrap();
    let mut o = ChainOptions::new(at, Usage::DocumentSigning);
    o.revocation = RevocationPolicy::NotRequired;
    o
}

/// A detached CMS over `content`, verified the way `yinjian cms verify` does: the part of its
/// one signer (or the whole report when the CMS could not be read).
fn detached(der: &[u8], content: &[u8], trust: &TrustStore, opts: &ChainOptions) -> yinjian::Report {
    let report = cms::file::verify_report(der, Some(content), trust, opts, &[], &cms::CmsOptions::default());
    assert_eq!(report.kind, cms::REPORT_KIND);
    match report.parts.as_slice() {
        [signer] => signer.clone(),
        _ => report,
    }
}

fn reason_of(report: &yinjian::Report, check: &str) -> Option<Reason> {
    report
        .check(check)
        .unwrap_or_else(|| panic!("no {check}: {}", report.to_text()))
        .reason
}

#[test]
fn openssl_detached_positive_cases() {
    let content = read("content.bin");
    for (file, attrs, alg) in [
        ("rsa-detached.der", true, SignatureAlgorithm::RsaPkcs1Sha256),
        ("rsa-detached-noattr.der", false, SignatureAlgorithm::RsaPkcs1Sha256),
        ("ec-detached.der", true, SignatureAlgorithm::EcdsaSha256),
        ("ec-detached-noattr.der", false, SignatureAlgorithm::EcdsaSha256),
        ("ec-detached-skid.der", true, SignatureAlgorithm::EcdsaSha256),
        ("rsa-pss-detached.der", true, SignatureAlgorithm::RsaPssSha256),
        ("rsa-detached-sigts.der", true, SignatureAlgorithm::RsaPkcs1Sha256),
    ] {
        let der = read(file);
        let report = detached(&der, &content, &trust("root"), &opts());
        assert_eq!(report.status, Status::Passed, "{file}: {}", report.to_text());
        for name in [
            "cms.signer-certificate",
            "cms.signed-attributes",
            "cms.signature",
            "x509.path",
        ] {
            assert!(report.check(name).is_some(), "{file}: no {name}");
        }
        assert_eq!(report.check("cms.message-digest").is_some(), attrs, "{file}");
        assert_eq!(report.subject.signing_time.is_some(), attrs, "{file}");
        let sd = SignedData::from_der(&der).unwrap();
        assert_eq!(sd.signers.len(), 1);
        assert!(sd.econtent.is_none());
        assert_eq!(sd.econtent_type, cms::oid::DATA);
        let v = sd.verify_signer(0, Content::Bytes(&content), &[]);
        assert_eq!(v.signature_algorithm, Some(alg), "{file}");
        assert_eq!(v.digest_algorithm, Some(DigestAlgorithm::Sha256));
        // Streamed content and a precomputed digest give the same verdict.
        let streamed = sd.verify_signer_reader(0, &content[..], &[]);
        assert_eq!(streamed.status(), Status::Passed, "{file}");
        let digest = DigestAlgorithm::Sha256.digest(&content);
        let by_digest = sd.verify_signer(0, Content::Digest(&digest), &[]);
        if attrs {
            assert_eq!(by_digest.status(), Status::Passed, "{file}");
        } else {
            assert_eq!(
                by_digest.check("cms.signature").unwrap().reason,
                Some(Reason::Unsupported)
            );
        }
    }
}

#[test]
fn subject_key_identifier_signer() {
    let sd = SignedData::from_der(&read("ec-detached-skid.der")).unwrap();
    let ski = cert("ec-signer").extensions().subject_key_id.clone().unwrap();
    assert_eq!(sd.signers[0].sid, SignerIdentifier::SubjectKeyIdentifier(ski));
    assert_eq!(sd.signers[0].version, 3);
}

#[test]
fn tampered_content_is_a_hash_mismatch() {
    let report = detached(
        &read("rsa-detached.der"),
        &read("content-tampered.bin"),
        &trust("root"),
        &opts(),
    );
    assert_eq!(report.status, Status::Failed);
    assert_eq!(reason_of(&report, "cms.message-digest"), Some(Reason::HashMismatch));
    // Without signed attributes the signature itself fails.
    let report = detached(
        &read("ec-detached-noattr.der"),
        &read("content-tampered.bin"),
        &trust("root"),
        &opts(),
    );
    assert_eq!(reason_of(&report, "cms.signature"), Some(Reason::BadSignature));
}

#[test]
fn tampered_signed_attribute_breaks_the_signature() {
    let report = detached(
        &read("rsa-detached-badattr.der"),
        &read("content.bin"),
        &trust("root"),
        &opts(),
    );
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.check("cms.message-digest").unwrap().status, Status::Passed);
    assert_eq!(reason_of(&report, "cms.signature"), Some(Reason::BadSignature));
}

#[test]
fn wrong_trust_anchor_and_missing_certificate() {
    let content = read("content.bin");
    let report = detached(&read("ec-detached.der"), &content, &trust("other-root"), &opts());
    assert_eq!(report.status, Status::Indeterminate, "{}", report.to_text());
    assert_eq!(report.reason, Some(Reason::UntrustedChain));
    assert_eq!(report.check("cms.signature").unwrap().status, Status::Passed);

    let der = read("rsa-detached-nocerts.der");
    let report = detached(&der, &content, &trust("root"), &opts());
    assert_eq!(reason_of(&report, "cms.signer-certificate"), Some(Reason::Missing));
    let sd = SignedData::from_der(&der).unwrap();
    assert!(sd.certificates.is_empty());
    // The wrong certificate supplied by the caller does not match; the right one does.
    let wrong = sd.verify_signer(0, Content::Bytes(&content), &[cert("ec-signer"), cert("other-signer")]);
    assert_eq!(
        wrong.check("cms.signer-certificate").unwrap().reason,
        Some(Reason::Missing)
    );
    let right = sd.verify_signer(0, Content::Bytes(&content), &[cert("ec-signer"), cert("rsa-signer")]);
    assert_eq!(right.status(), Status::Passed);
}

#[test]
fn signature_algorithm_resolution() {
    // rsaEncryption takes its hash from digestAlgorithm; an RSA key cannot go with SM3.
    let sd = SignedData::from_der(&read("rsa-detached.der")).unwrap();
    let mut signer = sd.signers[0].clone();
    signer.digest_algorithm.oid = yinjian::alg::oid::SHA1;
    signer.signature_algorithm.oid = yinjian::alg::oid::RSA_ENCRYPTION;
    assert_eq!(signer.signature_algorithm().unwrap(), SignatureAlgorithm::RsaPkcs1Sha1);
    signer.digest_algorithm.oid = yinjian::alg::oid::SM3;
    assert!(matches!(signer.signature_algorithm(), Err(CmsError::Unsupported(_))));
}

#[test]
fn time_stamp_tokens() {
    let data = read("tsa-data.bin");
    for file in ["rsa-tst.der", "ec-tst.der"] {
        let der = read(file);
        let report = tsp::timestamp_report(&der, &data, &trust("root"), &opts());
        assert_eq!(report.status, Status::Passed, "{file}: {}", report.to_text());
        for name in [
            "cms.signed-attributes",
            "cms.message-digest",
            "cms.signature",
            "cms.signing-certificate",
            "tsp.message-imprint",
            "tsp.tsa-certificate",
            "x509.path",
        ] {
            assert!(report.check(name).is_some(), "{file}: no {name}: {}", report.to_text());
        }
        let token = TimeStampToken::from_der(&der).unwrap();
        let info = &token.tst_info;
        assert_eq!(info.version, 1);
        assert_eq!(info.policy.to_string(), "1.2.3.4.1");
        assert_eq!(info.imprint_digest(), Some(DigestAlgorithm::Sha256));
        assert_eq!(info.hashed_message, DigestAlgorithm::Sha256.digest(&data));
        assert!(info.ordering);
        assert_eq!(info.nonce, None);
        let acc = info.accuracy.unwrap();
        assert_eq!((acc.seconds, acc.millis), (1, 500));
        assert!(info.tsa.as_deref().unwrap_or("").contains("TSA"), "{:?}", info.tsa);
        assert_eq!(report.subject.signing_time, Some(token.gen_time()));
        let signer_nb = cert("rsa-signer").not_before().unix();
        assert!((token.gen_time().unix() - signer_nb).abs() < 3600);
        // The digest entry point agrees.
        let v = token.verify_digest(&DigestAlgorithm::Sha256.digest(&data), &trust("root"), &opts());
        assert_eq!(v.status(), Status::Passed);
    }
}

#[test]
fn time_stamp_negative_cases() {
    let report = tsp::timestamp_report(
        &read("rsa-tst.der"),
        &read("tsa-other-data.bin"),
        &trust("root"),
        &opts(),
    );
    assert_eq!(report.status, Status::Failed);
    assert_eq!(reason_of(&report, "tsp.message-imprint"), Some(Reason::HashMismatch));
    assert_eq!(report.check("cms.signature").unwrap().status, Status::Passed);

    let report = tsp::timestamp_report(
        &read("rsa-tst-tampered.der"),
        &read("tsa-data.bin"),
        &trust("root"),
        &opts(),
    );
    assert_eq!(reason_of(&report, "cms.message-digest"), Some(Reason::HashMismatch));

    let report = tsp::timestamp_report(
        &read("ec-tst.der"),
        &read("tsa-data.bin"),
        &trust("other-root"),
        &opts(),
    );
    assert_eq!(report.reason, Some(Reason::UntrustedChain));

    // A CMS signature is not a time-stamp token.
    let err = TimeStampToken::from_der(&read("rsa-detached.der")).unwrap_err();
    assert_eq!(err.reason(), Reason::Unsupported);
    // A document signer's certificate lacks timeStamping: swap it in as the "TSA".
    let mut token = TimeStampToken::from_der(&read("rsa-tst.der")).unwrap();
    token.signed_data.certificates = vec![cert("rsa-signer")];
    let v = token.verify(&read("tsa-data.bin"), &trust("root"), &opts());
    assert_eq!(v.check("cms.signer-certificate").unwrap().reason, Some(Reason::Missing));
}

#[test]
fn signature_time_stamp_attribute() {
    let sd = SignedData::from_der(&read("rsa-detached-sigts.der")).unwrap();
    let v = tsp::verify_signature_timestamp(&sd, 0, &trust("root"), &opts())
        .expect("has a signature time-stamp")
        .unwrap();
    assert_eq!(v.status(), Status::Passed, "{:?}", v.checks);
    assert_eq!(
        v.tsa_certificate.unwrap().subject_common_name().as_deref(),
        Some("EC TSA")
    );
    let plain = SignedData::from_der(&read("rsa-detached.der")).unwrap();
    assert!(tsp::verify_signature_timestamp(&plain, 0, &trust("root"), &opts()).is_none());
    // Stamping something else than this signature value fails the imprint.
    let mut other = sd.clone();
    other.signers[0].signature[0] ^= 1;
    let v = tsp::verify_signature_timestamp(&other, 0, &trust("root"), &opts())
        .unwrap()
        .unwrap();
    assert_eq!(
        v.check("tsp.message-imprint").unwrap().reason,
        Some(Reason::HashMismatch)
    );
}

#[test]
fn malformed_and_limits() {
    let der = read("rsa-detached.der");
    for cut in [0, 1, 10, der.len() / 2, der.len() - 1] {
        let err = SignedData::from_der(&der[..cut]).unwrap_err();
        assert_eq!(err.reason(), Reason::Malformed, "cut {cut}");
    }
    // Zero padding after the value (PDF /Contents) is dropped and counted; other bytes are not.
    let mut extra = der.clone();
    extra.extend_from_slice(&[0, 0, 0]);
    assert_eq!(SignedData::from_der(&extra).unwrap().zero_padding, 3);
    extra.push(1);
    assert_eq!(SignedData::from_der(&extra).unwrap_err().reason(), Reason::Malformed);
    // BER indefinite length, read, but a ContentInfo without its content is still malformed.
    let ber = [
        0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0, 0,
    ];
    let err = SignedData::from_der(&ber).unwrap_err();
    assert!(err.to_string().contains("content is missing"), "{err}");
    assert_eq!(err.reason(), Reason::Malformed);
    let big = vec![0u8; cms::MAX_CMS_SIZE + 1];
    assert_eq!(SignedData::from_der(&big).unwrap_err().reason(), Reason::TooLarge);
    // Every single-byte corruption is handled without a panic.
    for i in 0..der.len() {
        let mut bad = der.clone();
        bad[i] ^= 0x5a;
        if let Ok(sd) = SignedData::from_der(&bad) {
            let _ = sd.verify_signer(0, Content::Bytes(b"x"), &[]);
        }
    }
    let report = detached(b"\x30\x00", b"", &trust("root"), &opts());
    assert_eq!(report.reason, Some(Reason::Malformed));
}

// ---- SM2 CMS built here (OpenSSL 3.0 cannot sign CMS with SM2) ------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn oid_der(text: &str) -> Vec<u8> {
    use der::Encode;
    der::asn1::ObjectIdentifier::new_unwrap(text).to_der().unwrap()
}

fn sm2_pki() -> (Certificate, Vec<Certificate>, PrivateKey) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/x509/sm2");
    let load = |p: &str| parse_all(&std::fs::read(base.join(p)).unwrap()).unwrap().remove(0);
    let key = PrivateKey::parse(&std::fs::read(base.join("keys/leaf.key.pem")).unwrap()).unwrap();
    (
        load("certs/leaf.pem"),
        vec![load("certs/int.pem"), load("certs/root.pem")],
        key,
    )
}

/// A GM/T 0010 SignedData over `content`, detached, with or without signed attributes.
fn sm2_cms(content: &[u8], with_attrs: bool, encoding: SignatureEncoding, sig_oid: &str) -> Vec<u8> {
    let (_, _, key) = sm2_pki();
    let signer = Sm2Signer::new(&key, DEFAULT_DISTID).unwrap();
    sm2_cms_signed(content, with_attrs, sig_oid, &|signed| {
        signer.sign(signed, encoding).unwrap()
    })
}

/// [`sm2_cms`] with the signature value made by `sign` over the signed input.
fn sm2_cms_signed(content: &[u8], with_attrs: bool, sig_oid: &str, sign: &dyn Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let (leaf, _, _) = sm2_pki();
    let sm3_alg = tlv(0x30, &oid_der("1.2.156.10197.1.401"));
    let data_oid = oid_der("1.2.156.10197.6.1.4.2.1");
    let attrs_content = [
        tlv(0x30, &[oid_der("1.2.840.113549.1.9.3"), tlv(0x31, &data_oid)].concat()),
        tlv(
            0x30,
            &[
                oid_der("1.2.840.113549.1.9.4"),
                tlv(0x31, &tlv(0x04, &yinjian::sm::sm3::sm3(content))),
            ]
            .concat(),
        ),
        tlv(
            0x30,
            &[oid_der("1.2.840.113549.1.9.5"), tlv(0x31, &tlv(0x17, b"270301120000Z"))].concat(),
        ),
    ]
    .concat();
    let signed = if with_attrs {
        tlv(0x31, &attrs_content)
    } else {
        content.to_vec()
    };
    let signature = sign(&signed);
    let parsed = x509(&leaf);
    let tbs = parsed.tbs_certificate();
    use der::Encode;
    let sid = tlv(
        0x30,
        &[tbs.issuer().to_der().unwrap(), tbs.serial_number().to_der().unwrap()].concat(),
    );
    let mut si = [tlv(0x02, &[1]), sid, sm3_alg.clone()].concat();
    if with_attrs {
        si.extend(tlv(0xa0, &attrs_content));
    }
    si.extend(tlv(0x30, &oid_der(sig_oid)));
    si.extend(tlv(0x04, &signature));
    let sd = [
        tlv(0x02, &[1]),
        tlv(0x31, &sm3_alg),
        tlv(0x30, &data_oid),
        tlv(0xa0, leaf.der()),
        tlv(0x31, &tlv(0x30, &si)),
    ]
    .concat();
    tlv(
        0x30,
        &[oid_der("1.2.156.10197.6.1.4.2.2"), tlv(0xa0, &tlv(0x30, &sd))].concat(),
    )
}

fn sm2_opts() -> ChainOptions {
    let mut o = ChainOptions::new(Time::parse("2027-06-01T00:00:00Z").unwrap(), Usage::DocumentSigning);
    o.revocation = RevocationPolicy::NotRequired;
    o
}

#[test]
fn sm2_gmt_0010_cms_built_with_yinjian() {
    let content = "OFD Signature.xml 内容".as_bytes();
    let (_, chain, _) = sm2_pki();
    let mut trust = TrustStore::new();
    trust.add_certificate(chain[1].clone(), None);
    for (with_attrs, encoding, sig_oid) in [
        (true, SignatureEncoding::Der, "1.2.156.10197.1.501"),
        (true, SignatureEncoding::Raw, "1.2.156.10197.1.301.1"),
        (false, SignatureEncoding::Der, "1.2.156.10197.1.301"),
        (false, SignatureEncoding::Raw, "1.2.156.10197.1.501"),
    ] {
        let der = sm2_cms(content, with_attrs, encoding, sig_oid);
        let sd = SignedData::from_der(&der).unwrap();
        assert!(sd.is_gmt_0010());
        let v = sd.verify_signer(0, Content::Bytes(content), &chain);
        assert_eq!(
            v.status(),
            Status::Passed,
            "{with_attrs} {encoding:?} {sig_oid}: {:?}",
            v.checks
        );
        assert_eq!(v.signature_algorithm, Some(SignatureAlgorithm::Sm2Sm3));
        let sig = v.check("cms.signature").unwrap();
        assert_eq!(sig.details["signature_encoding"], encoding.as_str());
        let report = detached(&der, content, &trust, &sm2_opts());
        // The chain needs the intermediate, which this CMS does not carry.
        assert_eq!(report.reason, Some(Reason::UntrustedChain), "{}", report.to_text());
        let tampered = sd.verify_signer(0, Content::Bytes(b"other"), &chain);
        assert_eq!(tampered.status(), Status::Failed);
    }
    // With the intermediate in the trust store's pool path: anchor the intermediate.
    let mut trust_int = TrustStore::new();
    trust_int.add_certificate(chain[0].clone(), None);
    let der = sm2_cms(content, true, SignatureEncoding::Der, "1.2.156.10197.1.501");
    let report = detached(&der, content, &trust_int, &sm2_opts());
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.subject.signing_time, Time::parse("2027-03-01T12:00:00Z").ok());
}

// ---- real containers -----------------------------------------------------------------------

/// A corpus file or folder; the tests that read one return early without it.
fn corpus(rel: &str) -> Option<PathBuf> {
    common::corpus(rel)
}

fn zip_entry(path: &Path, name: &str) -> Vec<u8> {
    // A minimal stored/deflated reader is not in the dependencies: use python, as the
    // generator scripts do, and skip when it is absent.
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys,zipfile;sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
        ])
        .arg(path)
        .arg(name)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn ofd_keyword_tongz_sign_entry() {
    let Some(ofd) = corpus("ofd/keyword-tongz.ofd") else {
        return;
    };
    let der = zip_entry(&ofd, "Doc_0/Signs/Sign_3/SignedValue.dat");
    let xml = zip_entry(&ofd, "Doc_0/Signs/Sign_3/Signature.xml");
    let sd = SignedData::from_der(&der).unwrap();
    assert!(sd.is_gmt_0010());
    assert_eq!(sd.econtent_type, cms::oid::SM2_DATA);
    // Encapsulated content: the SM3 digest of Signature.xml.
    assert_eq!(sd.econtent.as_deref(), Some(&yinjian::sm::sm3::sm3(&xml)[..]));
    assert_eq!(sd.certificates.len(), 1);
    let signer = &sd.signers[0];
    assert_eq!(signer.digest(), Some(DigestAlgorithm::Sm3));
    assert!(signer.signed_attributes_der.is_none());
    assert_eq!(signer.signature.len(), 64, "raw r||s");
    assert!(matches!(signer.sid, SignerIdentifier::IssuerAndSerialNumber { .. }));
    // What does the signature cover? Try the encapsulated digest and the XML itself.
    let over_econtent = sd.verify_signer(0, Content::Encapsulated, &[]);
    let over_xml = sd.verify_signer(0, Content::Bytes(&xml), &[]);
    let outcome = |v: &cms::SignerVerification| {
        let c = v.check("cms.signature").unwrap();
        (c.status, c.details.get("signed_input").cloned())
    };
    // Finding: SM2-with-SM3 (Z with the default ID) over the 32-byte eContent, i.e. the
    // signature's message is SM3(Signature.xml), not the XML itself.
    assert_eq!(outcome(&over_econtent), (Status::Passed, Some("content".into())));
    assert_eq!(
        outcome(&over_xml),
        (Status::Passed, Some("sm3-digest-as-message".into()))
    );
    assert_eq!(sd.signers[0].signing_time(), None);
}

/// The signature containers of a PDF: (DER, signed bytes per /ByteRange) in file order.
fn pdf_signatures(pdf: &[u8]) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = find(pdf, b"/Contents", from) {
        let start = pos + b"/Contents".len();
        from = start;
        let mut open = start;
        while pdf.get(open).is_some_and(|b| b.is_ascii_whitespace()) {
            open += 1;
        }
        if pdf.get(open) != Some(&b'<') {
            continue;
        }
        let Some(close) = find(pdf, b">", open) else { continue };
        let hex: Vec<u8> = pdf[open + 1..close]
            .iter()
            .copied()
            .filter(u8::is_ascii_hexdigit)
            .collect();
        let Ok(bytes) = hex::decode(&hex) else { continue };
        if bytes.len() < 64 || bytes.first() != Some(&0x30) {
            continue;
        }
        // Trim the zero padding by the outer DER length.
        let len = match bytes.get(1) {
            Some(&n) if n < 0x80 => 2 + n as usize,
            Some(&n) => {
                let k = (n & 0x7f) as usize;
                2 + k + bytes[2..2 + k].iter().fold(0usize, |a, b| (a << 8) | *b as usize)
            }
            None => continue,
        };
        let der = bytes[..len.min(bytes.len())].to_vec();
        // The /ByteRange of the same dictionary (before or after /Contents, within 2 KiB).
        let window = &pdf[pos.saturating_sub(2048)..(close + 2048).min(pdf.len())];
        let range = find(window, b"/ByteRange", 0).and_then(|p| {
            let open = find(window, b"[", p)?;
            let close = find(window, b"]", open)?;
            let nums: Vec<usize> = std::str::from_utf8(&window[open + 1..close])
                .ok()?
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            (nums.len() == 4).then_some(nums)
        });
        let signed = range.and_then(|n| {
            let mut v = pdf.get(n[0]..n[0] + n[1])?.to_vec();
            v.extend_from_slice(pdf.get(n[2]..n[2] + n[3])?);
            Some(v)
        });
        if !out.iter().any(|(d, _): &(Vec<u8>, _)| *d == der) {
            out.push((der, signed));
        }
    }
    out
}

#[test]
fn pdf_corpus_containers() {
    let Some(dir) = corpus("pdf") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    let (mut parsed, mut verified, mut total) = (0, 0, 0);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let pdf = std::fs::read(&path).unwrap();
        for (i, (der, signed)) in pdf_signatures(&pdf).into_iter().enumerate() {
            total += 1;
            let sd = match SignedData::from_der(&der) {
                Ok(sd) => sd,
                Err(e) => {
                    eprintln!("{name}#{i}: does not parse: {e}");
                    continue;
                }
            };
            parsed += 1;
            let s = &sd.signers[0];
            let alg = s
                .signature_algorithm()
                .map(|a| a.name().to_string())
                .unwrap_or_else(|e| e.to_string());
            let mut line = format!(
                "{name}#{i}: eContentType {} digest {:?} sig {alg} signed-attrs {} sid {}",
                sd.econtent_type,
                s.digest().map(|d| d.name()),
                s.signed_attributes_der.is_some(),
                match &s.sid {
                    SignerIdentifier::IssuerAndSerialNumber { .. } => "issuerAndSerial",
                    SignerIdentifier::SubjectKeyIdentifier(_) => "ski",
                    _ => "other",
                }
            );
            if let Some(signed) = signed {
                let v = sd.verify_signer(0, Content::Bytes(&signed), &[]);
                line.push_str(&format!(" -> {}", v.status()));
                if v.status() == Status::Passed {
                    verified += 1;
                } else {
                    let bad: Vec<_> = v
                        .checks
                        .iter()
                        .filter(|c| c.status != Status::Passed)
                        .map(|c| &c.message)
                        .collect();
                    line.push_str(&format!(" {bad:?}"));
                }
            }
            eprintln!("{line}");
        }
    }
    eprintln!("PDF containers: {total}, parsed {parsed}, verified {verified}");
    assert!(
        parsed >= 30 && verified >= 25,
        "parsed {parsed}, verified {verified} of {total}"
    );
}

#[test]
fn pdf_specific_shapes() {
    let Some(dir) = corpus("pdf") else {
        return;
    };
    let load = |f: &str| {
        let pdf = std::fs::read(dir.join(f)).unwrap();
        pdf_signatures(&pdf)
    };
    let (der, signed) = load("sig-no-signed-attrs.pdf").remove(0);
    let sd = SignedData::from_der(&der).unwrap();
    assert!(sd.signers[0].signed_attributes_der.is_none());
    let v = sd.verify_signer(0, Content::Bytes(&signed.unwrap()), &[]);
    assert_eq!(v.status(), Status::Passed, "{:?}", v.checks);

    let (der, _) = load("sig-with-ski-sid.pdf").remove(0);
    let sd = SignedData::from_der(&der).unwrap();
    assert!(matches!(sd.signers[0].sid, SignerIdentifier::SubjectKeyIdentifier(_)));

    let (der, _) = load("pdf-sig-with-econtent.pdf").remove(0);
    let sd = SignedData::from_der(&der).unwrap();
    // An empty encapsulated content is treated as detached, with a note.
    assert_eq!(sd.econtent, None);
    assert!(sd.empty_econtent);

    // A PAdES document time-stamp: a TimeStampToken.
    let sigs = load("pades-lta-dss-indirect-arrs-test.pdf");
    let tokens: Vec<_> = sigs
        .iter()
        .filter_map(|(d, _)| TimeStampToken::from_der(d).ok())
        .collect();
    assert!(!tokens.is_empty());
    assert_eq!(tokens[0].tst_info.imprint_digest(), Some(DigestAlgorithm::Sha256));
}

#[test]
fn non_standard_sm2_is_told_apart() {
    use yinjian::cms::CmsOptions;
    let content = "non-standard SM2 内容".as_bytes();
    let (_, chain, key) = sm2_pki();
    let signer = Sm2Signer::new(&key, DEFAULT_DISTID).unwrap();
    let empty_id = Sm2Signer::new(&key, b"").unwrap();
    let no_z = |m: &[u8]| signer.sign_digest(&yinjian::sm::sm3::sm3(m)).unwrap().to_der();
    let sig = |der: &[u8], opts: &CmsOptions| {
        let sd = SignedData::from_der(der).unwrap();
        let v = sd.verify_signer_with(0, Content::Bytes(content), &chain, opts);
        v.check("cms.signature").unwrap().clone()
    };
    let strict = CmsOptions::default();
    let lenient = CmsOptions {
        accept_sm2_without_z: true,
    };
    for with_attrs in [false, true] {
        // No Z value: e = SM3(message). INDETERMINATE NonStandardSm2, unless accepted by option.
        let der = sm2_cms_signed(content, with_attrs, "1.2.156.10197.1.501", &no_z);
        let c = sig(&der, &strict);
        assert_eq!(
            (c.status, c.reason),
            (Status::Indeterminate, Some(Reason::NonStandardSm2)),
            "{c:?}"
        );
        assert_eq!(c.details["sm2_variant"], "no-z");
        let c = sig(&der, &lenient);
        assert_eq!(c.status, Status::Passed, "{c:?}");
        assert_eq!(c.details["accepted_by_option"], "accept_sm2_without_z");
        // Z computed with an empty ID (OpenSSL 3.0's default): never PASSED.
        let der = sm2_cms_signed(content, with_attrs, "1.2.156.10197.1.501", &|m| {
            empty_id.sign(m, SignatureEncoding::Der).unwrap()
        });
        for opts in [&strict, &lenient] {
            let c = sig(&der, opts);
            assert_eq!(c.reason, Some(Reason::NonStandardSm2), "{c:?}");
            assert_eq!(c.details["sm2_variant"], "empty-id");
        }
    }
    // Standard SM2 (Z, default ID) over SM3(content) as the message: the signed-input
    // convention of OFD products (the eContent is that digest), PASSED with a note.
    let der = sm2_cms_signed(content, false, "1.2.156.10197.1.501", &|m| {
        signer.sign(&yinjian::sm::sm3::sm3(m), SignatureEncoding::Der).unwrap()
    });
    let c = sig(&der, &strict);
    assert_eq!(c.status, Status::Passed, "{c:?}");
    assert_eq!(c.details["signed_input"], "sm3-digest-as-message");
    // A signature over other data stays BadSignature.
    let der = sm2_cms_signed(content, false, "1.2.156.10197.1.501", &|_| {
        signer.sign(b"something else", SignatureEncoding::Der).unwrap()
    });
    assert_eq!(sig(&der, &lenient).reason, Some(Reason::BadSignature));
}

#[test]
fn sm2_unsorted_signed_attributes_verify_as_a_second_try() {
    // sm2_cms writes contentType, messageDigest, signingTime (not DER SET OF order) and signs
    // that encoding: DER first fails, the signer's own encoding is accepted with a note.
    let content = b"own encoding";
    let (_, chain, _) = sm2_pki();
    let der = sm2_cms(content, true, SignatureEncoding::Der, "1.2.156.10197.1.501");
    let sd = SignedData::from_der(&der).unwrap();
    assert!(sd.signers[0].signed_attributes_as_encoded.is_some());
    let v = sd.verify_signer(0, Content::Bytes(content), &chain);
    let c = v.check("cms.signature").unwrap();
    assert_eq!(c.status, Status::Passed, "{c:?}");
    assert_eq!(c.details["signed_attributes_encoding"], "as-encoded");
}

// ---- CAdES / ESS shapes built here: counter-signatures, ESS mismatch, several signers ------

/// An SM2 SignerInfo (signed by the test leaf) with the given signed attributes (DER, put in
/// DER SET OF order) and unsigned attributes.
fn sm2_signer_info(attrs: &[Vec<u8>], unsigned: &[Vec<u8>], corrupt: bool) -> (Vec<u8>, Vec<u8>) {
    sm2_signer_info_sid(attrs, unsigned, corrupt, None)
}

/// [`sm2_signer_info`] with the signer named by subjectKeyIdentifier `ski` when given.
fn sm2_signer_info_sid(
    attrs: &[Vec<u8>],
    unsigned: &[Vec<u8>],
    corrupt: bool,
    ski: Option<&[u8]>,
) -> (Vec<u8>, Vec<u8>) {
    let (leaf, _, key) = sm2_pki();
    let signer = Sm2Signer::new(&key, DEFAULT_DISTID).unwrap();
    let mut sorted = attrs.to_vec();
    sorted.sort();
    let attrs_content = sorted.concat();
    let mut signature = signer.sign(&tlv(0x31, &attrs_content), SignatureEncoding::Der).unwrap();
    if corrupt {
        let n = signature.len() - 2;
        signature[n] ^= 1;
    }
    let parsed = x509(&leaf);
    let tbs = parsed.tbs_certificate();
    use der::Encode;
    let sid = tlv(
        0x30,
        &[tbs.issuer().to_der().unwrap(), tbs.serial_number().to_der().unwrap()].concat(),
    );
    let (version, sid) = match ski {
        Some(ski) => (3, tlv(0x80, ski)),
        None => (1, sid),
    };
    let mut si = [
        tlv(0x02, &[version]),
        sid,
        tlv(0x30, &oid_der("1.2.156.10197.1.401")),
        tlv(0xa0, &attrs_content),
        tlv(0x30, &oid_der("1.2.156.10197.1.501")),
        tlv(0x04, &signature),
    ]
    .concat();
    if !unsigned.is_empty() {
        si.extend(tlv(0xa1, &unsigned.concat()));
    }
    (tlv(0x30, &si), signature)
}

fn attribute(oid: &str, value: &[u8]) -> Vec<u8> {
    tlv(0x30, &[oid_der(oid), tlv(0x31, value)].concat())
}

fn content_attrs(content: &[u8]) -> Vec<Vec<u8>> {
    vec![
        attribute("1.2.840.113549.1.9.3", &oid_der("1.2.156.10197.6.1.4.2.1")),
        attribute("1.2.840.113549.1.9.4", &tlv(0x04, &yinjian::sm::sm3::sm3(content))),
    ]
}

fn sm2_signed_data(signer_infos: &[Vec<u8>], certs: &[&Certificate]) -> Vec<u8> {
    let sm3_alg = tlv(0x30, &oid_der("1.2.156.10197.1.401"));
    let certs: Vec<u8> = certs.iter().flat_map(|c| c.der().to_vec()).collect();
    let sd = [
        tlv(0x02, &[1]),
        tlv(0x31, &sm3_alg),
        tlv(0x30, &oid_der("1.2.156.10197.6.1.4.2.1")),
        tlv(0xa0, &certs),
        tlv(0x31, &signer_infos.concat()),
    ]
    .concat();
    tlv(
        0x30,
        &[oid_der("1.2.156.10197.6.1.4.2.2"), tlv(0xa0, &tlv(0x30, &sd))].concat(),
    )
}

#[test]
fn counter_signatures_are_verified_and_reported() {
    let content = b"counter-signed content";
    let (leaf, chain, _) = sm2_pki();
    for corrupt in [false, true] {
        // The counter-signature is over the main signature value: make the main one first.
        let (_, main_sig) = sm2_signer_info(&content_attrs(content), &[], false);
        let cs_attrs = vec![attribute(
            "1.2.840.113549.1.9.4",
            &tlv(0x04, &yinjian::sm::sm3::sm3(&main_sig)),
        )];
        let (counter, _) = sm2_signer_info(&cs_attrs, &[], corrupt);
        let der = sm2_signed_data(&[counter_wrapped(&main_sig, &counter, content)], &[&leaf]);
        let sd = SignedData::from_der(&der).unwrap();
        let v = sd.verify_signer(0, Content::Bytes(content), &chain);
        assert_eq!(v.counter_signatures.len(), 1);
        let c = v.check("cms.counter-signature").unwrap();
        if corrupt {
            assert_eq!(c.reason, Some(Reason::BadSignature), "{c:?}");
        } else {
            assert_eq!(c.status, Status::Passed, "{:?}", v.checks);
            assert_eq!(v.status(), Status::Passed, "{:?}", v.checks);
        }
    }
}

/// The main SignerInfo over `content` with the signature value `signature` (made by
/// [`sm2_signer_info`] over the same attributes) and `counter` as its id-countersignature.
fn counter_wrapped(signature: &[u8], counter: &[u8], content: &[u8]) -> Vec<u8> {
    let (leaf, _, _) = sm2_pki();
    let mut attrs = content_attrs(content);
    attrs.sort();
    let parsed = x509(&leaf);
    let tbs = parsed.tbs_certificate();
    use der::Encode;
    let sid = tlv(
        0x30,
        &[tbs.issuer().to_der().unwrap(), tbs.serial_number().to_der().unwrap()].concat(),
    );
    tlv(
        0x30,
        &[
            tlv(0x02, &[1]),
            sid,
            tlv(0x30, &oid_der("1.2.156.10197.1.401")),
            tlv(0xa0, &attrs.concat()),
            tlv(0x30, &oid_der("1.2.156.10197.1.501")),
            tlv(0x04, signature),
            tlv(0xa1, &attribute("1.2.840.113549.1.9.6", counter)),
        ]
        .concat(),
    )
}

#[test]
fn ess_signing_certificate_mismatch_names_the_other_certificate() {
    let content = b"ESS content";
    let (leaf, chain, _) = sm2_pki();
    let ess = |cert: &Certificate| {
        // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { certHash (SHA-256 default) } }
        let hash = DigestAlgorithm::Sha256.digest(cert.der());
        attribute(
            "1.2.840.113549.1.9.16.2.47",
            &tlv(0x30, &tlv(0x30, &tlv(0x30, &tlv(0x04, &hash)))),
        )
    };
    for (named, ok) in [(&leaf, true), (&chain[0], false)] {
        let mut attrs = content_attrs(content);
        attrs.push(ess(named));
        let (si, _) = sm2_signer_info(&attrs, &[], false);
        let der = sm2_signed_data(&[si], &[&leaf, &chain[0]]);
        let sd = SignedData::from_der(&der).unwrap();
        let v = sd.verify_signer(0, Content::Bytes(content), &[]);
        assert_eq!(v.check("cms.signature").unwrap().status, Status::Passed);
        let c = v.check("cms.signing-certificate").unwrap();
        if ok {
            assert_eq!(c.status, Status::Passed, "{c:?}");
        } else {
            assert_eq!(
                (c.status, c.reason),
                (Status::Failed, Some(Reason::PolicyViolation)),
                "{c:?}"
            );
            assert_eq!(c.details["named_certificate"], chain[0].subject());
            assert_eq!(
                c.details["actual"],
                hex::encode(DigestAlgorithm::Sha256.digest(leaf.der()))
            );
        }
    }
}

#[test]
fn several_signer_infos_each_get_a_part() {
    let content = b"two signers";
    let (leaf, chain, _) = sm2_pki();
    let (good, _) = sm2_signer_info(&content_attrs(content), &[], false);
    let (bad, _) = sm2_signer_info(&content_attrs(content), &[], true);
    let der = sm2_signed_data(&[good.clone(), bad], &[&leaf, &chain[0]]);
    let mut trust = TrustStore::new();
    trust.add_certificate(chain[1].clone(), None);
    let report = cms::file::verify_report(
        &der,
        Some(content),
        &trust,
        &sm2_opts(),
        &[],
        &cms::CmsOptions::default(),
    );
    assert_eq!(report.parts.len(), 2, "{}", report.to_text());
    assert_eq!(report.parts[0].status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.parts[1].reason, Some(Reason::BadSignature));
    assert_eq!(report.status, Status::Failed);
    let der = sm2_signed_data(&[good.clone(), good], &[&leaf, &chain[0]]);
    let report = cms::file::verify_report(
        &der,
        Some(content),
        &trust,
        &sm2_opts(),
        &[],
        &cms::CmsOptions::default(),
    );
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.parts.len(), 2);
}

#[test]
fn signer_found_by_issuer_compared_per_rfc_5280_not_bytes() {
    // The SignerInfo names the issuer with C as UTF8String "cn" where the certificate has
    // PrintableString "CN": the same name under RFC 5280 §7.1.
    let content = b"name comparison";
    let (leaf, chain, _) = sm2_pki();
    let (si, _) = sm2_signer_info(&content_attrs(content), &[], false);
    let mut der = sm2_signed_data(&[si], &[&leaf]);
    use der::Encode;
    let issuer = x509(&leaf).tbs_certificate().issuer().to_der().unwrap();
    let at = der.windows(issuer.len()).rposition(|w| w == issuer).unwrap();
    let c = at + issuer.windows(4).position(|w| w == [0x13, 0x02, b'C', b'N']).unwrap();
    der[c..c + 4].copy_from_slice(&[0x0c, 0x02, b'c', b'n']);
    let sd = SignedData::from_der(&der).unwrap();
    let v = sd.verify_signer(0, Content::Bytes(content), &chain);
    assert_eq!(
        v.check("cms.signer-certificate").unwrap().status,
        Status::Passed,
        "{:?}",
        v.checks
    );
    assert_eq!(v.status(), Status::Passed, "{:?}", v.checks);
}

#[test]
fn several_certificates_with_the_same_subject_and_key_identifier() {
    // Another certificate with the leaf's subject and subjectKeyIdentifier but another (P-256)
    // key comes first in the CMS; the ESS attribute names the leaf, which is then chosen.
    let (leaf, chain, _) = sm2_pki();
    let dir = std::env::temp_dir().join(format!("yinjian-cms-same-subject-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ski = leaf.extensions().subject_key_id.clone().unwrap();
    let key = dir.join("k.pem");
    let cert = dir.join("c.pem");
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl 3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        key.to_str().unwrap(),
    ]);
    run(&[
        "req",
        "-new",
        "-x509",
        "-utf8",
        "-key",
        key.to_str().unwrap(),
        "-days",
        "3650",
        "-subj",
        "/C=CN/ST=某省/L=某市/O=某市人民政府办公厅/CN=张三",
        "-addext",
        &format!("subjectKeyIdentifier={}", hex::encode(&ski)),
        "-out",
        cert.to_str().unwrap(),
    ]);
    let twin = parse_all(&std::fs::read(&cert).unwrap()).unwrap().remove(0);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(twin.subject_key(), leaf.subject_key());
    let content = b"same subject";
    let hash = DigestAlgorithm::Sha256.digest(leaf.der());
    let mut attrs = content_attrs(content);
    attrs.push(attribute(
        "1.2.840.113549.1.9.16.2.47",
        &tlv(0x30, &tlv(0x30, &tlv(0x30, &tlv(0x04, &hash)))),
    ));
    let (si, _) = sm2_signer_info_sid(&attrs, &[], false, Some(&ski));
    let der = sm2_signed_data(&[si], &[&twin, &leaf]);
    let sd = SignedData::from_der(&der).unwrap();
    let v = sd.verify_signer(0, Content::Bytes(content), &chain);
    let found = v.check("cms.signer-certificate").unwrap();
    assert_eq!(found.details["candidates"], 2, "{found:?}");
    assert_eq!(
        v.signer_certificate.as_ref().map(|c| c.der().to_vec()),
        Some(leaf.der().to_vec())
    );
    assert_eq!(v.status(), Status::Passed, "{:?}", v.checks);
    // Without the ESS attribute: the candidate whose key verifies the signature.
    let (si, _) = sm2_signer_info_sid(&content_attrs(content), &[], false, Some(&ski));
    let der = sm2_signed_data(&[si], &[&twin, &leaf]);
    let v = SignedData::from_der(&der)
        .unwrap()
        .verify_signer(0, Content::Bytes(content), &chain);
    assert_eq!(
        v.check("cms.signer-certificate").unwrap().details["chosen_by"],
        "signature"
    );
    assert_eq!(v.status(), Status::Passed, "{:?}", v.checks);
}

/// A CMS with a signature time-stamp lists where its validation data came from (the CMS's
/// own certificates, the TSA's inside the token) and the time-stamp as a proof of existence.
#[test]
fn validation_data_and_proof_of_existence_of_a_time_stamped_cms() {
    let content = read("content.bin");
    let report = detached(&read("rsa-detached-sigts.der"), &content, &trust("root"), &opts());
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let data = report.check("cms.validation-data").expect("cms.validation-data");
    let items = data.details["items"].as_array().unwrap();
    for source in ["signature", "timestamp"] {
        assert!(
            items
                .iter()
                .any(|i| i["type"] == "certificate" && i["source"] == source),
            "no certificate from {source}: {}",
            data.message
        );
    }
    assert_eq!(report.proofs_of_existence.len(), 1);
    assert_eq!(
        report.proofs_of_existence[0].source,
        yinjian::PoeSource::SignatureTimestamp
    );
    assert_eq!(report.subject.signing_time, Some(report.proofs_of_existence[0].time));
}
