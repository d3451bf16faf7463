//! One verifier object for services: trust, revocation data, policy and the time source set
//! once, then any number of documents verified with it, from any thread.
//!
//! ```no_run
//! use std::sync::Arc;
//! use yinjian::verifier::{Clock, Verifier};
//! use yinjian::x509::TrustStore;
//!
//! let mut trust = TrustStore::new();
//! trust.add_pem(&std::fs::read("root.pem")?)?;
//! let verifier = Arc::new(Verifier::new(trust, Clock::System));
//! let report = verifier.verify(&std::fs::read("notice.ofd")?); // OFD, PDF, seal, CMS or licence QR
//! println!("{}", report.to_text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Verification is CPU work (tens of microseconds to seconds for a large PDF): in an async
//! service run it on a blocking pool (`tokio::task::spawn_blocking`), never on the threads that
//! serve connections.
//!
//! A kind whose crate feature is off in this build (`ofd`, `pdf`, `cms`, `licence`,
//! `invoice`: [`DocumentKind::feature`]) is still recognised, and verifying it gives an
//! INDETERMINATE report with [`Reason::Unsupported`] naming the missing feature.

#[cfg(feature = "licence")]
use crate::licence::qr::{verify_qr, IssuerList, QrOptions};
use crate::policy::ValidationPolicy;
use crate::report::{Check, Reason, Report};
use crate::seal::{verify_seal, DocumentOptions, SealOptions};
use crate::time::{Time, TimeError};
use crate::x509::crl::Crl;
use crate::x509::ocsp::OcspResponseInfo;
use crate::x509::{Certificate, RevocationPolicy, TrustStore};

/// Report kind of an input that no verifier recognised.
pub const UNKNOWN_REPORT_KIND: &str = "unknown";

/// Where a verifier takes its validation time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Clock {
    /// Always this time (archives, tests, reproducible reports).
    Fixed(Time),
    /// The system clock at each verification (services). Not available in the browser build,
    /// where the caller passes the time.
    System,
}

/// The kinds of input [`Verifier::verify`] recognises by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DocumentKind {
    /// An OFD package (a ZIP archive).
    Ofd,
    /// A PDF file.
    Pdf,
    /// A GB/T 38540 or GM/T 0031 electronic seal (`.esl`, DER).
    Seal,
    /// A signed licence QR code text (`YJ1:…`).
    LicenceQr,
    /// A CMS / PKCS#7 signature with its content attached (`.p7m`; DER, BER or PEM). A
    /// detached one needs its content: [`Verifier::verify_cms`].
    Cms,
    /// An e-invoice OFD, verified as an OFD and then as an invoice. Never detected from the
    /// first bytes (an invoice is an OFD): ask for it with [`Verifier::verify_kind`].
    Invoice,
}

impl DocumentKind {
    /// The kind told by the first bytes, or `None` for anything else.
    pub fn detect(input: &[u8]) -> Option<DocumentKind> {
        let trimmed = input.trim_ascii_start();
        if input.starts_with(b"PK\x03\x04") {
            Some(DocumentKind::Ofd)
        } else if trimmed.starts_with(b"%PDF-") {
            Some(DocumentKind::Pdf)
        } else if trimmed.starts_with(b"YJ1:") {
            Some(DocumentKind::LicenceQr)
        } else if input.first() == Some(&0x30) && crate::seal::Seal::decode(input).is_ok() {
            Some(DocumentKind::Seal)
        } else if is_cms(input) {
            Some(DocumentKind::Cms)
        } else {
            None
        }
    }

