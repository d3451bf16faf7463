//! Profiling aid: a batch of distinct invoices of one issuer, for callgrind or perf.
//!
//! `ofd_loop` verifies one file over and over, so every cache keyed by what a document
//! contains is hit every time; a real batch of one tax bureau's invoices shares the seal, the
//! template and the resources, not the invoice data. This example makes `VARIANTS` invoices
//! from one e-invoice OFD (the corpus `ofd/1.ofd`): each has its own invoice number (in
//! OFD.xml, the page and the invoice XML), its own DocID and QR image bytes, and Signature.xml
//! with the CheckValues of those files and its own SignatureDateTime. The SignedValue is the
//! original, so the seal's `dataHash` no longer matches and the verdict is FAILED, but the work
//! is that of a genuine invoice: the references all match and are all hashed, both SM2
//! signatures are verified in full, and the document signature's signed bytes are the same in
//! every variant (no cache keyed by them exists, so that does not make it cheaper).
//!
//! `cargo run --release -p yinjian --example invoice_batch -- FILE VARIANTS ROUNDS [invoice]`
//! verifies the variants in turn, ROUNDS times over.

use std::io::{Cursor, Read, Write};

use base64::Engine;
use yinjian::ofd::{verify_ofd_bytes, OfdOptions};
use yinjian::seal::SealOptions;
use yinjian::sm::sm3::sm3;
use yinjian::x509::{RevocationPolicy, TrustStore};
use yinjian::Time;

/// The entries of a ZIP package, in order: (name, bytes); folders as empty names ending in `/`.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP package");
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).expect("entry");
            let mut data = Vec::new();
            file.read_to_end(&mut data).expect("entry data");
            (file.name().expect("entry name").into_owned(), data)
        })
        .collect()
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Variant `n` of the e-invoice: see the module doc.
fn variant(original: &[(String, Vec<u8>)], n: usize) -> Vec<u8> {
    let number = format!("{:08}", 83_089_647 + n);
    let mut files: Vec<(String, Vec<u8>)> = original.to_vec();
    let mut changed: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, data) in &mut files {
        let lower = name.to_lowercase();
        let before = data.clone();
        *data = replace(data, b"83089647", number.as_bytes());
        if lower == "ofd.xml" {
            *data = replace(
                data,
                b"314d31d026e84941b484c3cf9d6be5b4",
                format!("{:032x}", n).as_bytes(),
            );
        }
        if lower.ends_with(".jb2") && !data.is_empty() {
            let last = data.len() - 1;
            data[last] ^= (n as u8).wrapping_add(1);
        }
        if *data != before {
            changed.push((format!("/{name}"), before));
        }
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    for i in 0..files.len() {
        if !files[i].0.ends_with("Signature.xml") {
            continue;
        }
        let mut xml = files[i].1.clone();
        for (name, before) in &changed {
            let now = files
                .iter()
                .find(|(n, _)| format!("/{n}") == *name)
                .expect("file")
                .1
                .clone();
            xml = replace(
                &xml,
                b64.encode(sm3(before)).as_bytes(),
                b64.encode(sm3(&now)).as_bytes(),
            );
        }
        xml = replace(
            &xml,
            b"20200723130907.763Z",
            format!("20200723{:06}.763Z", n % 1_000_000).as_bytes(),
        );
        files[i].1 = xml;
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in &files {
        let method = if name.ends_with(".jb2") || data.is_empty() {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        if name.ends_with('/') {
            out.add_directory(name.as_str(), options).expect("folder");
        } else {
            out.start_file(name.as_str(), options).expect("entry");
            out.write_all(data).expect("write");
        }
    }
    out.finish().expect("zip").into_inner()
}

/// Nanoseconds this thread has run on a CPU, when the kernel says (Linux).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let original = std::fs::read(&args[1]).expect("the e-invoice OFD");
    let count: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(16);
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let as_invoice = args.get(4).is_some_and(|a| a == "invoice");
    let files = entries(&original);
    let variants: Vec<Vec<u8>> = (0..count).map(|n| variant(&files, n)).collect();
    let store = TrustStore::new();
    let mut seal = SealOptions::new(&store, Time::parse("2026-11-24T12:00:00Z").expect("time"));
    seal.chain.revocation = RevocationPolicy::NotRequired;
    let opts = OfdOptions::new(seal);
    let t = std::time::Instant::now();
    let cpu = thread_cpu_ns();
    for _ in 0..rounds {
        for bytes in &variants {
            if as_invoice {
                let _ = std::hint::black_box(yinjian::invoice::verify_invoice(bytes, &opts));
            } else {
                let _ = std::hint::black_box(verify_ofd_bytes(bytes, &opts));
            }
        }
    }
    let n = (count * rounds).max(1);
    let el = t.elapsed();
    eprintln!("{n} in {el:?}: {:?}/doc", el / n as u32);
    if let (Some(start), Some(end)) = (cpu, thread_cpu_ns()) {
        let per_second = n as f64 * 1e9 / end.saturating_sub(start).max(1) as f64;
        eprintln!("{per_second:.0} documents per CPU-second");
    }
    if std::env::var_os("INVOICE_BATCH_SHOW").is_some() {
        let report = yinjian::invoice::verify_invoice(&variants[count - 1], &opts);
        println!("{}", serde_json::to_string_pretty(&report).expect("json"));
    }
}
