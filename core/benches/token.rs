//! Token verifications per second for SM2SM3, ES256, RS256 (2048-bit) and EdDSA: keys and
//! tokens are made once (the RSA key by `openssl genpkey` into a temp dir), then only
//! `verify_token` runs in the loop.

use std::hint::black_box;
use std::process::Command;

use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion};
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use yinjian::sm::sm2::PrivateKey;
use yinjian::token::{
    jwk::sm2_jwk, sign_token, verify_token, Audience, Issuers, JwsAlgorithm, KeySet, SigningKey, TokenOptions,
};
use yinjian::{Status, Time};

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A 2048-bit RSA key as (PKCS#8 DER, SPKI PEM), made by OpenSSL.
fn rsa_key() -> (Vec<u8>, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("yinjian-token-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pem, der, public) = (dir.join("k.pem"), dir.join("k.der"), dir.join("pub.pem"));
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl 3 must be installed");
        assert!(out.status.success(), "openssl {args:?}");
    };
    let p = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    run(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        &p(&pem),
    ]);
    run(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        &p(&pem),
        "-outform",
        "DER",
        "-out",
        &p(&der),
    ]);
    run(&["pkey", "-in", &p(&pem), "-pubout", "-out", &p(&public)]);
    let keys = (std::fs::read(&der).unwrap(), std::fs::read(&public).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
    keys
}

fn tokens(c: &mut Criterion) {
    let at = Time::parse("2026-11-24T00:00:00Z").unwrap();
    let claims = serde_json::json!({
        "iss": "https://id.example.gov.cn", "sub": "u1", "aud": "svc",
        "iat": at.unix(), "exp": at.unix() + 300,
    });
    let header = serde_json::json!({"kid": "k", "typ": "JWT"});
    let rng = ring::rand::SystemRandom::new();
    let mut cases: Vec<(&str, SigningKey, KeySet)> = Vec::new();

    let sm2 = PrivateKey::from_raw(&[0x42; 32]).unwrap();
    let mut keys = KeySet::new();
    keys.add_jwk(&sm2_jwk(&sm2.public_key(), Some("k"))).unwrap();
    cases.push(("SM2SM3", SigningKey::Sm2(sm2), keys));

    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref();
    let mut keys = KeySet::new();
    keys.add_jwk(&serde_json::json!({
        "kty": "EC", "crv": "P-256", "kid": "k", "x": b64url(&point[1..33]), "y": b64url(&point[33..]),
    }))
    .unwrap();
    cases.push((
        "ES256",
        SigningKey::Ecdsa(JwsAlgorithm::Es256, pkcs8.as_ref().to_vec()),
        keys,
    ));

    let (rsa_pkcs8, rsa_public) = rsa_key();
    let mut keys = KeySet::new();
    keys.add_public_key(&rsa_public, Some("k".into())).unwrap();
    cases.push(("RS256", SigningKey::Rsa(JwsAlgorithm::Rs256, rsa_pkcs8), keys));

    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let mut keys = KeySet::new();
    keys.add_jwk(
        &serde_json::json!({"kty": "OKP", "crv": "Ed25519", "kid": "k", "x": b64url(pair.public_key().as_ref())}),
    )
    .unwrap();
    cases.push(("EdDSA", SigningKey::Ed25519(pkcs8.as_ref().to_vec()), keys));

    let mut group = c.benchmark_group("token-verify");
    for (name, key, keys) in &cases {
        let token = sign_token(&claims, &header, key).unwrap();
        let opts = TokenOptions::new(
            at,
            &[name],
            Issuers::is("https://id.example.gov.cn"),
            Audience::is("svc"),
        )
        .unwrap();
        let report = verify_token(&token, keys, None, &opts);
        assert_eq!(report.status, Status::Passed, "{name}: {}", report.to_text());
        group.bench_function(*name, |b| {
            b.iter(|| black_box(verify_token(black_box(&token), keys, None, &opts)))
        });
    }
    group.finish();
}

criterion_group!(benches, tokens);
criterion_main!(benches);