    /// The kind's name as reports and the CLI spell it (`ofd`, `pdf`, `seal`, `licence-qr`).
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::Ofd => "ofd",
            DocumentKind::Pdf => "pdf",
            DocumentKind::Seal => "seal",
            DocumentKind::LicenceQr => "licence-qr",
            DocumentKind::Cms => "cms",
            DocumentKind::Invoice => "invoice",
        }
    }

    /// The crate feature verifying this kind needs (`None`: always built in).
    pub fn feature(self) -> Option<&'static str> {
        match self {
            DocumentKind::Ofd => Some("ofd"),
            DocumentKind::Pdf => Some("pdf"),
            DocumentKind::Seal => None,
            DocumentKind::LicenceQr => Some("licence"),
            DocumentKind::Cms => Some("cms"),
            DocumentKind::Invoice => Some("invoice"),
        }
    }

    /// Whether this build verifies the kind (its feature is on).
    pub fn supported(self) -> bool {
        match self {
            DocumentKind::Ofd => cfg!(feature = "ofd"),
            DocumentKind::Pdf => cfg!(feature = "pdf"),
            DocumentKind::Seal => true,
            DocumentKind::LicenceQr => cfg!(feature = "licence"),
            DocumentKind::Cms => cfg!(feature = "cms"),
            DocumentKind::Invoice => cfg!(feature = "invoice"),
        }
    }
}

/// Trust anchors, intermediates, revocation data, policy and time source, set once; `Send +
/// Sync`, so one verifier behind an `Arc` serves every request of a service.
#[derive(Debug, Clone)]
#[must_use]
pub struct Verifier {
    trust: TrustStore,
    intermediates: Vec<Certificate>,
    signer_certificates: Vec<Certificate>,
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponseInfo>,
    policy: ValidationPolicy,
    clock: Clock,
    #[cfg(feature = "licence")]
    licence_issuers: IssuerList,
    /// Certificate and CRL signature verifications, shared by every document this verifier
    /// (and its clones) checks: the CAs of a batch are verified once, not once per document.
    signature_cache: crate::alg::SignatureCache,
}

impl Verifier {
    /// A verifier trusting `trust`, taking its validation time from `clock`, under the default
    /// validation policy ([`ValidationPolicy::default`]): revocation status required (supply
    /// CRLs or OCSP responses, or relax it with [`Verifier::revocation`]).
    pub fn new(trust: TrustStore, clock: Clock) -> Verifier {
        Verifier {
            trust,
            intermediates: Vec::new(),
            signer_certificates: Vec::new(),
            crls: Vec::new(),
            ocsp: Vec::new(),
            policy: ValidationPolicy::default(),
            clock,
            signature_cache: crate::alg::SignatureCache::new(),
            #[cfg(feature = "licence")]
            licence_issuers: IssuerList::new(),
        }
    }

    /// Intermediate CA certificates to build chains with.
    pub fn intermediates(mut self, certificates: Vec<Certificate>) -> Verifier {
        self.intermediates = certificates;
        self
    }

    /// Signer certificates for signatures that carry none (a bare SM2 signature in an OFD).
    pub fn signer_certificates(mut self, certificates: Vec<Certificate>) -> Verifier {
        self.signer_certificates = certificates;
        self
    }

    /// CRLs to judge revocation with (never fetched).
    pub fn crls(mut self, crls: Vec<Crl>) -> Verifier {
        self.crls = crls;
        self
    }

    /// OCSP responses to judge revocation with (never fetched).
    pub fn ocsp(mut self, responses: Vec<OcspResponseInfo>) -> Verifier {
        self.ocsp = responses;
        self
    }

    /// Whether an unknown revocation status lowers the verdict (it is reported either way):
    /// sets the validation policy's `revocation.required`.
    pub fn revocation(mut self, policy: RevocationPolicy) -> Verifier {
        self.policy.revocation.required = policy == RevocationPolicy::Required;
        self
    }

    /// The validation policy (replacing the whole of the current one, its revocation rule
    /// included): its knobs go into every verification's options, its levels into every report.
    pub fn policy(mut self, policy: ValidationPolicy) -> Verifier {
        self.policy = policy;
        self
    }

    /// The validation policy in force.
    pub fn validation_policy(&self) -> &ValidationPolicy {
        &self.policy
    }

