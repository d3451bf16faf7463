//! Seals and seal signatures made by yinjian: they verify in yinjian, their signatures verify
//! in OpenSSL, and every mutation of a good signature fails at its own check and no other.

mod common;

use std::path::Path;
use std::process::Command;

use common::{cert, key, openssl_sm2_verify, scratch_dir, t, TestPki};
use yinjian::seal::asn1::{self, SealVersion};
use yinjian::seal::{
    make_seal, sign, verify_seal, verify_seal_signature, ProtectedData, SealSpec, SesSignature, SignSpec,
};
use yinjian::sm::sm2::{SignatureEncoding, Sm2Signer, DEFAULT_DISTID};
use yinjian::x509::TrustStore;
use yinjian::{Reason, Report, Status};

const DATA: &[u8] = b"<ofd:Signature>...</ofd:Signature>";

fn spec(version: SealVersion, signers: &[&str]) -> SealSpec {
    SealSpec {
        version,
        vendor: "yinjian-test".into(),
        es_id: "1101000000001".into(),
        seal_type: 1,
        name: "某市人民政府办公厅公章".into(),
        signer_certificates: signers.iter().map(|n| cert(n).der().to_vec()).collect(),
        created: t("2026-02-01T00:00:00Z"),
        valid_from: t("2026-02-01T00:00:00Z"),
        valid_to: t("2028-02-01T00:00:00Z"),
        picture_type: "PNG".into(),
        picture: b"\x89PNG\r\n\x1a\n not really a picture".to_vec(),
        width_mm: 42,
        height_mm: 42,
    }
}

fn make(version: SealVersion, signers: &[&str]) -> Vec<u8> {
    make_seal(&spec(version, signers), &key("leaf-seal"), cert("leaf-seal").der()).unwrap()
}

fn signed(seal: &[u8], at: &str) -> Vec<u8> {
    sign(
        seal,
        &key("leaf"),
        cert("leaf").der(),
        &SignSpec::for_data(DATA, t(at), "/Doc_0/Signs/Sign_0/Signature.xml"),
    )
    .unwrap()
}

/// The names of the checks that did not pass.
fn not_passed(report: &Report) -> Vec<(String, Option<Reason>)> {
    report
        .checks
        .iter()
        .filter(|c| c.status != Status::Passed)
        .map(|c| (c.name.clone(), c.reason))
        .collect()
}

#[test]
fn made_seals_and_signatures_verify_both_versions() {
    let fx = TestPki::new();
    for version in [SealVersion::V4, SealVersion::V1] {
        let seal = make(version, &["leaf"]);
        let decoded = yinjian::seal::Seal::decode(&seal).unwrap();
        assert_eq!(decoded.version, version);
        assert_eq!(decoded.encode().unwrap(), seal);
        let report = verify_seal(&seal, &fx.seal_options());
        assert_eq!(report.status, Status::Passed, "{version:?} seal:\n{}", report.to_text());

        let sig = signed(&seal, "2026-06-01T08:00:00Z");
        assert_eq!(SesSignature::decode(&sig).unwrap().version, version);
        let report = verify_seal_signature(&sig, ProtectedData::Bytes(DATA), &fx.seal_options());
        assert_eq!(
            report.status,
            Status::Passed,
            "{version:?} signature:\n{}",
            report.to_text()
        );
        assert_eq!(report.subject.seal.as_deref(), Some("某市人民政府办公厅公章"));
        assert_eq!(report.subject.signing_time, Some(t("2026-06-01T08:00:00Z")));
        let digest = yinjian::sm::sm3::sm3(DATA);
        let by_digest = verify_seal_signature(&sig, ProtectedData::Digest(&digest), &fx.seal_options());
        assert_eq!(by_digest.status, Status::Passed);
    }
}

#[test]
fn made_signatures_verify_in_openssl() {
    for version in [SealVersion::V4, SealVersion::V1] {
        let seal_der = make(version, &["leaf"]);
        let sig = SesSignature::decode(&signed(&seal_der, "2026-06-01T08:00:00Z")).unwrap();
        let seal = &sig.to_sign.eseal;
        let maker_pem = key("leaf-seal").public_key().to_pem();
        let maker_sig = asn1::bits_of(&seal.signed_value, "seal").unwrap();
        assert!(
            openssl_sm2_verify(maker_pem.as_bytes(), &seal.maker_signed_bytes().unwrap(), maker_sig),
            "{version:?} maker signature"
        );
        let signer_pem = key("leaf").public_key().to_pem();
        let value = asn1::bits_of(&sig.signature, "signature").unwrap();
        assert!(
            openssl_sm2_verify(signer_pem.as_bytes(), &sig.to_sign.encode().unwrap(), value),
            "{version:?} seal signature"
        );
        assert!(
            !openssl_sm2_verify(signer_pem.as_bytes(), b"something else", value),
            "the oracle can say no"
        );
    }
}

