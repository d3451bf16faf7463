//! CMS as real signers write it (issue 16): BER from `openssl cms -stream`
//! (test-vectors/gen/gen-cms-ber.sh), an SM2 GM/T 0010 CMS from `cms::build` re-encoded as
//! indefinite-length BER, a BER PDF signature, the signer's own encoding of the signed
//! attributes as a second try, and every row of the corpus's cms/ and pdf-more/ MANIFESTs.

#[allow(dead_code)] // this test uses part of the shared helpers
mod common;

use yinjian::cms::build::{sign_detached_digest, CmsKey};
use yinjian::cms::file::{decode_input, verify_report};
use yinjian::cms::{CmsOptions, Content, SignedData};
use yinjian::x509::{parse_all, Certificate, ChainOptions, RevocationPolicy, TrustStore, Usage};
use yinjian::{Reason, Report, Status, Time};

fn cms_dir(name: &str) -> Vec<u8> {
    let p = common::vectors().join("cms").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn pem_cert(bytes: &[u8]) -> Certificate {
    parse_all(bytes).unwrap().remove(0)
}

/// The OpenSSL PKI of test-vectors/cms, validated one day after the signer's notBefore.
fn openssl_pki() -> (TrustStore, ChainOptions) {
    let mut trust = TrustStore::new();
    trust.add_certificate(pem_cert(&cms_dir("pki/root.pem")), None);
    let at = Time::from_unix(pem_cert(&cms_dir("pki/rsa-signer.pem")).not_before().unix() + 86_400).unwrap();
    let mut o = ChainOptions::new(at, Usage::DocumentSigning);
    o.revocation = RevocationPolicy::NotRequired;
    (trust, o)
}

fn check<'a>(report: &'a Report, name: &str) -> &'a yinjian::Check {
    report
        .parts
        .first()
        .and_then(|p| p.check(name))
        .or_else(|| report.check(name))
        .unwrap_or_else(|| panic!("no {name}: {}", report.to_text()))
}

/// Re-encodes DER as BER the way streaming encoders write it: every constructed element with
/// an indefinite length, every OCTET STRING over 16 bytes as a constructed string of segments.
fn to_indefinite(der: &[u8]) -> Vec<u8> {
    fn element(input: &[u8], out: &mut Vec<u8>) -> usize {
        let tag = input[0];
        let (hl, len) = match input[1] {
            n if n < 0x80 => (2, n as usize),
            n => {
                let k = (n & 0x7f) as usize;
                (
                    2 + k,
                    input[2..2 + k].iter().fold(0usize, |a, b| (a << 8) | *b as usize),
                )
            }
        };
        let content = &input[hl..hl + len];
        if tag & 0x20 != 0 {
            out.extend_from_slice(&[tag, 0x80]);
            let mut p = 0;
            while p < content.len() {
                p += element(&content[p..], out);
            }
            out.extend_from_slice(&[0, 0]);
        } else if tag == 0x04 && content.len() > 16 {
            out.extend_from_slice(&[0x24, 0x80]);
            for chunk in content.chunks(16) {
                out.extend_from_slice(&[0x04, chunk.len() as u8]);
                out.extend_from_slice(chunk);
            }
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&input[..hl + len]);
        }
        hl + len
    }
    let mut out = Vec::new();
    element(der, &mut out);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{needle:02x?} not found"))
}

/// Flips one digit of the signingTime value (a UTCTime inside the signed attributes).
fn tamper_signing_time(cms: &[u8]) -> Vec<u8> {
    let at = find(cms, &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05]);
    let time = at + find(&cms[at..], &[0x17, 0x0d]) + 2;
    let mut bad = cms.to_vec();
    bad[time + 11] ^= 0x01; // a seconds digit
    bad
}