    /// The issuers whose signed licence QR codes are accepted.
    #[cfg(feature = "licence")]
    pub fn licence_issuers(mut self, issuers: IssuerList) -> Verifier {
        self.licence_issuers = issuers;
        self
    }

    /// Whether an unknown revocation status lowers the verdict.
    pub fn revocation_policy(&self) -> RevocationPolicy {
        if self.policy.revocation.required {
            RevocationPolicy::Required
        } else {
            RevocationPolicy::NotRequired
        }
    }

    /// The trust anchors.
    pub fn trust(&self) -> &TrustStore {
        &self.trust
    }

    /// The validation time the clock gives now.
    pub fn time(&self) -> Result<Time, TimeError> {
        match self.clock {
            Clock::Fixed(at) => Ok(at),
            Clock::System => Time::now(),
        }
    }

    /// Document options (OFD, PDF, licence files) for validation at `at`: add a progress
    /// callback to them where one is wanted.
    pub fn document_options(&self, at: Time) -> DocumentOptions<'_> {
        let mut options = DocumentOptions::new(self.seal_options(at));
        options.signer_certificates = self.signer_certificates.clone();
        options
    }

    /// Seal options (trust, chain options configured by the policy, with the revocation data)
    /// for validation at `at`.
    pub fn seal_options(&self, at: Time) -> SealOptions<'_> {
        let mut options = SealOptions::new(&self.trust, at);
        options.intermediates = self.intermediates.clone();
        self.policy.configure(&mut options.chain);
        options.chain.crls = self.crls.clone();
        options.chain.ocsp = self.ocsp.clone();
        options.chain.signature_cache = self.signature_cache.clone();
        options
    }

    /// Verifies whatever `input` is (told by its first bytes: [`DocumentKind::detect`]) at the
    /// clock's time. Anything unrecognised, or a clock that cannot be read, gives an
    /// INDETERMINATE report saying so, never a panic.
    pub fn verify(&self, input: &[u8]) -> Report {
        match self.time() {
            Ok(at) => self.verify_at(input, at),
            Err(e) => unrecognised(Check::failed(
                "input.time",
                Reason::Unsupported,
                format!("no validation time: {e}"),
            )),
        }
    }

    /// Verifies whatever `input` is at the validation time `at`.
    pub fn verify_at(&self, input: &[u8], at: Time) -> Report {
        match DocumentKind::detect(input) {
            Some(kind) => self.verify_kind(kind, input, at),
            None => unrecognised(Check::failed(
                "input.kind",
                Reason::Unsupported,
                "not a document this library verifies (OFD, PDF, seal, CMS, licence QR text)",
            )),
        }
    }

    /// Verifies `input` as the given kind at `at`; the policy's levels applied to the report.
    /// A kind this build leaves out ([`DocumentKind::supported`]) gives an INDETERMINATE
    /// report naming the missing feature.
    pub fn verify_kind(&self, kind: DocumentKind, input: &[u8], at: Time) -> Report {
        let mut report = match kind {
            #[cfg(feature = "ofd")]
            DocumentKind::Ofd => crate::ofd::verify_ofd_bytes(input, &self.document_options(at)),
            #[cfg(feature = "pdf")]
            DocumentKind::Pdf => crate::pdf::verify_pdf(input, &self.document_options(at)),
            DocumentKind::Seal => verify_seal(input, &self.seal_options(at)),
            #[cfg(feature = "licence")]
            DocumentKind::LicenceQr => {
                let text = String::from_utf8_lossy(input);
                verify_qr(text.trim(), &self.licence_issuers, &QrOptions::new(at))
            }
            // Its own levels applied there.
            DocumentKind::Cms => return self.verify_cms(input, None, at),
            #[cfg(feature = "invoice")]
            DocumentKind::Invoice => crate::invoice::verify_invoice(input, &self.document_options(at)),
            #[allow(unreachable_patterns)] // with every feature on
            other => return unsupported(other),
        };
        self.policy.apply(&mut report);
        report
    }

    /// Verifies a CMS / PKCS#7 signature (DER, BER, PEM or base64) at `at`: over `content` when
    /// it is detached, else over the encapsulated content; one report part per SignerInfo; the
    /// policy's levels applied to the report.
    pub fn verify_cms(&self, signature: &[u8], content: Option<&[u8]>, at: Time) -> Report {
        #[cfg(not(feature = "cms"))]
        {
            let _ = (signature, content, at);
            unsupported(DocumentKind::Cms)
        }
        #[cfg(feature = "cms")]
        {
            let der = match crate::cms::file::decode_input(signature) {
                Ok(der) => der,
                Err(e) => return unrecognised(Check::failed("cms.parse", e.reason(), e.to_string())),
            };
            let seal = self.seal_options(at);
            let mut report = crate::cms::file::verify_report(
                &der,
                content,
                &self.trust,
                &seal.chain,
                &self.intermediates,
                &crate::cms::CmsOptions::default(),
            );
            self.policy.apply(&mut report);
            report
        }
    }
}

