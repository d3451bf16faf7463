//! `pdf::sign_pdf` against the PDF verifier, OpenSSL and pyHanko's output: SM2, ECDSA and RSA
//! signatures verify with the whole file covered; a second signature leaves the first intact
//! (its revision followed by form filling only); a changed byte is caught; the update is
//! append-only; the PDFs pyHanko signed (test-vectors/gen/gen-pdf-pyhanko.py) verify here.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use common::{cert, key, openssl_sm2_verify, scratch_dir, t, vectors, TestPki};
use yinjian::cms::build::CmsKey;
use yinjian::cms::SignedData;
use yinjian::pdf::{sign_pdf, verify_pdf, PdfOptions, PdfSignOptions, PdfSigner, SignatureAppearance};
use yinjian::x509::{parse_all, Certificate};
use yinjian::{Reason, Report, Status};

const SIGNING_TIME: &str = "2027-05-01T08:00:00Z";

fn pdf(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("pdf").join(name)).unwrap()
}

/// A key and certificate of the test PKIs, with their chain and trust anchor.
struct Identity {
    key: CmsKey,
    cert: Certificate,
    chain: Vec<Certificate>,
    root: Certificate,
}

fn pem_cert(path: &str) -> Certificate {
    parse_all(&std::fs::read(vectors().join(path)).unwrap())
        .unwrap()
        .remove(0)
}

/// SM2: 张三 (x509/sm2 leaf) under the test intermediate and root.
fn sm2() -> Identity {
    Identity {
        key: CmsKey::Sm2(key("leaf")),
        cert: cert("leaf"),
        chain: vec![cert("int")],
        root: cert("root"),
    }
}

/// ECDSA P-256 or RSA-2048 signer of the CMS test PKI (test-vectors/cms/pki).
fn cms_pki(name: &str) -> Identity {
    Identity {
        key: CmsKey::parse(&std::fs::read(vectors().join(format!("cms/pki/{name}.key.pem"))).unwrap()).unwrap(),
        cert: pem_cert(&format!("cms/pki/{name}.pem")),
        chain: Vec::new(),
        root: pem_cert("cms/pki/root.pem"),
    }
}

fn sign(input: &[u8], id: &Identity, opts: &PdfSignOptions) -> Vec<u8> {
    let signer = PdfSigner {
        key: &id.key,
        certificate: &id.cert,
        chain: &id.chain,
    };
    let out = sign_pdf(input, &signer, opts).unwrap();
    assert_eq!(&out[..input.len()], input, "the input must be an exact prefix");
    out
}

fn opts() -> PdfSignOptions {
    let mut o = PdfSignOptions::new(t(SIGNING_TIME));
    o.reason = Some("approved".into());
    o.location = Some("北京".into());
    o
}

/// Verifies with the SM2 test PKI's root and `root` trusted at the validation time, the SM2
/// intermediate given, no revocation data required.
fn verify(doc: &[u8], root: &Certificate) -> Report {
    let mut pki = TestPki::new();
    pki.trust.add_certificate(root.clone(), None);
    verify_pdf(doc, &PdfOptions::new(pki.seal_options()))
}

fn check<'r>(part: &'r Report, name: &str) -> &'r yinjian::report::Check {
    part.check(name)
        .unwrap_or_else(|| panic!("no check {name} in {}", part.to_json_pretty()))
}

