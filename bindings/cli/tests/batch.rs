//! `yinjian batch` on the repository's test vectors: a folder of good, tampered and junk files,
//! the same files in a ZIP and a TAR.GZ, input order, resuming a cut-off run, exit codes, a
//! list file and JSONL on standard input; e-invoices seen more than once flagged, resumed or not.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::{repo, s, test_pki_trust};
#[allow(dead_code)] // the library tests' helpers: this crate uses the OFD entry replacer
#[path = "../../../core/tests/common/mod.rs"]
mod library;
use library::replace_entry;

/// Trusts the test PKI and the CMS vectors' root.
fn trust() -> Vec<String> {
    test_pki_trust(&["test-vectors/cms/pki/root.pem"])
}

/// Starts `yinjian batch ARGS… <trust>`, its standard streams piped.
fn spawn_batch(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .arg("batch")
        .args(args)
        .args(trust())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run yinjian")
}

/// Runs `yinjian batch ARGS… <trust>` with `stdin` as standard input.
fn batch(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = spawn_batch(args);
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn lines(text: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(text)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// path → (kind, status, reason) of every line; a path twice is an error.
fn verdicts(records: &[Value]) -> BTreeMap<String, (String, String, String)> {
    let mut out = BTreeMap::new();
    for r in records {
        let verdict = (
            r["kind"].as_str().unwrap().to_string(),
            r["status"].as_str().unwrap().to_string(),
            r["reason"].as_str().unwrap_or("-").to_string(),
        );
        assert_eq!(r["status"], r["report"]["status"]);
        assert!(
            out.insert(r["path"].as_str().unwrap().to_string(), verdict).is_none(),
            "{} twice",
            r["path"]
        );
    }
    out
}

/// The files of the fixture folder: (relative name, bytes).
fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let v = repo().join("test-vectors");
    let read = |p: &str| std::fs::read(v.join(p)).unwrap();
    let notice = read("sample/notice.ofd");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&notice[..])).unwrap();
    let mut content = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("Doc_0/Pages/Page_0/Content.xml").unwrap(),
        &mut content,
    )
    .unwrap();
    let altered = content.replacen("各区人民政府", "各县人民政府", 1);
    assert_ne!(altered, content);
    let tampered = replace_entry(&notice, "Doc_0/Pages/Page_0/Content.xml", altered.as_bytes());
    let mut pdf = read("pdf/sm2-signed.pdf");
    // A byte of the signed range (the header comment) changed.
    let at = pdf.iter().position(|&b| b == b'\n').unwrap() + 3;
    pdf[at] ^= 0x01;
    vec![
        ("good/notice.ofd".into(), notice),
        ("good/sealed.ofd".into(), read("ofd/sealed.ofd")),
        ("good/signed.pdf".into(), read("pdf/sm2-signed.pdf")),
        ("good/attached.p7m".into(), read("cms/rsa-ber-attached.der")),
        ("good/v4.esl".into(), read("seal/v4.esl")),
        ("bad/tampered.ofd".into(), tampered),
        ("bad/tampered.pdf".into(), pdf),
        ("junk/notes.txt".into(), b"not a document\n".to_vec()),
        ("junk/empty.ofd".into(), Vec::new()),
        ("junk/zipped-garbage.ofd".into(), b"PK\x03\x04garbage".to_vec()),
    ]
}

