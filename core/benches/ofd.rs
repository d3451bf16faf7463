//! OFD verification: small documents per second, and a large document streamed from disk.
//!
//! - `ofd/einvoice-1.ofd`: the corpus e-invoice (`$YINJIAN_CORPUS/ofd/1.ofd`, by default
//!   `../shared/corpus`; skipped with one line when absent). Its roots are not available, so
//!   the chains end indeterminate: every check runs except the last step of path building.
//! - `ofd/sealed-30k`: a ≈30 KB e-invoice-like OFD built here (page content and a picture,
//!   deflated), sealed with `test-vectors/seal/v4.esl` by the test PKI's leaf key, verified
//!   to PASSED with the full chains (root → int → leaf and seal maker).
//! - `ofd/sealed.ofd`: `test-vectors/ofd/sealed.ofd`, when it exists (PASSED as well).
//! - `ofd/large-streamed`: a document whose one signature references two incompressible
//!   images (stored, random bytes; 150 + 50 MB by default, `YINJIAN_BENCH_OFD_MB` sets the
//!   total; 0 skips this bench), written to `YINJIAN_BENCH_DIR` (default: the system temp
//!   dir) as `big.ofd` at bench time (even when a filter leaves only the small benches) and
//!   verified with `verify_ofd` over a `File`: every byte is read and SM3-hashed once.
//!   `scripts/bench-ofd` runs this and then measures the CLI's peak memory on the file.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufReader, BufWriter, Cursor, Seek, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use yinjian::alg::DigestAlgorithm;
use yinjian::ofd::{verify_ofd, verify_ofd_bytes, OfdOptions};
use yinjian::seal::{sign, SealOptions, SignSpec};
use yinjian::sm::sm2::PrivateKey;
use yinjian::x509::{parse_all, Certificate, RevocationPolicy, TrustStore};
use yinjian::{Status, Time};

const SIGNED_AT: &str = "2026-11-24T00:00:00Z";
const VERIFIED_AT: &str = "2026-11-24T12:00:00Z";
const SIGNATURE_XML: &str = "Doc_0/Signs/Sign_0/Signature.xml";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(vectors().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cert(name: &str) -> Certificate {
    parse_all(&read(&format!("x509/sm2/certs/{name}.pem")))
        .unwrap()
        .remove(0)
}

/// Trust in the test PKI's root, its intermediate, no revocation data required.
struct Trust {
    store: TrustStore,
    intermediates: Vec<Certificate>,
}

impl Trust {
    fn new() -> Trust {
        let mut store = TrustStore::new();
        store.add_certificate(cert("root"), None);
        Trust {
            store,
            intermediates: vec![cert("int")],
        }
    }

    fn options(&self) -> OfdOptions<'_> {
        let mut seal = SealOptions::new(&self.store, Time::parse(VERIFIED_AT).unwrap());
        seal.chain.revocation = RevocationPolicy::NotRequired;
        seal.intermediates = self.intermediates.clone();
        OfdOptions::new(seal)
    }
}

/// Deterministic incompressible bytes (xorshift64*).
struct Noise(u64);

impl Noise {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let word = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

/// A package being written: every file but the signature's own is recorded with its SM3
/// digest, for the References.
struct Builder<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    refs: Vec<(String, Vec<u8>)>,
}

impl<W: Write + Seek> Builder<W> {
    fn new(out: W) -> Self {
        Builder {
            zip: zip::ZipWriter::new(out),
            refs: Vec::new(),
        }
    }

    fn start(&mut self, name: &str, stored: bool) {
        let method = if stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        self.zip.start_file(name, options).unwrap();
    }

    /// A file written whole; `covered` adds it to the References.
    fn file(&mut self, name: &str, data: &[u8], covered: bool) {
        self.start(name, false);
        self.zip.write_all(data).unwrap();
        if covered {
            self.refs.push((name.to_owned(), DigestAlgorithm::Sm3.digest(data)));
        }
    }

