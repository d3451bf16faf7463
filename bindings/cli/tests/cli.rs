//! The CLI against OpenSSL 3 as the independent oracle: `yinjian sm3` must print what
//! `openssl dgst -sm3` prints, and `yinjian sm2 verify` must agree with
//! `openssl pkeyutl -verify` on every generated SM2 vector.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use yinjian::sm::sm2::{PublicKey, Sm2Signature};

mod common;
use common::{repo, s};

/// The test PKI trusted, as most commands here take it.
fn test_pki_trust() -> Vec<String> {
    common::test_pki_trust(&[])
}

fn yinjian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(args)
        .output()
        .expect("run yinjian")
}

fn openssl(args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("openssl 3 must be installed")
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn sm3_matches_openssl_dgst() {
    let dir = tmp();
    let mut files = Vec::new();
    for (name, len) in [
        ("empty", 0usize),
        ("abc", 3),
        ("block", 64),
        ("odd", 1000),
        ("big", 3 << 20),
    ] {
        let path = dir.path().join(name);
        let data: Vec<u8> = if name == "abc" {
            b"abc".to_vec()
        } else {
            (0..len).map(|i| (i * 7 % 256) as u8).collect()
        };
        std::fs::write(&path, data).unwrap();
        files.push(path);
    }
    files.push(repo().join("test-vectors/sample/notice.txt"));
    for file in &files {
        let ours = yinjian(&["sm3", s(file)]);
        assert!(ours.status.success(), "{ours:?}");
        let ours = String::from_utf8(ours.stdout).unwrap();
        let (digest, name) = ours.trim_end().split_once("  ").expect("sm3sum format");
        assert_eq!(name, s(file));
        let theirs = String::from_utf8(openssl(&["dgst", "-sm3", "-r", s(file)]).stdout).unwrap();
        let theirs = theirs.split_whitespace().next().unwrap();
        assert_eq!(digest, theirs, "{}", file.display());
    }
}

#[test]
fn sm3_reads_stdin_and_reports_missing_files() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["sm3", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"abc").unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0  -"));
    let missing = yinjian(&["sm3", "/nonexistent/file"]);
    assert_eq!(missing.status.code(), Some(3));
}

/// Every `sm2_verify` vector: yinjian's exit code and OpenSSL's verdict agree.
#[test]
fn sm2_verify_agrees_with_openssl_on_generated_vectors() {
    let file = repo().join("test-vectors/sm2-openssl.jsonl");
    let text = std::fs::read_to_string(&file).expect("test-vectors/sm2-openssl.jsonl (made by gen/gen-sm2.sh)");
    let dir = tmp();
    let (mut compared, mut disagreements) = (0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        if case["op"] != "sm2_verify" {
            continue;
        }
        let id = case["id"].as_str().unwrap();
        let key = PublicKey::parse(case["key"].as_str().unwrap().as_bytes()).unwrap();
        let once = match case.get("msg_hex") {
            Some(h) => hex::decode(h.as_str().unwrap()).unwrap(),
            None => case["msg_ascii"].as_str().unwrap().as_bytes().to_vec(),
        };
        let msg = once.repeat(case.get("repeat").and_then(|r| r.as_u64()).unwrap_or(1) as usize);
        let sig = hex::decode(case["sig_hex"].as_str().unwrap()).unwrap();
        let distid = case
            .get("distid")
            .and_then(|d| d.as_str())
            .unwrap_or("1234567812345678");
        let (key_path, msg_path, sig_path) = (dir.path().join("k.pem"), dir.path().join("m"), dir.path().join("s"));
        std::fs::write(&key_path, key.to_pem()).unwrap();
        std::fs::write(&msg_path, &msg).unwrap();
        std::fs::write(&sig_path, &sig).unwrap();

        let ours = yinjian(&[
            "sm2",
            "verify",
            "--key",
            s(&key_path),
            "--sig",
            s(&sig_path),
            "--id",
            distid,
            s(&msg_path),
        ]);
        let ours_ok = match ours.status.code() {
            Some(0) => true,
            Some(1) => false,
            other => panic!(
                "{id}: unexpected exit {other:?}: {}",
                String::from_utf8_lossy(&ours.stderr)
            ),
        };
        assert_eq!(
            ours_ok,
            case["expect"] == "PASSED",
            "{id}: CLI disagrees with the vector"
        );

        // OpenSSL judges DER only: give it the DER form of a raw signature that decodes.
        let der = match Sm2Signature::decode(&sig) {
            Ok((decoded, yinjian::sm::sm2::SignatureEncoding::Raw)) => decoded.to_der(),
            _ => sig.clone(),
        };
        std::fs::write(&sig_path, &der).unwrap();
        let theirs = openssl(&[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            s(&key_path),
            "-rawin",
            "-digest",
            "sm3",
            "-pkeyopt",
            &format!("distid:{distid}"),
            "-in",
            s(&msg_path),
            "-sigfile",
            s(&sig_path),
        ]);
        let theirs_ok =
            theirs.status.success() && String::from_utf8_lossy(&theirs.stdout).contains("Verified Successfully");
        compared += 1;
        if ours_ok != theirs_ok {
            disagreements.push(format!("{id}: yinjian {ours_ok}, openssl {theirs_ok}"));
        }
    }
    assert!(compared >= 20, "only {compared} sm2_verify vectors compared");
    assert!(
        disagreements.is_empty(),
        "disagreements with OpenSSL:\n{}",
        disagreements.join("\n")
    );
}

