//! Licence data and signed licence QR codes: round trips (text, PNG) and every negative case
//! with its own reason.

#[allow(dead_code)] // the shared helpers serve several test files
mod common;

use coset::iana::{self, EnumI64};
use coset::{CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate, TaggedCborSerializable};
use yinjian::licence::data::LicenceData;
use yinjian::licence::qr::{
    self, certificate_kid, decode_payload, make_payload, render, verify_qr, IssuerList, MakeOptions, QrAlgorithm,
    QrOptions, QrSigner, COSE_ALG_SM2_SM3, MAX_PAYLOAD_SIZE, PREFIX,
};
use yinjian::sm::sm2::PrivateKey;
use yinjian::x509::{parse_all, Certificate};
use yinjian::{Reason, Report, Status, Time};

use common::{t, vectors, VALIDATION_TIME};

fn file(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("licence").join(name)).unwrap()
}

fn licence() -> LicenceData {
    LicenceData::from_json(&file("business-licence.json")).unwrap()
}

fn cert(name: &str) -> Certificate {
    parse_all(&file(&format!("{name}.pem"))).unwrap().remove(0)
}

fn key(name: &str) -> PrivateKey {
    PrivateKey::parse(&file(&format!("{name}.key.pem"))).unwrap()
}

fn issuer_signer() -> QrSigner {
    QrSigner::sm2(key("issuer"), Some(&cert("issuer")))
}

fn trusted() -> IssuerList {
    let mut list = IssuerList::new();
    list.add_pem(&file("issuer.pem")).unwrap();
    list.add_pem(&file("other.pem")).unwrap();
    list
}

/// Issued 2027-05-01, expires 2028-05-01: valid at VALIDATION_TIME (2027-06-01).
fn make_opts() -> MakeOptions {
    MakeOptions::new(t("2027-05-01T00:00:00Z"), t("2028-05-01T00:00:00Z"))
}

fn opts() -> QrOptions {
    QrOptions::new(t(VALIDATION_TIME))
}

fn code() -> String {
    make_payload(&licence(), &issuer_signer(), &make_opts()).unwrap()
}

#[track_caller]
fn assert_fails(report: &Report, check: &str, reason: Reason) {
    let c = report
        .check(check)
        .unwrap_or_else(|| panic!("no {check}:\n{}", report.to_text()));
    assert_eq!(c.reason, Some(reason), "{}", report.to_text());
    assert_eq!(report.reason, Some(reason), "{}", report.to_text());
    assert_ne!(report.status, Status::Passed);
}

/// Base45 of raw bytes behind the prefix.
fn wrap(bytes: &[u8]) -> String {
    format!("{PREFIX}{}", base45::encode(bytes))
}

fn sign1(alg: coset::Algorithm, kid: Vec<u8>, payload: Vec<u8>, sign: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    CoseSign1Builder::new()
        .protected(HeaderBuilder::new().algorithm_label(alg).key_id(kid).build())
        .payload(payload)
        .create_signature(&[], sign)
        .build()
        .to_tagged_vec()
        .unwrap()
}

fn sm2_sign(key: &PrivateKey) -> impl Fn(&[u8]) -> Vec<u8> + '_ {
    move |tbs| {
        use yinjian::sm::sm2::{SignatureEncoding, Sm2Signer, DEFAULT_DISTID};
        Sm2Signer::new(key, DEFAULT_DISTID)
            .unwrap()
            .sign(tbs, SignatureEncoding::Raw)
            .unwrap()
    }
}

#[test]
fn json_and_metadata_xml_read_to_the_same_data() {
    let json = licence();
    let xml = LicenceData::parse(&file("business-licence-metadata.xml")).unwrap();
    assert_eq!(json, xml);
    assert_eq!(json.extra["法定代表人"], "张三");
    assert_eq!(json.issue_date.as_deref(), Some("2023-06-01"));
}