/// The fixture folder in `dir`.
fn write_fixture(dir: &Path) -> PathBuf {
    let root = dir.join("docs");
    for (name, bytes) in fixture_files() {
        let path = root.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    root
}

#[test]
fn a_folder_gives_a_verdict_per_file_and_failed_wins_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_fixture(dir.path());
    let out = batch(&[s(&root), "--summary"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got = verdicts(&lines(&out.stdout));
    let prefix = format!("{}/", root.display());
    let got: BTreeMap<_, _> = got
        .into_iter()
        .map(|(k, v)| (k.strip_prefix(&prefix).unwrap().to_string(), v))
        .collect();
    let v = |k: &str, st: &str, r: &str| (k.to_string(), st.to_string(), r.to_string());
    assert_eq!(got.len(), fixture_files().len());
    assert_eq!(got["good/notice.ofd"], v("ofd", "PASSED", "-"));
    assert_eq!(got["good/sealed.ofd"], v("ofd", "PASSED", "-"));
    assert_eq!(got["good/signed.pdf"], v("pdf", "PASSED", "-"));
    assert_eq!(got["good/attached.p7m"], v("cms", "PASSED", "-"));
    assert_eq!(got["good/v4.esl"], v("seal", "PASSED", "-"));
    assert_eq!(got["bad/tampered.ofd"].1, "FAILED", "{:?}", got["bad/tampered.ofd"]);
    assert_eq!(got["bad/tampered.pdf"].1, "FAILED", "{:?}", got["bad/tampered.pdf"]);
    assert_eq!(got["junk/notes.txt"], v("unknown", "INDETERMINATE", "Unsupported"));
    assert_eq!(got["junk/empty.ofd"], v("unknown", "INDETERMINATE", "Unsupported"));
    assert_eq!(got["junk/zipped-garbage.ofd"].0, "ofd");
    assert_ne!(got["junk/zipped-garbage.ofd"].1, "PASSED");
    // The summary table: counts per verdict, reasons, the slowest files.
    let table = String::from_utf8_lossy(&out.stderr);
    assert!(table.contains("PASSED                          5"), "{table}");
    assert!(table.contains("total                          10"), "{table}");
    assert!(table.contains("Unsupported"), "{table}");
    assert!(table.contains("slowest files"), "{table}");
}

#[test]
fn exit_codes_summarise_the_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_fixture(dir.path());
    let good = batch(&[s(&root.join("good"))], b"");
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stdout));
    let undecided = batch(
        &[
            s(&root.join("good")),
            s(&root.join("junk/notes.txt")),
            s(&root.join("junk/empty.ofd")),
        ],
        b"",
    );
    assert_eq!(undecided.status.code(), Some(2));
    let failed = batch(&[s(&root.join("junk")), s(&root.join("bad"))], b"");
    assert_eq!(failed.status.code(), Some(1));
    // A path that does not exist is a record, not the end of the run.
    let missing = batch(&[s(&root.join("good")), "/nonexistent/x.ofd"], b"");
    assert_eq!(missing.status.code(), Some(2));
    let records = lines(&missing.stdout);
    let gone = records.iter().find(|r| r["path"] == "/nonexistent/x.ofd").unwrap();
    assert_eq!(gone["report"]["checks"][0]["name"], "input.read");
    assert_eq!(gone["reason"], "Unsupported");
}

/// A ZIP and a TAR.GZ of the fixture give the verdicts the folder gives, member by member.
#[test]
fn zip_and_tar_gz_members_match_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_fixture(dir.path());
    let files = fixture_files();
    let zip_path = dir.path().join("docs.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    zip.add_directory("good/", zip::write::SimpleFileOptions::default())
        .unwrap();
    for (name, bytes) in &files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    let tgz_path = dir.path().join("docs.tar.gz");
    let gz = flate2::write::GzEncoder::new(std::fs::File::create(&tgz_path).unwrap(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, &bytes[..]).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();

    let strip = |records: Vec<Value>, prefix: String| -> BTreeMap<_, _> {
        verdicts(&records)
            .into_iter()
            .map(|(k, v)| (k.strip_prefix(&prefix).unwrap_or_else(|| panic!("{k}")).to_string(), v))
            .collect()
    };
    let folder = strip(lines(&batch(&[s(&root)], b"").stdout), format!("{}/", root.display()));
    let zipped = strip(
        lines(&batch(&[s(&zip_path)], b"").stdout),
        format!("{}!", zip_path.display()),
    );
    let tarred = strip(
        lines(&batch(&[s(&tgz_path)], b"").stdout),
        format!("{}!", tgz_path.display()),
    );
    assert_eq!(folder.len(), files.len());
    assert_eq!(zipped, folder);
    assert_eq!(tarred, folder);

    // A folder holding the archives walks into them; an archive that is not one is a record.
    let broken = dir.path().join("broken.tar.gz");
    std::fs::write(&broken, b"not gzip").unwrap();
    let both = batch(&[s(dir.path())], b"");
    let all = verdicts(&lines(&both.stdout));
    assert_eq!(all.len(), 3 * files.len() + 1);
    assert_eq!(all[s(&broken)].2, "Unsupported");
}

#[test]
fn licence_qr_texts_are_judged_by_the_licence_issuers_given() {
    let qr = repo().join("test-vectors/licence/sample-code.txt");
    let issuer = repo().join("test-vectors/licence/issuer.pem");
    let other = repo().join("test-vectors/licence/other.pem");
    let trusted = batch(&[s(&qr), "--licence-issuers", s(&issuer)], b"");
    assert_eq!(
        trusted.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&trusted.stdout)
    );
    let got = verdicts(&lines(&trusted.stdout));
    assert_eq!(got[s(&qr)].0, "licence-qr");
    let untrusted = batch(&[s(&qr), "--licence-issuers", s(&other)], b"");
    assert_eq!(verdicts(&lines(&untrusted.stdout))[s(&qr)].1, "INDETERMINATE");
}

