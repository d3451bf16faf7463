//! Tokens end to end: x5c through a cross-certified issuer, round trips with every kind of
//! signing key, claim edges, and SM2 signatures checked by OpenSSL.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use base64::Engine;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use ring::signature::{EcdsaSigningAlgorithm, ECDSA_P384_SHA384_FIXED_SIGNING};
use serde_json::{json, Value};
use yinjian::sm::sm2::{PrivateKey, Sm2Signature};
use yinjian::token::{
    jwk::sm2_jwk, sign_token, verify_token, Audience, Issuers, JwsAlgorithm, KeySet, SigningKey, TokenOptions,
};
use yinjian::x509::{Certificate, ChainOptions, RevocationPolicy, TrustStore, Usage};
use yinjian::{Reason, Report, Status, Time};

const PKI: &str = "../test-vectors/x509/sm2";

fn pki(path: &str) -> Vec<u8> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(PKI).join(path);
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn at() -> Time {
    Time::parse("2027-06-01T00:00:00Z").unwrap()
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("yinjian-token-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn openssl(args: &[&str]) -> std::process::Output {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl 3 must be installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn reason_of(report: &Report, check: &str) -> Option<Reason> {
    report
        .check(check)
        .unwrap_or_else(|| panic!("no {check} in\n{}", report.to_text()))
        .reason
}

fn claims() -> Value {
    json!({"iss": ISS, "sub": "u1", "aud": "svc", "exp": at().unix() + 300})
}

const ISS: &str = "https://id.example.gov.cn";

/// Options for `claims()`: its issuer and audience, these algorithms.
fn token_opts(algorithms: &[&str]) -> TokenOptions {
    TokenOptions::new(at(), algorithms, Issuers::is(ISS), Audience::is("svc")).unwrap()
}

/// Options for the claim tests, whose tokens carry neither iss nor aud: HS256, any issuer,
/// no audience expected.
fn claim_opts() -> TokenOptions {
    TokenOptions::new(at(), &["HS256"], Issuers::Any, Audience::Absent).unwrap()
}

// ---- x5c through a cross-certificate ----

fn x5c(names: &[&str]) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    Value::Array(
        names
            .iter()
            .map(|n| {
                let cert = Certificate::from_pem(&pki(&format!("certs/{n}.pem"))).unwrap();
                Value::String(b64.encode(cert.der()))
            })
            .collect(),
    )
}

fn xb_leaf_token(chain: &[&str]) -> String {
    // xb-leaf: keyUsage digitalSignature + nonRepudiation, no extendedKeyUsage: fit for
    // token signing.
    let key = PrivateKey::parse(&pki("keys/xb-leaf.key.pem")).unwrap();
    sign_token(&claims(), &json!({ "x5c": x5c(chain) }), &SigningKey::Sm2(key)).unwrap()
}

fn trust(anchors: &[&str]) -> TrustStore {
    let mut store = TrustStore::new();
    for a in anchors {
        store.add_pem(&pki(&format!("certs/{a}.pem"))).unwrap();
    }
    store
}

/// Token options whose x5c chain check does not ask for revocation status (the test PKI
/// has no CRLs for the cross-certified hierarchies).
fn x5c_opts() -> TokenOptions {
    let mut opts = token_opts(&["SM2SM3"]);
    let mut chain = ChainOptions::new(at(), Usage::TokenSigning);
    chain.revocation = RevocationPolicy::NotRequired;
    opts.chain = Some(chain);
    opts
}

#[test]
fn x5c_through_a_cross_certificate_reaches_the_other_root() {
    let token = xb_leaf_token(&["xb-leaf", "xb-int", "xa-cross-b"]);
    let opts = x5c_opts();
    let report = verify_token(&token, &KeySet::new(), Some(&trust(&["xa-root"])), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.check("token.chain").unwrap().status, Status::Passed);
    assert_eq!(report.check("token.signature").unwrap().status, Status::Passed);

    // With the default chain options revocation status is required, and no CRL is given.
    let opts = token_opts(&["SM2SM3"]);
    let report = verify_token(&token, &KeySet::new(), Some(&trust(&["xa-root"])), &opts);
    assert_eq!(report.status, Status::Indeterminate, "{}", report.to_text());
    assert_eq!(reason_of(&report, "token.chain"), Some(Reason::RevocationUnknown));
}