#[test]
fn round_trip_and_size_of_a_typical_business_licence() {
    let text = code();
    let decoded = decode_payload(&text).unwrap();
    let version = render::version(&text).unwrap();
    println!(
        "typical business licence: COSE_Sign1 {} bytes, compressed {}, text {} chars, QR version {version} at M",
        decoded.cose_len,
        decoded.compressed,
        text.len()
    );
    assert!(version <= 15, "QR version {version} at M exceeds 15");
    assert_eq!(decoded.alg, COSE_ALG_SM2_SM3);
    assert_eq!(decoded.kid, certificate_kid(&cert("issuer")).to_vec());

    let report = verify_qr(&text, &trusted(), &opts());
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    for check in [
        "qr.format",
        "qr.base45",
        "qr.decompress",
        "qr.cose",
        "qr.algorithm",
        "qr.issuer",
        "qr.signature",
        "qr.claims",
        "qr.iss",
        "qr.iat",
        "qr.exp",
        "qr.issuer-validity",
        "licence.id",
        "licence.holder-id",
        "licence.validity",
        "licence.status",
    ] {
        assert!(report.check(check).is_some(), "{check} missing:\n{}", report.to_text());
    }
    assert!(report
        .subject
        .signer
        .as_deref()
        .unwrap()
        .contains("长沙市市场监督管理局"));
    assert_eq!(report.subject.signing_time, Some(t("2027-05-01T00:00:00Z")));
    // The core data comes back; extras stay off the code.
    let back: LicenceData =
        serde_json::from_value(report.check("qr.claims").unwrap().details["licence"].clone()).unwrap();
    let mut core = licence();
    core.extra.clear();
    assert_eq!(back, core);

    // Without compression it still decodes (and is larger).
    let mut plain = make_opts();
    plain.compress = false;
    let text2 = make_payload(&licence(), &issuer_signer(), &plain).unwrap();
    assert!(!decode_payload(&text2).unwrap().compressed);
    assert!(text2.len() > text.len());
    println!(
        "claims {} bytes; without zlib: text {} chars, QR version {} at M",
        decoded.payload().len(),
        text2.len(),
        render::version(&text2).unwrap()
    );
    assert_eq!(verify_qr(&text2, &trusted(), &opts()).status, Status::Passed);
}

#[test]
fn png_round_trip_made_rendered_read_verified() {
    let text = code();
    let png = render::to_png(&text, 4).unwrap();
    let read = qr::image::decode_image(&png).unwrap();
    assert_eq!(read, text);
    assert_eq!(verify_qr(&read, &trusted(), &opts()).status, Status::Passed);
    let svg = render::to_svg(&text, 4).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{}", &svg[..80]);
}

#[test]
fn es256_with_a_bare_key() {
    let pem = std::fs::read(vectors().join("gen/keys/p256.pem")).unwrap();
    let signer = QrSigner::from_key(&pem, None).unwrap();
    assert_eq!(signer.algorithm(), QrAlgorithm::Es256);
    let text = make_payload(&licence(), &signer, &make_opts()).unwrap();
    let der = pem_rfc7468::decode_vec(&pem).unwrap().1;
    let pair = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &der,
        &ring::rand::SystemRandom::new(),
    )
    .unwrap();
    use ring::signature::KeyPair;
    let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
    spki.extend_from_slice(pair.public_key().as_ref());
    let mut list = IssuerList::new();
    list.add_public_key(&spki, "P-256 authority", Some("11430000006122244L"))
        .unwrap();
    let report = verify_qr(&text, &list, &opts());
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    // Not allowed by policy:
    let mut sm2_only = opts();
    sm2_only.algorithms = vec![QrAlgorithm::Sm2Sm3];
    assert_fails(
        &verify_qr(&text, &list, &sm2_only),
        "qr.algorithm",
        Reason::PolicyViolation,
    );
}

#[test]
fn plain_urls_and_unsigned_payloads_are_never_valid() {
    let url = "https://www.gsxt.gov.cn/index.html?uniscid=91430100MA4L1234XL";
    let report = verify_qr(url, &trusted(), &opts());
    assert_fails(&report, "qr.format", Reason::NoSignature);
    assert_eq!(report.status, Status::Indeterminate);
    assert_eq!(report.check("qr.format").unwrap().details["url"], url);
    assert_fails(
        &verify_qr("91430100MA4L1234XL", &trusted(), &opts()),
        "qr.format",
        Reason::NoSignature,
    );

    // Bare claims, no COSE around them.
    let decoded = decode_payload(&code()).unwrap();
    let bare = wrap(decoded.payload());
    assert_fails(&verify_qr(&bare, &trusted(), &opts()), "qr.cose", Reason::NoSignature);

    // A COSE_Sign1 with an empty signature.
    let kid = certificate_kid(&cert("issuer")).to_vec();
    let empty = sign1(
        RegisteredLabelWithPrivate::PrivateUse(COSE_ALG_SM2_SM3),
        kid,
        decoded.payload().to_vec(),
        |_| Vec::new(),
    );
    assert_fails(
        &verify_qr(&wrap(&empty), &trusted(), &opts()),
        "qr.cose",
        Reason::NoSignature,
    );
}

