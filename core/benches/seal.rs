//! Full seal-signature verifications per second: the GB/T 38540 procedure on a v4 signature
//! made by yinjian (two SM2 verifications, signer and maker, plus two 3-level chains).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use yinjian::seal::{verify_seal_signature, ProtectedData, SealOptions};
use yinjian::x509::{parse_all, RevocationPolicy, TrustStore};
use yinjian::{Status, Time};

fn seal_signature(c: &mut Criterion) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    let read = |p: &str| std::fs::read(base.join(p)).unwrap();
    let mut trust = TrustStore::new();
    trust.add_pem(&read("x509/sm2/certs/root.pem")).unwrap();
    let mut opts = SealOptions::new(&trust, Time::parse("2027-06-01T00:00:00Z").unwrap());
    opts.chain.revocation = RevocationPolicy::NotRequired;
    opts.intermediates = parse_all(&read("x509/sm2/certs/int.pem")).unwrap();
    let (sig, data) = (read("seal/v4-signed.dat"), read("seal/data.xml"));
    let report = verify_seal_signature(&sig, ProtectedData::Bytes(&data), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    c.bench_function("seal/verify-v4-signature-with-chains", |b| {
        b.iter(|| black_box(verify_seal_signature(&sig, ProtectedData::Bytes(&data), &opts)))
    });
}

criterion_group!(benches, seal_signature);
criterion_main!(benches);