    /// A stored file of `len` random bytes, written and hashed chunk by chunk.
    fn noise(&mut self, name: &str, len: u64, seed: u64) {
        self.start(name, true);
        let mut noise = Noise(seed | 1);
        let mut hasher = DigestAlgorithm::Sm3.hasher();
        let mut buf = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = left.min(buf.len() as u64) as usize;
            noise.fill(&mut buf[..n]);
            hasher.update(&buf[..n]);
            self.zip.write_all(&buf[..n]).unwrap();
            left -= n as u64;
        }
        self.refs.push((name.to_owned(), hasher.finalize()));
    }

    /// Adds the signature list, Signature.xml over every covered file, its seal signature
    /// (v4.esl, signed by the leaf key) and the seal file, then closes the package.
    fn seal_and_finish(mut self) -> W {
        let seal = read("seal/v4.esl");
        self.file(
            "Doc_0/Signs/Signatures.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures xmlns:ofd="http://www.ofdspec.org/2016"><ofd:MaxSignId>1</ofd:MaxSignId><ofd:Signature ID="1" Type="Seal" BaseLoc="/{SIGNATURE_XML}"/></ofd:Signatures>"#
            )
            .as_bytes(),
            true,
        );
        self.file("Doc_0/Signs/Sign_0/Seal.esl", &seal, true);
        let b64 = base64::engine::general_purpose::STANDARD;
        let references: String = self
            .refs
            .iter()
            .map(|(name, digest)| {
                format!(
                    r#"<ofd:Reference FileRef="/{name}"><ofd:CheckValue>{}</ofd:CheckValue></ofd:Reference>"#,
                    b64.encode(digest)
                )
            })
            .collect();
        let signature_xml = format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Signature xmlns:ofd="http://www.ofdspec.org/2016"><ofd:SignedInfo>"#,
                r#"<ofd:Provider ProviderName="yinjian-bench" Company="yinjian" Version="0"/>"#,
                r#"<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"#,
                r#"<ofd:SignatureDateTime>20261124000000Z</ofd:SignatureDateTime>"#,
                r#"<ofd:References CheckMethod="1.2.156.10197.1.401">{}</ofd:References>"#,
                r#"<ofd:StampAnnot ID="9" PageRef="1" Boundary="150 10 40 40"/>"#,
                r#"<ofd:Seal><ofd:BaseLoc>/Doc_0/Signs/Sign_0/Seal.esl</ofd:BaseLoc></ofd:Seal>"#,
                r#"</ofd:SignedInfo><ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>"#
            ),
            references
        );
        let key = PrivateKey::parse(&read("x509/sm2/keys/leaf.key.pem")).unwrap();
        let spec = SignSpec::for_data(
            signature_xml.as_bytes(),
            Time::parse(SIGNED_AT).unwrap(),
            &format!("/{SIGNATURE_XML}"),
        );
        let value = sign(&seal, &key, cert("leaf").der(), &spec).unwrap();
        self.file(SIGNATURE_XML, signature_xml.as_bytes(), false);
        self.file("Doc_0/Signs/Sign_0/SignedValue.dat", &value, false);
        self.zip.finish().unwrap()
    }
}

/// OFD.xml, Document.xml, PublicRes.xml and one page of `page_text`, with the images named.
fn skeleton<W: Write + Seek>(b: &mut Builder<W>, images: &[&str], page_text: &str) {
    b.file(
        "OFD.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>yinjian-bench</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>"#,
        true,
    );
    b.file(
        "Doc_0/Document.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>100</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#,
        true,
    );
    let media: String = images
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let file = name.rsplit('/').next().unwrap();
            format!(
                r#"<ofd:MultiMedia ID="{}" Type="Image"><ofd:MediaFile>{file}</ofd:MediaFile></ofd:MultiMedia>"#,
                10 + i
            )
        })
        .collect();
    b.file(
        "Doc_0/PublicRes.xml",
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"><ofd:MultiMedias>{media}</ofd:MultiMedias></ofd:Res>"#).as_bytes(),
        true,
    );
    b.file(
        "Doc_0/Pages/Page_0/Content.xml",
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">{page_text}</ofd:Layer></ofd:Content></ofd:Page>"#).as_bytes(),
        true,
    );
}