#[test]
fn tampered_codes_fail() {
    // Claims changed after signing (uncompressed, so the change reaches the signature).
    let mut plain = make_opts();
    plain.compress = false;
    let text = make_payload(&licence(), &issuer_signer(), &plain).unwrap();
    let mut cose = base45::decode(&text[PREFIX.len()..]).unwrap();
    let needle = "长沙示例".as_bytes();
    let at = cose.windows(needle.len()).position(|w| w == needle).unwrap();
    cose[at..at + needle.len()].copy_from_slice("长沙假冒".as_bytes());
    assert_fails(
        &verify_qr(&wrap(&cose), &trusted(), &opts()),
        "qr.signature",
        Reason::BadSignature,
    );

    // One Base45 character changed in a compressed code: zlib's checksum or the signature.
    let mut text = code().into_bytes();
    let i = text.len() / 2;
    text[i] = if text[i] == b'A' { b'B' } else { b'A' };
    let report = verify_qr(std::str::from_utf8(&text).unwrap(), &trusted(), &opts());
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
    assert!(
        matches!(report.reason, Some(Reason::Malformed | Reason::BadSignature)),
        "{}",
        report.to_text()
    );

    // Not Base45 at all.
    assert_fails(
        &verify_qr("YJ1:abc!", &trusted(), &opts()),
        "qr.base45",
        Reason::Malformed,
    );
    // Another format version.
    assert_fails(
        &verify_qr("YJ2:ABC", &trusted(), &opts()),
        "qr.format",
        Reason::Unsupported,
    );
    // Garbage after the prefix that is Base45 but not COSE.
    assert_fails(
        &verify_qr(&wrap(b"\x01\x02\x03"), &trusted(), &opts()),
        "qr.cose",
        Reason::Malformed,
    );
    // The same signed COSE_Sign1 without its tag (the tag is not signed): refused.
    let tagged = decode_payload(&code()).unwrap().sign1.to_tagged_vec().unwrap();
    assert_eq!(tagged[0], 0xD2);
    assert_fails(
        &verify_qr(&wrap(&tagged[1..]), &trusted(), &opts()),
        "qr.cose",
        Reason::Malformed,
    );
    // Trailing bytes after the COSE_Sign1.
    let mut cose = decode_payload(&code()).unwrap().sign1.to_tagged_vec().unwrap();
    cose.push(0);
    assert_fails(
        &verify_qr(&wrap(&cose), &trusted(), &opts()),
        "qr.cose",
        Reason::Malformed,
    );
}

#[test]
fn zip_bombs_stop_at_the_limit() {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 1024 * 1024]).unwrap();
    let bomb = z.finish().unwrap();
    assert!(bomb.len() < 2_000);
    let report = verify_qr(&wrap(&bomb), &trusted(), &opts());
    assert_fails(&report, "qr.decompress", Reason::TooLarge);
    assert!(report
        .checks
        .last()
        .unwrap()
        .message
        .contains(&MAX_PAYLOAD_SIZE.to_string()));
    // A truncated stream, or bytes after its end, are malformed.
    let zipped = base45::decode(&code()[PREFIX.len()..]).unwrap();
    assert_eq!(zipped[0], 0x78);
    let cut = wrap(&zipped[..zipped.len() - 10]);
    assert_fails(
        &verify_qr(&cut, &trusted(), &opts()),
        "qr.decompress",
        Reason::Malformed,
    );
    let mut longer = zipped.clone();
    longer.push(0);
    assert_fails(
        &verify_qr(&wrap(&longer), &trusted(), &opts()),
        "qr.decompress",
        Reason::Malformed,
    );
    // Too long for any QR code.
    let long = format!("{PREFIX}{}", "A".repeat(qr::MAX_QR_TEXT));
    assert_fails(&verify_qr(&long, &trusted(), &opts()), "qr.format", Reason::TooLarge);
}

