//! The SM2 rows of the corpus `x509/MANIFEST.md`, statement by statement: the NRCAC national
//! root hierarchy and its CRLs, the CFCA chain with a real bank certificate pair, and the
//! Tongsuo toolkit certificates (self-issued trap, no-Z signatures, NTLS double certificates).
//!
//! "Today" is the manifest's date, 2026-12-06, fixed so the outcome does not drift.

#[allow(dead_code)] // the shared helpers serve several test files
mod common;

use std::path::{Path, PathBuf};

use der::Decode;
use yinjian::x509::{chain_report, parse_all, Certificate, ChainOptions, Crl, RevocationPolicy, TrustStore, Usage};
use yinjian::{Reason, Report, Status, Time};

const TODAY: &str = "2026-12-06T00:00:00Z";
/// A date inside the CFCA bank pair's validity (the manifest's `-attime 1700000000`).
const CFCA_VALID: &str = "2023-11-14T00:00:00Z";
/// A date inside the NRCAC CRLs' window (thisUpdate 2022-05-05, nextUpdate 2022-06-04).
const CRL_TIME: &str = "2022-05-10T00:00:00Z";

/// The corpus `x509` folder when its SM2 folders are there (scripts/get-corpus can fetch
/// `nist-pkits` alone); the tests return early without them.
fn dir() -> Option<PathBuf> {
    ["x509/sm2-national", "x509/sm2-cfca", "x509/sm2-tongsuo"]
        .iter()
        .all(|rel| common::corpus(rel).is_some())
        .then(|| common::corpus_root().join("x509"))
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn certs(dir: &Path, rel: &str) -> Vec<Certificate> {
    parse_all(&read(dir, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn cert(dir: &Path, rel: &str) -> Certificate {
    certs(dir, rel).remove(0)
}

/// A chain check of `leaf` with `anchors` trusted and `pool` supplied.
struct Case<'a> {
    leaf: &'a Certificate,
    pool: Vec<Certificate>,
    anchors: Vec<Certificate>,
    opts: ChainOptions,
}

impl<'a> Case<'a> {
    fn new(leaf: &'a Certificate, anchors: &[Certificate], at: &str, usage: Usage) -> Case<'a> {
        let mut opts = ChainOptions::new(Time::parse(at).unwrap(), usage);
        opts.revocation = RevocationPolicy::NotRequired;
        Case {
            leaf,
            pool: Vec::new(),
            anchors: anchors.to_vec(),
            opts,
        }
    }

    fn pool(mut self, pool: &[Certificate]) -> Self {
        self.pool = pool.to_vec();
        self
    }

    fn run(&self) -> Report {
        let mut trust = TrustStore::new();
        for a in &self.anchors {
            trust.add_certificate(a.clone(), None);
        }
        chain_report(self.leaf, &self.pool, &trust, &self.opts)
    }
}

/// Whether `cert` verifies under its own key (a self-signature).
fn self_signed(cert: &Certificate) -> bool {
    let alg = cert.signature_algorithm().unwrap();
    yinjian::alg::verify_signature(alg, &cert.spki_der(), cert.tbs_der(), cert.signature()).is_ok()
}

/// The issuer/profile rules the report notes (detail `lints` of `x509.profile`).
fn lints(report: &Report) -> Vec<String> {
    report
        .check("x509.profile")
        .and_then(|c| c.details.get("lints"))
        .and_then(|l| l.as_array())
        .map(|l| {
            l.iter()
                .map(|x| {
                    format!(
                        "{}: {}",
                        x["certificate"].as_str().unwrap(),
                        x["rule"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn assert_status(report: &Report, status: Status, reason: Option<Reason>, what: &str) {
    assert_eq!(
        (report.status, report.reason),
        (status, reason),
        "{what}: {:#?}",
        report.checks.iter().find(|c| c.status != Status::Passed)
    );
}

#[test]
fn nrcac_national_root_hierarchy() {
    let Some(dir) = dir() else { return };
    let root = cert(&dir, "sm2-national/ROOTCA.pem");
    let civil = cert(&dir, "sm2-national/Civil_Servant_ROOT.pem");
    let device = cert(&dir, "sm2-national/Device_ROOT.pem");
    for r in [&root, &civil, &device] {
        assert!(self_signed(r), "{} is self-signed", r.subject());
        assert!(r.is_ca());
        assert!(
            !r.extensions()
                .critical
                .contains(&yinjian::x509::cert::ext_oid::BASIC_CONSTRAINTS),
            "{}: basicConstraints not critical",
            r.subject()
        );
    }
    // Sub-CAs under ROOTCA: valid (before this work: FAILED, "basicConstraints must be
    // critical in a CA certificate"); the non-critical basicConstraints is a noted lint.
    for rel in [
        "sm2-national/Ant_Financial_Certification_Authority_S1.pem",
        "sm2-national/Taier_CA.pem",
    ] {
        let sub = cert(&dir, rel);
        let case = Case::new(&sub, std::slice::from_ref(&root), TODAY, Usage::Any);
        let report = case.run();
        assert_status(&report, Status::Passed, None, rel);
        assert!(
            lints(&report)
                .iter()
                .any(|l| l.contains("CN=ROOTCA") && l.contains("basicConstraints must be critical")),
            "{rel}: {:?}",
            lints(&report)
        );
        // The same rule enforced on request.
        let mut strict = Case::new(&sub, std::slice::from_ref(&root), TODAY, Usage::Any);
        strict.opts.strict_profile = true;
        assert_status(&strict.run(), Status::Failed, Some(Reason::PolicyViolation), rel);
    }
    // TJCA chains to Civil Servant ROOT, not to ROOTCA.
    let tjca = cert(&dir, "sm2-national/TJCA.pem");
    assert_status(
        &Case::new(&tjca, std::slice::from_ref(&civil), TODAY, Usage::Any).run(),
        Status::Passed,
        None,
        "TJCA under Civil Servant ROOT",
    );
    assert_status(
        &Case::new(&tjca, std::slice::from_ref(&root), TODAY, Usage::Any).run(),
        Status::Indeterminate,
        Some(Reason::UntrustedChain),
        "TJCA under ROOTCA",
    );
    // All three roots trusted: TJCA still finds its own.
    let all = [root.clone(), civil.clone(), device.clone()];
    assert_status(
        &Case::new(&tjca, &all, TODAY, Usage::Any).run(),
        Status::Passed,
        None,
        "TJCA, three roots",
    );
}

#[test]
fn nrcac_crls() {
    let Some(dir) = dir() else { return };
    let at = Time::parse(CRL_TIME).unwrap();
    let crl = |rel: &str| Crl::parse_all(&read(&dir, rel)).unwrap().remove(0);
    let entries = |c: &Crl| {
        <x509_cert::crl::CertificateList>::from_der(c.der())
            .unwrap()
            .tbs_cert_list
            .revoked_certificates
            .map_or(0, |r| r.len())
    };
    let roots = [
        ("sm2-national/ROOTCA.pem", "sm2-national/ROOTCA.crl", 18),
        (
            "sm2-national/Civil_Servant_ROOT.pem",
            "sm2-national/Civil_Servant_ROOT.crl",
            1,
        ),
        ("sm2-national/Device_ROOT.pem", "sm2-national/Device_ROOT.crl", 1),
    ];
    for (root, list, count) in roots {
        let (root, list) = (cert(&dir, root), crl(list));
        assert_eq!(entries(&list), count, "{}", list.issuer());
        // SM2 signature by the root (OpenSSL 3.0 cannot check it: no distid option).
        list.verify_signature(&root.spki_der(), false).unwrap();
        list.check_current(at).unwrap();
        assert!(list.this_update().to_string().starts_with("2022-05-05"));
        assert!(list.next_update().unwrap().to_string().starts_with("2022-06-04"));
    }
    // None of the sub-CAs here is listed: revocation required, the chains pass at a time
    // inside the CRLs' window.
    let root = cert(&dir, "sm2-national/ROOTCA.pem");
    let civil = cert(&dir, "sm2-national/Civil_Servant_ROOT.pem");
    let chains = [
        ("sm2-national/Taier_CA.pem", &root, "sm2-national/ROOTCA.crl"),
        (
            "sm2-national/Ant_Financial_Certification_Authority_S1.pem",
            &root,
            "sm2-national/ROOTCA.crl",
        ),
        ("sm2-national/TJCA.pem", &civil, "sm2-national/Civil_Servant_ROOT.crl"),
    ];
    for (sub, anchor, list) in chains {
        let sub = cert(&dir, sub);
        let mut case = Case::new(&sub, std::slice::from_ref(anchor), CRL_TIME, Usage::Any);
        case.opts.revocation = RevocationPolicy::Required;
        case.opts.crls = vec![crl(list)];
        assert_status(&case.run(), Status::Passed, None, list);
        // Stale today: revocation cannot be established.
        case.opts.at = Time::parse(TODAY).unwrap();
        assert_status(
            &case.run(),
            Status::Indeterminate,
            Some(Reason::RevocationUnknown),
            list,
        );
        // Another root's CRL says nothing about this certificate.
        case.opts.at = at;
        case.opts.crls = vec![crl("sm2-national/Device_ROOT.crl")];
        assert_status(
            &case.run(),
            Status::Indeterminate,
            Some(Reason::RevocationUnknown),
            list,
        );
    }
}

#[test]
fn cfca_chain_and_bank_pair() {
    let Some(dir) = dir() else { return };
    let root = cert(&dir, "sm2-cfca/CFCA_CS_SM2_CA.pem");
    let oca1 = cert(&dir, "sm2-cfca/CFCA_SM2_OCA1.pem");
    assert!(self_signed(&root));
    let anchors = std::slice::from_ref(&root);
    let pool = std::slice::from_ref(&oca1);
    assert_status(
        &Case::new(&oca1, anchors, TODAY, Usage::Any).run(),
        Status::Passed,
        None,
        "OCA1 under CS SM2 CA",
    );
    let sign = cert(&dir, "sm2-cfca/ebssec.boc.cn-sign.pem");
    let enc = cert(&dir, "sm2-cfca/ebssec.boc.cn-enc.pem");
    for (leaf, name) in [(&sign, "sign"), (&enc, "enc")] {
        // Valid at 2023-11-14 through OCA1 (before this work: FAILED on basicConstraints).
        assert_status(
            &Case::new(leaf, anchors, CFCA_VALID, Usage::Any).pool(pool).run(),
            Status::Passed,
            None,
            name,
        );
        // Expired today (2026-06-19).
        assert_status(
            &Case::new(leaf, anchors, TODAY, Usage::Any).pool(pool).run(),
            Status::Failed,
            Some(Reason::Expired),
            name,
        );
        // No path without the intermediate.
        assert_status(
            &Case::new(leaf, anchors, CFCA_VALID, Usage::Any).run(),
            Status::Indeterminate,
            Some(Reason::UntrustedChain),
            name,
        );
    }
    // The signing certificate is a TLS server certificate of the TLCP pair.
    assert_status(
        &Case::new(&sign, anchors, CFCA_VALID, Usage::TlsServer).pool(pool).run(),
        Status::Passed,
        None,
        "sign as TLS server",
    );
    // The encryption certificate cannot sign: keyUsage.
    for usage in [Usage::DocumentSigning, Usage::TokenSigning] {
        assert_status(
            &Case::new(&enc, anchors, CFCA_VALID, usage).pool(pool).run(),
            Status::Failed,
            Some(Reason::PolicyViolation),
            "enc used for signing",
        );
    }
}

/// The first PEM block of a file (OpenSSL `-text` output puts a dump before it).
/// Reading such files directly is issue 15 item 5 (x509-crl branch); extracted here for now.
fn pem_block(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let start = text.find("-----BEGIN CERTIFICATE-----").expect("a PEM block");
    text[start..].as_bytes().to_vec()
}

#[test]
fn tongsuo_toolkit_certificates() {
    let Some(dir) = dir() else { return };
    let t = |rel: &str| cert(&dir, &format!("sm2-tongsuo/{rel}"));
    let root = t("sm2-root-cert.pem");
    assert!(self_signed(&root));
    let anchors = std::slice::from_ref(&root);

    // The self-issued trap: subject equals the root's, signed by the root, not by itself.
    let trap = t("sm2-cert.pem");
    assert_eq!(trap.subject(), root.subject());
    assert!(!self_signed(&trap));
    let report = Case::new(&trap, anchors, TODAY, Usage::Any)
        .pool(&[trap.clone(), root.clone()])
        .run();
    assert_status(&report, Status::Passed, None, "self-issued sm2-cert");
    assert_eq!(
        report.check("x509.path").unwrap().details["path"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Trusting the trap itself makes it an anchor, trusted as configured (as OpenSSL and Go
    // treat a leaf that is in the trust store): no signature of its own is checked, and its
    // path is just itself — the loop by name is never followed.
    let alone = Case::new(&trap, std::slice::from_ref(&trap), TODAY, Usage::Any).run();
    assert_status(&alone, Status::Passed, None, "sm2-cert trusted as its own anchor");
    assert_eq!(
        alone.check("x509.path").unwrap().details["path"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(alone
        .check("x509.path")
        .unwrap()
        .message
        .contains("itself a trust anchor"));

    let first = t("sm2-first-crt.pem");
    assert_status(
        &Case::new(&first, anchors, TODAY, Usage::Any).run(),
        Status::Passed,
        None,
        "RFC8998-CA",
    );

    // Signed without Z (e = SM3(TBS)): not GM/T 0015; must not pass.
    let noza_root = t("sm2-noza-root-cert.pem");
    let noza = t("sm2-noza-cert.pem");
    assert!(!self_signed(&noza_root));
    let report = Case::new(&noza, std::slice::from_ref(&noza_root), TODAY, Usage::Any).run();
    assert_ne!(report.status, Status::Passed, "no-Z certificate");
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.reason, Some(Reason::BadSignature));

    // www.example.com root, www.middle.com CA (pathlen 0), *.alipay.com TLS leaf.
    let chain = certs(&dir, "sm2-tongsuo/sm2-chain-ca.crt");
    assert_eq!(chain.len(), 2);
    let leaf = parse_all(&pem_block(&read(&dir, "sm2-tongsuo/sm2-leaf.crt")))
        .unwrap()
        .remove(0);
    let (top, middle) = if chain[0].is_self_issued() {
        (chain[0].clone(), chain[1].clone())
    } else {
        (chain[1].clone(), chain[0].clone())
    };
    for usage in [Usage::Any, Usage::TlsServer] {
        assert_status(
            &Case::new(&leaf, std::slice::from_ref(&top), TODAY, usage)
                .pool(std::slice::from_ref(&middle))
                .run(),
            Status::Passed,
            None,
            "alipay leaf",
        );
    }

    // NTLS double certificates under "sub ca"; the root is the anchor.
    let ntls = certs(&dir, "sm2-tongsuo/ntls-chain-ca.crt");
    let (ntls_root, sub) = if ntls[0].is_self_issued() {
        (ntls[0].clone(), ntls[1].clone())
    } else {
        (ntls[1].clone(), ntls[0].clone())
    };
    let anchors = std::slice::from_ref(&ntls_root);
    let pool = std::slice::from_ref(&sub);
    for name in ["client_sign", "client_enc", "server_sign", "server_enc"] {
        let leaf = t(&format!("{name}.crt"));
        assert_status(
            &Case::new(&leaf, anchors, TODAY, Usage::Any).pool(pool).run(),
            Status::Passed,
            None,
            name,
        );
        // Not signed by the root directly.
        assert_status(
            &Case::new(&leaf, anchors, TODAY, Usage::Any).run(),
            Status::Indeterminate,
            Some(Reason::UntrustedChain),
            name,
        );
        // The *_expire twins: same issuer, valid 2000–2001.
        let expired = t(&format!("{name}_expire.crt"));
        assert_status(
            &Case::new(&expired, anchors, TODAY, Usage::Any).pool(pool).run(),
            Status::Failed,
            Some(Reason::Expired),
            &format!("{name}_expire"),
        );
    }
    // A TLS client certificate without subjectAltName or extKeyUsage: the CA/B Forum rules
    // are noted, not enforced (before this work: FAILED, "a TLS certificate must carry
    // subjectAltName").
    let client = t("client_sign.crt");
    let report = Case::new(&client, anchors, TODAY, Usage::TlsClient).pool(pool).run();
    assert_status(&report, Status::Passed, None, "client_sign as TLS client");
    assert!(
        lints(&report).iter().any(|l| l.contains("subjectAltName")),
        "{:?}",
        lints(&report)
    );
    let mut strict = Case::new(&client, anchors, TODAY, Usage::TlsClient).pool(pool);
    strict.opts.strict_profile = true;
    assert_status(
        &strict.run(),
        Status::Failed,
        Some(Reason::PolicyViolation),
        "strict TLS client",
    );

    // Issued by "SUBCA SM2", whose certificate is not in the corpus.
    for name in ["server_sign2", "server_enc2"] {
        let leaf = t(&format!("{name}.crt"));
        assert_status(
            &Case::new(&leaf, anchors, TODAY, Usage::Any).pool(pool).run(),
            Status::Indeterminate,
            Some(Reason::UntrustedChain),
            name,
        );
    }
}