#[test]
fn openssl_stream_ber_vectors_verify_and_tampering_fails() {
    let (trust, opts) = openssl_pki();
    let content = cms_dir("content.bin");
    for signer in ["rsa", "ec"] {
        for form in ["attached", "detached"] {
            let name = format!("{signer}-ber-{form}.der");
            let ber = cms_dir(&name);
            assert_eq!(&ber[..2], &[0x30, 0x80], "{name} is indefinite-length BER");
            let given = (form == "detached").then_some(content.as_slice());
            let report = verify_report(&ber, given, &trust, &opts, &[], &CmsOptions::default());
            assert_eq!(report.status, Status::Passed, "{name}: {}", report.to_text());
            assert_eq!(report.parts.len(), 1);
            assert_eq!(check(&report, "cms.encoding").details["ber"], true, "{name}");
            // Zero padding after the value, as in a PDF /Contents string.
            let mut padded = ber.clone();
            padded.extend(std::iter::repeat_n(0u8, 100));
            let report = verify_report(&padded, given, &trust, &opts, &[], &CmsOptions::default());
            assert_eq!(report.status, Status::Passed, "{name} padded: {}", report.to_text());
            assert_eq!(check(&report, "cms.encoding").details["zero_padding"], 100);
            // One byte of the content changed.
            let report = if form == "detached" {
                let tampered = cms_dir("content-tampered.bin");
                verify_report(&ber, Some(&tampered), &trust, &opts, &[], &CmsOptions::default())
            } else {
                let mut bad = ber.clone();
                bad[find(&ber, b"yinjian CMS test")] ^= 0x20;
                verify_report(&bad, None, &trust, &opts, &[], &CmsOptions::default())
            };
            assert_eq!(report.status, Status::Failed, "{name} content: {}", report.to_text());
            assert_eq!(report.reason, Some(Reason::HashMismatch), "{name}");
            // One byte of the signed attributes changed.
            let bad = tamper_signing_time(&ber);
            let report = verify_report(&bad, given, &trust, &opts, &[], &CmsOptions::default());
            assert_eq!(report.status, Status::Failed, "{name} attributes: {}", report.to_text());
            assert_eq!(report.reason, Some(Reason::BadSignature), "{name}");
        }
    }
}

#[test]
fn sm2_gmt_0010_cms_from_build_re_encoded_as_ber() {
    let (leaf, int, root) = (common::cert("leaf"), common::cert("int"), common::cert("root"));
    let content = "GM/T 0010 BER 内容".as_bytes();
    let key = CmsKey::Sm2(common::key("leaf"));
    let der = sign_detached_digest(
        &key,
        &leaf,
        std::slice::from_ref(&int),
        &yinjian::sm::sm3::sm3(content),
        common::t("2027-03-01T12:00:00Z"),
    )
    .unwrap();
    let ber = to_indefinite(&der);
    assert_ne!(ber, der);
    let sd = SignedData::from_der(&ber).unwrap();
    assert!(sd.was_ber && sd.is_gmt_0010());
    // The BER signed attributes are kept for a second try, but their DER verifies first.
    assert!(sd.signers[0].signed_attributes_as_encoded.is_some());
    let mut trust = TrustStore::new();
    trust.add_certificate(root, None);
    let mut opts = ChainOptions::new(common::t(common::VALIDATION_TIME), Usage::DocumentSigning);
    opts.revocation = RevocationPolicy::NotRequired;
    let run =
        |cms: &[u8], content: &[u8]| verify_report(cms, Some(content), &trust, &opts, &[], &CmsOptions::default());
    let report = run(&ber, content);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(
        check(&report, "cms.signature")
            .details
            .get("signed_attributes_encoding"),
        None
    );
    assert_eq!(check(&report, "cms.signing-certificate").status, Status::Passed);
    let report = run(&ber, "GM/T 0010 BER 内宽".as_bytes());
    assert_eq!(report.reason, Some(Reason::HashMismatch), "{}", report.to_text());
    let report = run(&tamper_signing_time(&ber), content);
    assert_eq!(report.reason, Some(Reason::BadSignature), "{}", report.to_text());
    // Attached: the content inserted into the BER encapContentInfo (`30 80 06 … 00 00`, every
    // enclosing length indefinite) as `[0] { OCTET STRING in segments }`.
    let data_oid = [0x06, 0x0a, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x06, 0x01, 0x04, 0x02, 0x01];
    let eci = find(&ber, &[&[0x30, 0x80][..], &data_oid].concat()) + 2 + data_oid.len();
    let mut econtent = vec![0xa0, 0x80, 0x24, 0x80];
    for chunk in content.chunks(7) {
        econtent.extend_from_slice(&[0x04, chunk.len() as u8]);
        econtent.extend_from_slice(chunk);
    }
    econtent.extend_from_slice(&[0, 0, 0, 0]);
    let mut attached = ber.clone();
    attached.splice(eci..eci, econtent);
    let sd = SignedData::from_der(&attached).unwrap();
    assert_eq!(sd.econtent.as_deref(), Some(content));
    let report = verify_report(&attached, None, &trust, &opts, &[], &CmsOptions::default());
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let mut bad = attached.clone();
    bad[eci + 8] ^= 0x01;
    let report = verify_report(&bad, None, &trust, &opts, &[], &CmsOptions::default());
    assert_eq!(report.reason, Some(Reason::HashMismatch), "{}", report.to_text());
    // PEM and base64 forms of the same signature.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&ber);
    assert_eq!(decode_input(b64.as_bytes()).unwrap(), ber);
    let pem = format!("-----BEGIN PKCS7-----\n{}\n-----END PKCS7-----\n", b64);
    assert_eq!(decode_input(pem.as_bytes()).unwrap(), ber);
}

