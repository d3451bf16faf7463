//! The test PKI under `test-vectors/x509/sm2`, shared by the integration tests that sign and
//! verify with it.

use std::path::{Path, PathBuf};

use yinjian::seal::SealOptions;
use yinjian::sm::sm2::PrivateKey;
use yinjian::x509::{parse_all, Certificate, RevocationPolicy, TrustStore};
use yinjian::Time;

/// A time inside every test PKI certificate's validity (they expire 2029-01-01).
pub const VALIDATION_TIME: &str = "2027-06-01T00:00:00Z";

/// The repository's `test-vectors` folder.
pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

/// A test PKI certificate: `certs/{name}.pem`.
pub fn cert(name: &str) -> Certificate {
    parse_all(&std::fs::read(vectors().join(format!("x509/sm2/certs/{name}.pem"))).unwrap())
        .unwrap()
        .remove(0)
}

/// A test PKI private key: `keys/{name}.key.pem`.
pub fn key(name: &str) -> PrivateKey {
    PrivateKey::parse(&std::fs::read(vectors().join(format!("x509/sm2/keys/{name}.key.pem"))).unwrap()).unwrap()
}

/// A time from its RFC 3339 text.
pub fn t(s: &str) -> Time {
    Time::parse(s).unwrap()
}

/// A scratch folder of this process and thread, so parallel tests never share one.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "yinjian-{prefix}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Trust in the test PKI: its root as anchor and its intermediate supplied.
pub struct TestPki {
    /// The root, trusted.
    pub trust: TrustStore,
    /// The intermediate, given as a chain hint.
    pub intermediates: Vec<Certificate>,
}

impl TestPki {
    /// The root trusted, the intermediate supplied.
    pub fn new() -> TestPki {
        let mut trust = TrustStore::new();
        trust.add_certificate(cert("root"), None);
        TestPki {
            trust,
            intermediates: vec![cert("int")],
        }
    }

    /// Seal options at [`VALIDATION_TIME`] with no revocation data required.
    pub fn seal_options(&self) -> SealOptions<'_> {
        let mut opts = SealOptions::new(&self.trust, t(VALIDATION_TIME));
        opts.chain.revocation = RevocationPolicy::NotRequired;
        opts.intermediates = self.intermediates.clone();
        opts
    }
}

/// Whether OpenSSL 3 verifies `signature` (DER) over `message` with the SM2 public key in
/// `pubkey_pem` and the default distinguishing ID: the independent oracle.
pub fn openssl_sm2_verify(pubkey_pem: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let dir = scratch_dir("openssl");
    let (k, m, s) = (dir.join("k.pem"), dir.join("m"), dir.join("s"));
    std::fs::write(&k, pubkey_pem).unwrap();
    std::fs::write(&m, message).unwrap();
    std::fs::write(&s, signature).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
        .arg(&k)
        .args(["-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in"])
        .arg(&m)
        .arg("-sigfile")
        .arg(&s)
        .output()
        .expect("openssl 3");
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stdout).contains("Verified Successfully")
}

/// The third-party corpus folder: `$YINJIAN_CORPUS`, by default `../shared/corpus` beside the
/// repository. Whether it is there is [`corpus`]'s question.
#[allow(dead_code)] // not every test crate reads the corpus
pub fn corpus_root() -> PathBuf {
    std::env::var_os("YINJIAN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
}

/// The file that counts corpus skips, one line per skip (test name, then the missing path):
/// `corpus-skipped.txt` in cargo's `target/tmp`. `scripts/test` empties it first and counts it
/// last.
#[allow(dead_code)] // not every test crate reads the corpus
pub const SKIP_LOG: &str = "corpus-skipped.txt";

/// The third-party corpus ([`corpus_root`]) joined with `rel`, when it is there. Without it a
/// test skips (returns early) with one line that says what it skipped and how to get the
/// corpus, and the skip is counted in [`SKIP_LOG`]; under `CI=true` a missing corpus fails.
#[allow(dead_code)] // not every test crate reads the corpus
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let path = corpus_root().join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing: CI must have the corpus (set YINJIAN_CORPUS)",
            path.display()
        );
    }
    let test = std::thread::current().name().unwrap_or("?").to_string();
    eprintln!(
        "SKIPPED: {test}: {} not found (set YINJIAN_CORPUS to the corpus folder; scripts/get-corpus DIR fetches its public parts)",
        path.display()
    );
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(SKIP_LOG);
    let crate_name = env!("CARGO_CRATE_NAME");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(log) {
        use std::io::Write;
        let _ = writeln!(f, "{crate_name}::{test}\t{}", path.display());
    }
    None
}

/// Name, raw compressed bytes, CRC-32 and compression method of every entry of an OFD (ZIP)
/// package, in order (for tests that check entries are kept byte for byte).
#[allow(dead_code)] // the OFD writing tests
pub fn raw_entries(doc: &[u8]) -> Vec<(String, Vec<u8>, u32, String)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(doc)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index_raw(i).unwrap();
            let name = file.name().unwrap().into_owned();
            let (crc, method) = (file.crc32(), format!("{:?}", file.compression()));
            let mut raw = Vec::new();
            file.read_to_end(&mut raw).unwrap();
            (name, raw, crc, method)
        })
        .collect()
}

/// The decompressed bytes of entry `name` of an OFD (ZIP) package.
#[allow(dead_code)] // the OFD writing tests
pub fn read_entry(doc: &[u8], name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(doc)).unwrap();
    let mut out = Vec::new();
    archive.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// An OFD (ZIP) package with entry `name`'s content replaced, every other entry copied raw.
#[allow(dead_code)] // the OFD writing tests
pub fn replace_entry(doc: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(doc)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).unwrap();
        if file.name().unwrap() == name {
            drop(file);
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(content).unwrap();
        } else {
            out.raw_copy_file(file).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}