#[test]
fn ordered_output_is_the_input_order_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_fixture(dir.path());
    let first = batch(&[s(&root), "--ordered", "--jobs", "2"], b"");
    let second = batch(&[s(&root), "--ordered", "--jobs", "3"], b"");
    assert_eq!(first.stdout, second.stdout);
    let paths: Vec<String> = lines(&first.stdout)
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "a folder is walked in name order");
}

#[test]
fn resume_after_a_cut_off_run_redoes_nothing_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_fixture(dir.path());
    let full = dir.path().join("full.jsonl");
    let whole = batch(&[s(&root), "--out", s(&full)], b"");
    assert_eq!(whole.status.code(), Some(1));
    let reference = std::fs::read_to_string(&full).unwrap();
    let all: Vec<&str> = reference.lines().collect();
    assert_eq!(all.len(), fixture_files().len());

    // A run killed while writing its fifth line: four whole lines and half of the fifth.
    let cut = dir.path().join("cut.jsonl");
    let mut partial = (all[..4].join("\n") + "\n").into_bytes();
    partial.extend_from_slice(&all[4].as_bytes()[..all[4].len() / 2]);
    std::fs::write(&cut, &partial).unwrap();
    let resumed = batch(&[s(&root), "--out", s(&cut), "--resume", "--summary"], b"");
    assert_eq!(
        resumed.status.code(),
        Some(1),
        "the resumed lines count in the exit code"
    );
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(stderr.contains("4 file(s) already in the output, skipped"), "{stderr}");
    assert!(stderr.contains("cut-off last line"), "{stderr}");
    let summary = String::from_utf8_lossy(&resumed.stdout);
    assert!(summary.contains("of which 4 from the run resumed"), "{summary}");
    let text = std::fs::read_to_string(&cut).unwrap();
    let mut got: Vec<&str> = text.lines().collect();
    assert_eq!(got.len(), all.len(), "every file once, none twice");
    let mut want = all.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);

    // Resuming a finished run verifies nothing.
    let again = batch(&[s(&root), "--out", s(&cut), "--resume"], b"");
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&cut).unwrap(), text);
    // A damaged line before the last is refused, not silently redone.
    std::fs::write(&cut, format!("{}\nnot json\n{}\n", all[0], all[1])).unwrap();
    let refused = batch(&[s(&root), "--out", s(&cut), "--resume"], b"");
    assert_eq!(refused.status.code(), Some(3));
}

#[test]
fn a_list_file_and_jsonl_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_fixture(dir.path());
    let list = dir.path().join("list.txt");
    let notice = root.join("good/notice.ofd");
    let tampered = root.join("bad/tampered.ofd");
    std::fs::write(
        &list,
        format!(
            "# documents\n{}\n\n{}\n/nonexistent/y.pdf\n",
            notice.display(),
            root.join("junk").display()
        ),
    )
    .unwrap();
    let listed = batch(&[&format!("@{}", list.display()), "--ordered"], b"");
    let paths: Vec<Value> = lines(&listed.stdout).iter().map(|r| r["path"].clone()).collect();
    assert_eq!(
        paths,
        [
            s(&notice).to_string(),
            format!("{}/junk/empty.ofd", root.display()),
            format!("{}/junk/notes.txt", root.display()),
            format!("{}/junk/zipped-garbage.ofd", root.display()),
            "/nonexistent/y.pdf".to_string(),
        ]
    );
    // junk/zipped-garbage.ofd, a broken OFD package, is FAILED.
    assert_eq!(listed.status.code(), Some(1));

    let stdin = format!(
        "{{\"path\": {:?}}}\nnot json\n{{\"path\": {:?}, \"batch\": 7}}\n",
        s(&notice),
        s(&tampered)
    );
    let piped = batch(&["-", "--ordered"], stdin.as_bytes());
    let got = verdicts(&lines(&piped.stdout));
    assert_eq!(got.len(), 3);
    assert_eq!(got[s(&notice)].1, "PASSED");
    assert_eq!(got[s(&tampered)].1, "FAILED");
    assert_eq!(got["-:2"].2, "Unsupported");
    assert_eq!(piped.status.code(), Some(1));
}

