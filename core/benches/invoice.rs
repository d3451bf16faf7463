//! E-invoice recognition and full verification, invoices per second on one core.
//!
//! - `invoice/recognise-1.ofd`: reading the corpus e-invoice (`$YINJIAN_CORPUS/ofd/1.ofd`,
//!   default `../shared/corpus`; skipped when absent) into the invoice model: package, OFD.xml,
//!   Document.xml, attachments, CustomTags, page text.
//! - `invoice/verify-1.ofd`: the whole invoice verification of that file (the OFD verifier,
//!   then every invoice check). Its roots are not available: the chains end indeterminate.
//!   Repeated, it meets its seal, template and certificates remembered by the thread, as a
//!   batch of one issuer's invoices does; `invoice/verify-1.ofd-first` empties those caches
//!   before every verification (the first invoice of an issuer).
//! - `invoice/verify-generated`: `test-vectors/invoice/good.ofd`, verified to PASSED with the
//!   test PKI's full chains.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use yinjian::invoice::{read_invoice_ofd, verify_invoice};
use yinjian::ofd::OfdOptions;
use yinjian::seal::SealOptions;
use yinjian::x509::{parse_all, RevocationPolicy, TrustStore};
use yinjian::{Status, Time};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn corpus(rel: &str) -> PathBuf {
    std::env::var_os("YINJIAN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
        .join(rel)
}

fn invoices(c: &mut Criterion) {
    let mut store = TrustStore::new();
    let certs = vectors().join("x509/sm2/certs");
    store.add_certificate(
        parse_all(&std::fs::read(certs.join("root.pem")).unwrap())
            .unwrap()
            .remove(0),
        None,
    );
    let intermediates = parse_all(&std::fs::read(certs.join("int.pem")).unwrap()).unwrap();
    let mut group = c.benchmark_group("invoice");
    group.throughput(Throughput::Elements(1));

    let mut seal = SealOptions::new(&store, Time::parse("2020-07-24T00:00:00Z").unwrap());
    seal.chain.revocation = RevocationPolicy::NotRequired;
    seal.intermediates = intermediates.clone();
    let opts = OfdOptions::new(seal);
    match std::fs::read(corpus("ofd/1.ofd")) {
        Ok(bytes) => {
            let report = verify_invoice(&bytes, &opts);
            assert_eq!(report.status, Status::Indeterminate, "{}", report.to_text());
            group.bench_function("recognise-1.ofd", |b| {
                b.iter(|| black_box(read_invoice_ofd(&bytes).unwrap()))
            });
            group.bench_function("verify-1.ofd", |b| b.iter(|| black_box(verify_invoice(&bytes, &opts))));
            // As the first invoice of an issuer: the thread's caches emptied every time.
            group.bench_function("verify-1.ofd-first", |b| {
                b.iter(|| {
                    yinjian::forget_thread_caches();
                    black_box(verify_invoice(&bytes, &opts))
                })
            });
        }
        Err(_) => eprintln!("SKIPPED: invoice bench: the corpus ofd/1.ofd is not there (set YINJIAN_CORPUS)"),
    }

    let mut seal = SealOptions::new(&store, Time::parse("2027-06-01T00:00:00Z").unwrap());
    seal.chain.revocation = RevocationPolicy::NotRequired;
    seal.intermediates = intermediates;
    let opts = OfdOptions::new(seal);
    let good = std::fs::read(vectors().join("invoice/good.ofd")).unwrap();
    let report = verify_invoice(&good, &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    group.bench_function("verify-generated", |b| {
        b.iter(|| black_box(verify_invoice(&good, &opts)))
    });
    group.finish();
}

criterion_group!(benches, invoices);
criterion_main!(benches);