#[test]
fn signatures_made_by_the_cli_verify_in_openssl() {
    let dir = tmp();
    let key = repo().join("test-vectors/sample/signer.key.pem");
    let pubkey = dir.path().join("pub.pem");
    let out = yinjian(&["sm2", "pubkey", "--key", s(&key)]);
    assert!(out.status.success());
    std::fs::write(&pubkey, &out.stdout).unwrap();
    let msg = repo().join("test-vectors/sample/notice.txt");
    for id in ["1234567812345678", "ALICE123@YAHOO.COM"] {
        let sig = dir.path().join("sig");
        let out = yinjian(&["sm2", "sign", "--key", s(&key), "--id", id, "--out", s(&sig), s(&msg)]);
        assert!(out.status.success(), "{out:?}");
        let verdict = openssl(&[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            s(&pubkey),
            "-rawin",
            "-digest",
            "sm3",
            "-pkeyopt",
            &format!("distid:{id}"),
            "-in",
            s(&msg),
            "-sigfile",
            s(&sig),
        ]);
        assert!(
            String::from_utf8_lossy(&verdict.stdout).contains("Verified Successfully"),
            "{verdict:?}"
        );
        // and the raw form, as hex text, verifies in the CLI itself
        let raw = dir.path().join("raw.hex");
        assert!(yinjian(&[
            "sm2",
            "sign",
            "--key",
            s(&key),
            "--id",
            id,
            "--encoding",
            "raw",
            "--hex",
            "--out",
            s(&raw),
            s(&msg)
        ])
        .status
        .success());
        let v = yinjian(&[
            "sm2",
            "verify",
            "--key",
            s(&pubkey),
            "--sig",
            s(&raw),
            "--id",
            id,
            "--json",
            s(&msg),
        ]);
        assert_eq!(v.status.code(), Some(0));
        let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
        assert_eq!(report["checks"][0]["details"]["encoding"], "raw");
    }
}

#[test]
fn exit_codes() {
    let sample = repo().join("test-vectors/sample");
    let key = sample.join("signer.pub.pem");
    let sig = sample.join("notice.txt.sig");
    let good = yinjian(&[
        "sm2",
        "verify",
        "--key",
        s(&key),
        "--sig",
        s(&sig),
        s(&sample.join("notice.txt")),
    ]);
    assert_eq!(good.status.code(), Some(0));
    let altered = yinjian(&[
        "sm2",
        "verify",
        "--key",
        s(&key),
        "--sig",
        s(&sig),
        "--json",
        s(&sample.join("notice-altered.txt")),
    ]);
    assert_eq!(altered.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&altered.stdout).unwrap();
    assert_eq!(report["reason"], "BadSignature");
    // a message file as the key: input error
    let bad_key = yinjian(&[
        "sm2",
        "verify",
        "--key",
        s(&sample.join("notice.txt")),
        "--sig",
        s(&sig),
        s(&sig),
    ]);
    assert_eq!(bad_key.status.code(), Some(3));
    assert_eq!(yinjian(&["sm2", "verify"]).status.code(), Some(3));
    assert_eq!(yinjian(&["no-such-command"]).status.code(), Some(3));
    assert_eq!(yinjian(&["--help"]).status.code(), Some(0));
    let at = yinjian(&[
        "sm2",
        "verify",
        "--key",
        s(&key),
        "--sig",
        s(&sig),
        "--at",
        "2030-01-01T00:00:00+08:00",
        "--json",
        s(&sample.join("notice.txt")),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&at.stdout).unwrap();
    assert_eq!(report["subject"]["validation_time"], "2029-12-31T16:00:00Z");
    assert_eq!(
        yinjian(&[
            "sm2",
            "verify",
            "--key",
            s(&key),
            "--sig",
            s(&sig),
            "--at",
            "soon",
            s(&key)
        ])
        .status
        .code(),
        Some(3)
    );
}

#[test]
fn cert_show_and_verify() {
    let dir = repo().join("test-vectors/x509/sm2");
    let cert = |n: &str| dir.join("certs").join(n);
    let show = yinjian(&["cert", "show", s(&cert("leaf.pem"))]);
    assert!(show.status.success());
    let text = String::from_utf8(show.stdout).unwrap();
    assert!(
        text.contains("subject:   C=CN, ST=某省, L=某市, O=某市人民政府办公厅, CN=张三"),
        "{text}"
    );
    assert!(text.contains("signature: SM2-SM3"));
    let json = yinjian(&["cert", "show", "--json", s(&cert("root.pem"))]);
    let info: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(info["basic_constraints"]["ca"], true);

    let at = "2027-06-01T00:00:00Z";
    let verify = |leaf: &str, extra: &[&str]| {
        let (l, i, r) = (cert(leaf), cert("int.pem"), cert("root.pem"));
        let mut args = vec![
            "cert",
            "verify",
            s(&l),
            "--intermediates",
            s(&i),
            "--anchors",
            s(&r),
            "--at",
            at,
        ];
        args.extend_from_slice(extra);
        yinjian(&args).status.code()
    };
    assert_eq!(verify("leaf.pem", &["--no-revocation"]), Some(0));
    assert_eq!(verify("leaf.pem", &[]), Some(2), "revocation unknown is INDETERMINATE");
    let root_crl = dir.join("crls/root-crl.pem");
    let good = repo().join("test-vectors/x509/ocsp/good.der");
    let revoked = repo().join("test-vectors/x509/ocsp/revoked.der");
    assert_eq!(
        verify("leaf.pem", &["--crl", s(&root_crl), "--ocsp", s(&good)]),
        Some(0)
    );
    assert_eq!(
        verify("leaf.pem", &["--crl", s(&root_crl), "--ocsp", s(&revoked)]),
        Some(1)
    );
    assert_eq!(verify("leaf-expired.pem", &["--no-revocation"]), Some(1));
    assert_eq!(
        verify("leaf-serverauth.pem", &["--no-revocation", "--usage", "seal-making"]),
        Some(1)
    );
    assert_eq!(
        verify("leaf-serverauth.pem", &["--no-revocation", "--usage", "nonsense"]),
        Some(3)
    );
    // RFC 5280 certificate-policy inputs are --cert-policy (--policy is the validation policy).
    assert_eq!(
        verify("leaf.pem", &["--no-revocation", "--cert-policy", "anyPolicy"]),
        Some(0)
    );
    assert_eq!(
        verify(
            "leaf.pem",
            &["--no-revocation", "--cert-policy", "1.2.3.4.5", "--explicit-policy"]
        ),
        Some(1)
    );
    assert_eq!(
        verify("leaf.pem", &["--no-revocation", "--policy", "1.2.3.4.5"]),
        Some(3)
    );
}

#[test]
fn seal_make_sign_show_verify() {
    let dir = tmp();
    let pki = repo().join("test-vectors/x509/sm2");
    let (certs, keys) = (pki.join("certs"), pki.join("keys"));
    let out = |n: &str| dir.path().join(n);
    let picture = out("p.png");
    std::fs::write(&picture, b"\x89PNG picture").unwrap();
    let made = yinjian(&[
        "seal",
        "make",
        "--maker-key",
        s(&keys.join("leaf-seal.key.pem")),
        "--maker-cert",
        s(&certs.join("leaf-seal.pem")),
        "--signer-cert",
        s(&certs.join("leaf.pem")),
        "--name",
        "测试专用章",
        "--es-id",
        "42",
        "--picture",
        s(&picture),
        "--valid-from",
        "2026-02-01T00:00:00Z",
        "--valid-to",
        "2028-02-01T00:00:00Z",
        "-o",
        s(&out("s.esl")),
    ]);
    assert!(made.status.success(), "{made:?}");
    let data = out("data.xml");
    std::fs::write(&data, b"<Signature/>").unwrap();
    let signed = yinjian(&[
        "seal",
        "sign",
        "--seal",
        s(&out("s.esl")),
        "--key",
        s(&keys.join("leaf.key.pem")),
        "--cert",
        s(&certs.join("leaf.pem")),
        "--data",
        s(&data),
        "--at",
        "2026-06-01T00:00:00Z",
        "-o",
        s(&out("sv.dat")),
    ]);
    assert!(signed.status.success(), "{signed:?}");
    let shown = yinjian(&["seal", "show", s(&out("sv.dat")), "--picture", s(&out("pic.bin"))]);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("name:      测试专用章"),
        "{shown:?}"
    );
    assert_eq!(std::fs::read(out("pic.bin")).unwrap(), b"\x89PNG picture");

    let (sv, esl) = (out("sv.dat"), out("s.esl"));
    let trust = test_pki_trust();
    let trust: Vec<&str> = trust.iter().map(String::as_str).collect();
    let verify = |extra: &[&str]| {
        let mut args = vec!["seal", "verify", s(&sv)];
        args.extend_from_slice(extra);
        args.extend_from_slice(&trust);
        yinjian(&args).status.code()
    };
    assert_eq!(verify(&["--data", s(&data)]), Some(0));
    let digest = hex::encode(yinjian::sm::sm3::sm3(b"<Signature/>"));
    assert_eq!(verify(&["--hash", &digest]), Some(0));
    assert_eq!(verify(&["--data", s(&certs.join("root.pem"))]), Some(1), "other data");
    assert_eq!(verify(&[]), Some(3), "no data given");
    // a seal on its own
    let mut args = vec!["seal", "verify", s(&esl)];
    args.extend_from_slice(&trust);
    assert_eq!(yinjian(&args).status.code(), Some(0));
}