#[test]
fn own_encoding_of_signed_attributes_is_a_second_try() {
    let der = cms_dir("rsa-detached.der");
    let content = cms_dir("content.bin");
    let mut sd = SignedData::from_der(&der).unwrap();
    let signed = sd.signers[0].signed_attributes_der.clone().unwrap();
    // As if the signer had signed its own encoding and the DER differed from it.
    let mut other = signed.clone();
    let last = other.len() - 1;
    other[last] ^= 1;
    sd.signers[0].signed_attributes_der = Some(other);
    sd.signers[0].signed_attributes_as_encoded = Some(signed);
    let v = sd.verify_signer(0, Content::Bytes(&content), &[]);
    let sig = v.check("cms.signature").unwrap();
    assert_eq!(sig.status, Status::Passed, "{:?}", v.checks);
    assert_eq!(sig.details["signed_attributes_encoding"], "as-encoded");
    assert!(sig.message.contains("second try"));
}

#[test]
fn ber_pdf_signature_made_by_re_encoding_a_der_one() {
    // A PDF signed by yinjian (DER CMS, zero padded) with its /Contents re-encoded as BER.
    let pdf_path = common::vectors().join("pdf");
    let Some(file) = std::fs::read_dir(&pdf_path)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .find(|p| std::fs::read(p).is_ok_and(|b| is_valid_cms_pdf(&b)))
    else {
        panic!("no signed PDF with a CMS among {}", pdf_path.display());
    };
    let pdf = std::fs::read(&file).unwrap();
    let (start, end) = contents_span(&pdf);
    let der = hex::decode(&pdf[start..end]).unwrap();
    let len = yinjian::cms::ber::value_len(&der).unwrap();
    let ber = to_indefinite(&der[..len]);
    assert!(ber.len() <= der.len(), "BER must fit the /Contents placeholder");
    let mut hex_ber = hex::encode(&ber).into_bytes();
    hex_ber.resize(end - start, b'0');
    let mut ber_pdf = pdf.clone();
    ber_pdf[start..end].copy_from_slice(&hex_ber);
    let verify = |bytes: &[u8]| {
        let store = TrustStore::new();
        let chain = ChainOptions::new(common::t(common::VALIDATION_TIME), Usage::DocumentSigning);
        let opts = yinjian::ofd::OfdOptions::new(yinjian::seal::SealOptions {
            trust: &store,
            chain,
            intermediates: Vec::new(),
        });
        yinjian::pdf::verify_pdf(bytes, &opts)
    };
    let before = verify(&pdf);
    let after = verify(&ber_pdf);
    let sig = |r: &Report| {
        r.parts[0]
            .check("cms.signature")
            .map(|c| c.status)
            .unwrap_or_else(|| panic!("{}", r.to_text()))
    };
    assert_eq!(sig(&before), Status::Passed, "{}: {}", file.display(), before.to_text());
    assert_eq!(sig(&after), Status::Passed, "{}", after.to_text());
    assert_eq!(after.status, before.status, "{}", after.to_text());
    assert_eq!(after.parts[0].check("cms.encoding").unwrap().details["ber"], true);
    // A byte changed in the signed part of the BER document: modified, not malformed.
    let mut changed = ber_pdf.clone();
    changed[start / 2] ^= 0x01;
    let r = verify(&changed);
    assert_eq!(r.status, Status::Failed, "{}", r.to_text());
    assert_ne!(r.reason, Some(Reason::Malformed), "{}", r.to_text());
}

/// The hex digits of the first `/Contents <…>` string.
fn contents_span(pdf: &[u8]) -> (usize, usize) {
    let at = pdf
        .windows(11)
        .position(|w| w == b"/Contents <" || w.starts_with(b"/Contents<"))
        .expect("a /Contents string");
    let open = at + find(&pdf[at..], b"<") + 1;
    let close = open + find(&pdf[open..], b">");
    (open, close)
}

