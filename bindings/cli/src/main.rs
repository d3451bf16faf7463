//! `yinjian`: the command-line face of the yinjian library.
//!
//! Exit codes: 0 = passed, 1 = failed, 2 = indeterminate, 3 = usage or input error.
//! Every verifying command prints a readable report, or the JSON report with `--json`.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod invoice;
mod serve;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod cms;
use indicatif::{ProgressBar, ProgressStyle};
use yinjian::codec::{decode_text_or_binary, Decoded, MAX_TEXT_INPUT};
use yinjian::seal;
use yinjian::sm::sm2::{self, PrivateKey, PublicKey, SignatureEncoding, Sm2Signer, Sm2Verifier};
use yinjian::sm::sm3::sm3_reader_with_progress;
use yinjian::x509;
use yinjian::{Report, Status, Time};

/// Files larger than this get a progress bar while they are hashed.
const PROGRESS_THRESHOLD: u64 = 64 * 1024 * 1024;

/// Maps a file read-only, so a large PDF is hashed in place without being copied into memory.
fn map_file(file: &File) -> io::Result<memmap2::Mmap> {
    // SAFETY: the mapping is read-only and private to this process. If another process
    // truncates the file while it is mapped, reads can fault: the CLI accepts that risk for
    // a verification (the alternative is holding the whole file in memory).
    #[allow(unsafe_code)]
    unsafe {
        memmap2::Mmap::map(file)
    }
}

/// Exit code for usage and input errors.
const EXIT_USAGE: u8 = 3;