#[test]
fn wrong_keys_and_unknown_issuers() {
    // Signed with another key under the issuer's kid.
    let forged = make_payload(
        &licence(),
        &QrSigner::sm2(key("other"), Some(&cert("issuer"))),
        &make_opts(),
    )
    .unwrap();
    assert_fails(
        &verify_qr(&forged, &trusted(), &opts()),
        "qr.signature",
        Reason::BadSignature,
    );

    // The issuer is not on the list.
    let mut only_other = IssuerList::new();
    only_other.add_certificate(cert("other")).unwrap();
    assert_fails(
        &verify_qr(&code(), &only_other, &opts()),
        "qr.issuer",
        Reason::UntrustedChain,
    );
    assert_fails(
        &verify_qr(&code(), &IssuerList::new(), &opts()),
        "qr.issuer",
        Reason::UntrustedChain,
    );

    // A trusted authority signing a code that names another issuer.
    let mut o = make_opts();
    o.issuer = Some("11350100MB00000012".into());
    let text = make_payload(&licence(), &issuer_signer(), &o).unwrap();
    assert_fails(
        &verify_qr(&text, &trusted(), &opts()),
        "qr.iss",
        Reason::PolicyViolation,
    );

    // SM2 named in the header, but the kid is a P-256 issuer's: the key decides, no confusion.
    let pem = std::fs::read(vectors().join("gen/keys/p256.pem")).unwrap();
    let p256 = QrSigner::from_key(&pem, None).unwrap();
    let mut list = trusted();
    let pair_pub = {
        let der = pem_rfc7468::decode_vec(&pem).unwrap().1;
        use ring::signature::KeyPair;
        ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &der,
            &ring::rand::SystemRandom::new(),
        )
        .unwrap()
        .public_key()
        .as_ref()
        .to_vec()
    };
    let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
    spki.extend_from_slice(&pair_pub);
    list.add_public_key(&spki, "P-256 authority", None).unwrap();
    let payload = decode_payload(&code()).unwrap().payload().to_vec();
    let k = key("issuer");
    let confused = sign1(
        RegisteredLabelWithPrivate::PrivateUse(COSE_ALG_SM2_SM3),
        p256.kid().to_vec(),
        payload.clone(),
        sm2_sign(&k),
    );
    assert_fails(
        &verify_qr(&wrap(&confused), &list, &opts()),
        "qr.issuer",
        Reason::PolicyViolation,
    );

    // −48 (ML-DSA-44, once proposed for SM2) and other algorithms are unsupported.
    let old = sign1(
        RegisteredLabelWithPrivate::Assigned(iana::Algorithm::from_i64(-48).unwrap()),
        certificate_kid(&cert("issuer")).to_vec(),
        payload,
        sm2_sign(&k),
    );
    let report = verify_qr(&wrap(&old), &trusted(), &opts());
    assert_fails(&report, "qr.algorithm", Reason::Unsupported);
    assert!(report.summary.contains("ML-DSA"), "{}", report.summary);
}