#[test]
fn ofd_sign_then_verify() {
    let dir = tmp();
    let v = repo().join("test-vectors");
    let pki = v.join("x509/sm2");
    let (key, cert) = (pki.join("keys/leaf.key.pem"), pki.join("certs/leaf.pem"));
    let trust = test_pki_trust();
    let trust: Vec<&str> = trust.iter().map(String::as_str).collect();
    let sealed = dir.path().join("sealed.ofd");
    let out = yinjian(&[
        "ofd",
        "sign",
        s(&v.join("ofd/unsigned.ofd")),
        "-o",
        s(&sealed),
        "--seal",
        s(&v.join("seal/v4.esl")),
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "--page",
        "0",
        "--x",
        "100",
        "--y",
        "50",
        "--size",
        "42",
        "--at",
        "2026-06-01T08:00:00Z",
    ]);
    assert!(out.status.success(), "{out:?}");
    let verified = yinjian(&[&["verify", s(&sealed)][..], &trust[..]].concat());
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
    let text = String::from_utf8(verified.stdout).unwrap();
    assert!(text.starts_with("PASSED") && text.contains("[100 50 42 42]"), "{text}");
    // --no-revocation: the signature's chain checks say that status was NOT checked.
    assert!(
        text.contains("seal.signer.chain: chains to")
            && text.contains("revocation status NOT checked: not required by the policy"),
        "{text}"
    );

    // A plain signature on top, verified with the signer's certificate.
    let both = dir.path().join("both.ofd");
    let out = yinjian(&[
        "ofd",
        "sign",
        s(&sealed),
        "-o",
        s(&both),
        "--plain",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "--at",
        "2026-06-02T08:00:00Z",
    ]);
    assert!(out.status.success(), "{out:?}");
    let verified = yinjian(&[&["verify", s(&both), "--signer-cert", s(&cert)][..], &trust[..]].concat());
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");

    // Tampered: the signed page's content changed (same entry name, other bytes).
    let bytes = std::fs::read(&sealed).unwrap();
    let page = b"Doc_0/Pages/Page_0/Content.xml";
    let mut tampered = bytes.clone();
    // Flip a byte of the page's compressed data, right after its local header's name.
    let at = bytes.windows(page.len()).position(|w| w == page).unwrap() + page.len();
    tampered[at + 4] ^= 0x55;
    let bad = dir.path().join("tampered.ofd");
    std::fs::write(&bad, tampered).unwrap();
    let verified = yinjian(&[&["verify", s(&bad)][..], &trust[..]].concat());
    assert_eq!(verified.status.code(), Some(1), "{verified:?}");

    // Usage errors: neither --seal nor --plain.
    let out = yinjian(&[
        "ofd",
        "sign",
        s(&sealed),
        "-o",
        s(&bad),
        "--key",
        s(&key),
        "--cert",
        s(&cert),
    ]);
    assert!(!out.status.success(), "{out:?}");
}