fn is_valid_cms_pdf(pdf: &[u8]) -> bool {
    pdf.windows(11)
        .any(|w| w == b"/Contents <" || w.starts_with(b"/Contents<"))
        && pdf.windows(18).any(|w| w == b"adbe.pkcs7.detache")
        && {
            let (s, e) = contents_span(pdf);
            hex::decode(&pdf[s..e]).is_ok_and(|d| SignedData::from_der(&d).is_ok())
        }
}

// ---- the corpus's cms/ MANIFEST, row by row ------------------------------------------------

fn corpus(rel: &str) -> Option<Vec<u8>> {
    common::corpus(&format!("cms/{rel}")).map(|p| std::fs::read(p).unwrap())
}

fn at(s: &str) -> ChainOptions {
    let mut o = ChainOptions::new(common::t(s), Usage::DocumentSigning);
    o.revocation = RevocationPolicy::NotRequired;
    o
}

#[test]
fn corpus_cfca_sadk_attached_and_detached() {
    let (Some(attached), Some(detached), Some(content), Some(tampered)) = (
        corpus("cfca-sadk-attached.p7.der"),
        corpus("cfca-sadk-detached.p7.der"),
        corpus("cfca-sadk-content.txt"),
        corpus("cfca-sadk-content-tampered.txt"),
    ) else {
        return;
    };
    let none = TrustStore::new();
    let o = at("2025-01-01T00:00:00Z");
    for (cms, given) in [(&attached, None), (&detached, Some(content.as_slice()))] {
        let sd = SignedData::from_der(cms).unwrap();
        assert!(sd.is_gmt_0010());
        let report = verify_report(cms, given, &none, &o, &[], &CmsOptions::default());
        // Signature (SM2 with Z, default ID, over the content) verifies; the issuer "Eddard
        // Stark" is not included, so trust is INDETERMINATE.
        assert_eq!(
            check(&report, "cms.signature").status,
            Status::Passed,
            "{}",
            report.to_text()
        );
        assert_eq!(check(&report, "cms.signature").details["signed_input"], "content");
        assert_eq!(report.status, Status::Indeterminate, "{}", report.to_text());
        assert_eq!(report.reason, Some(Reason::UntrustedChain));
    }
    assert_eq!(
        SignedData::from_der(&attached).unwrap().econtent.as_deref(),
        Some(&content[..])
    );
    let report = verify_report(&detached, Some(&tampered), &none, &o, &[], &CmsOptions::default());
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
    assert_eq!(report.reason, Some(Reason::BadSignature));
}

#[test]
fn corpus_gmssl_certificate_chain_only() {
    let Some(pem) = corpus("gmssl-cn-certchain.p7b.pem") else {
        return;
    };
    let der = decode_input(&pem).unwrap();
    let sd = SignedData::from_der(&der).unwrap();
    assert!(sd.signers.is_empty());
    assert_eq!(sd.certificates.len(), 2);
    let root = sd
        .certificates
        .iter()
        .find(|c| c.subject().contains("RootCA"))
        .unwrap()
        .clone();
    let middle = sd
        .certificates
        .iter()
        .find(|c| c.subject().contains("MiddleCA"))
        .unwrap()
        .clone();
    let mut trust = TrustStore::new();
    trust.add_certificate(root, None);
    let mut o = at("2020-01-01T00:00:00Z");
    o.usage = Usage::Any;
    let chain = yinjian::x509::verify_chain(&middle, &[], &trust, &o);
    assert!(
        chain.checks.iter().all(|c| c.status == Status::Passed),
        "{:?}",
        chain.checks
    );
    let report = verify_report(&der, None, &TrustStore::new(), &o, &[], &CmsOptions::default());
    assert_eq!(report.reason, Some(Reason::NoSignature), "{}", report.to_text());
}