#[test]
fn x5c_without_a_path_to_a_trusted_root_is_untrusted() {
    let opts = x5c_opts();
    let token = xb_leaf_token(&["xb-leaf", "xb-int", "xa-cross-b"]);
    // Only an unrelated root.
    let report = verify_token(&token, &KeySet::new(), Some(&trust(&["other-root"])), &opts);
    assert_ne!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.reason, Some(Reason::UntrustedChain));
    assert_eq!(reason_of(&report, "token.chain"), Some(Reason::UntrustedChain));
    assert!(report.check("token.signature").is_none());
    // xa-root trusted but the cross-certificate left out: B's chain stops at xb-root,
    // which is not trusted.
    let token = xb_leaf_token(&["xb-leaf", "xb-int"]);
    let report = verify_token(&token, &KeySet::new(), Some(&trust(&["xa-root"])), &opts);
    assert_eq!(reason_of(&report, "token.chain"), Some(Reason::UntrustedChain));
    // xb-root itself in the x5c does not make it trusted.
    let token = xb_leaf_token(&["xb-leaf", "xb-int", "xb-root"]);
    let report = verify_token(&token, &KeySet::new(), Some(&trust(&["other-root"])), &opts);
    assert_eq!(reason_of(&report, "token.chain"), Some(Reason::UntrustedChain));
}

#[test]
fn x5c_is_never_trusted_without_a_trust_store() {
    let token = xb_leaf_token(&["xb-leaf", "xb-int", "xa-cross-b"]);
    let report = verify_token(&token, &KeySet::new(), None, &x5c_opts());
    assert_ne!(report.status, Status::Passed);
    assert_eq!(report.reason, Some(Reason::UntrustedChain));
    assert_eq!(reason_of(&report, "token.key"), Some(Reason::UntrustedChain));
    assert!(report.check("token.chain").is_none());
    assert!(report.check("token.key").unwrap().message.contains("x5c"));
}

// ---- round trips with every kind of key ----

/// Signs `claims()` with `key` (kid "k"), then checks it passes with only its algorithm
/// allowed and fails at token.header when the allow-list leaves it out.
fn round_trip(name: &str, key: &SigningKey, keys: &KeySet) {
    assert_eq!(key.algorithm().name(), name);
    let token = sign_token(&claims(), &json!({"kid": "k", "typ": "JWT"}), key).unwrap();
    let report = verify_token(&token, keys, None, &token_opts(&[name]));
    assert_eq!(report.status, Status::Passed, "{name}: {}", report.to_text());
    assert_eq!(report.check("token.signature").unwrap().status, Status::Passed);

    let others: Vec<&str> = JwsAlgorithm::ALL
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| *n != name)
        .collect();
    let report = verify_token(&token, keys, None, &token_opts(&others));
    assert_eq!(report.status, Status::Failed, "{name}");
    assert_eq!(
        reason_of(&report, "token.header"),
        Some(Reason::PolicyViolation),
        "{name}"
    );

    // One flipped signature bit fails.
    let mut bad = token.into_bytes();
    let last = bad.len() - 2;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let report = verify_token(std::str::from_utf8(&bad).unwrap(), keys, None, &token_opts(&[name]));
    assert_eq!(report.status, Status::Failed, "{name}: {}", report.to_text());
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn sm2_round_trip() {
    let key = PrivateKey::from_raw(&[0x42; 32]).unwrap();
    let mut keys = KeySet::new();
    keys.add_jwk(&sm2_jwk(&key.public_key(), Some("k"))).unwrap();
    round_trip("SM2SM3", &SigningKey::Sm2(key), &keys);
}