/// A folder with one e-invoice three times (`a/good.ofd`, its byte copy `b/good.ofd`, and
/// `b/good-again.ofd`, the same invoice sealed a day later) and a plain OFD.
fn write_invoices(dir: &Path) -> PathBuf {
    let v = repo().join("test-vectors");
    let root = dir.join("inbox");
    for (name, source) in [
        ("a/good.ofd", "invoice/good.ofd"),
        ("b/good.ofd", "invoice/good.ofd"),
        ("b/good-again.ofd", "invoice/good-again.ofd"),
        ("c/notice.ofd", "sample/notice.ofd"),
    ] {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(v.join(source), path).unwrap();
    }
    root
}

/// `duplicate_of` of each line, by path relative to `root` (its entries relative too).
fn duplicates_of(records: &[Value], root: &Path) -> Vec<(String, Vec<String>)> {
    let rel = |p: &Value| {
        let p = p.as_str().unwrap();
        p.strip_prefix(&format!("{}/", root.display())).unwrap_or(p).to_string()
    };
    records
        .iter()
        .map(|r| {
            let of = r.get("duplicate_of").map_or_else(Vec::new, |d| {
                assert!(!d.as_array().unwrap().is_empty(), "an empty duplicate_of is left out");
                d.as_array().unwrap().iter().map(rel).collect()
            });
            (rel(&r["path"]), of)
        })
        .collect()
}

#[test]
fn an_invoice_seen_again_is_flagged_with_the_earlier_paths() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_invoices(dir.path());
    let out = dir.path().join("out.jsonl");
    let run = batch(&[s(&root), "--ordered", "--summary", "--out", s(&out)], b"");
    let text = std::fs::read_to_string(&out).unwrap();
    let records = lines(text.as_bytes());
    let s_ = |v: &[&str]| v.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    assert_eq!(
        duplicates_of(&records, &root),
        [
            ("a/good.ofd".to_string(), vec![]),
            ("b/good-again.ofd".to_string(), s_(&["a/good.ofd"])),
            ("b/good.ofd".to_string(), s_(&["a/good.ofd", "b/good-again.ofd"])),
            ("c/notice.ofd".to_string(), vec![]),
        ]
    );
    // The invoice lines: kind invoice, the fields, PASSED; the plain OFD stays an OFD.
    for r in &records[..3] {
        assert_eq!(
            (r["kind"].as_str(), r["status"].as_str()),
            (Some("invoice"), Some("PASSED"))
        );
        assert_eq!(r["invoice"]["key"], "044031900111/12345678");
        assert_eq!(r["invoice"]["total_including_tax"], "515.00");
        assert_eq!(r["report"]["kind"], "invoice");
    }
    assert_eq!(records[3]["kind"], "ofd");
    assert!(records[3].get("invoice").is_none());
    // Key order: duplicate_of after invoice, before report.
    let flagged = text.lines().nth(1).unwrap();
    let at = |k: &str| flagged.find(&format!("\"{k}\":")).unwrap();
    assert!(at("invoice") < at("duplicate_of") && at("duplicate_of") < at("report"));
    // Every file PASSED, yet a duplicate makes the run's exit code 1, as `invoice list`'s.
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    let summary = String::from_utf8_lossy(&run.stdout);
    assert!(summary.contains("duplicated invoices: 1 (3 files)"), "{summary}");
    assert!(summary.contains("044031900111/12345678  3 files"), "{summary}");
    for p in ["a/good.ofd", "b/good-again.ofd", "b/good.ofd"] {
        assert!(summary.contains(s(&root.join(p))), "{p} in {summary}");
    }

    // One copy of the invoice: nothing flagged, exit 0, no duplicate section.
    let once = batch(
        &[
            s(&root.join("a")),
            s(&root.join("c")),
            s(&root.join("a/good.ofd")),
            "--summary",
        ],
        b"",
    );
    let records = lines(&once.stdout);
    assert_eq!(records.len(), 3, "a file named twice is verified twice…");
    assert!(
        records.iter().all(|r| r.get("duplicate_of").is_none()),
        "…but is not its own duplicate"
    );
    assert_eq!(once.status.code(), Some(0), "{}", String::from_utf8_lossy(&once.stderr));
    assert!(!String::from_utf8_lossy(&once.stderr).contains("duplicated invoices"));
}