#[test]
fn corpus_firefox_addon_rsa_sha1_chain_and_times() {
    let (Some(sig), Some(content), Some(root)) = (
        corpus("firefox-addon.p7s.pem"),
        corpus("firefox-addon-content.txt"),
        corpus("firefox-addon-root.pem"),
    ) else {
        return;
    };
    let der = decode_input(&sig).unwrap();
    let mut trust = TrustStore::new();
    trust.add_certificate(pem_cert(&root), None);
    let run = |content: &[u8], when: &str, sha1: bool| {
        let mut o = at(when);
        o.allow_sha1 = sha1;
        verify_report(&der, Some(content), &trust, &o, &[], &CmsOptions::default())
    };
    let ok = run(&content, "2021-08-16T20:00:00Z", true);
    for name in ["cms.message-digest", "cms.signature", "cms.signed-attributes"] {
        assert_eq!(check(&ok, name).status, Status::Passed, "{name}: {}", ok.to_text());
    }
    assert_eq!(ok.subject.signing_time, Some(common::t("2016-08-17T20:04:58Z")));
    assert!(
        ok.parts[0].checks.iter().all(|c| c.reason != Some(Reason::Expired)
            && c.reason != Some(Reason::NotYetValid)
            && c.reason != Some(Reason::UntrustedChain)),
        "{}",
        ok.to_text()
    );
    // Under the default policy SHA-1 breaks the crypto constraints: never PASSED.
    let strict = run(&content, "2021-08-16T20:00:00Z", false);
    assert_ne!(strict.status, Status::Passed);
    assert_eq!(
        check(&strict, "cms.crypto-constraints").reason,
        Some(Reason::CryptoConstraintsFailure)
    );
    // Outside the chain's validity with nothing proving when it signed (no time-stamp): ETSI
    // INDETERMINATE, OUT_OF_BOUNDS_NO_POE, the message saying which bound.
    let late = run(&content, "2030-01-01T00:00:00Z", true);
    let chain = check(&late, "cms.chain");
    assert_eq!(chain.reason, Some(Reason::OutOfBoundsNoPoe), "{}", late.to_text());
    assert!(chain.message.contains("expired at"), "{}", chain.message);
    assert_eq!(late.status, Status::Indeterminate);
    let early = run(&content, "1999-07-05T00:00:00Z", true);
    let chain = check(&early, "cms.chain");
    assert_eq!(chain.reason, Some(Reason::OutOfBoundsNoPoe), "{}", early.to_text());
    assert!(chain.message.contains("not valid before"), "{}", chain.message);
    let bad = run(b"bad content", "2021-08-16T20:00:00Z", true);
    assert_eq!(bad.status, Status::Failed);
    assert_eq!(check(&bad, "cms.message-digest").reason, Some(Reason::HashMismatch));
}

#[test]
fn corpus_apk_ecdsa_p521_without_signed_attributes() {
    let (Some(sig), Some(content)) = (corpus("apk-ecdsa-p521.p7s.pem"), corpus("apk-ecdsa-p521-content.bin")) else {
        return;
    };
    let der = decode_input(&sig).unwrap();
    let sd = SignedData::from_der(&der).unwrap();
    assert!(sd.signers[0].signed_attributes_der.is_none());
    let report = verify_report(
        &der,
        Some(&content),
        &TrustStore::new(),
        &at("2020-01-01T00:00:00Z"),
        &[],
        &CmsOptions::default(),
    );
    let sig = check(&report, "cms.signature");
    // ECDSA P-521 with SHA-512 over the content: the value verifies (as gmsm and OpenSSL say).
    assert_eq!(sig.status, Status::Passed, "{}", report.to_text());
    assert_eq!(sig.details["key"], "EC P-521");
    assert_ne!(report.status, Status::Passed, "self-signed, no anchor");
}

#[test]
fn corpus_we_the_people_attached() {
    let Some(pem) = corpus("we-the-people-attached.p7.pem") else {
        return;
    };
    let der = decode_input(&pem).unwrap();
    let sd = SignedData::from_der(&der).unwrap();
    assert_eq!(sd.econtent.as_deref(), Some(&b"We the People"[..]));
    let mut o = at("2020-01-01T00:00:00Z");
    o.allow_sha1 = true;
    let report = verify_report(&der, None, &TrustStore::new(), &o, &[], &CmsOptions::default());
    assert_eq!(
        check(&report, "cms.message-digest").status,
        Status::Passed,
        "{}",
        report.to_text()
    );
    let sig = check(&report, "cms.signature");
    // The RSA/SHA-1 value verifies (SHA-1 allowed here, as for legacy data).
    assert_eq!(sig.status, Status::Passed, "{}", report.to_text());
    let mut tampered = der.clone();
    tampered[find(&der, b"We the People")] ^= 0x20;
    let r = verify_report(&tampered, None, &TrustStore::new(), &o, &[], &CmsOptions::default());
    assert_eq!(r.status, Status::Failed);
    assert_eq!(check(&r, "cms.message-digest").reason, Some(Reason::HashMismatch));
}

// ---- the corpus's pdf-more/ MANIFEST ---------------------------------------------------------