fn detail(part: &Report, check_name: &str, key: &str) -> String {
    check(part, check_name).details[key]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Every check of one signature passed, and its coverage and modification level.
fn assert_intact(part: &Report, coverage: &str, level: &str) {
    for name in [
        "pdf.byte-range",
        "pdf.contents",
        "cms.message-digest",
        "cms.signature",
        "pdf.chain",
    ] {
        assert_eq!(
            check(part, name).status,
            Status::Passed,
            "{name}: {}",
            part.to_json_pretty()
        );
    }
    assert_eq!(detail(part, "pdf.byte-range", "coverage"), coverage);
    assert_eq!(
        detail(part, "pdf.modifications", "level"),
        level,
        "{}",
        part.to_json_pretty()
    );
    assert_eq!(part.status, Status::Passed, "{}", part.to_json_pretty());
}

#[test]
fn sm2_ecdsa_and_rsa_signatures_verify_over_the_whole_file() {
    for (id, sub_filter, algorithm) in [
        (sm2(), "adbe.pkcs7.detached", "SM2-SM3"),
        (cms_pki("ec-signer"), "ETSI.CAdES.detached", "ECDSA-SHA256"),
        (cms_pki("rsa-signer"), "ETSI.CAdES.detached", "RSA-SHA256"),
    ] {
        for input in ["unsigned.pdf", "unsigned-xref-stream.pdf"] {
            let signed = sign(&pdf(input), &id, &opts());
            let report = verify(&signed, &id.root);
            assert_eq!(report.status, Status::Passed, "{input}: {}", report.to_json_pretty());
            let part = &report.parts[0];
            assert_intact(part, "ENTIRE_FILE", "NONE");
            assert_eq!(detail(part, "pdf.signature-dictionary", "sub_filter"), sub_filter);
            assert_eq!(detail(part, "pdf.signature-dictionary", "location"), "北京");
            assert_eq!(detail(part, "cms.signature", "algorithm"), algorithm);
            assert_eq!(check(part, "cms.signing-certificate").status, Status::Passed);
            assert_eq!(part.subject.signing_time, Some(t(SIGNING_TIME)));
        }
    }
}

#[test]
fn the_sm2_container_is_gmt_0010() {
    let signed = sign(&pdf("unsigned.pdf"), &sm2(), &opts());
    let sd = SignedData::from_der(&contents(&signed, 0)).unwrap();
    assert!(sd.is_gmt_0010());
    assert_eq!(sd.econtent_type.to_string(), "1.2.156.10197.6.1.4.2.1");
    assert!(sd.econtent.is_none(), "detached");
    let si = &sd.signers[0];
    assert_eq!(si.digest_algorithm.oid.to_string(), "1.2.156.10197.1.401");
    assert_eq!(si.signature_algorithm.oid.to_string(), "1.2.156.10197.1.501");
    assert_eq!(sd.certificates.len(), 2, "signer and intermediate");
}

#[test]
fn a_second_signature_leaves_the_first_intact() {
    for input in ["unsigned.pdf", "unsigned-xref-stream.pdf"] {
        let once = sign(&pdf(input), &sm2(), &opts());
        let mut second = opts();
        second.appearance = Some(SignatureAppearance {
            page: 0,
            x: 72.0,
            y: 600.0,
            width: 180.0,
            height: 60.0,
        });
        let ec = cms_pki("ec-signer");
        let twice = sign(&once, &ec, &second);
        // Trust both roots: verify each part against its own.
        let sm2_report = verify(&twice, &cert("root"));
        let ec_report = verify(&twice, &ec.root);
        assert_eq!(sm2_report.parts.len(), 2);
        let first = &sm2_report.parts[0];
        assert_eq!(detail(first, "pdf.signature-dictionary", "field"), "Signature1");
        assert_intact(first, "ENTIRE_REVISION", "FORM_FILLING");
        let last = &ec_report.parts[1];
        assert_eq!(detail(last, "pdf.signature-dictionary", "field"), "Signature2");
        assert_intact(last, "ENTIRE_FILE", "NONE");
        // A third on top: the first still has only form filling after it.
        let thrice = sign(&twice, &cms_pki("rsa-signer"), &opts());
        let report = verify(&thrice, &cert("root"));
        assert_intact(&report.parts[0], "ENTIRE_REVISION", "FORM_FILLING");
    }
}

#[test]
fn a_changed_byte_is_a_digest_mismatch() {
    let signed = sign(&pdf("unsigned.pdf"), &sm2(), &opts());
    // Inside the page content stream ("yinjian PDF signing test"), covered by the first range.
    let at = memchr::memmem::find(&signed, b"signing test").unwrap();
    let mut tampered = signed.clone();
    tampered[at] = b'S';
    let report = verify(&tampered, &cert("root"));
    let c = check(&report.parts[0], "cms.message-digest");
    assert_eq!(c.status, Status::Failed);
    assert_eq!(c.reason, Some(Reason::HashMismatch));
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn a_page_changed_after_signing_is_other() {
    let signed = sign(&pdf("unsigned.pdf"), &sm2(), &opts());
    // An incremental update replacing the page's content stream (object 4).
    let at = memchr::memmem::rfind(&signed, b"startxref").unwrap();
    let prev: usize = std::str::from_utf8(&signed[at + 9..])
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut changed = signed.clone();
    let offset = changed.len();
    let body = b"BT /F1 18 Tf 72 720 Td (something else) Tj ET";
    changed.extend_from_slice(format!("4 0 obj\n<< /Length {} >>\nstream\n", body.len()).as_bytes());
    changed.extend_from_slice(body);
    changed.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = changed.len();
    changed.extend_from_slice(
        format!("xref\n4 1\n{offset:010} 00000 n\r\ntrailer\n<< /Size 20 /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    let report = verify(&changed, &cert("root"));
    let part = &report.parts[0];
    assert_eq!(
        check(part, "cms.signature").status,
        Status::Passed,
        "the signed revision is intact"
    );
    assert_eq!(detail(part, "pdf.byte-range", "coverage"), "ENTIRE_REVISION");
    let m = check(part, "pdf.modifications");
    assert_eq!(m.status, Status::Failed);
    assert_eq!(m.reason, Some(Reason::ModifiedAfterSigning));
    assert_eq!(m.details["level"], "OTHER");
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn bytes_after_the_last_eof_leave_the_revision_covered() {
    // A comment after %%EOF is no revision: the signature covers its revision, not the file.
    let mut signed = sign(&pdf("unsigned.pdf"), &sm2(), &opts());
    signed.extend_from_slice(b"% trailing junk\n");
    let report = verify(&signed, &cert("root"));
    assert_eq!(
        detail(&report.parts[0], "pdf.byte-range", "coverage"),
        "ENTIRE_REVISION"
    );
}

#[test]
fn refusals() {
    let id = sm2();
    let signer = PdfSigner {
        key: &id.key,
        certificate: &id.cert,
        chain: &id.chain,
    };
    let input = pdf("unsigned.pdf");
    // A key that is not the certificate's.
    let other = CmsKey::Sm2(key("int"));
    let wrong = PdfSigner { key: &other, ..signer };
    assert!(sign_pdf(&input, &wrong, &opts()).is_err());
    // Too little room for the CMS.
    let mut small = opts();
    small.reserved_bytes = 64;
    assert!(matches!(
        sign_pdf(&input, &signer, &small),
        Err(yinjian::pdf::PdfError::TooLarge(_))
    ));
    // No such page; a taken field name; not a PDF.
    let mut page = opts();
    page.appearance = Some(SignatureAppearance {
        page: 3,
        x: 0.0,
        y: 0.0,
        width: 10.0,
        height: 10.0,
    });
    assert!(sign_pdf(&input, &signer, &page).is_err());
    let once = sign_pdf(&input, &signer, &opts()).unwrap();
    let mut same = opts();
    same.field_name = Some("Signature1".into());
    assert!(sign_pdf(&once, &signer, &same).is_err());
    assert!(sign_pdf(b"not a pdf", &signer, &opts()).is_err());
    // Truncated input never panics.
    for n in [10, input.len() / 2, input.len() - 8] {
        let _ = sign_pdf(&input[..n], &signer, &opts());
    }
}

/// The CMS of signature `index` (the DER at the start of its /Contents).
fn contents(signed: &[u8], index: usize) -> Vec<u8> {
    let ranges = byte_range(signed, index);
    let hex = &signed[ranges[1] + 1..ranges[2] - 1];
    let bytes = hex::decode(hex).unwrap();
    let len = der_len(&bytes);
    bytes[..len].to_vec()
}

fn der_len(b: &[u8]) -> usize {
    if b[1] < 0x80 {
        return 2 + b[1] as usize;
    }
    let n = (b[1] & 0x7f) as usize;
    2 + n + b[2..2 + n].iter().fold(0usize, |v, x| (v << 8) | *x as usize)
}

/// The /ByteRange numbers of signature `index`, read from the file text.
fn byte_range(signed: &[u8], index: usize) -> Vec<usize> {
    let mut from = 0;
    let mut found = Vec::new();
    while let Some(at) = memchr::memmem::find(&signed[from..], b"/ByteRange [") {
        let start = from + at + b"/ByteRange [".len();
        let end = start + signed[start..].iter().position(|b| *b == b']').unwrap();
        found.push(
            std::str::from_utf8(&signed[start..end])
                .unwrap()
                .split_whitespace()
                .map(|n| n.parse().unwrap())
                .collect(),
        );
        from = end;
    }
    found.remove(index)
}

fn signed_content(signed: &[u8], index: usize) -> Vec<u8> {
    let r = byte_range(signed, index);
    [&signed[r[0]..r[0] + r[1]], &signed[r[2]..r[2] + r[3]]].concat()
}

fn has_openssl() -> bool {
    let ok = std::process::Command::new("openssl").arg("version").output().is_ok();
    if !ok {
        eprintln!("openssl not found: skipping the OpenSSL cross-check");
    }
    ok
}

/// OpenSSL 3 checks the SM2 signature over the signed attributes and the SM3 of the byte
/// ranges (it cannot parse a CMS with the GM/T 0010 SignedData OID itself).
#[test]
fn openssl_verifies_the_sm2_signature_and_digest() {
    if !has_openssl() {
        return;
    }
    let signed = sign(&pdf("unsigned.pdf"), &sm2(), &opts());
    let sd = SignedData::from_der(&contents(&signed, 0)).unwrap();
    let si = &sd.signers[0];
    let attrs = si.signed_attributes_der.as_ref().unwrap();
    let pubkey = key("leaf").public_key().to_pem();
    assert!(openssl_sm2_verify(pubkey.as_bytes(), attrs, &si.signature));
    let mut bad = attrs.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(!openssl_sm2_verify(pubkey.as_bytes(), &bad, &si.signature));

    let dir = scratch_dir("pdf-sm3");
    let content = dir.join("content");
    std::fs::write(&content, signed_content(&signed, 0)).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["dgst", "-sm3", "-binary"])
        .arg(&content)
        .output()
        .unwrap();
    let md = si.signed_attribute(&yinjian::cms::oid::MESSAGE_DIGEST).unwrap();
    // The attribute value is an OCTET STRING of 32 bytes: tag, length, digest.
    assert_eq!(
        &md.values[0][2..],
        out.stdout.as_slice(),
        "messageDigest is SM3 of the byte ranges"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `openssl cms -verify` checks yinjian's ECDSA and RSA containers over the byte ranges.
#[test]
fn openssl_cms_verifies_the_ecdsa_and_rsa_containers() {
    if !has_openssl() {
        return;
    }
    for name in ["ec-signer", "rsa-signer"] {
        let id = cms_pki(name);
        let signed = sign(&pdf("unsigned.pdf"), &id, &opts());
        let dir = scratch_dir(&format!("pdf-cms-{name}"));
        let (cms, content) = (dir.join("sig.der"), dir.join("content"));
        std::fs::write(&cms, contents(&signed, 0)).unwrap();
        std::fs::write(&content, signed_content(&signed, 0)).unwrap();
        let run = |content: &std::path::Path| {
            std::process::Command::new("openssl")
                .args(["cms", "-verify", "-binary", "-inform", "DER", "-noverify", "-in"])
                .arg(&cms)
                .arg("-content")
                .arg(content)
                .args(["-out", "/dev/null"])
                .output()
                .unwrap()
        };
        let out = run(&content);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let mut changed = signed_content(&signed, 0);
        changed[100] ^= 1;
        std::fs::write(&content, changed).unwrap();
        assert!(!run(&content).status.success(), "{name}: a changed byte must fail");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The PDFs pyHanko signed (test-vectors/gen/gen-pdf-pyhanko.py) verify here: one signature
/// covering the file; two, the first covering its revision with form filling after it.
#[test]
fn pyhanko_signed_pdfs_verify() {
    let root = pem_cert("cms/pki/root.pem");
    for name in ["pyhanko-rsa.pdf", "pyhanko-ecdsa.pdf"] {
        let report = verify(&pdf(name), &root);
        assert_eq!(report.parts.len(), 1, "{name}");
        assert_intact(&report.parts[0], "ENTIRE_FILE", "NONE");
    }
    let report = verify(&pdf("pyhanko-rsa-then-ecdsa.pdf"), &root);
    assert_eq!(report.parts.len(), 2);
    assert_intact(&report.parts[0], "ENTIRE_REVISION", "FORM_FILLING");
    assert_intact(&report.parts[1], "ENTIRE_FILE", "NONE");
    // yinjian signing on top of pyHanko's signature keeps it intact.
    let on_top = sign(&pdf("pyhanko-rsa.pdf"), &cms_pki("ec-signer"), &opts());
    let report = verify(&on_top, &root);
    assert_intact(&report.parts[0], "ENTIRE_REVISION", "FORM_FILLING");
    assert_intact(&report.parts[1], "ENTIRE_FILE", "NONE");
}

#[test]
fn unknown_trailer_keys_carry_over() {
    // A trailer key the update does not know (pyHanko's "sneaky trailer" corpus case): dropping
    // it would count as a change after the first signature.
    let input = String::from_utf8_lossy(&pdf("unsigned.pdf")).replace("/Size 7 /Root", "/Size 7 /Custom 5 0 R /Root");
    let once = sign(input.as_bytes(), &sm2(), &opts());
    let twice = sign(&once, &sm2(), &opts());
    let tail = String::from_utf8_lossy(&twice[once.len()..]).into_owned();
    assert!(tail.contains("/Custom 5 0 R"), "{tail}");
    let report = verify(&twice, &cert("root"));
    assert_intact(&report.parts[0], "ENTIRE_REVISION", "FORM_FILLING");
}

/// Signing each PDF of the pyHanko corpus (`pdf` of the corpus, read in place; skipped without it) leaves every
/// earlier signature's verdict as it was, except that the formerly last one now covers its
/// revision with form filling after it; the new signature covers the whole file.
#[test]
fn signing_the_corpus_keeps_earlier_verdicts() {
    let Some(dir) = common::corpus("pdf") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    let ec = cms_pki("ec-signer");
    let signer = PdfSigner {
        key: &ec.key,
        certificate: &ec.cert,
        chain: &ec.chain,
    };
    let summary = |r: &Report| -> Vec<(Status, String, String)> {
        r.parts
            .iter()
            .map(|p| {
                let d = |c: &str, k: &str| {
                    p.check(c)
                        .and_then(|c| c.details.get(k))
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_owned()
                };
                (
                    p.status,
                    d("pdf.byte-range", "coverage"),
                    d("pdf.modifications", "level"),
                )
            })
            .collect()
    };
    let mut signed_count = 0;
    for file in &files {
        let input = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        let out = match sign_pdf(&input, &signer, &opts()) {
            Ok(out) => out,
            Err(yinjian::pdf::PdfError::Unsupported(why)) => {
                // Encrypted, or certified with no changes allowed.
                assert!(why.contains("encrypted") || why.contains("DocMDP P=1"), "{name}: {why}");
                continue;
            }
            Err(e) => panic!("{name}: {e}"),
        };
        signed_count += 1;
        assert!(out.starts_with(&input), "{name}: append only");
        let before = summary(&verify(&input, &ec.root));
        let after_report = verify(&out, &ec.root);
        let after = summary(&after_report);
        assert_eq!(after.len(), before.len() + 1, "{name}");
        assert_eq!(
            after.last().unwrap(),
            &(Status::Passed, "ENTIRE_FILE".to_owned(), "NONE".to_owned()),
            "{name}: {}",
            after_report.to_json_pretty()
        );
        for (b, a) in before.iter().zip(&after) {
            let expected = match (b.1.as_str(), b.2.as_str()) {
                ("ENTIRE_FILE", "NONE") => (b.0, "ENTIRE_REVISION".to_owned(), "FORM_FILLING".to_owned()),
                (cov, "NONE" | "LTA_UPDATES") if cov == "ENTIRE_REVISION" => {
                    (b.0, cov.to_owned(), "FORM_FILLING".to_owned())
                }
                _ => b.clone(),
            };
            assert_eq!(a, &expected, "{name}: {}", after_report.to_json_pretty());
        }
    }
    assert!(signed_count >= 30, "only {signed_count} corpus files signed");
}

/// The CMS encoder round-trips through the parser and verifier on its own, for every key kind.
#[test]
fn cms_builder_round_trips() {
    use yinjian::cms::build::sign_detached_digest;
    use yinjian::cms::Content;
    let content = b"yinjian CMS builder round trip";
    for id in [sm2(), cms_pki("ec-signer"), cms_pki("rsa-signer")] {
        let digest = id.key.digest_algorithm().digest(content);
        let der = sign_detached_digest(&id.key, &id.cert, &id.chain, &digest, t(SIGNING_TIME)).unwrap();
        let sd = SignedData::from_der(&der).unwrap();
        assert_eq!(sd.is_gmt_0010(), id.key.is_sm2());
        let v = sd.verify_signer(0, Content::Bytes(content), &[]);
        assert_eq!(v.status(), Status::Passed, "{}: {:?}", id.key.name(), v.checks);
        assert_eq!(v.signing_time, Some(t(SIGNING_TIME)));
        assert_eq!(v.signer_certificate.as_ref(), Some(&id.cert));
        for name in ["cms.message-digest", "cms.signature", "cms.signing-certificate"] {
            assert_eq!(v.check(name).unwrap().status, Status::Passed, "{name}");
        }
        let v = sd.verify_signer(0, Content::Bytes(b"other content"), &[]);
        assert_eq!(
            v.check("cms.message-digest").unwrap().reason,
            Some(Reason::HashMismatch)
        );
        // A digest of the wrong length is refused before signing.
        assert!(sign_detached_digest(&id.key, &id.cert, &id.chain, &digest[1..], t(SIGNING_TIME)).is_err());
    }
    // Keys it cannot use.
    assert!(CmsKey::parse(b"not a key").is_err());
    let ed = ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    assert!(matches!(
        CmsKey::parse(ed.as_ref()),
        Err(yinjian::cms::CmsError::Unsupported(_))
    ));
    assert!(CmsKey::parse(&vec![b'A'; 100_000]).is_err());
}

#[test]
fn a_large_file_hashed_while_parsed_verifies_the_same() {
    // Over 8 MiB the newest signature's ranges are guessed from the tail and hashed on a
    // second thread during the parse; the guess must be right here and the verdict PASSED.
    let mut input = pdf("unsigned.pdf");
    let line = format!("%{}\n", "y".repeat(4095));
    let text = String::from_utf8_lossy(&input).into_owned();
    let sx = text.rfind("startxref").unwrap();
    let xref: usize = text[sx + 9..].split_whitespace().next().unwrap().parse().unwrap();
    while input.len() < 9 * 1024 * 1024 {
        input.extend_from_slice(line.as_bytes());
    }
    // The padding ends like a revision: readers take the same cross-reference section again.
    input.extend_from_slice(format!("startxref\n{xref}\n%%EOF\n").as_bytes());
    for id in [cms_pki("ec-signer"), sm2()] {
        let signed = sign(&input, &id, &opts());
        let (ranges, _) = yinjian::pdf::prehash::guess(&signed).expect("the tail names the signature");
        assert_eq!(ranges[1].0 + ranges[1].1, signed.len());
        let report = verify(&signed, &id.root);
        assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    }
}

#[test]
fn a_seal_signature_in_contents_is_verified_by_the_seal_procedure() {
    // Some Chinese products put a GB/T 38540 SES_Signature, not a CMS, in /Contents. Made here
    // by swapping the CMS of an SM2-signed PDF for a seal signature over SM3 of the same byte
    // ranges (the ranges exclude /Contents, so they stay valid).
    let id = sm2();
    let mut signed = sign(&pdf("unsigned.pdf"), &id, &opts());
    let report = verify(&signed, &id.root);
    let br: Vec<usize> = check(&report.parts[0], "pdf.byte-range").details["byte_range"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let ranges = [(br[0], br[1]), (br[2], br[3])];
    let content: Vec<u8> = ranges.iter().flat_map(|(s, n)| signed[*s..s + n].to_vec()).collect();
    let seal = std::fs::read(vectors().join("seal/v4.esl")).unwrap();
    let spec = yinjian::seal::SignSpec::for_data(&content, t(SIGNING_TIME), "pdf");
    let ses = yinjian::seal::sign(&seal, &key("leaf"), cert("leaf").der(), &spec).unwrap();
    let hex_ses = hex::encode_upper(&ses);
    let (gap_start, gap_end) = (br[1] + 1, br[2] - 1);
    assert!(hex_ses.len() <= gap_end - gap_start);
    signed[gap_start..gap_end].fill(b'0');
    signed[gap_start..gap_start + hex_ses.len()].copy_from_slice(hex_ses.as_bytes());

    let report = verify(&signed, &id.root);
    let part = &report.parts[0];
    assert_eq!(part.status, Status::Passed, "{}", part.to_json_pretty());
    assert_eq!(check(part, "seal.data-hash").status, Status::Passed);
    assert!(part.subject.seal.is_some(), "the seal's name is reported");

    // The same seal signature over other content: the data hash no longer matches.
    let other = yinjian::seal::SignSpec::for_data(b"other", t(SIGNING_TIME), "pdf");
    let ses = hex::encode_upper(yinjian::seal::sign(&seal, &key("leaf"), cert("leaf").der(), &other).unwrap());
    signed[gap_start..gap_end].fill(b'0');
    signed[gap_start..gap_start + ses.len()].copy_from_slice(ses.as_bytes());
    let report = verify(&signed, &id.root);
    assert_eq!(report.parts[0].status, Status::Failed);
    assert_eq!(
        check(&report.parts[0], "seal.data-hash").reason,
        Some(Reason::HashMismatch)
    );
}