/// Whether `input` is a CMS SignedData (DER/BER, or PEM with a PKCS7/CMS label).
fn is_cms(input: &[u8]) -> bool {
    let text = input.trim_ascii_start();
    let pem = text.starts_with(b"-----BEGIN PKCS7") || text.starts_with(b"-----BEGIN CMS");
    if !pem && input.first() != Some(&0x30) {
        return false;
    }
    crate::cms::file::decode_input(input).is_ok_and(|der| crate::cms::SignedData::from_der(&der).is_ok())
}

/// The report for an input of a kind this build leaves out: INDETERMINATE, naming the feature.
fn unsupported(kind: DocumentKind) -> Report {
    let feature = kind.feature().unwrap_or("?");
    let mut report = Report::new(kind.name());
    report.push(Check::failed(
        "input.kind",
        Reason::Unsupported,
        format!(
            "{} input: this build of yinjian has no `{feature}` feature (enable it in Cargo.toml)",
            kind.name()
        ),
    ));
    report.finish()
}

/// The report for an input that could not be verified at all.
pub(crate) fn unrecognised(check: Check) -> Report {
    let mut report = Report::new(UNKNOWN_REPORT_KIND);
    report.push(check);
    report.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::ValidationPolicy;
    use crate::report::Status;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn verifier_is_shareable_across_threads() {
        assert_send_sync::<Verifier>();
    }

    #[test]
    fn kinds_are_told_by_their_first_bytes() {
        assert_eq!(DocumentKind::detect(b"PK\x03\x04rest"), Some(DocumentKind::Ofd));
        assert_eq!(DocumentKind::detect(b"%PDF-1.7\n"), Some(DocumentKind::Pdf));
        assert_eq!(DocumentKind::detect(b" YJ1:ABC"), Some(DocumentKind::LicenceQr));
        assert_eq!(DocumentKind::detect(b"\x30\x03\x02\x01\x00"), None);
        assert_eq!(DocumentKind::detect(b""), None);
        assert_eq!(DocumentKind::detect(b"hello"), None);
    }

    #[test]
    fn unknown_input_is_indeterminate_with_its_reason() {
        let at = Time::parse("2027-06-01T00:00:00Z").unwrap();
        let verifier = Verifier::new(TrustStore::new(), Clock::Fixed(at));
        let report = verifier.verify(b"just some text");
        assert_eq!(report.kind, UNKNOWN_REPORT_KIND);
        assert_eq!(report.status, Status::Indeterminate);
        assert_eq!(report.checks[0].reason, Some(Reason::Unsupported));
        assert_eq!(verifier.time().unwrap(), at);
    }

    fn cms_vector(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../test-vectors/cms/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[cfg(feature = "cms")]
    #[test]
    fn cms_signatures_are_told_apart_and_verified() {
        let mut trust = TrustStore::new();
        trust.add_pem(&cms_vector("pki/root.pem")).unwrap();
        let verifier = Verifier::new(trust, Clock::Fixed(Time::parse("2026-12-01T00:00:00Z").unwrap()))
            .revocation(RevocationPolicy::NotRequired);
        let attached = cms_vector("rsa-ber-attached.der");
        assert_eq!(DocumentKind::detect(&attached), Some(DocumentKind::Cms));
        let report = verifier.verify(&attached);
        assert_eq!(report.kind, crate::cms::REPORT_KIND);
        assert_eq!(report.status, Status::Passed, "{}", report.to_text());
        let at = verifier.time().unwrap();
        let detached = cms_vector("rsa-detached.der");
        let content = cms_vector("content.bin");
        assert_eq!(
            verifier.verify_cms(&detached, Some(&content), at).status,
            Status::Passed
        );
        let tampered = cms_vector("content-tampered.bin");
        assert_eq!(
            verifier.verify_cms(&detached, Some(&tampered), at).status,
            Status::Failed
        );
    }

    #[cfg(feature = "cms")]
    #[test]
    fn the_policy_configures_and_judges_every_verification() {
        let mut trust = TrustStore::new();
        trust.add_pem(&cms_vector("pki/root.pem")).unwrap();
        let at = Time::parse("2026-12-01T00:00:00Z").unwrap();
        let verifier = Verifier::new(trust, Clock::Fixed(at));
        assert_eq!(verifier.validation_policy(), &ValidationPolicy::default());
        assert_eq!(verifier.revocation_policy(), RevocationPolicy::Required);
        let detached = cms_vector("rsa-detached.der");
        let content = cms_vector("content.bin");
        // No CRL: INDETERMINATE under the default policy, which requires revocation status.
        let report = verifier.verify_cms(&detached, Some(&content), at);
        assert_eq!(report.status, Status::Indeterminate, "{}", report.to_text());
        assert_eq!(report.reason, Some(Reason::RevocationUnknown));

        let policy = ValidationPolicy::from_json(r#"{"revocation": {"required": false}}"#).unwrap();
        let relaxed = verifier.clone().policy(policy);
        assert_eq!(relaxed.revocation_policy(), RevocationPolicy::NotRequired);
        assert_eq!(relaxed.seal_options(at).chain.revocation, RevocationPolicy::NotRequired);
        assert_eq!(relaxed.verify_cms(&detached, Some(&content), at).status, Status::Passed);

        // The same through a level: the chain check, decided by x509.revocation, only warns.
        let policy = ValidationPolicy::from_json(r#"{"levels": {"x509.revocation": "WARN"}}"#).unwrap();
        let warned = verifier.clone().policy(policy);
        let report = warned.verify_cms(&detached, Some(&content), at);
        assert_eq!(report.status, Status::Passed, "{}", report.to_json_pretty());
        let check = report.parts[0]
            .checks
            .iter()
            .find(|c| c.details.contains_key("policy_level"))
            .expect("a check carries the level");
        assert_eq!(check.details["original_reason"], "RevocationUnknown");
        // A forgery stays FAILED whatever the revocation level.
        let tampered = cms_vector("content-tampered.bin");
        assert_eq!(warned.verify_cms(&detached, Some(&tampered), at).status, Status::Failed);
    }

    #[cfg(feature = "pdf")]
    #[test]
    fn a_broken_pdf_is_verified_as_a_pdf() {
        let verifier = Verifier::new(TrustStore::new(), Clock::Fixed(Time::UNIX_EPOCH));
        let report = verifier.verify(b"%PDF-1.7\nnot really");
        assert_eq!(report.kind, crate::pdf::DOCUMENT_REPORT_KIND);
        assert_eq!(report.status, Status::Failed);
    }
}
