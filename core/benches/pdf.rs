//! PDF verification of a large signed file against the floor of hashing it.
//!
//! A ≈100 MB PDF (`YINJIAN_BENCH_PDF_MB`, in 10^6 bytes; 0 skips) is built in memory: one page
//! drawing nothing, and incompressible 1 MB image XObjects (a scanned archive's shape), then
//! signed by yinjian's own signer with ECDSA P-256 (SHA-256) and with SM2 (SM3), each to
//! PASSED with the test PKIs. Measured side by side in one run:
//!
//! - `pdf-large/sha256-hash`, `pdf-large/sm3-hash`: the digest of the signed bytes alone (the
//!   floor: a verifier cannot do less);
//! - `pdf-large/verify-ecdsa`, `pdf-large/verify-sm2`: `verify_pdf` end to end (revisions,
//!   lopdf load, byte ranges, digest, CMS, chain, change analysis).
//!
//! Long-term validation (issue 17), group `pdf-ltv`: `plain` is a PAdES B-B signature
//! (test-vectors/ltv/b-b.pdf) verified while its certificate is valid, with current CRLs;
//! `b-lta-3` is the same kind of signature with a signature time-stamp, a DSS and three nested
//! document time-stamps (b-lta-3.pdf) verified in 2028, after the signer certificate and the
//! CRLs expired: past validation at the earliest proof of existence, each time-stamp's chain
//! judged at the next one. The target: `b-lta-3` ≤ 2 × `plain`.
//!
//! The target (issue 6): verify ≤ 1.3 × hash. Memory: a counting allocator records the peak
//! heap held while one `verify_pdf` runs (the file's bytes themselves are the caller's: the
//! CLI maps the file instead of reading it), printed before the timings.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use yinjian::alg::DigestAlgorithm;
use yinjian::cms::build::CmsKey;
use yinjian::pdf::{sign_pdf, verify_pdf, PdfOptions, PdfSignOptions, PdfSigner};
use yinjian::seal::SealOptions;
use yinjian::sm::sm2::PrivateKey;
use yinjian::x509::{parse_all, Certificate, Crl, RevocationPolicy, TrustStore};
use yinjian::{Status, Time};