#[test]
fn token_sign_verify_inspect() {
    let dir = tmp();
    let sm2 = repo().join("test-vectors/x509/sm2");
    let key = sm2.join("keys/leaf.key.pem");
    let cert = format!("k1={}", s(&sm2.join("certs/leaf.pem")));
    let at = "2026-11-24T10:00:00Z";
    let claims = dir.path().join("claims.json");
    // exp an hour after --at (2026-11-24T11:00:00Z).
    std::fs::write(
        &claims,
        r#"{"iss": "https://id.example.gov.cn", "aud": "svc-a", "sub": "u1", "exp": 1795518000}"#,
    )
    .unwrap();
    let signed = yinjian(&["token", "sign", "--key", s(&key), "--claims", s(&claims), "--kid", "k1"]);
    assert_eq!(signed.status.code(), Some(0), "{signed:?}");
    let token = String::from_utf8(signed.stdout).unwrap().trim().to_owned();
    assert_eq!(token.split('.').count(), 3, "{token}");

    let verify = |aud: &str| {
        yinjian(&[
            "token",
            "verify",
            &token,
            "--key",
            &cert,
            "--iss",
            "https://id.example.gov.cn",
            "--aud",
            aud,
            "--at",
            at,
            "--json",
        ])
    };
    let good = verify("svc-a");
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stdout));
    let report: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(report["status"], "PASSED");
    let other = verify("svc-b");
    assert_eq!(
        other.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&other.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&other.stdout).unwrap();
    assert_eq!(report["reason"], "PolicyViolation");
    // Past exp (and the minute of leeway): expired.
    let late = yinjian(&[
        "token",
        "verify",
        &token,
        "--key",
        &cert,
        "--any-iss",
        "--any-aud",
        "--at",
        "2026-11-24T11:01:01Z",
    ]);
    assert_eq!(late.status.code(), Some(1), "{late:?}");

    // The issuer decision is required: --iss or --any-iss.
    let undecided = yinjian(&["token", "verify", &token, "--key", &cert, "--aud", "svc-a", "--at", at]);
    assert_eq!(undecided.status.code(), Some(3), "{undecided:?}");
    assert!(String::from_utf8_lossy(&undecided.stderr).contains("--iss"));
    // Without --aud, a token issued for an audience is refused.
    let no_aud = yinjian(&[
        "token",
        "verify",
        &token,
        "--key",
        &cert,
        "--any-iss",
        "--at",
        at,
        "--json",
    ]);
    assert_eq!(no_aud.status.code(), Some(1), "{no_aud:?}");
    let report: serde_json::Value = serde_json::from_slice(&no_aud.stdout).unwrap();
    let aud = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "token.aud")
        .unwrap();
    assert_eq!(aud["reason"], "PolicyViolation", "{aud}");
    // --any-iss / --any-aud pass, and the report says what was not checked.
    let any = yinjian(&[
        "token",
        "verify",
        &token,
        "--key",
        &cert,
        "--any-iss",
        "--any-aud",
        "--at",
        at,
    ]);
    assert_eq!(any.status.code(), Some(0), "{any:?}");
    let text = String::from_utf8_lossy(&any.stdout);
    assert!(text.contains("NOT checked: the options accept any issuer"), "{text}");
    assert!(text.contains("NOT checked: the options accept any audience"), "{text}");

    let inspect = yinjian(&["token", "inspect", &token]);
    assert_eq!(inspect.status.code(), Some(0), "{inspect:?}");
    let shown: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(shown["claims"]["iss"], "https://id.example.gov.cn");
    assert_eq!(shown["claims"]["aud"], "svc-a");
    assert_eq!(shown["header"]["alg"], "SM2SM3");
    assert_eq!(shown["header"]["kid"], "k1");

    // A typo in the allow-list is a usage error naming it, not a silently shorter list.
    let typo = yinjian(&[
        "token",
        "verify",
        &token,
        "--key",
        &cert,
        "--iss",
        "https://id.example.gov.cn",
        "--aud",
        "svc-a",
        "--at",
        at,
        "--alg",
        "SM2-SM3",
    ]);
    assert_eq!(typo.status.code(), Some(3), "{typo:?}");
    let stderr = String::from_utf8_lossy(&typo.stderr);
    assert!(
        stderr.contains("\"SM2-SM3\"") && stderr.contains("SM2SM3, ES256"),
        "{stderr}"
    );

    let verify_arg = |arg: &str| {
        yinjian(&[
            "token",
            "verify",
            arg,
            "--key",
            &cert,
            "--any-iss",
            "--any-aud",
            "--at",
            at,
            "--json",
        ])
    };
    // Shaped like a token but not one: the report says so.
    let garbage = verify_arg("bm90.YS10b2tlbg.c2ln");
    assert_eq!(garbage.status.code(), Some(1), "{garbage:?}");
    let report: serde_json::Value = serde_json::from_slice(&garbage.stdout).unwrap();
    assert_eq!(report["status"], "FAILED");
    assert_eq!(report["reason"], "Malformed");

    // The token from a file: by its name, as @FILE, and from standard input.
    let file = dir.path().join("good.jwt");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let at_file = format!("@{}", s(&file));
    for arg in [s(&file), at_file.as_str()] {
        let out = verify_arg(arg);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{arg}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["token", "inspect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), token.as_bytes()).unwrap();
    let inspect = child.wait_with_output().unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(shown["header"]["kid"], "k1");

    // A file that is not there, and an argument that is neither a file nor a token.
    let missing = dir.path().join("missing.jwt");
    let at_missing = format!("@{}", s(&missing));
    for (arg, says) in [
        (at_missing.as_str(), "file not found"),
        ("good.jwt", "no such file, and not a token"),
        ("not.a-token", "no such file, and not a token"),
    ] {
        let out = verify_arg(arg);
        assert_eq!(out.status.code(), Some(3), "{arg}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says) && stderr.contains("@FILE"), "{arg}: {stderr}");
    }
    // A file that holds no text is not a token.
    let binary = dir.path().join("binary.jwt");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    let out = verify_arg(s(&binary));
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a token"), "{out:?}");
}

#[test]
fn id_check() {
    let ok = yinjian(&["id", "check", "11010519491231002X", "--json"]);
    assert_eq!(ok.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(report["checks"][0]["details"]["birth_date"], "1949-12-31");
    assert_eq!(yinjian(&["id", "check", "110105194912310021"]).status.code(), Some(1));
    let licence = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U";
    assert_eq!(yinjian(&["id", "check", licence]).status.code(), Some(0));

    // Shapes that fit no kind: every kind tried, each refusal said, with the right article.
    for (value, says) in [
        ("", "the identifier is empty"),
        ("中文", "'中' is not a letter or digit"),
        (
            "12345678901234567",
            "17 characters: a resident identity number has 18 digits",
        ),
    ] {
        let out = yinjian(&["id", "check", value]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(says), "{value:?}: {text}");
        assert!(text.contains("fits no kind of identifier"), "{value:?}: {text}");
        assert!(
            text.contains("as an organisation code: ") && text.contains("as an e-licence identifier: "),
            "{text}"
        );
        assert!(
            !text.contains("as a organisation") && !text.contains("as a e-"),
            "{text}"
        );
    }
}

#[test]
fn pdf_sign_then_verify() {
    let dir = tmp();
    let v = repo().join("test-vectors");
    let sm2 = v.join("x509/sm2");
    let cms = v.join("cms/pki");
    let trust = test_pki_trust();
    let trust: Vec<&str> = trust.iter().map(String::as_str).collect();

    // SM2, visible, with the intermediate included: verifies with the SM2 test PKI.
    let once = dir.path().join("once.pdf");
    let out = yinjian(&[
        "pdf",
        "sign",
        s(&v.join("pdf/unsigned.pdf")),
        "-o",
        s(&once),
        "--key",
        s(&sm2.join("keys/leaf.key.pem")),
        "--cert",
        s(&sm2.join("certs/leaf.pem")),
        "--chain",
        s(&sm2.join("certs/int.pem")),
        "--field",
        "审批",
        "--reason",
        "approved",
        "--page",
        "0",
        "--rect",
        "72,600,180,60",
        "--time",
        "2027-05-01T08:00:00Z",
    ]);
    assert!(out.status.success(), "{out:?}");
    let original = std::fs::read(v.join("pdf/unsigned.pdf")).unwrap();
    assert!(std::fs::read(&once).unwrap().starts_with(&original), "append only");
    let verified = yinjian(&[&["verify", s(&once), "--json"][..], &trust[..]].concat());
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
    let report: serde_json::Value = serde_json::from_slice(&verified.stdout).unwrap();
    let part = &report["parts"][0];
    let check = |name: &str| {
        part["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(check("pdf.signature-dictionary")["details"]["field"], "审批");
    assert_eq!(
        check("pdf.signature-dictionary")["details"]["sub_filter"],
        "adbe.pkcs7.detached"
    );
    assert_eq!(check("pdf.byte-range")["details"]["coverage"], "ENTIRE_FILE");

    // RSA on top (key kind read from the key file): the SM2 signature stays intact.
    let twice = dir.path().join("twice.pdf");
    let out = yinjian(&[
        "pdf",
        "sign",
        s(&once),
        "-o",
        s(&twice),
        "--key",
        s(&cms.join("rsa-signer.key.pem")),
        "--cert",
        s(&cms.join("rsa-signer.pem")),
        "--at",
        "2027-05-02T08:00:00Z",
    ]);
    assert!(out.status.success(), "{out:?}");
    let (sm2_root, cms_root, sm2_int) = (
        sm2.join("certs/root.pem"),
        cms.join("root.pem"),
        sm2.join("certs/int.pem"),
    );
    let both_roots = [
        "--anchors",
        s(&sm2_root),
        s(&cms_root),
        "--intermediates",
        s(&sm2_int),
        "--no-revocation",
        "--at",
        "2027-06-01T00:00:00Z",
    ];
    let verified = yinjian(&[&["verify", s(&twice), "--json"][..], &both_roots[..]].concat());
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
    let report: serde_json::Value = serde_json::from_slice(&verified.stdout).unwrap();
    let first = &report["parts"][0]["checks"];
    let level = first
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "pdf.modifications")
        .unwrap();
    assert_eq!(level["details"]["level"], "FORM_FILLING");
    assert_eq!(report["parts"][1]["status"], "PASSED");

    // A key that is not the certificate's is refused, and nothing is written.
    let bad = dir.path().join("bad.pdf");
    let out = yinjian(&[
        "pdf",
        "sign",
        s(&v.join("pdf/unsigned.pdf")),
        "-o",
        s(&bad),
        "--key",
        s(&cms.join("ec-signer.key.pem")),
        "--cert",
        s(&cms.join("rsa-signer.pem")),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not belong"),
        "{out:?}"
    );
    assert!(!bad.exists());
    // A malformed box is refused.
    let out = yinjian(&[
        "pdf",
        "sign",
        s(&v.join("pdf/unsigned.pdf")),
        "-o",
        s(&bad),
        "--key",
        s(&sm2.join("keys/leaf.key.pem")),
        "--cert",
        s(&sm2.join("certs/leaf.pem")),
        "--page",
        "0",
        "--rect",
        "1,2,3",
    ]);
    assert!(!out.status.success());
}

#[test]
fn qr_make_png_verify_and_every_outcome_has_its_exit_code() {
    let dir = tmp();
    let v = repo().join("test-vectors/licence");
    let (png, txt) = (dir.path().join("c.png"), dir.path().join("c.txt"));
    let make = |format: &str, out: &Path| {
        let o = yinjian(&[
            "qr",
            "make",
            "--data",
            s(&v.join("business-licence.json")),
            "--key",
            s(&v.join("issuer.key.pem")),
            "--cert",
            s(&v.join("issuer.pem")),
            "--iat",
            "2027-05-01T00:00:00Z",
            "--exp",
            "2028-05-01T00:00:00Z",
            "--format",
            format,
            "-o",
            s(out),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    make("png", &png);
    make("text", &txt);
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(text.starts_with("YJ1:"));
    let verify = |input: &str, trust: &str, at: &str| {
        yinjian(&[
            "qr",
            "verify",
            input,
            "--trust",
            s(&v.join(trust)),
            "--at",
            at,
            "--json",
        ])
    };
    let at = "2027-06-01T00:00:00Z";
    for input in [s(&png), s(&txt), text.trim()] {
        let o = verify(input, "issuer.pem", at);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["status"], "PASSED");
    }
    let png_report: serde_json::Value = serde_json::from_slice(&verify(s(&png), "issuer.pem", at).stdout).unwrap();
    assert_eq!(png_report["checks"][0]["name"], "qr.image");
    // Unknown issuer: indeterminate (2); expired: failed (1); plain URL: indeterminate (2).
    let o = verify(s(&txt), "other.pem", at);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["reason"],
        "UntrustedChain"
    );
    let o = verify(s(&txt), "issuer.pem", "2029-01-01T00:00:00Z");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["reason"],
        "Expired"
    );
    let o = verify(
        "https://www.gsxt.gov.cn/index.html?uniscid=91430100MA4L1234XL",
        "issuer.pem",
        at,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["reason"],
        "NoSignature"
    );
    // Revocation list.
    let list = dir.path().join("revoked.txt");
    std::fs::write(&list, "# revoked\n91430100MA4L1234XL\n").unwrap();
    let o = yinjian(&[
        "qr",
        "verify",
        s(&txt),
        "--trust",
        s(&v.join("issuer.pem")),
        "--revoked",
        s(&list),
        "--at",
        at,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    // Usage errors: 3.
    assert_eq!(yinjian(&["qr", "verify", "YJ1:X"]).status.code(), Some(3));
}

#[test]
fn licence_verify_checks_the_sealing_authority() {
    let dir = tmp();
    let data = dir.path().join("data.json");
    let mut licence: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo().join("test-vectors/licence/business-licence.json")).unwrap())
            .unwrap();
    licence["issuerName"] = "某市人民政府办公厅".into();
    licence.as_object_mut().unwrap().remove("issuerCode");
    std::fs::write(&data, licence.to_string()).unwrap();
    let notice = repo().join("test-vectors/sample/notice.ofd");
    let mut args = vec![
        "licence".to_owned(),
        "verify".into(),
        s(&notice).into(),
        "--data".into(),
        s(&data).into(),
    ];
    args.extend(test_pki_trust());
    let run = |args: &[String]| yinjian(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    // The licence data of another authority: failed.
    args[4] = s(&repo().join("test-vectors/licence/business-licence.json")).into();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("PolicyViolation"));
}

/// Certificate inputs as they come (PEM with explanatory text, PKCS#7 bundles in PEM and DER),
/// a leaf that is itself the anchor, several CRL files after one `--crl`, and errors that
/// name the file or say that no anchors were given.
#[test]
fn cert_inputs_bundles_self_anchor_and_crls() {
    let dir = repo().join("test-vectors/x509/sm2");
    let cert = |n: &str| dir.join("certs").join(n);
    let work = tmp();
    let text = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);

    // RFC 7468 §5.2: explanatory text before and after the block.
    let noted = work.path().join("noted.pem");
    let mut body = b"Certificate:\n    Data: (as `openssl x509 -text` prints it)\n".to_vec();
    body.extend(std::fs::read(cert("root.pem")).unwrap());
    body.extend(b"trailing notes\n");
    std::fs::write(&noted, body).unwrap();
    let show = yinjian(&["cert", "show", s(&noted)]);
    assert!(show.status.success(), "{}", text(&show));

    // PKCS#7 certs-only bundles, PEM and DER, wherever certificates are read.
    let p7_pem = work.path().join("chain.p7b.pem");
    let p7_der = work.path().join("chain.p7b");
    for (out, form) in [(&p7_pem, "PEM"), (&p7_der, "DER")] {
        let made = openssl(&[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            s(&cert("root.pem")),
            "-certfile",
            s(&cert("int.pem")),
            "-outform",
            form,
            "-out",
            s(out),
        ]);
        assert!(made.status.success(), "{}", text(&made));
        let show = yinjian(&["cert", "show", s(out)]);
        assert!(show.status.success(), "{form}: {}", text(&show));
        assert_eq!(text(&show).matches("subject:").count(), 2, "{form}");
    }
    let at = "2027-06-01T00:00:00Z";
    let verify = |args: &[&str]| {
        let mut all = vec!["cert", "verify"];
        all.extend_from_slice(args);
        yinjian(&all)
    };
    let leaf = cert("leaf.pem");
    let out = verify(&[
        s(&leaf),
        "--intermediates",
        s(&p7_der),
        "--anchors",
        s(&cert("root.pem")),
        "--at",
        at,
        "--no-revocation",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A trust anchor checked against itself.
    let out = verify(&[
        s(&cert("root.pem")),
        "--anchors",
        s(&cert("root.pem")),
        "--at",
        at,
        "--usage",
        "any",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // No anchors: said so.
    let out = verify(&[s(&leaf), "--at", at, "--no-revocation"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(text(&out).contains("no trust anchors were given"), "{}", text(&out));
    // Nor as a new user first tries it (revocation not waived, the clock's time), nor in JSON.
    let out = verify(&[s(&leaf)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no trust anchors were given"), "{}", text(&out));
    let out = verify(&[s(&leaf), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["reason"], "UntrustedChain", "{report}");
    assert!(
        report["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("no trust anchors were given"),
        "{report}"
    );
    // An anchors folder with no certificate in it is named, not taken for "no anchors".
    let empty = work.path().join("no-anchors-here");
    std::fs::create_dir_all(&empty).unwrap();
    let out = verify(&[s(&leaf), "--anchors", s(&empty), "--at", at]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("no certificate in it to use as a trust anchor"),
        "{}",
        text(&out)
    );

    // A bad anchor or intermediate file is named.
    let bad = work.path().join("not-a-cert.pem");
    std::fs::write(&bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap();
    for flag in ["--anchors", "--intermediates"] {
        let out = verify(&[s(&leaf), flag, s(&bad), "--at", at]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(text(&out).contains("not-a-cert.pem"), "{flag}: {}", text(&out));
    }

    // `--crl` takes several files: the leaf's CRL and its issuer's.
    let crl = |n: &str| dir.join("crls").join(n);
    let (int, root) = (cert("int.pem"), cert("root.pem"));
    let base = [s(&int), s(&root)];
    let out = verify(&[
        s(&cert("leaf-revoked.pem")),
        "--intermediates",
        base[0],
        "--anchors",
        base[1],
        "--at",
        at,
        "--crl",
        s(&crl("root-crl.pem")),
        s(&crl("int-crl.pem")),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("revoked"), "{}", text(&out));
    let out = verify(&[
        s(&leaf),
        "--intermediates",
        base[0],
        "--anchors",
        base[1],
        "--at",
        at,
        "--crl",
        s(&crl("root-crl.pem")),
        s(&crl("int-crl.pem")),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn cms_verify_show_and_verify_routing() {
    let cms = repo().join("test-vectors/cms");
    let root = cms.join("pki/root.pem");
    let content = cms.join("content.bin");
    let at = ["--at", "2026-12-01T00:00:00Z", "--no-revocation", "--anchors", s(&root)];
    // Detached BER with its content: PASSED (exit 0); with other content: FAILED (exit 1).
    let sig = cms.join("rsa-ber-detached.der");
    let mut args = vec!["cms", "verify", s(&sig), "--content", s(&content), "--json"];
    args.extend(at);
    let out = yinjian(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["parts"].as_array().unwrap().len(), 1);
    let tampered = cms.join("content-tampered.bin");
    let mut args = vec!["cms", "verify", s(&sig), "--content", s(&tampered)];
    args.extend(at);
    assert_eq!(yinjian(&args).status.code(), Some(1));
    // Attached, as base64 text from standard input is not needed: PEM file through `verify`.
    let dir = tmp();
    let pem = dir.path().join("attached.p7m");
    let der = std::fs::read(cms.join("ec-ber-attached.der")).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    std::fs::write(&pem, format!("-----BEGIN PKCS7-----\n{b64}\n-----END PKCS7-----\n")).unwrap();
    let mut args = vec!["verify", s(&pem)];
    args.extend(at);
    let out = yinjian(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // `cms show` prints what the CMS holds.
    let out = yinjian(&["cms", "show", s(&sig)]);
    assert_eq!(out.status.code(), Some(0));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["ber"], true);
    assert_eq!(shown["signers"].as_array().unwrap().len(), 1);
}

#[test]
fn validation_policy_file_levels_and_errors() {
    let cms = repo().join("test-vectors/cms");
    let root = cms.join("pki/root.pem");
    let dir = tmp();
    // A detached signature beside content that is not what was signed: `verify` finds the
    // content by the name without `.p7s`, and the message digest does not match.
    let doc = dir.path().join("doc");
    std::fs::copy(cms.join("content-tampered.bin"), &doc).unwrap();
    let sig = dir.path().join("doc.p7s");
    std::fs::copy(cms.join("rsa-detached.der"), &sig).unwrap();
    let base = [
        "verify",
        s(&sig),
        "--anchors",
        s(&root),
        "--at",
        "2026-12-01T00:00:00Z",
        "--json",
    ];
    let out = yinjian(&base);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));

    // WARN on that check (and revocation not required): PASSED, the check says what it was.
    let policy = dir.path().join("warn.json");
    std::fs::write(
        &policy,
        r#"{"levels": {"cms.message-digest": "WARN"}, "revocation": {"required": false}}"#,
    )
    .unwrap();
    let out = yinjian(&[&base[..], &["--policy", s(&policy)]].concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "PASSED");
    let check = report["parts"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "cms.message-digest")
        .unwrap();
    assert_eq!(check["status"], "PASSED");
    assert_eq!(check["details"]["policy_level"], "WARN");
    assert_eq!(check["details"]["original_status"], "FAILED");
    assert_eq!(check["details"]["original_reason"], "HashMismatch");

    // The right content without revocation data: INDETERMINATE by default, PASSED when the
    // x509 checks only warn; `--no-revocation` still relaxes what the policy requires.
    std::fs::copy(cms.join("content.bin"), &doc).unwrap();
    assert_eq!(yinjian(&base).status.code(), Some(2));
    let x509_warn = dir.path().join("x509.json");
    std::fs::write(&x509_warn, r#"{"levels": {"x509.*": "INFORM"}}"#).unwrap();
    assert_eq!(
        yinjian(&[&base[..], &["--policy", s(&x509_warn)]].concat())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        yinjian(&[&base[..], &["--no-revocation"]].concat()).status.code(),
        Some(0)
    );

    // A bad policy is a usage error naming the file and the key.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"levels": {"x509.*": "WARN"}, "revocation": {"fresh": 1}}"#).unwrap();
    let out = yinjian(&[&base[..], &["--policy", s(&bad)]].concat());
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json") && err.contains("revocation.fresh"), "{err}");
    let out = yinjian(&[&base[..], &["--policy", s(&dir.path().join("missing.json"))]].concat());
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(yinjian(&["policy", "check", s(&bad)]).status.code(), Some(3));

    // The default policy printed is a valid policy file.
    let out = yinjian(&["policy", "default"]);
    assert_eq!(out.status.code(), Some(0));
    let default = dir.path().join("default.json");
    std::fs::write(&default, &out.stdout).unwrap();
    let out = yinjian(&["policy", "check", s(&default)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let checked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(checked["algorithms"]["sha1_until"], "2017-01-01T00:00:00Z");
}

/// The document time-stamp tokens (DER, padding dropped) of a PDF and the SHA-256 digests of
/// their byte ranges.
fn doc_timestamps(pdf: &[u8]) -> Vec<(Vec<u8>, String)> {
    use yinjian::pdf::document::{signature_fields, PdfDocument, SignatureKind, SignatureValue};
    let parsed = PdfDocument::parse(pdf).unwrap();
    let last = parsed.last();
    let mut out = Vec::new();
    for field in signature_fields(last).unwrap() {
        let value = SignatureValue::read(last, field.value.as_ref().unwrap());
        if value.kind() != Some(SignatureKind::DocTimeStamp) {
            continue;
        }
        let contents = value.contents.unwrap();
        // A DER SEQUENCE with a two-byte long-form length: the token's own length.
        assert_eq!(&contents[..2], &[0x30, 0x82]);
        let len = 4 + usize::from(u16::from_be_bytes([contents[2], contents[3]]));
        let r: Vec<usize> = value.byte_range.unwrap().iter().map(|n| *n as usize).collect();
        let mut signed = pdf[r[0]..r[0] + r[1]].to_vec();
        signed.extend_from_slice(&pdf[r[2]..r[2] + r[3]]);
        out.push((
            contents[..len].to_vec(),
            hex::encode(yinjian::alg::DigestAlgorithm::Sha256.digest(&signed)),
        ));
    }
    out
}

#[test]
fn pdf_ltv_with_a_local_and_an_outside_tsa() {
    let dir = tmp();
    let v = repo().join("test-vectors");
    let cms = v.join("cms/pki");
    let signed = dir.path().join("signed.pdf");
    let out = yinjian(&[
        "pdf",
        "sign",
        s(&v.join("pdf/unsigned.pdf")),
        "-o",
        s(&signed),
        "--key",
        s(&cms.join("rsa-signer.key.pem")),
        "--cert",
        s(&cms.join("rsa-signer.pem")),
        "--time",
        "2027-05-01T08:00:00Z",
    ]);
    assert!(out.status.success(), "{out:?}");
    // Revocation data required (the default): only the DSS has it.
    let verify = |pdf: &Path| {
        let out = yinjian(&[
            "verify",
            s(pdf),
            "--json",
            "--anchors",
            s(&cms.join("root.pem")),
            "--at",
            "2027-06-01T00:00:00Z",
        ]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), report)
    };
    assert_ne!(verify(&signed).0, Some(0), "no revocation data yet");

    // DSS and a document time-stamp by the local test TSA.
    let lta = dir.path().join("lta.pdf");
    let out = yinjian(&[
        "pdf",
        "ltv",
        s(&signed),
        "-o",
        s(&lta),
        "--certs",
        s(&cms.join("root.pem")),
        "--crl",
        s(&v.join("pdf/ltv/root.crl")),
        "--ocsp",
        s(&v.join("pdf/ltv/rsa-signer-ocsp.der")),
        "--tsa-key",
        s(&cms.join("rsa-tsa.key.pem")),
        "--tsa-cert",
        s(&cms.join("rsa-tsa.pem")),
        "--at",
        "2027-05-02T08:00:00Z",
        "--json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["signatures"][0]["crls"], 1);
    assert_eq!(summary["signatures"][0]["ocsps"], 1);
    let bytes = std::fs::read(&lta).unwrap();
    assert!(bytes.starts_with(&std::fs::read(&signed).unwrap()), "append only");
    let (code, report) = verify(&lta);
    assert_eq!(code, Some(0), "{report}");
    let level = |report: &serde_json::Value, part: usize| {
        report["parts"][part]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "pdf.format")
            .unwrap()["details"]["level"]
            .clone()
    };
    assert_eq!(level(&report, 0), "PAdES-B-LTA");

    // Two steps with OpenSSL as the outside TSA.
    let prepared = dir.path().join("prepared.pdf");
    let out = yinjian(&[
        "pdf",
        "ltv",
        s(&lta),
        "-o",
        s(&prepared),
        "--crl",
        s(&v.join("pdf/ltv/root.crl")),
        "--prepare-timestamp",
        "--at",
        "2027-05-03T08:00:00Z",
    ]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let digest = stdout.lines().last().unwrap().trim().to_owned();
    assert_eq!(digest.len(), 64, "{stdout}");
    let (query, token, conf) = (
        dir.path().join("q.tsq"),
        dir.path().join("token.der"),
        dir.path().join("tsa.cnf"),
    );
    std::fs::write(
        &conf,
        format!(
            "[tsa]\ndefault_tsa = t\n[t]\nserial = {}\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n\
             digests = sha256\ness_cert_id_alg = sha256\n",
            dir.path().join("serial").display()
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("serial"), "01\n").unwrap();
    let q = openssl(&[
        "ts",
        "-query",
        "-digest",
        &digest,
        "-sha256",
        "-cert",
        "-no_nonce",
        "-out",
        s(&query),
    ]);
    assert!(q.status.success(), "{q:?}");
    let r = openssl(&[
        "ts",
        "-reply",
        "-config",
        s(&conf),
        "-queryfile",
        s(&query),
        "-signer",
        s(&cms.join("rsa-tsa.pem")),
        "-inkey",
        s(&cms.join("rsa-tsa.key.pem")),
        "-token_out",
        "-out",
        s(&token),
    ]);
    assert!(r.status.success(), "{r:?}");
    let done = dir.path().join("done.pdf");
    let out = yinjian(&["pdf", "ltv", s(&prepared), "-o", s(&done), "--tsa-token", s(&token)]);
    assert!(out.status.success(), "{out:?}");
    let (code, report) = verify(&done);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["parts"].as_array().unwrap().len(), 3);

    // OpenSSL verifies both document time-stamps over the byte ranges: the one yinjian made
    // as the TSA and the one OpenSSL made.
    let stamps = doc_timestamps(&std::fs::read(&done).unwrap());
    assert_eq!(stamps.len(), 2);
    for (i, (der, digest)) in stamps.iter().enumerate() {
        let path = dir.path().join(format!("stamp{i}.der"));
        std::fs::write(&path, der).unwrap();
        let check = openssl(&[
            "ts",
            "-verify",
            "-digest",
            digest,
            "-in",
            s(&path),
            "-token_in",
            "-CAfile",
            s(&cms.join("root.pem")),
            "-untrusted",
            s(&cms.join("rsa-tsa.pem")),
        ]);
        assert!(
            String::from_utf8_lossy(&check.stdout).contains("Verification: OK"),
            "time-stamp {i}: {check:?}"
        );
    }
    // A changed digest is refused by OpenSSL (the control).
    let wrong = openssl(&[
        "ts",
        "-verify",
        "-digest",
        &"00".repeat(32),
        "-in",
        s(&dir.path().join("stamp0.der")),
        "-token_in",
        "-CAfile",
        s(&cms.join("root.pem")),
        "-untrusted",
        s(&cms.join("rsa-tsa.pem")),
    ]);
    assert!(!String::from_utf8_lossy(&wrong.stdout).contains("Verification: OK"));
}