/// Re-signs a modified TBS_Sign with the signer key so that only the intended check breaks.
fn resign(mut sig: SesSignature) -> Vec<u8> {
    let signer = Sm2Signer::new(&key("leaf"), DEFAULT_DISTID).unwrap();
    let value = signer
        .sign(&sig.to_sign.encode().unwrap(), SignatureEncoding::Der)
        .unwrap();
    sig.signature = asn1::bits(&value).unwrap();
    sig.encode().unwrap()
}

#[test]
fn each_mutation_fails_at_its_own_check_only() {
    let fx = TestPki::new();
    let seal = make(SealVersion::V4, &["leaf"]);
    let good = signed(&seal, "2026-06-01T08:00:00Z");
    let verify = |der: &[u8], data: &[u8]| {
        not_passed(&verify_seal_signature(
            der,
            ProtectedData::Bytes(data),
            &fx.seal_options(),
        ))
    };
    assert_eq!(verify(&good, DATA), vec![]);

    // (a) the signature value: flip a bit of s.
    let mut sig = SesSignature::decode(&good).unwrap();
    let mut value = asn1::bits_of(&sig.signature, "s").unwrap().to_vec();
    let last = value.len() - 1;
    value[last] ^= 1;
    sig.signature = asn1::bits(&value).unwrap();
    assert_eq!(
        verify(&sig.encode().unwrap(), DATA),
        vec![("seal.signature.value".into(), Some(Reason::BadSignature))]
    );

    // (b) the protected data changed.
    assert_eq!(
        verify(&good, b"<changed/>"),
        vec![("seal.data-hash".into(), Some(Reason::HashMismatch))]
    );

    // (c) the embedded seal altered (its name), the signature re-made over the altered TBS_Sign.
    let mut sig = SesSignature::decode(&good).unwrap();
    sig.to_sign.eseal.info.property.name = asn1::utf8("伪造的印章").unwrap();
    assert_eq!(
        verify(&resign(sig), DATA),
        vec![("seal.maker.signature".into(), Some(Reason::BadSignature))]
    );

    // (d) a seal that lists another signer.
    let other = make(SealVersion::V4, &["leaf-noeku"]);
    let sig = signed(&other, "2026-06-01T08:00:00Z");
    assert_eq!(
        verify(&sig, DATA),
        vec![("seal.signer-binding".into(), Some(Reason::PolicyViolation))]
    );

    // (e) signed after the seal expired (the certificates are still valid then).
    let late = signed(&seal, "2028-06-01T00:00:00Z");
    assert_eq!(
        verify(&late, DATA),
        vec![("seal.validity".into(), Some(Reason::Expired))]
    );
    // (e) the signer's chain: an unknown anchor.
    let empty = TrustStore::new();
    let mut opts = fx.seal_options();
    opts.trust = &empty;
    let report = verify_seal_signature(&good, ProtectedData::Bytes(DATA), &opts);
    assert_eq!(
        not_passed(&report),
        vec![
            ("seal.maker.chain".into(), Some(Reason::UntrustedChain)),
            ("seal.signer.chain".into(), Some(Reason::UntrustedChain))
        ]
    );
    assert_eq!(report.status, Status::Indeterminate);

    // Header: a seal whose ID is not "ES" (re-signed by maker and signer so only the header fails).
    let mut sig = SesSignature::decode(&good).unwrap();
    sig.to_sign.eseal.info.header.id = asn1::ia5("XX").unwrap();
    let maker = Sm2Signer::new(&key("leaf-seal"), DEFAULT_DISTID).unwrap();
    let maker_value = maker
        .sign(&sig.to_sign.eseal.maker_signed_bytes().unwrap(), SignatureEncoding::Der)
        .unwrap();
    sig.to_sign.eseal.signed_value = asn1::bits(&maker_value).unwrap();
    assert_eq!(
        verify(&resign(sig), DATA),
        vec![("seal.header".into(), Some(Reason::Malformed))]
    );
}

#[test]
fn expired_certificates_with_only_a_claimed_time_are_indeterminate() {
    let fx = TestPki::new();
    let seal = make(SealVersion::V4, &["leaf"]);
    let sig = signed(&seal, "2026-06-01T08:00:00Z");
    let mut opts = fx.seal_options();
    opts.chain.at = t("2030-01-01T00:00:00Z"); // every certificate has expired by then
    let report = verify_seal_signature(&sig, ProtectedData::Bytes(DATA), &opts);
    let failing = not_passed(&report);
    assert!(
        failing.contains(&("seal.signer.chain".into(), Some(Reason::OutOfBoundsNoPoe))),
        "{failing:?}"
    );
    assert_eq!(report.status, Status::Indeterminate, "{}", report.to_text());
}

