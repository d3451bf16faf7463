//! `yinjian ofd timestamp`: the archive's intake step for OFD. A sealed document stamped while
//! its certificates were valid still verifies after they expired; what cannot be stamped is
//! listed with the reason; bad input is a usage error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn yinjian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(args)
        .output()
        .expect("run yinjian")
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn ofd_timestamp_then_verify_after_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let v = vectors();
    let (tsa_key, tsa_cert) = (v.join("ofd/tsa/tsa.key.pem"), v.join("ofd/tsa/tsa.pem"));
    let (root, int) = (v.join("x509/sm2/certs/root.pem"), v.join("x509/sm2/certs/int.pem"));
    let stamped = dir.path().join("stamped.ofd");
    let stamp = |input: &Path, out: &Path, extra: &[&str]| {
        yinjian(
            &[
                &[
                    "ofd",
                    "timestamp",
                    s(input),
                    "-o",
                    s(out),
                    "--tsa-key",
                    s(&tsa_key),
                    "--tsa-cert",
                    s(&tsa_cert),
                    "--tsa-chain",
                    s(&int),
                ][..],
                extra,
            ]
            .concat(),
        )
    };
    let out = stamp(&v.join("ofd/sealed.ofd"), &stamped, &["--at", "2026-06-01T09:00:00Z"]);
    assert!(out.status.success(), "{out:?}");
    let printed = text(&out);
    assert!(
        printed.starts_with("time-stamped 1 of 1 signature(s) at 2026-06-01T09:00:00Z")
            && printed.contains("stamped: Doc_0/Signs/Sign_0/SignedValue.dat (SM3 imprint"),
        "{printed}"
    );

    // In 2030 the signer's certificate (to 2029) has expired: the stamped document passes by
    // the token's time, the original has no proof of existence.
    let verify = |doc: &Path| {
        yinjian(&[
            "verify",
            s(doc),
            "--anchors",
            s(&root),
            "--intermediates",
            s(&int),
            "--no-revocation",
            "--at",
            "2030-01-01T00:00:00Z",
        ])
    };
    let after = verify(&stamped);
    assert_eq!(after.status.code(), Some(0), "{after:?}");
    assert!(
        text(&after).contains("seal.timestamp: time-stamp token proves the signature existed at 2026-06-01T09:00:00Z"),
        "{}",
        text(&after)
    );
    let before = verify(&v.join("ofd/sealed.ofd"));
    assert_eq!(before.status.code(), Some(2), "{before:?}");

    // Again: stamped already, nothing changes; JSON says why.
    let again = dir.path().join("again.ofd");
    let out = stamp(&stamped, &again, &["--at", "2026-06-02T09:00:00Z", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["signatures"][0]["outcome"], "skipped");
    assert_eq!(json["signatures"][0]["why"], "already_time_stamped");

    // A v4 seal covered by a later v1 seal: both listed with their reasons.
    let out = stamp(
        &v.join("ofd/sealed-twice.ofd"),
        &again,
        &["--at", "2026-06-02T09:00:00Z"],
    );
    assert!(out.status.success(), "{out:?}");
    let printed = text(&out);
    assert!(
        printed.contains("skipped (protected_by_another_signature)") && printed.contains("skipped (v1_seal)"),
        "{printed}"
    );

    // Usage errors: a TSA key that is not the certificate's, a bad time, not an OFD.
    let wrong_key = v.join("x509/sm2/keys/leaf.key.pem");
    let out = yinjian(&[
        "ofd",
        "timestamp",
        s(&v.join("ofd/sealed.ofd")),
        "-o",
        s(&again),
        "--tsa-key",
        s(&wrong_key),
        "--tsa-cert",
        s(&tsa_cert),
        "--at",
        "2026-06-01T09:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let out = stamp(&v.join("ofd/sealed.ofd"), &again, &["--at", "yesterday"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let out = stamp(&tsa_cert, &again, &["--at", "2026-06-01T09:00:00Z"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
}
