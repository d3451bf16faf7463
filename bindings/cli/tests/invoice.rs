//! `yinjian invoice verify|list` on the generated invoices of `test-vectors/invoice`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn yinjian(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(args)
        .output()
        .expect("run yinjian")
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

fn args(list: &[&str]) -> Vec<String> {
    let certs = vectors().join("x509/sm2/certs");
    let mut out: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    for a in [
        "--anchors",
        certs.join("root.pem").to_str().unwrap(),
        "--intermediates",
        certs.join("int.pem").to_str().unwrap(),
        "--no-revocation",
        "--at",
        "2027-06-01T00:00:00Z",
    ] {
        out.push(a.to_owned());
    }
    out
}

fn invoice(name: &str) -> String {
    vectors().join("invoice").join(name).to_str().unwrap().to_owned()
}

#[test]
fn verify_prints_the_invoice_report() {
    let out = yinjian(&args(&["invoice", "verify", &invoice("good.ofd"), "--json"]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["kind"], "invoice");
    assert_eq!(report["status"], "PASSED");
    let out = yinjian(&args(&["invoice", "verify", &invoice("graph-code-off.ofd")]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("invoice.graph-code [PolicyViolation]"));
}

#[test]
fn list_flags_the_same_invoice_twice_with_both_paths() {
    let (a, b, c) = (
        invoice("good.ofd"),
        invoice("good-again.ofd"),
        invoice("bad-tax-id.ofd"),
    );
    let out = yinjian(&args(&["invoice", "list", &a, &b, &c, "--csv"]));
    assert_eq!(out.status.code(), Some(1));
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("path,kind,code,number,"));
    assert_eq!(lines.len(), 4);
    // Every generated variant is invoice 044031900111 / 12345678: three files, one invoice.
    assert!(lines[1].ends_with(&format!(",PASSED,,{b};{c}")), "{}", lines[1]);
    assert!(lines[2].ends_with(&format!(",PASSED,,{a};{c}")), "{}", lines[2]);
    assert!(
        lines[3].ends_with(&format!(",FAILED,HashMismatch,{a};{b}")),
        "{}",
        lines[3]
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("duplicate 044031900111/12345678"));

    let out = yinjian(&args(&["invoice", "list", &a, "--jsonl"]));
    assert_eq!(out.status.code(), Some(0));
    let row: serde_json::Value = serde_json::from_slice(out.stdout.trim_ascii_end()).unwrap();
    assert_eq!(row["key"], "044031900111/12345678");
    assert_eq!(row["invoice"]["total_including_tax"], "515.00");
}
