//! The library with only the features a user picked (this crate asks for `ofd` and `pdf`):
//! OFD and PDF verify as in the full build, and a kind left out is INDETERMINATE
//! `Unsupported`, naming its feature, never a panic.
//!
//! Run alone (`cargo test -p yinjian-examples --test trimmed`, as scripts/test does) the build
//! is trimmed; in a workspace build other members turn every feature on, and then the left-out
//! kinds verify normally, which the test accepts too.

use yinjian::x509::{parse_all, RevocationPolicy, TrustStore};
use yinjian::{Clock, DocumentKind, Reason, Status, Time, Verifier};

fn repo_file(path: &str) -> Vec<u8> {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn verifier() -> Verifier {
    let mut trust = TrustStore::new();
    trust
        .add_pem(&repo_file("test-vectors/x509/sm2/certs/root.pem"))
        .expect("the test root");
    let at = Time::parse("2027-06-01T00:00:00Z").expect("a time");
    Verifier::new(trust, Clock::Fixed(at))
        .intermediates(parse_all(&repo_file("test-vectors/x509/sm2/certs/int.pem")).expect("the test CA"))
        .revocation(RevocationPolicy::NotRequired)
}

#[test]
fn the_chosen_formats_verify() {
    let verifier = verifier();
    assert!(DocumentKind::Ofd.supported() && DocumentKind::Pdf.supported());
    let report = verifier.verify(&repo_file("test-vectors/sample/notice.ofd"));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let report = verifier.verify(&repo_file("test-vectors/pdf/sm2-signed.pdf"));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
}

#[test]
fn a_kind_left_out_names_its_feature() {
    let verifier = verifier();
    let at = verifier.time().expect("a fixed clock");
    let inputs = [
        (
            DocumentKind::LicenceQr,
            repo_file("test-vectors/licence/sample-code.txt"),
        ),
        (DocumentKind::Cms, repo_file("test-vectors/cms/rsa-ber-attached.der")),
        (DocumentKind::Invoice, repo_file("test-vectors/sample/notice.ofd")),
    ];
    for (kind, input) in inputs {
        let report = verifier.verify_kind(kind, &input, at);
        if kind.supported() {
            // A workspace build: the feature came from another member.
            assert!(!report.to_text().contains("has no `"), "{}", report.to_text());
            continue;
        }
        let feature = kind.feature().expect("a kind behind a feature");
        assert_eq!(report.status, Status::Indeterminate, "{kind:?}");
        assert_eq!(report.reason, Some(Reason::Unsupported), "{kind:?}");
        assert!(
            report.checks[0].message.contains(&format!("`{feature}` feature")),
            "{kind:?}: {}",
            report.checks[0].message
        );
    }
}