#[test]
fn ecdsa_round_trips() {
    let rng = ring::rand::SystemRandom::new();
    let cases: [(&str, &'static EcdsaSigningAlgorithm, JwsAlgorithm, &str); 2] = [
        ("ES256", &ECDSA_P256_SHA256_FIXED_SIGNING, JwsAlgorithm::Es256, "P-256"),
        ("ES384", &ECDSA_P384_SHA384_FIXED_SIGNING, JwsAlgorithm::Es384, "P-384"),
    ];
    for (name, ring_alg, alg, crv) in cases {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(ring_alg, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(ring_alg, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let half = (point.len() - 1) / 2;
        let jwk = json!({
            "kty": "EC", "crv": crv, "kid": "k",
            "x": b64url(&point[1..1 + half]), "y": b64url(&point[1 + half..]),
        });
        let mut keys = KeySet::new();
        keys.add_jwk(&jwk).unwrap();
        round_trip(name, &SigningKey::Ecdsa(alg, pkcs8.as_ref().to_vec()), &keys);
    }
}

#[test]
fn rsa_round_trips() {
    let dir = TempDir::new("rsa");
    let key_pem = dir.0.join("rsa.key.pem");
    let key_der = dir.0.join("rsa.key.der");
    let pub_pem = dir.0.join("rsa.pub.pem");
    let p = |p: &Path| p.to_str().unwrap().to_owned();
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        &p(&key_pem),
    ]);
    // `pkey -outform DER` writes PKCS#1 for RSA; ring wants PKCS#8.
    openssl(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        &p(&key_pem),
        "-outform",
        "DER",
        "-out",
        &p(&key_der),
    ]);
    openssl(&["pkey", "-in", &p(&key_pem), "-pubout", "-out", &p(&pub_pem)]);
    let pkcs8 = std::fs::read(&key_der).unwrap();
    let mut keys = KeySet::new();
    keys.add_public_key(&std::fs::read(&pub_pem).unwrap(), Some("k".into()))
        .unwrap();
    for (name, alg) in [("RS256", JwsAlgorithm::Rs256), ("PS256", JwsAlgorithm::Ps256)] {
        round_trip(name, &SigningKey::Rsa(alg, pkcs8.clone()), &keys);
    }
}

#[test]
fn ed25519_round_trip() {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "kid": "k", "x": b64url(pair.public_key().as_ref())});
    let mut keys = KeySet::new();
    keys.add_jwk(&jwk).unwrap();
    round_trip("EdDSA", &SigningKey::Ed25519(pkcs8.as_ref().to_vec()), &keys);
}

#[test]
fn hmac_round_trip() {
    let secret = b"a shared secret of thirty-two b!".to_vec();
    let mut keys = KeySet::new();
    keys.add_hmac_secret(Some("k".into()), &secret).unwrap();
    round_trip("HS256", &SigningKey::Hmac(JwsAlgorithm::Hs256, secret), &keys);
}

// ---- claims ----

fn hmac_keys() -> (KeySet, SigningKey) {
    let secret = b"claims-test-secret-claims-test-s".to_vec();
    let mut keys = KeySet::new();
    keys.add_hmac_secret(None, &secret).unwrap();
    (keys, SigningKey::Hmac(JwsAlgorithm::Hs256, secret))
}

fn verify_claims(claims: &Value, opts: &TokenOptions) -> Report {
    let (keys, key) = hmac_keys();
    let token = sign_token(claims, &Value::Null, &key).unwrap();
    verify_token(&token, &keys, None, opts)
}

