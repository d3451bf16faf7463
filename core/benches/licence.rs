//! Licence QR codes: verifications per second from text (SM2 and ES256), making a code, and
//! reading + verifying a code from a 1-megapixel photo (PNG and JPEG, slightly rotated,
//! blurred and noisy: `core/tests/common/photo.rs`). Needs the `qr-image` and `qr-make`
//! features, which the crate's dev-dependency on itself turns on.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use yinjian::licence::data::LicenceData;
use yinjian::licence::qr::{
    image as qr_image, make_payload, render, verify_qr, IssuerList, MakeOptions, QrOptions, QrSigner,
};
use yinjian::sm::sm2::PrivateKey;
use yinjian::x509::parse_all;
use yinjian::{Status, Time};

#[path = "../tests/common/photo.rs"]
#[allow(dead_code)]
mod photo;

fn file(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../test-vectors")
            .join(name),
    )
    .unwrap()
}

fn licence(c: &mut Criterion) {
    let t = |s: &str| Time::parse(s).unwrap();
    let data = LicenceData::from_json(&file("licence/business-licence.json")).unwrap();
    let cert = parse_all(&file("licence/issuer.pem")).unwrap().remove(0);
    let key = PrivateKey::parse(&file("licence/issuer.key.pem")).unwrap();
    let make_opts = MakeOptions::new(t("2027-05-01T00:00:00Z"), t("2028-05-01T00:00:00Z"));
    let opts = QrOptions::new(t("2027-06-01T00:00:00Z"));
    let sm2 = QrSigner::sm2(key, Some(&cert));
    let mut issuers = IssuerList::new();
    issuers.add_certificate(cert).unwrap();
    let p256 = file("gen/keys/p256.pem");
    let es256 = QrSigner::from_key(&p256, None).unwrap();
    let der = pem_rfc7468::decode_vec(&p256).unwrap().1;
    let pair = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &der,
        &ring::rand::SystemRandom::new(),
    )
    .unwrap();
    let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
    spki.extend_from_slice(ring::signature::KeyPair::public_key(&pair).as_ref());
    issuers.add_public_key(&spki, "P-256 authority", None).unwrap();

    let mut group = c.benchmark_group("licence-qr");
    for (name, signer) in [("verify-text/SM2SM3", &sm2), ("verify-text/ES256", &es256)] {
        let text = make_payload(&data, signer, &make_opts).unwrap();
        assert_eq!(verify_qr(&text, &issuers, &opts).status, Status::Passed);
        group.bench_function(name, |b| {
            b.iter(|| black_box(verify_qr(black_box(&text), &issuers, &opts)))
        });
    }
    group.bench_function("make-text/SM2SM3", |b| {
        b.iter(|| black_box(make_payload(black_box(&data), &sm2, &make_opts).unwrap()))
    });
    let text = make_payload(&data, &sm2, &make_opts).unwrap();
    group.bench_function("render-png", |b| {
        b.iter(|| black_box(render::to_png(black_box(&text), 4).unwrap()))
    });

    let (pixels, side) = render::to_luma(&text, 4).unwrap();
    let code = image::GrayImage::from_raw(side, side, pixels).unwrap();
    let d = photo::Distortion {
        scale: 1.2,
        rotate: 12.0,
        blur: 0.8,
        noise: 8.0,
        jpeg: 0,
    };
    for (name, jpeg) in [("photo-1MP-png/read+verify", 0), ("photo-1MP-jpeg/read+verify", 75)] {
        let bytes = photo::photo(&code, photo::Distortion { jpeg, ..d }, 1);
        assert_eq!(
            qr_image::verify_qr_image(&bytes, &issuers, &opts).status,
            Status::Passed
        );
        group.sample_size(10);
        group.bench_function(name, |b| {
            b.iter(|| black_box(qr_image::verify_qr_image(black_box(&bytes), &issuers, &opts)))
        });
    }
    let (luma, w, h) = qr_image::load_luma(&photo::photo(&code, d, 1)).unwrap();
    group.bench_function("photo-1MP/read-only-from-luma", |b| {
        b.iter(|| black_box(qr_image::decode_luma(black_box(&luma), w, h).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, licence);
criterion_main!(benches);
