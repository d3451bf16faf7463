//! Certificate chain validations per second: a 3-level SM2 chain (OpenSSL-made, SM2 with SM3)
//! beside a 3-level ECDSA P-256 chain, both parsed once and validated repeatedly.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use yinjian::x509::{parse_all, verify_chain, Certificate, ChainOptions, RevocationPolicy, TrustStore, Usage};
use yinjian::Time;

fn load(dir: &str, root: &str, int: &str, leaf: &str) -> (Certificate, Vec<Certificate>, TrustStore) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/x509")
        .join(dir);
    let read = |n: &str| parse_all(&std::fs::read(base.join(n)).unwrap()).unwrap().remove(0);
    let mut trust = TrustStore::new();
    trust.add_certificate(read(root), None);
    (read(leaf), vec![read(int)], trust)
}

fn chains(c: &mut Criterion) {
    let at = Time::parse("2027-06-01T00:00:00Z").unwrap();
    let mut opts = ChainOptions::new(at, Usage::DocumentSigning);
    opts.revocation = RevocationPolicy::NotRequired;
    let mut group = c.benchmark_group("chain");
    for (name, (leaf, pool, trust)) in [
        (
            "sm2-3-level",
            load("sm2", "certs/root.pem", "certs/int.pem", "certs/leaf.pem"),
        ),
        ("p256-3-level", load("p256", "root.pem", "int.pem", "leaf.pem")),
    ] {
        assert!(
            verify_chain(&leaf, &pool, &trust, &opts).is_valid(),
            "{name} must validate"
        );
        group.bench_function(name, |b| {
            b.iter(|| black_box(verify_chain(&leaf, &pool, &trust, &opts)))
        });
    }
    group.finish();
}

criterion_group!(benches, chains);
criterion_main!(benches);