/// Counts live heap bytes and remembers the peak since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SIGNED_AT: &str = "2026-11-24T00:00:00Z";
const VERIFIED_AT: &str = "2027-06-01T00:00:00Z";
const IMAGE_BYTES: usize = 1_000_000;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn pem(path: &str) -> Vec<Certificate> {
    parse_all(&std::fs::read(vectors().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn time(s: &str) -> Time {
    Time::parse(s).unwrap()
}

/// An unsigned PDF of about `total` bytes: one page and incompressible image XObjects.
fn big_pdf(total: usize) -> Vec<u8> {
    let images = total.div_ceil(IMAGE_BYTES).max(1);
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let object = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let xobjects: String = (0..images).map(|i| format!("/Im{i} {} 0 R ", 5 + i)).collect();
    object(&mut out, &mut offsets, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut out, &mut offsets, b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>");
    let page = format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 595 842 ] /Resources << /XObject << {xobjects}>> >> /Contents 4 0 R >>"
    );
    object(&mut out, &mut offsets, page.as_bytes());
    object(&mut out, &mut offsets, b"<< /Length 0 >>\nstream\n\nendstream");
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..images {
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width 1000 /Height 1000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {IMAGE_BYTES} >>\nstream\n"
        )
        .into_bytes();
        body.reserve(IMAGE_BYTES + 16);
        for _ in 0..IMAGE_BYTES / 8 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            body.extend_from_slice(&state.to_le_bytes());
        }
        body.extend_from_slice(b"\nendstream");
        object(&mut out, &mut offsets, &body);
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for off in &offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

struct Case {
    name: &'static str,
    digest: DigestAlgorithm,
    signed: Vec<u8>,
    trust: TrustStore,
    intermediates: Vec<Certificate>,
}

fn sign(input: &[u8], key: &CmsKey, cert: &Certificate, chain: &[Certificate]) -> Vec<u8> {
    let signer = PdfSigner {
        key,
        certificate: cert,
        chain,
    };
    sign_pdf(input, &signer, &PdfSignOptions::new(time(SIGNED_AT))).expect("sign the large PDF")
}

fn cases(unsigned: &[u8]) -> Vec<Case> {
    let ec_key = CmsKey::parse(&std::fs::read(vectors().join("cms/pki/ec-signer.key.pem")).unwrap()).unwrap();
    let ec_cert = pem("cms/pki/ec-signer.pem").remove(0);
    let mut ec_trust = TrustStore::new();
    ec_trust.add_certificate(pem("cms/pki/root.pem").remove(0), None);

    let sm2_key = PrivateKey::parse(&std::fs::read(vectors().join("x509/sm2/keys/leaf.key.pem")).unwrap()).unwrap();
    let sm2_cert = pem("x509/sm2/certs/leaf.pem").remove(0);
    let int = pem("x509/sm2/certs/int.pem");
    let mut sm2_trust = TrustStore::new();
    sm2_trust.add_certificate(pem("x509/sm2/certs/root.pem").remove(0), None);
    vec![
        Case {
            name: "ecdsa",
            digest: DigestAlgorithm::Sha256,
            signed: sign(unsigned, &ec_key, &ec_cert, &[]),
            trust: ec_trust,
            intermediates: Vec::new(),
        },
        Case {
            name: "sm2",
            digest: DigestAlgorithm::Sm3,
            signed: sign(unsigned, &CmsKey::Sm2(sm2_key), &sm2_cert, &int),
            trust: sm2_trust,
            intermediates: int,
        },
    ]
}

fn options(case: &Case) -> PdfOptions<'_> {
    let mut seal = SealOptions::new(&case.trust, time(VERIFIED_AT));
    seal.chain.revocation = RevocationPolicy::NotRequired;
    seal.intermediates = case.intermediates.clone();
    PdfOptions::new(seal)
}

fn bench_large(c: &mut Criterion) {
    let mb: usize = std::env::var("YINJIAN_BENCH_PDF_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    if mb == 0 {
        return;
    }
    let unsigned = big_pdf(mb * 1_000_000);
    let cases = cases(&unsigned);
    drop(unsigned);
    let mut group = c.benchmark_group("pdf-large");
    group.sample_size(10);
    for case in &cases {
        let opts = options(case);
        // One checked run, with the heap high-water mark of the verification alone.
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let report = verify_pdf(&case.signed, &opts);
        let peak = PEAK.load(Ordering::Relaxed) - before;
        assert_eq!(report.status, Status::Passed, "{}", report.to_text());
        eprintln!(
            "pdf-large/{}: {} bytes, peak heap during verify_pdf {:.2} MB ({:.2} % of the file)",
            case.name,
            case.signed.len(),
            peak as f64 / 1e6,
            peak as f64 * 100.0 / case.signed.len() as f64
        );
        group.throughput(Throughput::Bytes(case.signed.len() as u64));
        let hash_name = format!("{}-hash", case.digest.name().to_lowercase().replace('-', ""));
        group.bench_function(hash_name, |b| {
            b.iter(|| black_box(case.digest.digest(black_box(&case.signed))))
        });
        group.bench_function(format!("verify-{}", case.name), |b| {
            b.iter(|| black_box(verify_pdf(black_box(&case.signed), &opts)))
        });
    }
    group.finish();
}

/// One LTV file verified at `at` with the LTV test root and `crls` (test-vectors/ltv).
fn ltv_case(file: &str, at: &str, crls: &[&str]) -> (Vec<u8>, TrustStore, Vec<Crl>, Time) {
    let dir = vectors().join("ltv");
    let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut trust = TrustStore::new();
    for cert in pem("ltv/pki/root.pem") {
        trust.add_certificate(cert, None);
    }
    let crls = crls
        .iter()
        .flat_map(|f| Crl::parse_all(&std::fs::read(dir.join(f)).unwrap()).unwrap())
        .collect();
    (bytes, trust, crls, time(at))
}

fn bench_ltv(c: &mut Criterion) {
    let cases = [
        (
            "plain",
            ltv_case(
                "b-b.pdf",
                "2026-06-01T00:00:00Z",
                &["crl/signing-ca-2026-05.pem", "crl/root-2026-05.pem"],
            ),
        ),
        (
            "b-lta-3",
            ltv_case(
                "b-lta-3.pdf",
                "2028-06-01T00:00:00Z",
                &["crl/root-2028.pem", "crl/tsa-ca-2028.pem"],
            ),
        ),
    ];
    let mut group = c.benchmark_group("pdf-ltv");
    for (name, (bytes, trust, crls, at)) in &cases {
        let mut seal = SealOptions::new(trust, *at);
        seal.chain.revocation = RevocationPolicy::Required;
        seal.chain.crls = crls.clone();
        let opts = PdfOptions::new(seal);
        let report = verify_pdf(bytes, &opts);
        assert_eq!(report.status, Status::Passed, "{name}: {}", report.to_text());
        group.bench_function(*name, |b| b.iter(|| black_box(verify_pdf(black_box(bytes), &opts))));
    }
    group.finish();
}

criterion_group!(benches, bench_ltv, bench_large);
criterion_main!(benches);