fn verify_pdf_file(rel: &str) -> Option<Report> {
    let bytes = std::fs::read(common::corpus(&format!("pdf-more/{rel}"))?).unwrap();
    let store = TrustStore::new();
    let chain = ChainOptions::new(common::t("2026-01-01T00:00:00Z"), Usage::DocumentSigning);
    let opts = yinjian::ofd::OfdOptions::new(yinjian::seal::SealOptions {
        trust: &store,
        chain,
        intermediates: Vec::new(),
    });
    Some(yinjian::pdf::verify_pdf(&bytes, &opts))
}

#[test]
fn corpus_pdf_more_rows() {
    let Some(genuine) = verify_pdf_file("pdfsign__testfile30.pdf") else {
        return;
    };
    // Genuine but below the crypto constraints (SHA-1, a 1024-bit TSA key): INDETERMINATE
    // CryptoConstraintsFailure, the document digest intact, nothing "does not verify".
    assert_eq!(genuine.status, Status::Indeterminate, "{}", genuine.to_text());
    assert_eq!(
        genuine.reason,
        Some(Reason::CryptoConstraintsFailure),
        "{}",
        genuine.to_text()
    );
    let part = &genuine.parts[0];
    assert_eq!(
        part.check("cms.message-digest").map(|c| c.status),
        Some(Status::Passed),
        "{}",
        genuine.to_text()
    );
    assert_eq!(part.check("cms.signature").map(|c| c.status), Some(Status::Passed));
    let tampered = verify_pdf_file("pdfsign__testfile30-tampered.pdf").unwrap();
    assert_eq!(tampered.status, Status::Failed, "{}", tampered.to_text());
    assert_eq!(
        tampered.parts[0].check("cms.message-digest").and_then(|c| c.reason),
        Some(Reason::HashMismatch),
        "{}",
        tampered.to_text()
    );
    let unsigned = verify_pdf_file("pdfsign__testfile20-unsigned.pdf").unwrap();
    assert_eq!(unsigned.reason, Some(Reason::NoSignature), "{}", unsigned.to_text());
}

#[test]
fn nested_indefinite_lengths_are_bounded() {
    let mut deep = Vec::new();
    for _ in 0..10_000 {
        deep.extend_from_slice(&[0x30, 0x80]);
    }
    deep.extend(std::iter::repeat_n(0u8, 20_000));
    let err = SignedData::from_der(&deep).unwrap_err();
    assert_eq!(err.reason(), Reason::TooLarge, "{err}");
}

#[test]
fn signature_time_stamp_is_the_trusted_signing_time() {
    let (trust, opts) = openssl_pki();
    let der = cms_dir("rsa-detached-sigts.der");
    let report = verify_report(
        &der,
        Some(&cms_dir("content.bin")),
        &trust,
        &opts,
        &[],
        &CmsOptions::default(),
    );
    let ts = check(&report, "cms.signature-timestamp");
    assert_eq!(ts.status, Status::Passed, "{}", report.to_text());
    let gen = ts.details["gen_time"].as_str().unwrap().to_owned();
    assert_eq!(report.parts[0].subject.signing_time.map(|t| t.to_string()), Some(gen));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
}

#[test]
fn time_stamp_tokens_in_ber() {
    use yinjian::cms::tsp::{timestamp_report, TimeStampToken};
    let (trust, opts) = openssl_pki();
    let data = cms_dir("tsa-data.bin");
    for file in ["rsa-tst.der", "ec-tst.der"] {
        let ber = to_indefinite(&cms_dir(file));
        let token = TimeStampToken::from_der(&ber).unwrap();
        assert_eq!(
            token.tst_info.hashed_message,
            yinjian::alg::DigestAlgorithm::Sha256.digest(&data)
        );
        let report = timestamp_report(&ber, &data, &trust, &opts);
        assert_eq!(report.status, Status::Passed, "{file}: {}", report.to_text());
        let report = timestamp_report(&ber, &cms_dir("tsa-other-data.bin"), &trust, &opts);
        assert_eq!(report.reason, Some(Reason::HashMismatch), "{file}");
    }
    // A signature time-stamp inside a BER SignerInfo (the token nested indefinite too).
    let ber = to_indefinite(&cms_dir("rsa-detached-sigts.der"));
    let report = verify_report(
        &ber,
        Some(&cms_dir("content.bin")),
        &trust,
        &opts,
        &[],
        &CmsOptions::default(),
    );
    assert_eq!(
        check(&report, "cms.signature-timestamp").status,
        Status::Passed,
        "{}",
        report.to_text()
    );
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
}