#[test]
fn hostile_bytes_are_malformed_not_panics() {
    let fx = TestPki::new();
    let good = signed(&make(SealVersion::V4, &["leaf"]), "2026-06-01T08:00:00Z");
    for cut in [0, 1, 10, good.len() / 2, good.len() - 1] {
        let report = verify_seal_signature(&good[..cut], ProtectedData::Bytes(DATA), &fx.seal_options());
        assert_eq!(report.reason, Some(Reason::Malformed), "cut at {cut}");
    }
    let mut long = good.clone();
    long.push(0);
    assert_eq!(
        verify_seal_signature(&long, ProtectedData::Bytes(DATA), &fx.seal_options()).reason,
        Some(Reason::Malformed)
    );
}

/// An RFC 3161 token over `data`, made by OpenSSL's TSA mode with the test TSA of gen-cms.sh.
fn openssl_time_stamp(data: &[u8]) -> Vec<u8> {
    let dir = scratch_dir("seal").join("tsa");
    std::fs::create_dir_all(&dir).unwrap();
    let pki = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/cms/pki");
    std::fs::write(dir.join("data"), data).unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    std::fs::write(
        dir.join("tsa.cnf"),
        format!(
            "[tsa]\ndefault_tsa = t\n[t]\nserial = {}\ncrypto_device = builtin\nsigner_digest = sha256\n\
             default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\ness_cert_id_alg = sha256\n",
            dir.join("serial").display()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("openssl 3");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "ts",
        "-query",
        "-data",
        "data",
        "-sha256",
        "-cert",
        "-no_nonce",
        "-out",
        "q.tsq",
    ]);
    let key = pki.join("ec-tsa.key.pem");
    let cert = pki.join("ec-tsa.pem");
    run(&[
        "ts",
        "-reply",
        "-queryfile",
        "q.tsq",
        "-inkey",
        key.to_str().unwrap(),
        "-signer",
        cert.to_str().unwrap(),
        "-config",
        "tsa.cnf",
        "-section",
        "t",
        "-token_out",
        "-out",
        "token.der",
    ]);
    let token = std::fs::read(dir.join("token.der")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    token
}

#[test]
fn a_time_stamp_proves_existence_after_every_certificate_expired() {
    let mut fx = TestPki::new();
    let cms_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/cms/pki/root.pem");
    fx.trust.add_pem(&std::fs::read(cms_root).unwrap()).unwrap();
    let sig = signed(&make(SealVersion::V4, &["leaf"]), "2026-06-01T08:00:00Z");
    let token = openssl_time_stamp(&yinjian::seal::signature_value(&sig).unwrap());
    let stamped = yinjian::seal::add_time_stamp(&sig, &token).unwrap();
    let decoded = SesSignature::decode(&stamped).unwrap();
    assert!(decoded.time_stamp.is_some());
    assert_eq!(decoded.encode().unwrap(), stamped, "round trip with a time-stamp");

    let mut opts = fx.seal_options();
    opts.chain.at = t("2030-01-01T00:00:00Z"); // the seal, signer and maker certificates have all expired
    let report = verify_seal_signature(&stamped, ProtectedData::Bytes(DATA), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let ts = report.check("seal.timestamp").unwrap();
    assert!(
        report.subject.signing_time > Some(t("2026-11-01T00:00:00Z")),
        "the token's time replaces timeInfo"
    );
    assert_eq!(ts.details["claimed_time"], "2026-06-01T08:00:00Z");

    // A token over other bytes proves nothing: the claim is all there is again.
    let wrong = yinjian::seal::add_time_stamp(&sig, &openssl_time_stamp(b"other bytes")).unwrap();
    let report = verify_seal_signature(&wrong, ProtectedData::Bytes(DATA), &opts);
    let failing = not_passed(&report);
    assert_eq!(
        failing[0],
        ("seal.timestamp".into(), Some(Reason::HashMismatch)),
        "{failing:?}"
    );
    assert!(
        failing.contains(&("seal.signer.chain".into(), Some(Reason::OutOfBoundsNoPoe))),
        "{failing:?}"
    );
    assert_eq!(report.status, Status::Failed);
}

/// Found by the seal_decode fuzz target: a SET where SES_SealInfo's SEQUENCE belongs was
/// accepted and re-encoded as a SEQUENCE, breaking the exact round trip.
#[test]
fn a_set_in_place_of_a_sequence_is_malformed() {
    let good = signed(&make(SealVersion::V4, &["leaf"]), "2026-06-01T08:00:00Z");
    let decoded = SesSignature::decode(&good).unwrap();
    let info = decoded.to_sign.eseal.info.encode().unwrap();
    let at = good
        .windows(info.len())
        .position(|w| w == info.as_slice())
        .expect("SES_SealInfo inside");
    let mut mutated = good.clone();
    mutated[at] = 0x31; // SEQUENCE -> SET
    assert!(matches!(
        SesSignature::decode(&mutated),
        Err(yinjian::seal::SealError::Malformed(_))
    ));
}