#[derive(Parser)]
#[command(
    name = "yinjian",
    version,
    about = "Verify and make SM2/SM3 signatures, seals and signed documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run test-vector files (`test-vectors/*.jsonl`): every case must give its expected answer.
    Vectors {
        /// The `.jsonl` files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print `{"id", "report"}` per line for the cases that make a report, without judging
        /// them (the WASM tests compare these with their own).
        #[arg(long)]
        reports: bool,
    },
    /// Verify every signature of a signed document (OFD or PDF), with a report per signature.
    Verify {
        /// The document.
        document: PathBuf,
        /// Certificates of signers whose signatures carry none (bare SM2 Type=Sign signatures).
        #[arg(long, num_args = 1..)]
        signer_cert: Vec<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// SM3 digests of files, printed like sm3sum (`-` reads standard input).
    Sm3 {
        /// Files to hash.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// SM2 signatures: sign, verify, derive a public key.
    #[command(subcommand)]
    Sm2(Sm2Command),
    /// X.509 certificates: show, verify a chain.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Identity tokens (JWS/JWT/OIDC, SM2 and the standard algorithms): verify, sign, inspect.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Identifiers: resident identity number, unified social credit code, organisation code,
    /// national e-licence identifier.
    #[command(subcommand)]
    Id(IdCommand),
    /// Electronic seals (GB/T 38540 v4, GM/T 0031 v1): show, verify, make, sign.
    #[command(subcommand)]
    Seal(SealCommand),
    /// OFD documents: sign (verify with `yinjian verify`).
    #[command(subcommand)]
    Ofd(OfdCommand),
    /// PDF documents: sign (verify with `yinjian verify`).
    #[command(subcommand)]
    Pdf(PdfCommand),
    /// CMS / PKCS#7 signatures (.p7s, .p7m): verify, show.
    #[command(subcommand)]
    Cms(cms::CmsCommand),
    /// Signed licence QR codes (YJ1:): make from licence data, verify from text or an image.
    #[command(subcommand)]
    Qr(QrCommand),
    /// E-licence files: verify an OFD licence (its seals, then the licence rules).
    #[command(subcommand)]
    Licence(LicenceCommand),
    /// Serve verification over HTTP (`POST /v1/verify`, `GET /v1/health`, `GET /v1/openapi.json`)
    /// for backends in any language; loopback only unless told otherwise.
    Serve(serve::ServeArgs),
    /// E-invoices: verify one (seal, shown = signed, QR code, arithmetic, tax IDs), or list
    /// many with the invoices seen twice flagged.
    #[command(subcommand)]
    Invoice(invoice::InvoiceCommand),
}

#[derive(Subcommand)]
enum LicenceCommand {
    /// Verify an OFD e-licence: every seal/signature, the sealing authority against the
    /// issuing authority the licence data names, validity, identifiers, revocation.
    Verify {
        /// The licence file (OFD or PDF).
        file: PathBuf,
        /// Licence data (JSON or metadata XML); default the metadata XML inside the file.
        #[arg(long)]
        data: Option<PathBuf>,
        /// File listing revoked licence identifiers or numbers, one a line.
        #[arg(long)]
        revoked: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum QrFormat {
    /// The QR text (`YJ1:…`).
    Text,
    /// A PNG image.
    Png,
    /// An SVG image.
    Svg,
}

#[derive(Subcommand)]
enum QrCommand {
    /// Sign licence data (JSON or metadata XML) into a QR code.
    Make {
        /// Licence data file, JSON or metadata XML (`-` for standard input).
        #[arg(long)]
        data: PathBuf,
        /// The issuing authority's private key: SM2 (any form) or P-256 PKCS#8 (ES256).
        #[arg(long)]
        key: PathBuf,
        /// The issuer's signing certificate: the kid is derived from it (without one, from
        /// the public key).
        #[arg(long)]
        cert: Option<PathBuf>,
        /// Issued-at (RFC 3339 or Unix seconds); default now.
        #[arg(long)]
        iat: Option<String>,
        /// Expiry (RFC 3339 or Unix seconds); default issued-at plus --valid-days.
        #[arg(long)]
        exp: Option<String>,
        /// Days the code is valid when --exp is not given.
        #[arg(long, default_value_t = 365)]
        valid_days: i64,
        /// `iss` (the authority's credit code); default the data's issuer code.
        #[arg(long)]
        iss: Option<String>,
        /// Bind the code to the full licence file (its SM3 digest goes into the code).
        #[arg(long)]
        bind: Option<PathBuf>,
        /// Do not zlib-compress.
        #[arg(long)]
        no_zlib: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = QrFormat::Text)]
        format: QrFormat,
        /// Pixels per module for PNG/SVG.
        #[arg(long, default_value_t = 4)]
        module_px: u32,
        /// Output file (default standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Verify a licence QR code: its text, a file holding the text, or a PNG/JPEG photo.
    Verify {
        /// QR text, a file (text, PNG or JPEG), or `-` for standard input.
        input: String,
        /// Trusted issuers: certificates and/or public keys (PEM or DER); repeatable.
        #[arg(long, num_args = 1.., required = true)]
        trust: Vec<PathBuf>,
        /// File listing revoked licence identifiers or numbers, one a line.
        #[arg(long)]
        revoked: Option<PathBuf>,
        /// Allowed algorithms (default SM2SM3 ES256).
        #[arg(long, num_args = 1..)]
        alg: Vec<String>,
        /// Clock skew tolerated, seconds.
        #[arg(long, default_value_t = yinjian::licence::qr::DEFAULT_LEEWAY)]
        leeway: i64,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Subcommand)]
enum PdfCommand {
    /// Add a signature as an incremental update (the input stays a byte-exact prefix): SM2
    /// keys make a GM/T 0010 CMS (/SubFilter adbe.pkcs7.detached), ECDSA P-256 and RSA keys a
    /// CAdES one (ETSI.CAdES.detached); the key kind is read from the key file.
    Sign {
        /// The PDF to sign.
        input: PathBuf,
        /// Where to write the signed PDF.
        #[arg(long, short)]
        out: PathBuf,
        /// The signer's private key (PEM or DER; PKCS#8, or SEC1 for SM2).
        #[arg(long)]
        key: PathBuf,
        /// The signer's certificate (the first in the file).
        #[arg(long)]
        cert: PathBuf,
        /// Intermediate certificates to include (files, bundles allowed).
        #[arg(long, num_args = 1..)]
        chain: Vec<PathBuf>,
        /// The new signature field's name (default Signature1, Signature2, …).
        #[arg(long)]
        field: Option<String>,
        /// /Reason.
        #[arg(long)]
        reason: Option<String>,
        /// /Location.
        #[arg(long)]
        location: Option<String>,
        /// /Name: the signer's name as shown.
        #[arg(long)]
        name: Option<String>,
        /// Signing time (RFC 3339; default now).
        #[arg(long, alias = "at")]
        time: Option<String>,
        /// Show the signature on this page (counted from 0); invisible without it.
        #[arg(long, requires = "rect")]
        page: Option<usize>,
        /// The visible box, x,y,width,height in points from the bottom left of the page.
        #[arg(long, requires = "page")]
        rect: Option<String>,
        /// Bytes reserved for the CMS in /Contents.
        #[arg(long, default_value_t = yinjian::pdf::sign::DEFAULT_RESERVED_BYTES)]
        reserve: usize,
    },
}

#[derive(Subcommand)]
enum OfdCommand {
    /// Add a seal signature (--seal) or a plain SM2 digital signature (--plain) to an OFD
    /// document; the existing files are kept byte for byte and the new signature covers them all.
    #[command(group(clap::ArgGroup::new("kind").required(true).args(["seal", "plain"])))]
    Sign {
        /// The OFD document to sign.
        input: PathBuf,
        /// Where to write the signed document.
        #[arg(long, short)]
        out: PathBuf,
        /// Sign with this seal (.esl): Type=Seal.
        #[arg(long)]
        seal: Option<PathBuf>,
        /// A plain digital signature: Type=Sign (bare DER SM2 signature over Signature.xml).
        #[arg(long)]
        plain: bool,
        /// The signer's private key.
        #[arg(long)]
        key: PathBuf,
        /// The signer's certificate.
        #[arg(long)]
        cert: PathBuf,
        /// Show the stamp on this page (counted from 0).
        #[arg(long, requires_all = ["x", "y"])]
        page: Option<usize>,
        /// Left edge of the stamp, millimetres.
        #[arg(long, requires = "page")]
        x: Option<f64>,
        /// Top edge of the stamp, millimetres.
        #[arg(long, requires = "page")]
        y: Option<f64>,
        /// Width and height of the stamp, millimetres.
        #[arg(long, default_value_t = 40.0)]
        size: f64,
        /// Signing time (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Subcommand)]
enum IdCommand {
    /// Validate an identifier (its kind is recognised from its shape) and show its parts.
    Check {
        /// The identifier.
        value: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Verify a token (`-` reads it from standard input).
    Verify {
        /// The compact token, or `-`.
        token: String,
        /// JWKS (or single JWK) file with the issuer's keys.
        #[arg(long, num_args = 1..)]
        jwks: Vec<PathBuf>,
        /// Public keys or certificates (PEM), as `KID=FILE` or `FILE`.
        #[arg(long, num_args = 1..)]
        key: Vec<String>,
        /// Shared HMAC secret file, as `KID=FILE` (HS256/384/512 only when given).
        #[arg(long, num_args = 1..)]
        hmac_secret: Vec<String>,
        /// Allowed algorithms (default: SM2SM3 ES256 ES384 RS256 PS256 EdDSA).
        #[arg(long, num_args = 1..)]
        alg: Vec<String>,
        /// Accepted issuers (this or --any-iss is required).
        #[arg(long, num_args = 1.., required_unless_present = "any_iss")]
        iss: Vec<String>,
        /// Accept any issuer: iss is not checked, and the report says so.
        #[arg(long, conflicts_with = "iss")]
        any_iss: bool,
        /// This service's audience, or several names of it. Without --aud or --any-aud no
        /// audience is expected, and a token carrying aud is refused.
        #[arg(long, num_args = 1..)]
        aud: Vec<String>,
        /// Accept any audience: aud is not checked, and the report says so.
        #[arg(long, conflicts_with = "aud")]
        any_aud: bool,
        /// Require a subject.
        #[arg(long)]
        require_sub: bool,
        /// Accepted typ values.
        #[arg(long, num_args = 1..)]
        typ: Vec<String>,
        /// Clock skew tolerated, seconds.
        #[arg(long, default_value_t = 60)]
        leeway: i64,
        /// Trust anchors for tokens carrying an x5c chain.
        #[arg(long, num_args = 1..)]
        anchors: Vec<PathBuf>,
        /// For x5c chains: do not require revocation status.
        #[arg(long)]
        no_revocation: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Sign claims (a JSON object) into a compact token.
    Sign {
        /// Private key: SM2 in any form, or PKCS#8 PEM/DER for ECDSA/RSA/Ed25519.
        #[arg(long)]
        key: PathBuf,
        /// Algorithm (default SM2SM3; ES256, ES384, RS256…, PS256…, EdDSA).
        #[arg(long, default_value = "SM2SM3")]
        alg: String,
        /// Claims JSON file (`-` for standard input).
        #[arg(long)]
        claims: PathBuf,
        /// `kid` header.
        #[arg(long)]
        kid: Option<String>,
    },
    /// Decode a token without trusting it.
    Inspect {
        /// The compact token, or `-`.
        token: String,
    },
}

#[derive(Subcommand)]
enum SealCommand {
    /// Print what a seal says (a seal file, or the seal inside a seal signature).
    Show {
        /// A seal (.esl) or seal signature (SignedValue.dat).
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Write the seal picture to this file.
        #[arg(long)]
        picture: Option<PathBuf>,
    },
    /// Write the seal picture behind each signature of a document (OFD or PDF) to a folder,
    /// as `seal-<part>.<type>`, numbered like the parts of `yinjian verify`'s report.
    Pictures {
        /// The document.
        document: PathBuf,
        /// The folder to write into (made if missing).
        #[arg(long, short)]
        out: PathBuf,
        /// Print JSON (index, seal, picture_type, size, file) instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Verify a seal signature over its data (or a seal on its own).
    Verify {
        /// A seal signature (SignedValue.dat) or a seal (.esl).
        file: PathBuf,
        /// The data the signature protects (for OFD: Signature.xml).
        #[arg(long, conflicts_with = "hash")]
        data: Option<PathBuf>,
        /// The digest of that data, hex (SM3 for SM2 signatures).
        #[arg(long)]
        hash: Option<String>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Make a seal (v4 unless --v1), signed by the maker.
    Make {
        /// The maker's private key.
        #[arg(long)]
        maker_key: PathBuf,
        /// The maker's certificate.
        #[arg(long)]
        maker_cert: PathBuf,
        /// Certificates of the signers allowed to use the seal.
        #[arg(long, num_args = 1.., required = true)]
        signer_cert: Vec<PathBuf>,
        /// Seal name.
        #[arg(long)]
        name: String,
        /// Seal identifier (esID).
        #[arg(long)]
        es_id: String,
        /// Vendor id (Vid).
        #[arg(long, default_value = "yinjian")]
        vendor: String,
        /// 1 organisation, 2 personal.
        #[arg(long = "type", default_value_t = 1)]
        seal_type: u64,
        /// Picture file.
        #[arg(long)]
        picture: PathBuf,
        /// Picture format (PNG, JPG, GIF, OFD, …).
        #[arg(long, default_value = "PNG")]
        picture_type: String,
        /// Displayed width and height, millimetres.
        #[arg(long, default_value_t = 40)]
        size_mm: u64,
        /// Validity start (RFC 3339; default now).
        #[arg(long)]
        valid_from: Option<String>,
        /// Validity end (RFC 3339).
        #[arg(long)]
        valid_to: String,
        /// Make a GM/T 0031 (v1) seal.
        #[arg(long)]
        v1: bool,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Sign data with a seal, producing an SES_Signature.
    Sign {
        /// The seal.
        #[arg(long)]
        seal: PathBuf,
        /// The signer's private key.
        #[arg(long)]
        key: PathBuf,
        /// The signer's certificate (must be in the seal's certificate list to verify).
        #[arg(long)]
        cert: PathBuf,
        /// The data to sign.
        #[arg(long)]
        data: PathBuf,
        /// Where the data lives (written into propertyInfo).
        #[arg(long, default_value = "")]
        property_info: String,
        /// Signing time (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum CertCommand {
    /// Print what certificates say (PEM bundle, DER, or hex).
    Show {
        /// Certificate file(s).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify a certificate chain to trust anchors.
    Verify {
        /// The leaf certificate.
        leaf: PathBuf,
        /// What the leaf must be fit for.
        #[arg(long, default_value = "document-signing", value_parser = ["document-signing", "seal-making", "token-signing", "tls-server", "tls-client", "any"])]
        usage: String,
        #[command(flatten)]
        policy: Box<PolicyArgs>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Certificate-policy inputs (RFC 5280 §6.1.1) and the profile strictness of `cert verify`.
#[derive(Args)]
struct PolicyArgs {
    /// Certificate policy the path must be valid for (RFC 5280 user-initial-policy-set;
    /// dotted OID or anyPolicy; repeatable). Default: any policy.
    #[arg(long = "policy", value_name = "OID")]
    policies: Vec<String>,
    /// Require the path to be valid for a policy of --policy (initial-explicit-policy).
    #[arg(long)]
    explicit_policy: bool,
    /// Refuse policy mappings (initial-policy-mapping-inhibit).
    #[arg(long)]
    inhibit_policy_mapping: bool,
    /// Do not honour anyPolicy in certificates (initial-any-policy-inhibit).
    #[arg(long)]
    inhibit_any_policy: bool,
    /// Fail on RFC 5280 issuer rules and CA/B Forum rules instead of noting them.
    #[arg(long)]
    strict_profile: bool,
}

impl PolicyArgs {
    /// Sets these inputs on `opts`.
    fn apply(&self, opts: &mut x509::ChainOptions) -> Result<(), String> {
        opts.policies = self
            .policies
            .iter()
            .map(|p| x509::policy::parse_policy(p))
            .collect::<Result<_, _>>()?;
        opts.explicit_policy = self.explicit_policy;
        opts.inhibit_policy_mapping = self.inhibit_policy_mapping;
        opts.inhibit_any_policy = self.inhibit_any_policy;
        opts.strict_profile = self.strict_profile;
        Ok(())
    }
}

/// Trust anchors, extra certificates and revocation data, shared by every verifying command.
#[derive(Args)]
struct TrustArgs {
    /// Trust anchors: PEM files or directories.
    #[arg(long, num_args = 1..)]
    anchors: Vec<PathBuf>,
    /// Files holding intermediate certificates (any order, bundles allowed).
    #[arg(long, num_args = 1..)]
    intermediates: Vec<PathBuf>,
    /// CRL files (PEM or DER).
    #[arg(long, num_args = 1..)]
    crl: Vec<PathBuf>,
    /// OCSP response files (DER).
    #[arg(long, num_args = 1..)]
    ocsp: Vec<PathBuf>,
    /// Do not require revocation status (reported, but does not lower the verdict).
    #[arg(long)]
    no_revocation: bool,
    /// SHA-256 fingerprints (hex) of certificates to refuse.
    #[arg(long, num_args = 1..)]
    distrust: Vec<String>,
}

impl TrustArgs {
    /// The trust store, the extra certificates, and chain options for `usage` at `at`.
    fn load(
        &self,
        at: Time,
        usage: x509::Usage,
    ) -> Result<(x509::TrustStore, Vec<x509::Certificate>, x509::ChainOptions), String> {
        let mut trust = x509::TrustStore::new();
        for path in &self.anchors {
            trust.add_path(path).map_err(|e| e.to_string())?;
        }
        for fp in &self.distrust {
            trust.distrust_hex(fp).map_err(|e| e.to_string())?;
        }
        let mut pool = Vec::new();
        for file in &self.intermediates {
            pool.extend(x509::parse_all(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?);
        }
        let mut opts = x509::ChainOptions::new(at, usage);
        if self.no_revocation {
            opts.revocation = x509::RevocationPolicy::NotRequired;
        }
        for file in &self.crl {
            opts.crls
                .extend(x509::Crl::parse_all(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?);
        }
        for file in &self.ocsp {
            opts.ocsp.push(
                x509::OcspResponseInfo::from_der(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?,
            );
        }
        Ok((trust, pool, opts))
    }
}

#[derive(Subcommand)]
enum Sm2Command {
    /// Sign a message file; writes the signature (binary, or hex with --hex).
    Sign {
        /// Private key: PEM (PKCS#8 or SEC1), DER, hex, or a raw 32-byte scalar.
        #[arg(long)]
        key: PathBuf,
        #[command(flatten)]
        id: DistIdArgs,
        /// Signature encoding.
        #[arg(long, value_enum, default_value_t = Encoding::Der)]
        encoding: Encoding,
        /// Where to write the signature (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write the signature as hex text instead of bytes.
        #[arg(long)]
        hex: bool,
        /// The message file (`-` for standard input).
        message: PathBuf,
    },
    /// Verify a signature (DER or raw r‖s, binary or hex) over a message file.
    Verify {
        /// Public key: PEM, SPKI DER, SEC1 point, raw x‖y, or hex of any of these.
        #[arg(long)]
        key: PathBuf,
        /// The signature file.
        #[arg(long)]
        sig: PathBuf,
        #[command(flatten)]
        id: DistIdArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// The message file (`-` for standard input).
        message: PathBuf,
    },
    /// Print the public key (PEM) of a private key.
    Pubkey {
        /// Private key in any supported form.
        #[arg(long)]
        key: PathBuf,
    },
}

#[derive(Args)]
struct DistIdArgs {
    /// Distinguishing ID as text (default 1234567812345678).
    #[arg(long, conflicts_with = "id_hex")]
    id: Option<String>,
    /// Distinguishing ID as hex bytes.
    #[arg(long)]
    id_hex: Option<String>,
}

impl DistIdArgs {
    fn bytes(&self) -> Result<Vec<u8>, String> {
        match (&self.id, &self.id_hex) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(h)) => hex::decode(h).map_err(|e| format!("--id-hex: {e}")),
            (None, None) => Ok(sm2::DEFAULT_DISTID.to_vec()),
        }
    }
}

#[derive(Args)]
struct OutputArgs {
    /// Print the JSON report.
    #[arg(long)]
    json: bool,
    /// Validation time (RFC 3339 or Unix seconds); default now.
    #[arg(long)]
    at: Option<String>,
}

impl OutputArgs {
    fn validation_time(&self) -> Result<Time, String> {
        match &self.at {
            Some(text) => Time::parse(text).map_err(|e| format!("--at: {e}")),
            None => now(),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Encoding {
    /// DER SEQUENCE { r, s }.
    Der,
    /// 64-byte r‖s.
    Raw,
}

impl From<Encoding> for SignatureEncoding {
    fn from(e: Encoding) -> SignatureEncoding {
        match e {
            Encoding::Der => SignatureEncoding::Der,
            Encoding::Raw => SignatureEncoding::Raw,
        }
    }
}

/// `yinjian vectors`: runs (or, with `reports`, prints the reports of) every line.
fn run_vectors(files: &[PathBuf], reports: bool) -> Result<ExitCode, String> {
    let (mut passed, mut failed) = (0, 0);
    let mut stdout = io::stdout().lock();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            let where_ = format!("{}:{}", file.display(), n + 1);
            if reports {
                match yinjian::vectors::case_report(line) {
                    Ok(Some((id, report))) => {
                        let line = serde_json::json!({ "id": id, "report": report });
                        writeln!(stdout, "{line}").map_err(|e| format!("standard output: {e}"))?;
                    }
                    Ok(None) => {}
                    Err(e) => return Err(format!("{where_}: {e}")),
                }
                continue;
            }
            match yinjian::vectors::run_case(line) {
                Ok(yinjian::vectors::Outcome::Passed(_)) => passed += 1,
                Ok(yinjian::vectors::Outcome::Skipped) => {}
                Err(e) => {
                    failed += 1;
                    eprintln!("FAILED {where_}: {e}");
                }
            }
        }
    }
    if reports {
        return Ok(ExitCode::SUCCESS);
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `yinjian seal pictures`: the seal picture of each signature of a document, into `out`.
fn seal_pictures(document: &Path, out: &Path, json: bool) -> Result<ExitCode, String> {
    let bytes = read_file(document)?;
    let pictures = if bytes.starts_with(b"%PDF-") {
        yinjian::pdf::seal_pictures(&bytes).map_err(|e| e.to_string())
    } else {
        yinjian::ofd::seal_pictures(&bytes).map_err(|e| e.to_string())
    }
    .map_err(|e| format!("{}: {e}", document.display()))?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut listed = Vec::new();
    for picture in pictures.iter().flatten() {
        let ext: String = picture
            .picture_type
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let path = out.join(format!(
            "seal-{}.{}",
            picture.index,
            if ext.is_empty() { "bin" } else { &ext }
        ));
        std::fs::write(&path, &picture.data).map_err(|e| format!("{}: {e}", path.display()))?;
        if !json {
            println!(
                "part {}: {} ({}, {} bytes) -> {}",
                picture.index,
                picture.seal,
                picture.picture_type,
                picture.data.len(),
                path.display()
            );
        }
        let mut entry = serde_json::to_value(picture).map_err(|e| e.to_string())?;
        entry["bytes"] = picture.data.len().into();
        entry["file"] = path.display().to_string().into();
        listed.push(entry);
    }
    if json {
        println!("{}", serde_json::Value::Array(listed));
    } else if pictures.iter().all(Option::is_none) {
        println!("no seal pictures: {} signature(s), none with a seal", pictures.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("yinjian: error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Sm3 { files } => sm3_files(&files),
        Command::Serve(args) => serve::run(args).map(|()| ExitCode::SUCCESS),
        Command::Vectors { files, reports } => run_vectors(&files, reports),
        Command::Verify {
            document,
            signer_cert,
            trust,
            output,
        } => {
            let (store, pool, chain) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let mut opts = yinjian::ofd::OfdOptions::new(seal::SealOptions {
                trust: &store,
                chain,
                intermediates: pool,
            });
            for file in &signer_cert {
                opts.signer_certificates
                    .extend(x509::parse_all(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?);
            }
            let file = File::open(&document).map_err(|e| format!("{}: {e}", document.display()))?;
            let mut magic = [0u8; 5];
            let _ = (&file).read(&mut magic);
            if &magic[..4] == b"PK\x03\x04" {
                return Ok(emit(
                    &yinjian::ofd::verify_ofd(BufReader::new(file), &opts),
                    output.json,
                ));
            }
            if &magic == b"%PDF-" {
                let mapped = map_file(&file).map_err(|e| format!("{}: {e}", document.display()))?;
                return Ok(emit(&yinjian::pdf::verify_pdf(&mapped, &opts), output.json));
            }
            let mut head = [0u8; 64];
            let n = File::open(&document)
                .and_then(|mut f| f.read(&mut head))
                .map_err(|e| format!("{}: {e}", document.display()))?;
            if cms::looks_like_cms(&head[..n]) {
                // A CMS signature file: attached content, or the document name without .p7s.
                let der = cms::read_signature(&document)?;
                let detached = document.extension().is_some_and(|e| e == "p7s" || e == "sig")
                    && document.with_extension("").is_file();
                let content = if detached {
                    Some(cms::read_content(&document.with_extension(""))?)
                } else {
                    None
                };
                let report = yinjian::cms::file::verify_report(
                    &der,
                    content.as_deref(),
                    &store,
                    &opts.seal.chain,
                    &opts.seal.intermediates,
                    &yinjian::cms::CmsOptions::default(),
                );
                return Ok(emit(&report, output.json));
            }
            Err(format!(
                "{}: neither an OFD package, a PDF nor a CMS signature",
                document.display()
            ))
        }
        Command::Sm2(Sm2Command::Sign {
            key,
            id,
            encoding,
            out,
            hex,
            message,
        }) => {
            let private = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let signer = Sm2Signer::new(&private, &id.bytes()?).map_err(|e| e.to_string())?;
            let e = signer
                .verifier()
                .digest_reader(open(&message)?)
                .map_err(|e| e.to_string())?;
            let signature = signer
                .sign_digest(&e)
                .map_err(|e| e.to_string())?
                .encode(encoding.into());
            let bytes = if hex {
                format!("{}\n", hex::encode(&signature)).into_bytes()
            } else {
                signature
            };
            match out {
                Some(path) => std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?,
                None => io::stdout().write_all(&bytes).map_err(|e| e.to_string())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sm2(Sm2Command::Verify {
            key,
            sig,
            id,
            output,
            message,
        }) => {
            let public = PublicKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let signature = match decode_text_or_binary(&read_small(&sig)?).map_err(|e| e.to_string())? {
                Decoded::Hex(bytes) | Decoded::Binary(bytes) => bytes,
                Decoded::Pem { label, .. } => {
                    return Err(format!("{}: PEM {label:?} is not a signature", sig.display()))
                }
            };
            let verifier = Sm2Verifier::new(&public, &id.bytes()?).map_err(|e| e.to_string())?;
            let at = output.validation_time()?;
            let e = verifier.digest_reader(open(&message)?).map_err(|e| e.to_string())?;
            let mut report = verifier.report_digest(&e, &signature);
            report.subject.validation_time = Some(at);
            Ok(emit(&report, output.json))
        }
        Command::Cert(CertCommand::Show { files, json }) => {
            for file in &files {
                let certs = x509::parse_all(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?;
                for cert in certs {
                    let info = cert.info();
                    if json {
                        println!("{}", serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?);
                    } else {
                        print!("{}", cert_text(&info));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Cert(CertCommand::Verify {
            leaf,
            usage,
            policy,
            trust,
            output,
        }) => {
            let leaf_cert = x509::parse_all(&read_file(&leaf)?)
                .map_err(|e| format!("{}: {e}", leaf.display()))?
                .remove(0);
            let usage = x509::Usage::parse(&usage).ok_or("unknown usage")?;
            let (store, pool, mut opts) = trust.load(output.validation_time()?, usage)?;
            policy.apply(&mut opts)?;
            Ok(emit(&x509::chain_report(&leaf_cert, &pool, &store, &opts), output.json))
        }
        Command::Seal(command) => seal_command(command),
        Command::Token(command) => token_command(command),
        Command::Id(IdCommand::Check { value, json }) => Ok(emit(&yinjian::licence::check_identifier(&value), json)),
        Command::Ofd(command) => ofd_command(command),
        Command::Pdf(command) => pdf_command(command),
        Command::Qr(command) => qr_command(command),
        Command::Cms(command) => cms::run(command),
        Command::Invoice(command) => invoice::run(command),
        Command::Licence(LicenceCommand::Verify {
            file,
            data,
            revoked,
            trust,
            output,
        }) => {
            use yinjian::licence::file::{verify_licence_file, LicenceFileOptions};
            let (store, pool, chain) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let mut opts = LicenceFileOptions::new(yinjian::ofd::OfdOptions::new(seal::SealOptions {
                trust: &store,
                chain,
                intermediates: pool,
            }));
            if let Some(path) = &data {
                opts.data = Some(
                    yinjian::licence::LicenceData::parse(&read_file(path)?)
                        .map_err(|e| format!("{}: {e}", path.display()))?,
                );
            }
            if let Some(path) = &revoked {
                opts.revoked = revocation_list(path)?;
            }
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"%PDF-") {
                return Err(format!("{}: neither an OFD package nor a PDF", file.display()));
            }
            Ok(emit(&verify_licence_file(&bytes, &opts), output.json))
        }
        Command::Sm2(Sm2Command::Pubkey { key }) => {
            let private = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            print!("{}", private.public_key().to_pem());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn seal_command(command: SealCommand) -> Result<ExitCode, String> {
    match command {
        SealCommand::Pictures { document, out, json } => seal_pictures(&document, &out, json),
        SealCommand::Show { file, json, picture } => {
            let der = read_file(&file)?;
            let seal = match seal::Seal::decode(&der) {
                Ok(seal) => seal,
                Err(_) => {
                    seal::SesSignature::decode(&der)
                        .map_err(|e| format!("{}: {e}", file.display()))?
                        .to_sign
                        .eseal
                }
            };
            let details = seal.details().map_err(|e| e.to_string())?;
            if let Some(out) = picture {
                std::fs::write(&out, seal.picture().map_err(|e| e.to_string())?)
                    .map_err(|e| format!("{}: {e}", out.display()))?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&details).map_err(|e| e.to_string())?);
            } else {
                println!(
                    "name:      {}\nesID:      {}\ntype:      {} ({})\nversion:   {:?} (header {}), vendor {}",
                    details.name,
                    details.es_id,
                    details.seal_type,
                    details.seal_type_name,
                    details.version,
                    details.header_version,
                    details.vendor
                );
                println!(
                    "validity:  {} .. {} (made {})",
                    details.valid_from, details.valid_to, details.created
                );
                println!(
                    "maker:     {}",
                    details.maker.as_deref().unwrap_or("(unreadable certificate)")
                );
                for signer in &details.signers {
                    println!("signer:    {signer}");
                }
                println!(
                    "picture:   {} {} bytes, {} x {} mm",
                    details.picture_type, details.picture_bytes, details.width_mm, details.height_mm
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SealCommand::Verify {
            file,
            data,
            hash,
            trust,
            output,
        } => {
            let der = read_file(&file)?;
            let (store, pool, chain) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let opts = seal::SealOptions {
                trust: &store,
                chain,
                intermediates: pool,
            };
            if seal::SesSignature::decode(&der).is_err() && seal::Seal::decode(&der).is_ok() {
                return Ok(emit(&seal::verify_seal(&der, &opts), output.json));
            }
            let digest;
            let content;
            let protected = match (data, hash) {
                (Some(path), _) => {
                    content = read_file(&path)?;
                    seal::ProtectedData::Bytes(&content)
                }
                (None, Some(h)) => {
                    digest = hex::decode(h.trim()).map_err(|e| format!("--hash: {e}"))?;
                    seal::ProtectedData::Digest(&digest)
                }
                (None, None) => return Err("a seal signature needs --data FILE or --hash HEX".into()),
            };
            Ok(emit(&seal::verify_seal_signature(&der, protected, &opts), output.json))
        }
        SealCommand::Make {
            maker_key,
            maker_cert,
            signer_cert,
            name,
            es_id,
            vendor,
            seal_type,
            picture,
            picture_type,
            size_mm,
            valid_from,
            valid_to,
            v1,
            out,
        } => {
            let key =
                PrivateKey::parse(&read_small(&maker_key)?).map_err(|e| format!("{}: {e}", maker_key.display()))?;
            let cert = first_cert_der(&maker_cert)?;
            let signer_certificates = signer_cert
                .iter()
                .map(|p| first_cert_der(p))
                .collect::<Result<Vec<_>, _>>()?;
            let created = now()?;
            let spec = seal::SealSpec {
                version: if v1 {
                    seal::SealVersion::V1
                } else {
                    seal::SealVersion::V4
                },
                vendor,
                es_id,
                seal_type,
                name,
                signer_certificates,
                created,
                valid_from: match valid_from {
                    Some(t) => Time::parse(&t).map_err(|e| format!("--valid-from: {e}"))?,
                    None => created,
                },
                valid_to: Time::parse(&valid_to).map_err(|e| format!("--valid-to: {e}"))?,
                picture_type,
                picture: read_file(&picture)?,
                width_mm: size_mm,
                height_mm: size_mm,
            };
            let der = seal::make_seal(&spec, &key, &cert).map_err(|e| e.to_string())?;
            std::fs::write(&out, der).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        SealCommand::Sign {
            seal: seal_path,
            key,
            cert,
            data,
            property_info,
            at,
            out,
        } => {
            let key = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let time = match at {
                Some(t) => Time::parse(&t).map_err(|e| format!("--at: {e}"))?,
                None => now()?,
            };
            let e = yinjian::sm::sm3::sm3_reader(open(&data)?).map_err(|e| e.to_string())?;
            let spec = seal::SignSpec {
                time,
                property_info,
                data_hash: e,
            };
            let der =
                seal::sign(&read_file(&seal_path)?, &key, &first_cert_der(&cert)?, &spec).map_err(|e| e.to_string())?;
            std::fs::write(&out, der).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn ofd_command(command: OfdCommand) -> Result<ExitCode, String> {
    match command {
        OfdCommand::Sign {
            input,
            out,
            seal: seal_path,
            plain,
            key,
            cert,
            page,
            x,
            y,
            size,
            at,
        } => {
            let key = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let cert = first_cert_der(&cert)?;
            let time = match at {
                Some(t) => Time::parse(&t).map_err(|e| format!("--at: {e}"))?,
                None => now()?,
            };
            let seal_der = match &seal_path {
                Some(path) => Some(read_file(path)?),
                None => None,
            };
            let signer = match (&seal_der, plain) {
                (Some(seal), false) => yinjian::ofd::OfdSigner::Seal {
                    seal,
                    key: &key,
                    cert: &cert,
                },
                _ => yinjian::ofd::OfdSigner::Plain { key: &key, cert: &cert },
            };
            let placement = match (page, x, y) {
                (Some(page_index), Some(x), Some(y)) => Some(yinjian::ofd::StampPlacement {
                    page_index,
                    x,
                    y,
                    width: size,
                    height: size,
                }),
                _ => None,
            };
            let document = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let signed = yinjian::ofd::sign_ofd(&document, &signer, placement, time)
                .map_err(|e| format!("{}: {e}", input.display()))?;
            std::fs::write(&out, signed).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn pdf_command(command: PdfCommand) -> Result<ExitCode, String> {
    match command {
        PdfCommand::Sign {
            input,
            out,
            key,
            cert,
            chain,
            field,
            reason,
            location,
            name,
            time,
            page,
            rect,
            reserve,
        } => {
            let key_bytes = read_small(&key)?;
            let signing_key =
                yinjian::cms::build::CmsKey::parse(&key_bytes).map_err(|e| format!("{}: {e}", key.display()))?;
            let certificate =
                x509::Certificate::from_der(&first_cert_der(&cert)?).map_err(|e| format!("{}: {e}", cert.display()))?;
            let mut intermediates = Vec::new();
            for file in &chain {
                intermediates
                    .extend(x509::parse_all(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?);
            }
            let mut opts = yinjian::pdf::PdfSignOptions::new(match time {
                Some(t) => Time::parse(&t).map_err(|e| format!("--time: {e}"))?,
                None => now()?,
            });
            opts.field_name = field;
            opts.reason = reason;
            opts.location = location;
            opts.name = name;
            opts.reserved_bytes = reserve;
            if let (Some(page), Some(rect)) = (page, rect) {
                let numbers: Vec<f64> = rect
                    .split(',')
                    .map(|n| n.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--rect {rect:?}: four numbers x,y,width,height"))?;
                let [x, y, width, height] = numbers[..] else {
                    return Err(format!("--rect {rect:?}: four numbers x,y,width,height"));
                };
                opts.appearance = Some(yinjian::pdf::SignatureAppearance {
                    page,
                    x,
                    y,
                    width,
                    height,
                });
            }
            let signer = yinjian::pdf::PdfSigner {
                key: &signing_key,
                certificate: &certificate,
                chain: &intermediates,
            };
            let document = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let signed =
                yinjian::pdf::sign_pdf(&document, &signer, &opts).map_err(|e| format!("{}: {e}", input.display()))?;
            std::fs::write(&out, signed).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn token_text(arg: &str) -> Result<String, String> {
    if arg != "-" {
        return Ok(arg.trim().to_owned());
    }
    let mut text = String::new();
    io::stdin()
        .lock()
        .take(1 << 20)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    Ok(text.trim().to_owned())
}

/// `KID=FILE` or `FILE`.
fn kid_file(arg: &str) -> (Option<String>, PathBuf) {
    match arg.split_once('=') {
        Some((kid, file)) if !kid.is_empty() => (Some(kid.to_owned()), PathBuf::from(file)),
        _ => (None, PathBuf::from(arg)),
    }
}

fn token_command(command: TokenCommand) -> Result<ExitCode, String> {
    use yinjian::token::{self, Audience, Issuers, JwsAlgorithm, KeySet, SigningKey, TokenOptions};
    match command {
        TokenCommand::Verify {
            token,
            jwks,
            key,
            hmac_secret,
            alg,
            iss,
            any_iss,
            aud,
            any_aud,
            require_sub,
            typ,
            leeway,
            anchors,
            no_revocation,
            output,
        } => {
            let mut keys = KeySet::new();
            for file in &jwks {
                keys.add_jwks(&read_file(file)?)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
            }
            for arg in &key {
                let (kid, file) = kid_file(arg);
                keys.add_public_key(&read_file(&file)?, kid)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
            }
            for arg in &hmac_secret {
                let (kid, file) = kid_file(arg);
                keys.add_hmac_secret(kid, &read_small(&file)?)
                    .map_err(|e| e.to_string())?;
            }
            let algs: Vec<&str> = if alg.is_empty() {
                vec!["SM2SM3", "ES256", "ES384", "RS256", "PS256", "EdDSA"]
            } else {
                alg.iter().map(String::as_str).collect()
            };
            let issuers = if any_iss { Issuers::Any } else { Issuers::OneOf(iss) };
            let audience = match (any_aud, aud.is_empty()) {
                (true, _) => Audience::Any,
                (false, true) => Audience::Absent,
                (false, false) => Audience::OneOf(aud),
            };
            let mut opts =
                TokenOptions::new(output.validation_time()?, &algs, issuers, audience).map_err(|e| e.to_string())?;
            opts.require_sub = require_sub;
            opts.typ = typ;
            opts.leeway = leeway;
            if no_revocation {
                let mut chain = x509::ChainOptions::new(opts.at, x509::Usage::TokenSigning);
                chain.revocation = x509::RevocationPolicy::NotRequired;
                opts.chain = Some(chain);
            }
            let mut trust = x509::TrustStore::new();
            for path in &anchors {
                trust.add_path(path).map_err(|e| e.to_string())?;
            }
            let trust = (!anchors.is_empty()).then_some(&trust);
            Ok(emit(
                &token::verify_token(&token_text(&token)?, &keys, trust, &opts),
                output.json,
            ))
        }
        TokenCommand::Sign { key, alg, claims, kid } => {
            let alg = JwsAlgorithm::from_name(&alg).ok_or_else(|| format!("unknown algorithm {alg:?}"))?;
            let bytes = read_small(&key)?;
            let pkcs8 = || -> Result<Vec<u8>, String> {
                match decode_text_or_binary(&bytes).map_err(|e| e.to_string())? {
                    Decoded::Pem { der, .. } | Decoded::Hex(der) | Decoded::Binary(der) => Ok(der),
                }
            };
            let signing = match alg {
                JwsAlgorithm::Sm2Sm3 => SigningKey::Sm2(PrivateKey::parse(&bytes).map_err(|e| e.to_string())?),
                JwsAlgorithm::Es256 | JwsAlgorithm::Es384 => SigningKey::Ecdsa(alg, pkcs8()?),
                JwsAlgorithm::EdDsa => SigningKey::Ed25519(pkcs8()?),
                JwsAlgorithm::Hs256 | JwsAlgorithm::Hs384 | JwsAlgorithm::Hs512 => SigningKey::Hmac(alg, bytes.clone()),
                _ => SigningKey::Rsa(alg, pkcs8()?),
            };
            let mut text = String::new();
            open(&claims)?
                .take(1 << 20)
                .read_to_string(&mut text)
                .map_err(|e| e.to_string())?;
            let claims: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("claims: {e}"))?;
            let header = match kid {
                Some(kid) => serde_json::json!({ "typ": "JWT", "kid": kid }),
                None => serde_json::json!({ "typ": "JWT" }),
            };
            println!(
                "{}",
                token::sign_token(&claims, &header, &signing).map_err(|e| e.to_string())?
            );
            Ok(ExitCode::SUCCESS)
        }
        TokenCommand::Inspect { token } => {
            let token = token_text(&token)?;
            let decode = |part: &str| -> serde_json::Value {
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, part)
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok())
                    .unwrap_or(serde_json::Value::Null)
            };
            let parts: Vec<&str> = token.split('.').collect();
            let shown = serde_json::json!({
                "warning": "decoded without verification: nothing here is trusted",
                "header": parts.first().map(|p| decode(p)),
                "claims": parts.get(1).map(|p| decode(p)),
                "signature_bytes": parts.get(2).map(|p| p.len() * 3 / 4),
            });
            println!("{}", serde_json::to_string_pretty(&shown).map_err(|e| e.to_string())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn qr_command(command: QrCommand) -> Result<ExitCode, String> {
    use yinjian::licence::qr::{
        self, image as qr_image, render, IssuerList, MakeOptions, QrAlgorithm, QrOptions, QrSigner,
    };
    use yinjian::licence::LicenceData;
    match command {
        QrCommand::Make {
            data,
            key,
            cert,
            iat,
            exp,
            valid_days,
            iss,
            bind,
            no_zlib,
            format,
            module_px,
            out,
        } => {
            let licence = LicenceData::parse(&read_file(&data)?).map_err(|e| format!("{}: {e}", data.display()))?;
            let cert = match &cert {
                Some(path) => Some(
                    x509::parse_all(&read_file(path)?)
                        .map_err(|e| format!("{}: {e}", path.display()))?
                        .remove(0),
                ),
                None => None,
            };
            let signer =
                QrSigner::from_key(&read_small(&key)?, cert.as_ref()).map_err(|e| format!("{}: {e}", key.display()))?;
            let issued_at = match iat {
                Some(t) => Time::parse(&t).map_err(|e| format!("--iat: {e}"))?,
                None => now()?,
            };
            let expires = match exp {
                Some(t) => Time::parse(&t).map_err(|e| format!("--exp: {e}"))?,
                None => Time::from_unix(issued_at.unix().saturating_add(valid_days.saturating_mul(86_400)))
                    .map_err(|e| format!("--valid-days: {e}"))?,
            };
            let mut opts = MakeOptions::new(issued_at, expires);
            opts.issuer = iss;
            opts.compress = !no_zlib;
            if let Some(path) = &bind {
                let digest = yinjian::sm::sm3::sm3_reader_with_progress(open(path)?, |_| {})
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                opts.binding = Some(digest.to_vec());
            }
            let text = qr::make_payload(&licence, &signer, &opts).map_err(|e| e.to_string())?;
            let bytes = match format {
                QrFormat::Text => format!("{text}\n").into_bytes(),
                QrFormat::Png => render::to_png(&text, module_px).map_err(|e| e.to_string())?,
                QrFormat::Svg => render::to_svg(&text, module_px)
                    .map_err(|e| e.to_string())?
                    .into_bytes(),
            };
            match out {
                Some(path) => std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?,
                None => io::stdout().write_all(&bytes).map_err(|e| e.to_string())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        QrCommand::Verify {
            input,
            trust,
            revoked,
            alg,
            leeway,
            output,
        } => {
            let mut issuers = IssuerList::new();
            for path in &trust {
                issuers
                    .add_pem(&read_file(path)?)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
            let mut opts = QrOptions::new(output.validation_time()?);
            opts.leeway = leeway;
            if !alg.is_empty() {
                opts.algorithms = alg
                    .iter()
                    .map(|a| match a.to_ascii_uppercase().as_str() {
                        "SM2SM3" | "SM2" => Ok(QrAlgorithm::Sm2Sm3),
                        "ES256" => Ok(QrAlgorithm::Es256),
                        other => Err(format!("--alg: unknown algorithm {other:?}")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            if let Some(path) = &revoked {
                opts.revoked = revocation_list(path)?;
            }
            let path = Path::new(&input);
            let report = if input == "-" || path.is_file() {
                let mut bytes = Vec::new();
                open(path)?
                    .take(qr_image::MAX_IMAGE_FILE as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("{input}: {e}"))?;
                if qr_image::is_image(&bytes) {
                    qr_image::verify_qr_image(&bytes, &issuers, &opts)
                } else {
                    qr::verify_qr(&String::from_utf8_lossy(&bytes), &issuers, &opts)
                }
            } else {
                qr::verify_qr(&input, &issuers, &opts)
            };
            Ok(emit(&report, output.json))
        }
    }
}

/// Revoked licence identifiers or numbers, one a line (`#` starts a comment line).
fn revocation_list(path: &Path) -> Result<Vec<String>, String> {
    Ok(String::from_utf8_lossy(&read_file(path)?)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

/// The DER of the first certificate in a file.
fn first_cert_der(path: &Path) -> Result<Vec<u8>, String> {
    let certs = x509::parse_all(&read_file(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    certs
        .first()
        .map(|c| c.der().to_vec())
        .ok_or_else(|| format!("{}: no certificate", path.display()))
}

/// Prints a report and turns its status into the exit code.
fn emit(report: &Report, json: bool) -> ExitCode {
    if json {
        println!("{}", report.to_json_pretty());
    } else {
        print!("{}", report.to_text());
    }
    ExitCode::from(match report.status {
        Status::Passed => 0,
        Status::Failed => 1,
        Status::Indeterminate => 2,
    })
}

fn sm3_files(files: &[PathBuf]) -> Result<ExitCode, String> {
    let mut status = ExitCode::SUCCESS;
    for path in files {
        let size = if is_stdin(path) {
            0
        } else {
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
        };
        let bar = (size > PROGRESS_THRESHOLD).then(|| {
            let bar = ProgressBar::new(size);
            if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec}") {
                bar.set_style(style);
            }
            bar.set_message(path.display().to_string());
            bar
        });
        let result = open(path).and_then(|reader| {
            sm3_reader_with_progress(reader, |n| {
                if let Some(bar) = &bar {
                    bar.set_position(n);
                }
            })
            .map_err(|e| format!("{}: {e}", path.display()))
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        match result {
            Ok(digest) => println!("{}  {}", hex::encode(digest), path.display()),
            Err(message) => {
                eprintln!("yinjian: {message}");
                status = ExitCode::from(EXIT_USAGE);
            }
        }
    }
    Ok(status)
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Opens a file (or standard input for `-`) for streaming.
fn open(path: &Path) -> Result<Box<dyn Read>, String> {
    if is_stdin(path) {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
}

/// Reads a certificate or CRL file, refusing anything beyond the CRL size limit.
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let limit = x509::crl::MAX_CRL_SIZE as u64;
    open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{}: larger than {limit} bytes", path.display()));
    }
    Ok(bytes)
}

/// A certificate summary for terminals.
fn cert_text(info: &x509::CertificateInfo) -> String {
    let mut out = format!(
        "subject:   {}\nissuer:    {}\nserial:    {}\nvalidity:  {} .. {}\nkey:       {}\nsignature: {}\nsha256:    {}\nsm3:       {}\n",
        info.subject, info.issuer, info.serial, info.not_before, info.not_after, info.key_algorithm,
        info.signature_algorithm, info.sha256_fingerprint, info.sm3_fingerprint
    );
    if let Some(bc) = info.basic_constraints {
        out.push_str(&format!(
            "basic constraints: CA={}{}\n",
            bc.ca,
            bc.path_len.map(|l| format!(", pathLen={l}")).unwrap_or_default()
        ));
    }
    if let Some(ku) = info.key_usage {
        out.push_str(&format!("key usage: {}\n", ku.names().join(", ")));
    }
    if let Some(eku) = &info.extended_key_usage {
        out.push_str(&format!("extended key usage: {}\n", eku.join(", ")));
    }
    for (label, value) in [
        ("subject key id", &info.subject_key_id),
        ("authority key id", &info.authority_key_id),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{label}: {v}\n"));
        }
    }
    if !info.subject_alt_names.is_empty() {
        out.push_str(&format!("subject alt names: {}\n", info.subject_alt_names.join(", ")));
    }
    if !info.crl_distribution_points.is_empty() {
        out.push_str(&format!(
            "CRL distribution points: {}\n",
            info.crl_distribution_points.join(", ")
        ));
    }
    out.push('\n');
    out
}

/// Reads a key or signature file, refusing anything larger than a key could be.
fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    open(path)?
        .take(MAX_TEXT_INPUT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() > MAX_TEXT_INPUT {
        return Err(format!(
            "{}: larger than {MAX_TEXT_INPUT} bytes; not a key or signature",
            path.display()
        ));
    }
    Ok(bytes)
}

/// The CLI's default validation time: the system clock (the library never reads it).
fn now() -> Result<Time, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    Time::from_unix(secs as i64).map_err(|e| e.to_string())
}