/// A ≈30 KB sealed e-invoice-like document: 200 text lines (deflated to ≈10 KB), a 16 KiB
/// picture, the seal.
fn small_sealed() -> Vec<u8> {
    let mut b = Builder::new(Cursor::new(Vec::new()));
    let lines: String = (0..200)
        .map(|i| {
            format!(
                r#"<ofd:TextObject ID="{}" Boundary="10 {} 190 5" Font="3" Size="3"><ofd:TextCode X="0" Y="3">第{i}行 货物或应税劳务名称 规格型号 单位 数量 {}.{:02} 金额 税率 13% 税额</ofd:TextCode></ofd:TextObject>"#,
                1000 + i,
                10 + i % 120,
                (i * 7919) % 10007,
                (i * 31) % 100,
            )
        })
        .collect();
    skeleton(&mut b, &["Doc_0/Res/image_0.png"], &lines);
    b.noise("Doc_0/Res/image_0.png", 16 * 1024, 7);
    b.seal_and_finish().into_inner()
}

/// Writes `dir/big.ofd` with images of `total` bytes (three quarters and one quarter).
fn large_sealed(dir: &Path, total: u64) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("big.ofd");
    let out = BufWriter::with_capacity(1 << 20, File::create(&path).unwrap());
    let mut b = Builder::new(out);
    let images = ["Doc_0/Res/image_0.png", "Doc_0/Res/image_1.png"];
    skeleton(
        &mut b,
        &images,
        r#"<ofd:ImageObject ID="20" Boundary="0 0 210 140" ResourceID="10"/>"#,
    );
    b.noise(images[0], total / 4 * 3, 11);
    b.noise(images[1], total - total / 4 * 3, 13);
    b.seal_and_finish().into_inner().unwrap().sync_all().unwrap();
    path
}

fn small_documents(c: &mut Criterion) {
    let trust = Trust::new();
    let opts = trust.options();
    let mut group = c.benchmark_group("ofd");

    // The corpus e-invoice, found as the tests find the corpus.
    let invoice = std::env::var_os("YINJIAN_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
        .join("ofd/1.ofd");
    if let Ok(bytes) = std::fs::read(&invoice) {
        let report = verify_ofd_bytes(&bytes, &opts);
        assert_eq!(report.status, Status::Indeterminate, "{}", report.to_text());
        group.throughput(Throughput::Elements(1));
        group.bench_function("einvoice-1.ofd", |b| {
            b.iter(|| black_box(verify_ofd_bytes(&bytes, &opts)))
        });
        // The first document of an issuer: nothing of its seal, pages or certificates
        // remembered by the thread (`einvoice-1.ofd` above repeats one file, as a batch of
        // one issuer's invoices repeats its seal and template).
        group.bench_function("einvoice-1.ofd-first", |b| {
            b.iter(|| {
                yinjian::forget_thread_caches();
                black_box(verify_ofd_bytes(&bytes, &opts))
            })
        });
    } else {
        eprintln!(
            "SKIPPED: ofd bench einvoice-1.ofd: {} not found (set YINJIAN_CORPUS)",
            invoice.display()
        );
    }

    let small = small_sealed();
    eprintln!("ofd bench: sealed-30k is {} bytes", small.len());
    let report = verify_ofd_bytes(&small, &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    group.throughput(Throughput::Elements(1));
    group.bench_function("sealed-30k", |b| b.iter(|| black_box(verify_ofd_bytes(&small, &opts))));

    if let Ok(sealed) = std::fs::read(vectors().join("ofd/sealed.ofd")) {
        let report = verify_ofd_bytes(&sealed, &opts);
        if report.status == Status::Passed {
            group.bench_function("sealed.ofd", |b| b.iter(|| black_box(verify_ofd_bytes(&sealed, &opts))));
        } else {
            eprintln!(
                "ofd bench: test-vectors/ofd/sealed.ofd is {} here, skipped",
                report.status
            );
        }
    }
    group.finish();
}

fn large_document(c: &mut Criterion) {
    let total_mb: u64 = std::env::var("YINJIAN_BENCH_OFD_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    if total_mb == 0 {
        return;
    }
    let dir = std::env::var_os("YINJIAN_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("yinjian-bench-ofd"));
    let path = large_sealed(&dir, total_mb * 1_000_000);
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!("ofd bench: {} is {size} bytes", path.display());
    let trust = Trust::new();
    let opts = trust.options();
    let verify = || verify_ofd(BufReader::new(File::open(&path).unwrap()), &opts);
    let report = verify();
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());

    let mut group = c.benchmark_group("ofd");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(size));
    group.bench_function("large-streamed", |b| b.iter(|| black_box(verify())));
    group.finish();
}

criterion_group!(benches, small_documents, large_document);
criterion_main!(benches);