#[test]
fn exp_and_nbf_at_the_leeway_edge() {
    let opts = claim_opts();
    let now = at().unix();
    let leeway = opts.leeway;
    assert_eq!(leeway, 60);

    let report = verify_claims(&json!({ "exp": now - leeway }), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let report = verify_claims(&json!({ "exp": now - leeway - 1 }), &opts);
    assert_eq!(reason_of(&report, "token.exp"), Some(Reason::Expired));
    assert_eq!(report.reason, Some(Reason::Expired));

    let report = verify_claims(&json!({ "nbf": now + leeway }), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let report = verify_claims(&json!({ "nbf": now + leeway + 1 }), &opts);
    assert_eq!(reason_of(&report, "token.nbf"), Some(Reason::NotYetValid));
    assert_eq!(report.reason, Some(Reason::NotYetValid));

    // Extreme values neither overflow nor pass.
    let report = verify_claims(&json!({ "exp": i64::MIN }), &opts);
    assert_eq!(reason_of(&report, "token.exp"), Some(Reason::Expired));
    let report = verify_claims(&json!({ "nbf": i64::MAX }), &opts);
    assert_eq!(reason_of(&report, "token.nbf"), Some(Reason::NotYetValid));
    let report = verify_claims(&json!({ "exp": i64::MAX, "nbf": i64::MIN }), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
}

#[test]
fn a_seen_jti_is_a_replay() {
    let mut opts = claim_opts();
    opts.jti_seen = Some(Arc::new(|jti: &str| jti == "seen"));
    let report = verify_claims(&json!({"jti": "seen"}), &opts);
    assert_eq!(report.status, Status::Failed);
    assert_eq!(reason_of(&report, "token.jti"), Some(Reason::PolicyViolation));
    let report = verify_claims(&json!({"jti": "fresh"}), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.check("token.jti").unwrap().status, Status::Passed);
}

#[test]
fn resident_id_like_claims_draw_a_privacy_warning() {
    let opts = claim_opts();
    let report = verify_claims(&json!({"sub": "u1", "id_number": "11010519491231002X"}), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let privacy = report.check("token.privacy").expect("token.privacy");
    assert_eq!(privacy.status, Status::Passed);
    assert_eq!(privacy.details.get("warning"), Some(&Value::Bool(true)));
    assert!(privacy.message.contains("id_number"));

    let report = verify_claims(&json!({"sub": "u1", "phone": "13800138000"}), &opts);
    assert!(report.check("token.privacy").is_none());
    // 18 bytes whose 17th is inside a multi-byte character: no warning, no panic.
    let report = verify_claims(&json!({"sub": "1234567890123456é"}), &opts);
    assert!(report.check("token.privacy").is_none());
}

// ---- SM2 signatures against OpenSSL ----

#[test]
fn sm2_token_signatures_verify_in_openssl() {
    let key = PrivateKey::parse(&pki("keys/leaf.key.pem")).unwrap();
    let token = sign_token(&claims(), &json!({"kid": "leaf"}), &SigningKey::Sm2(key)).unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature)
        .unwrap();
    assert_eq!(raw.len(), 64);
    let (sig, _) = Sm2Signature::decode(&raw).unwrap();

    let dir = TempDir::new("sm2-openssl");
    let input_file = dir.0.join("signing_input");
    let sig_file = dir.0.join("sig.der");
    std::fs::write(&input_file, input).unwrap();
    std::fs::write(&sig_file, sig.to_der()).unwrap();
    let pub_pem = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(PKI)
        .join("keys/leaf.pub.pem");
    let out = openssl(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        pub_pem.to_str().unwrap(),
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-in",
        input_file.to_str().unwrap(),
        "-sigfile",
        sig_file.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Verified Successfully"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// ---- options ----

#[test]
fn unknown_algorithm_names_are_refused_when_the_options_are_made() {
    let new = |algorithms: &[&str]| TokenOptions::new(at(), algorithms, Issuers::Any, Audience::Any);
    let err = new(&["SM2-SM3", "ES256"]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("\"SM2-SM3\""), "{text}");
    for accepted in ["SM2SM3", "ES256", "EdDSA", "HS512", "SM3withSM2"] {
        assert!(text.contains(accepted), "{text} lacks {accepted}");
    }
    let err = new(&["ES256", "none"]).unwrap_err();
    assert!(err.to_string().contains("\"none\""), "{err}");
    assert!(new(&["NONE"]).is_err());
    assert!(new(&[]).unwrap_err().to_string().contains("empty"));
    // Every name and alias is accepted, and an alias keeps the name it was given.
    let names: Vec<&str> = JwsAlgorithm::ALL
        .iter()
        .map(|(n, _)| *n)
        .chain(JwsAlgorithm::SM2_ALIASES)
        .collect();
    let opts = token_opts(&names);
    assert_eq!(opts.algorithms.len(), names.len());
    assert!(opts.algorithms.contains(&("GmSM2".to_owned(), JwsAlgorithm::Sm2Sm3)));
}

#[test]
fn issuer_and_audience_are_explicit_decisions() {
    let (keys, key) = hmac_keys();
    let sign = |claims: Value| sign_token(&claims, &Value::Null, &key).unwrap();
    let opts = |issuers: Issuers, audience: Audience| TokenOptions::new(at(), &["HS256"], issuers, audience).unwrap();
    let for_a = sign(json!({"iss": ISS, "aud": "svc-a"}));
    let for_both = sign(json!({"iss": ISS, "aud": ["svc-b", "svc-a"]}));
    let for_nobody = sign(json!({"iss": ISS}));

    // A token issued for service A does not pass at service B.
    let report = verify_token(&for_a, &keys, None, &opts(Issuers::is(ISS), Audience::is("svc-b")));
    assert_eq!(reason_of(&report, "token.aud"), Some(Reason::PolicyViolation));
    let report = verify_token(&for_a, &keys, None, &opts(Issuers::is(ISS), Audience::is("svc-a")));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    // Several names of this service: one is enough.
    let several = Audience::OneOf(vec!["svc-c".into(), "svc-a".into()]);
    let report = verify_token(&for_both, &keys, None, &opts(Issuers::is(ISS), several));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());

    // No audience named: a token carrying aud is refused (as PyJWT does), one without passes.
    let report = verify_token(&for_a, &keys, None, &opts(Issuers::is(ISS), Audience::Absent));
    assert_eq!(report.status, Status::Failed);
    assert_eq!(reason_of(&report, "token.aud"), Some(Reason::PolicyViolation));
    assert!(report.check("token.aud").unwrap().message.contains("svc-a"));
    let report = verify_token(&for_nobody, &keys, None, &opts(Issuers::is(ISS), Audience::Absent));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());

    // "Any" passes whatever the claim says, and the report records that it was not checked.
    let report = verify_token(&for_a, &keys, None, &opts(Issuers::Any, Audience::Any));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    for name in ["token.iss", "token.aud"] {
        let check = report.check(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(check.details.get("accepted"), Some(&json!("any")), "{name}");
        assert_eq!(check.details.get("checked"), Some(&json!(false)), "{name}");
        assert!(check.message.contains("NOT checked"), "{}", check.message);
    }
    let other_issuer = sign(json!({"iss": "https://elsewhere.example", "aud": "svc-a"}));
    let report = verify_token(&other_issuer, &keys, None, &opts(Issuers::is(ISS), Audience::Any));
    assert_eq!(reason_of(&report, "token.iss"), Some(Reason::PolicyViolation));
    let report = verify_token(&other_issuer, &keys, None, &opts(Issuers::Any, Audience::Any));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    // Configured checks carry no "any" details.
    let report = verify_token(&for_a, &keys, None, &opts(Issuers::is(ISS), Audience::is("svc-a")));
    assert!(!report.check("token.iss").unwrap().details.contains_key("accepted"));

    // Empty lists are not a decision.
    let empty_iss = TokenOptions::new(at(), &["HS256"], Issuers::OneOf(vec![]), Audience::Any);
    assert!(empty_iss.unwrap_err().to_string().contains("issuer"));
    let empty_aud = TokenOptions::new(at(), &["HS256"], Issuers::Any, Audience::OneOf(vec![]));
    assert!(empty_aud.unwrap_err().to_string().contains("audience"));
}