#[test]
fn a_resumed_run_flags_duplicates_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = write_invoices(dir.path());
    let full = dir.path().join("full.jsonl");
    batch(&[s(&root), "--ordered", "--out", s(&full)], b"");
    let reference = std::fs::read_to_string(&full).unwrap();
    let all: Vec<&str> = reference.lines().collect();
    assert_eq!(all.len(), 4);
    assert!(all[2].contains("\"duplicate_of\""));
    // Killed after 1, 2 or 3 whole lines (and half of the next): the resumed output is the
    // uninterrupted one, byte for byte, the earlier lines' invoices counting as seen.
    for kept in 1..=3 {
        let cut = dir.path().join(format!("cut-{kept}.jsonl"));
        let mut partial = (all[..kept].join("\n") + "\n").into_bytes();
        partial.extend_from_slice(&all[kept].as_bytes()[..all[kept].len() / 2]);
        std::fs::write(&cut, partial).unwrap();
        let resumed = batch(&[s(&root), "--ordered", "--out", s(&cut), "--resume", "--summary"], b"");
        assert_eq!(resumed.status.code(), Some(1), "cut after {kept}");
        assert_eq!(std::fs::read_to_string(&cut).unwrap(), reference, "cut after {kept}");
        let summary = String::from_utf8_lossy(&resumed.stdout);
        assert!(
            summary.contains("duplicated invoices: 1 (3 files)"),
            "cut after {kept}: {summary}"
        );
    }
}

#[test]
fn a_copy_altered_after_sealing_fails_and_is_still_the_same_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(repo().join("test-vectors/invoice/good.ofd")).unwrap();
    let xml = String::from_utf8(library::read_entry(&good, "Doc_0/Attachs/original_invoice.xml")).unwrap();
    let altered = xml.replace(">515.00<", ">615.00<");
    assert_ne!(altered, xml);
    let root = dir.path().join("claims");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("1-original.ofd"), &good).unwrap();
    let forged = replace_entry(&good, "Doc_0/Attachs/original_invoice.xml", altered.as_bytes());
    std::fs::write(root.join("2-altered.ofd"), forged).unwrap();
    let run = batch(&[s(&root), "--ordered"], b"");
    assert_eq!(run.status.code(), Some(1));
    let records = lines(&run.stdout);
    let altered = &records[1];
    assert_eq!(
        (altered["kind"].as_str(), altered["status"].as_str()),
        (Some("invoice"), Some("FAILED"))
    );
    let document = altered["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "invoice.document")
        .unwrap();
    assert_eq!(document["reason"], "ModifiedAfterSigning", "{document}");
    // Its fields are what the altered file says; its number is the original's: a duplicate.
    assert_eq!(altered["invoice"]["total_including_tax"], "615.00");
    assert_eq!(
        altered["duplicate_of"],
        serde_json::json!([s(&root.join("1-original.ofd"))])
    );
}

#[cfg(unix)]
#[test]
fn a_pipe_in_a_folder_or_a_link_to_one_is_reported_not_opened_and_links_to_files_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("docs");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    let notice = std::fs::read(repo().join("test-vectors/sample/notice.ofd")).unwrap();
    std::fs::write(root.join("sub/notice.ofd"), notice).unwrap();
    std::os::unix::fs::symlink(root.join("sub/notice.ofd"), root.join("link.ofd")).unwrap();
    std::os::unix::fs::symlink(root.join("sub"), root.join("linked-folder")).unwrap();
    let made = Command::new("mkfifo").arg(root.join("pipe.ofd")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIP: mkfifo is not available");
        return;
    }
    std::os::unix::fs::symlink(root.join("pipe.ofd"), root.join("link-to-pipe.ofd")).unwrap();
    // Opening the pipe would wait forever for a writer: the run must end on its own.
    let mut child = spawn_batch(&[s(&root)]);
    drop(child.stdin.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("yinjian batch waited on the pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let records = lines(&out.stdout);
    let got = verdicts(&records);
    let at = |name: &str| got[&format!("{}/{name}", root.display())].clone();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(
        at("link-to-pipe.ofd"),
        ("unknown".into(), "INDETERMINATE".into(), "Unsupported".into())
    );
    assert_eq!(at("sub/notice.ofd"), ("ofd".into(), "PASSED".into(), "-".into()));
    assert_eq!(at("link.ofd"), ("ofd".into(), "PASSED".into(), "-".into()));
    assert_eq!(
        at("pipe.ofd"),
        ("unknown".into(), "INDETERMINATE".into(), "Unsupported".into())
    );
    let pipe = records
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with("pipe.ofd"))
        .unwrap();
    assert!(pipe.to_string().contains("not a regular file"), "{pipe}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a link to a folder, not followed"), "{stderr}");
}