#[test]
fn times_expiry_and_licence_status() {
    let text = code();
    // After exp (+ leeway).
    let late = QrOptions::new(t("2028-05-01T00:01:01Z"));
    assert_fails(&verify_qr(&text, &trusted(), &late), "qr.exp", Reason::Expired);
    let within_leeway = QrOptions::new(t("2028-05-01T00:00:59Z"));
    assert_eq!(verify_qr(&text, &trusted(), &within_leeway).status, Status::Passed);
    // Before iat.
    let early = QrOptions::new(t("2027-04-30T00:00:00Z"));
    assert_fails(&verify_qr(&text, &trusted(), &early), "qr.iat", Reason::NotYetValid);
    // Issued before the issuer certificate existed (2026-12-01).
    let o = MakeOptions::new(t("2026-06-01T00:00:00Z"), t("2028-05-01T00:00:00Z"));
    let text = make_payload(&licence(), &issuer_signer(), &o).unwrap();
    assert_fails(
        &verify_qr(&text, &trusted(), &opts()),
        "qr.issuer-validity",
        Reason::NotYetValid,
    );

    // Licence identifier with a wrong check character.
    let mut data = licence();
    data.licence_id = Some(data.licence_id.unwrap().replace(".001.U", ".001.V"));
    let text = make_payload(&data, &issuer_signer(), &make_opts()).unwrap();
    assert_fails(
        &verify_qr(&text, &trusted(), &opts()),
        "licence.id",
        Reason::HashMismatch,
    );
    // Holder credit code with a wrong check character.
    let mut data = licence();
    data.holder_id = Some("91430100MA4L1234XM".into());
    let text = make_payload(&data, &issuer_signer(), &make_opts()).unwrap();
    assert_fails(
        &verify_qr(&text, &trusted(), &opts()),
        "licence.holder-id",
        Reason::HashMismatch,
    );
    // The licence itself expired.
    let mut data = licence();
    data.valid_until = Some("2027-05-31".into());
    let text = make_payload(&data, &issuer_signer(), &make_opts()).unwrap();
    assert_fails(
        &verify_qr(&text, &trusted(), &opts()),
        "licence.validity",
        Reason::Expired,
    );
    // Withdrawn, or on the caller's revocation list.
    let mut data = licence();
    data.status = Some("吊销".into());
    let text = make_payload(&data, &issuer_signer(), &make_opts()).unwrap();
    assert_fails(
        &verify_qr(&text, &trusted(), &opts()),
        "licence.status",
        Reason::Revoked,
    );
    let mut revoked = opts();
    revoked.revoked = vec![licence().licence_id.unwrap()];
    assert_fails(
        &verify_qr(&code(), &trusted(), &revoked),
        "licence.status",
        Reason::Revoked,
    );
}

#[test]
fn trust_list_reads_pem_bundles_and_keys() {
    let mut list = IssuerList::new();
    let mut bundle = file("issuer.pem");
    bundle.extend_from_slice(&file("other.pem"));
    assert_eq!(list.add_pem(&bundle).unwrap(), 2);
    assert_eq!(list.issuers()[0].credit_code.as_deref(), Some("11430000006122244L"));
    assert_eq!(list.issuers()[1].credit_code.as_deref(), Some("11350100MB00000012"));
    let pubkey = key("issuer").public_key().to_pem();
    assert_eq!(list.add_pem(pubkey.as_bytes()).unwrap(), 1);
    assert!(list.add_pem(b"nothing here").is_err());
    assert_eq!(list.add_pem(&key("other").public_key().to_spki_der()).unwrap(), 1);
    assert_eq!(list.add_pem(cert("other").der()).unwrap(), 1);
    // A bare-key issuer verifies codes signed without a certificate.
    let text = make_payload(&licence(), &QrSigner::sm2(key("issuer"), None), &make_opts()).unwrap();
    assert_eq!(verify_qr(&text, &list, &opts()).status, Status::Passed);
    let _ = Time::UNIX_EPOCH;
}

/// Hundreds of random byte changes to a good code (in the COSE bytes, before compression)
/// and to its text: nothing panics, and no changed code verifies.
#[test]
fn mutated_codes_never_verify() {
    let mut plain = make_opts();
    plain.compress = false;
    let text = make_payload(&licence(), &issuer_signer(), &plain).unwrap();
    let cose = base45::decode(&text[PREFIX.len()..]).unwrap();
    let zipped_text = code();
    let (list, o) = (trusted(), opts());
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..500 {
        let mut bytes = cose.clone();
        for _ in 0..=(next() % 3) {
            let i = (next() % bytes.len() as u64) as usize;
            match next() % 3 {
                0 => bytes[i] ^= 1 << (next() % 8),
                1 => bytes[i] = next() as u8,
                _ => {
                    bytes.remove(i);
                }
            }
        }
        if bytes != cose {
            let report = verify_qr(&wrap(&bytes), &list, &o);
            assert_ne!(report.status, Status::Passed, "{}", report.to_text());
        }
        let mut chars = zipped_text.clone().into_bytes();
        let i = PREFIX.len() + (next() % (chars.len() - PREFIX.len()) as u64) as usize;
        chars[i] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[(next() % 45) as usize];
        let changed = String::from_utf8(chars).unwrap();
        if changed != zipped_text {
            assert_ne!(verify_qr(&changed, &list, &o).status, Status::Passed, "{changed}");
        }
    }
}
