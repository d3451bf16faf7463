//! Attacks on PDF signatures, each built here from a signed corpus file, and the benign
//! updates that must not be flagged. None of the attacks may leave an intact whole-document
//! signature: each is caught by a named check with a machine-readable reason.
//!
//! Attack classes (Mladenov et al., "1 Trillion Dollar Refund", and the shadow attacks of
//! Mainka et al.): incremental saving with changed content, signature wrapping, universal
//! signature forgery, shadow hide / replace / hide-and-replace.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use yinjian::pdf::{verify_pdf, PdfOptions};
use yinjian::seal::SealOptions;
use yinjian::x509::TrustStore;
use yinjian::{Reason, Report, Status};

/// A pyHanko test file signed once (ENTIRE_FILE): page 3 0 R draws content stream 4 0 R,
/// signature field 7 0 R holds signature dictionary 15 0 R; the trailer's /Size is 16.
const BASE: &str = "sig-with-ski-sid.pdf";

fn base() -> Vec<u8> {
    // The corpus PDF folder: the tests that build on it return early without it.
    let p = common::corpus_root().join("pdf").join(BASE);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn verify(bytes: &[u8]) -> Report {
    let trust = TrustStore::new();
    let opts = PdfOptions::new(SealOptions::new(&trust, common::t("2023-06-01T00:00:00Z")));
    verify_pdf(bytes, &opts)
}

/// Appends an incremental update (classic xref table) that writes `objects` (number, body).
fn append_update(base: &[u8], objects: &[(u32, &str)], extra_trailer: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(base);
    let sx = text.rfind("startxref").expect("startxref");
    let prev: usize = text[sx + 9..].split_whitespace().next().unwrap().parse().unwrap();
    let size = objects.iter().map(|(n, _)| n + 1).max().unwrap_or(0).max(16);
    let mut out = base.to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects {
        offsets.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
    for (n, off) in &offsets {
        out.extend_from_slice(format!("{n} 1\n{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Root 1 0 R /Size {size} /Prev {prev} {extra_trailer}>>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

/// Byte offset of `pattern` at or after `from`.
fn find(bytes: &[u8], pattern: &[u8], from: usize) -> usize {
    from + bytes[from..]
        .windows(pattern.len())
        .position(|w| w == pattern)
        .expect("pattern")
}

/// Offsets of the hex digits of the first signature's /Contents string.
fn contents_hex(bytes: &[u8]) -> (usize, usize) {
    let start = find(bytes, b"/Contents <", 0) + b"/Contents <".len();
    (start, find(bytes, b">", start))
}

/// Replaces `from` (first occurrence) with `to` of the same length, in place.
fn patch(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = bytes.windows(from.len()).position(|w| w == from).expect("pattern");
    let mut out = bytes.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    out
}

fn part(report: &Report) -> &Report {
    assert_eq!(report.parts.len(), 1, "{}", report.to_json_pretty());
    &report.parts[0]
}

fn check_reason(report: &Report, name: &str) -> Option<Reason> {
    report.check(name).and_then(|c| c.reason)
}

fn disallowed(report: &Report) -> String {
    report
        .check("pdf.modifications")
        .and_then(|c| c.details.get("disallowed"))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The signature is intact but what was appended after it is flagged.
fn assert_flagged(bytes: &[u8], expect_in_findings: &str) {
    let report = verify(bytes);
    let sig = part(&report);
    assert_eq!(sig.status, Status::Failed, "{}", sig.to_json_pretty());
    assert_eq!(
        check_reason(sig, "pdf.modifications"),
        Some(Reason::ModifiedAfterSigning)
    );
    let coverage = sig.check("pdf.byte-range").unwrap().details["coverage"]
        .as_str()
        .unwrap();
    assert_eq!(coverage, "ENTIRE_REVISION");
    let findings = disallowed(sig);
    assert!(
        findings.contains(expect_in_findings),
        "{expect_in_findings:?} not in {findings}"
    );
    // The cryptography still holds: the report says what changed, not that the signature broke.
    assert_eq!(sig.check("cms.signature").unwrap().status, Status::Passed);
}

#[test]
fn the_untouched_base_is_intact_and_covers_the_whole_file() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let report = verify(&base());
    let sig = part(&report);
    assert_eq!(sig.check("cms.signature").unwrap().status, Status::Passed);
    assert_eq!(sig.check("pdf.byte-range").unwrap().details["coverage"], "ENTIRE_FILE");
    assert_eq!(sig.check("pdf.modifications").unwrap().status, Status::Passed);
    // No trust anchors were given: INDETERMINATE, for the chain only.
    assert_eq!(sig.status, Status::Indeterminate);
    assert_eq!(sig.reason, Some(Reason::UntrustedChain));
}

#[test]
fn incremental_saving_with_changed_page_content_is_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let content = "<< /Length 44 >>\nstream\nBT /F1 24 Tf 20 60 Td (PAY 1000000) Tj ET\nendstream";
    assert_flagged(&append_update(&base(), &[(4, content)], ""), "object 4");
}

#[test]
fn shadow_hide_with_an_overlay_annotation_is_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let page = "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >> >> >> /Contents 4 0 R /Annots [ 7 0 R 16 0 R ] >>";
    let cover = "<< /Type /Annot /Subtype /Square /Rect [ 0 0 300 144 ] /IC [ 1 1 1 ] /C [ 1 1 1 ] /F 4 >>";
    assert_flagged(
        &append_update(&base(), &[(3, page), (16, cover)], ""),
        "annotation 16 0 R added (annotations are allowed only under DocMDP P=3",
    );
}

#[test]
fn shadow_hide_and_replace_of_the_page_content_and_resources_is_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let page = "<< /Type /Page /Parent 2 0 R /Resources << /XObject << /X1 16 0 R >> /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >> >> >> /Contents [ 4 0 R 17 0 R ] /Annots [ 7 0 R ] >>";
    let xobject = "<< /Type /XObject /Subtype /Form /BBox [ 0 0 300 144 ] /Length 28 >>\nstream\n1 1 1 rg 0 0 300 144 re f\nendstream";
    let draw = "<< /Length 8 >>\nstream\n/X1 Do\nendstream";
    assert_flagged(
        &append_update(&base(), &[(3, page), (16, xobject), (17, draw)], ""),
        "page object 3 /Resources changed",
    );
}

#[test]
fn shadow_replace_through_object_reuse_in_a_new_form_field_is_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    // A new text field is an allowed update; its appearance stream is the page's content
    // stream, rewritten: "form filling" that changes the page.
    let acroform = "<< /Fields [ 7 0 R 16 0 R ] /SigFlags 3 >>";
    let field =
        "<< /FT /Tx /T (Note) /Type /Annot /Subtype /Widget /Rect [ 0 0 0 0 ] /P 3 0 R /V (x) /AP << /N 4 0 R >> >>";
    let content = "<< /Length 44 >>\nstream\nBT /F1 24 Tf 20 60 Td (PAY 1000000) Tj ET\nendstream";
    assert_flagged(
        &append_update(&base(), &[(6, acroform), (16, field), (4, content)], ""),
        "object 4 changed in an allowed place but is also used by object 3",
    );
}

#[test]
fn shadow_font_replacement_is_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    // The signature appearance's font (13 0 R) swapped for another after signing.
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>";
    assert_flagged(&append_update(&base(), &[(13, font)], ""), "object 13");
}

#[test]
fn signature_wrapping_by_rewriting_the_signature_dictionary_is_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    // The signature dictionary written again in an update (the wrapping attack's first step):
    // the original /Contents bytes stay where the byte range points.
    let doc = lopdf::Document::load_mem(&base()).unwrap();
    let sig = doc.get_dictionary((15, 0)).unwrap().clone();
    let br: Vec<String> = sig
        .get(b"ByteRange")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_i64().unwrap().to_string())
        .collect();
    let contents = hex::encode(sig.get(b"Contents").unwrap().as_str().unwrap());
    let body = format!(
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [ {} ] /Contents <{contents}> /Reason (changed) >>",
        br.join(" ")
    );
    assert_flagged(
        &append_update(&base(), &[(15, &body)], ""),
        "signature dictionary was rewritten",
    );
}

#[test]
fn data_after_the_container_inside_contents_is_a_note_not_a_failure() {
    if common::corpus("pdf").is_none() {
        return;
    }
    // The bytes after the CMS inside /Contents are neither signed nor rendered (some products
    // leave a stray byte there): a note, and the signature is judged as it is.
    let bytes = base();
    let (start, end) = contents_hex(&bytes);
    let last_nonzero = start + bytes[start..end].iter().rposition(|b| *b != b'0').unwrap() + 1;
    assert!(last_nonzero + 10 < end, "there is zero padding");
    let mut tampered = bytes.clone();
    tampered[last_nonzero + 10] = b'7';
    let report = verify(&tampered);
    let sig = part(&report);
    let contents = sig.check("pdf.contents").unwrap();
    assert_eq!(contents.status, Status::Passed, "{}", sig.to_json_pretty());
    assert!(contents.details["trailing_bytes"].as_u64().unwrap() > 0);
    assert!(contents.message.contains("note"), "{}", contents.message);
    assert_eq!(sig.check("cms.signature").unwrap().status, Status::Passed);
    assert_eq!(sig.status, Status::Indeterminate, "only trust is missing");
    // Anything in the byte-range gap beyond /Contents stays a failure: see
    // byte_ranges_that_skip_more_than_contents_or_stop_early_are_flagged.
}

#[test]
fn trailer_keys_no_reader_uses_are_not_changes() {
    if common::corpus("pdf").is_none() {
        return;
    }
    // Adobe writes /DocChecksum and /AdditionalStreams into trailers; no viewer reads them.
    let bytes = append_update(
        &base(),
        &[(16, "<< /Length 0 >>\nstream\n\nendstream")],
        "/DocChecksum /0123456789ABCDEF0123456789ABCDEF /AdditionalStreams [ 16 0 R ] ",
    );
    let report = verify(&bytes);
    let sig = part(&report);
    let check = sig.check("pdf.modifications").unwrap();
    assert_eq!(check.status, Status::Passed, "{}", sig.to_json_pretty());
    assert_eq!(check.details["level"], "LTA_UPDATES");
    // A changed /Encrypt changes how every string is read: flagged.
    let encrypted = append_update(&base(), &[(16, "<< /Filter /Standard /V 1 >>")], "/Encrypt 16 0 R ");
    let report = verify(&encrypted);
    let opened = report
        .check("pdf.signatures")
        .is_some_and(|c| c.status == Status::Passed);
    let flagged = report
        .parts
        .first()
        .and_then(|p| p.check("pdf.modifications"))
        .is_some_and(|c| c.status == Status::Failed);
    assert!(!opened || flagged, "{}", report.to_json_pretty());
}

#[test]
fn a_catalog_key_that_changes_what_is_seen_is_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    // Optional content: a new /OCProperties can hide page content.
    let catalog = "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /OCProperties << /OCGs [] /D << /OFF [] >> >> >>";
    assert_flagged(
        &append_update(&base(), &[(1, catalog)], ""),
        "catalog /OCProperties changed",
    );
}

#[test]
fn viewer_preferences_and_private_catalog_keys_are_not_changes() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let catalog = "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /PageMode /UseOutlines /ViewerPreferences << /DisplayDocTitle true >> /ACME_Private 1 >>";
    let report = verify(&append_update(&base(), &[(1, catalog)], ""));
    let sig = part(&report);
    let check = sig.check("pdf.modifications").unwrap();
    assert_eq!(check.status, Status::Passed, "{}", sig.to_json_pretty());
}

#[test]
fn universal_signature_forgery_without_contents_or_byte_range_is_refused() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let bytes = base();
    for (from, to, message) in [
        (b"/Contents <".as_slice(), b"/Contentz <".as_slice(), "no /Contents"),
        (b"/ByteRange".as_slice(), b"/ByteRangX".as_slice(), "no /ByteRange"),
    ] {
        let report = verify(&patch(&bytes, from, to));
        let sig = part(&report);
        assert_eq!(sig.status, Status::Failed, "{message}");
        let check = sig.check("pdf.signature-dictionary").unwrap();
        assert_eq!(check.reason, Some(Reason::Missing));
        assert!(check.message.contains(message), "{}", check.message);
    }
    // /Contents all zeros: an empty signature.
    let (start, end) = contents_hex(&bytes);
    let mut zeroed = bytes.clone();
    zeroed[start..end].fill(b'0');
    let report = verify(&zeroed);
    let check = part(&report).check("pdf.signature-dictionary").unwrap();
    assert_eq!(check.reason, Some(Reason::Missing));
}

#[test]
fn a_byte_changed_inside_the_signed_range_breaks_the_digest() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let tampered = patch(&base(), b"/Count 1", b"/Count 2");
    let report = verify(&tampered);
    let sig = part(&report);
    assert_eq!(sig.status, Status::Failed);
    assert_eq!(check_reason(sig, "cms.message-digest"), Some(Reason::HashMismatch));
}

#[test]
fn byte_ranges_that_skip_more_than_contents_or_stop_early_are_flagged() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let bytes = base();
    let open = find(&bytes, b"/ByteRange [", 0) + b"/ByteRange ".len();
    let close = find(&bytes, b"]", open) + 1;
    let old = String::from_utf8(bytes[open..close].to_vec()).unwrap();
    let br: Vec<i64> = old
        .trim_matches(|c| c == '[' || c == ']')
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    // Same width: skip 10 more bytes before /Contents (the gap is no longer just the string).
    let wider = format!("[ {} {} {} {} ]", br[0], br[1] - 10, br[2], br[3]);
    let shorter = format!("[ {} {} {} {} ]", br[0], br[1], br[2], br[3] - 10);
    for (new, coverage) in [(wider, "UNCLEAR"), (shorter, "CONTIGUOUS_BLOCK_FROM_START")] {
        let new = format!("{new:width$}", width = old.len());
        let report = verify(&patch(&bytes, old.as_bytes(), new.as_bytes()));
        let sig = part(&report);
        assert_eq!(sig.status, Status::Failed, "{new}");
        assert_eq!(sig.check("pdf.byte-range").unwrap().details["coverage"], coverage);
        assert_eq!(check_reason(sig, "pdf.coverage"), Some(Reason::ModifiedAfterSigning));
    }
}

// ---- benign updates ------------------------------------------------------------------------

#[test]
fn adding_a_dss_is_allowed_as_validation_data() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let catalog = "<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /DSS 16 0 R >>";
    let dss = "<< /Certs [ 17 0 R ] >>";
    let cert = common::cert("root").der().to_vec();
    let stream = format!("<< /Length {} >>\nstream\n", cert.len());
    let mut bytes = append_update(&base(), &[(1, catalog), (16, dss)], "");
    // The certificate stream is binary: append one more update by hand for it.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let sx = text.rfind("startxref").unwrap();
    let prev: usize = text[sx + 9..].split_whitespace().next().unwrap().parse().unwrap();
    let at = bytes.len();
    bytes.extend_from_slice(format!("17 0 obj\n{stream}").as_bytes());
    bytes.extend_from_slice(&cert);
    bytes.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = bytes.len();
    bytes.extend_from_slice(
        format!("xref\n0 1\n0000000000 65535 f \n17 1\n{at:010} 00000 n \ntrailer\n<< /Root 1 0 R /Size 18 /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    let report = verify(&bytes);
    let sig = part(&report);
    let check = sig.check("pdf.modifications").unwrap();
    assert_eq!(check.status, Status::Passed, "{}", sig.to_json_pretty());
    assert_eq!(check.details["level"], "LTA_UPDATES");
    assert_eq!(
        sig.check("pdf.byte-range").unwrap().details["coverage"],
        "ENTIRE_REVISION"
    );
}

#[test]
fn filling_a_new_text_field_is_allowed_as_form_filling() {
    if common::corpus("pdf").is_none() {
        return;
    }
    let acroform = "<< /Fields [ 7 0 R 16 0 R ] /SigFlags 3 >>";
    let page = "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >> >> >> /Contents 4 0 R /Annots [ 7 0 R 16 0 R ] >>";
    let field = "<< /FT /Tx /T (Note) /Type /Annot /Subtype /Widget /Rect [ 10 80 200 100 ] /P 3 0 R /V (approved) /AP << /N 17 0 R >> >>";
    let ap = "<< /Type /XObject /Subtype /Form /BBox [ 0 0 190 20 ] /Length 0 >>\nstream\n\nendstream";
    let bytes = append_update(&base(), &[(6, acroform), (3, page), (16, field), (17, ap)], "");
    let report = verify(&bytes);
    let sig = part(&report);
    let check = sig.check("pdf.modifications").unwrap();
    assert_eq!(check.status, Status::Passed, "{}", sig.to_json_pretty());
    assert_eq!(check.details["level"], "FORM_FILLING");
}

#[test]
fn a_decoy_byte_range_in_the_tail_of_a_large_file_changes_nothing() {
    if common::corpus("pdf").is_none() {
        return;
    }
    // Files over 8 MiB are hashed while they are parsed, from a guess read off the tail.
    // A decoy /ByteRange after the real signature makes the guess wrong: the verdict must be
    // the one the parsed signature gives.
    let mut bytes = base();
    let padding = format!("%{}\n", "x".repeat(1024));
    while bytes.len() < 9 * 1024 * 1024 {
        bytes.extend_from_slice(padding.as_bytes());
    }
    bytes.extend_from_slice(b"% /ByteRange [ 0 10 20 30 ] <3000>\n");
    let report = verify(&bytes);
    let sig = part(&report);
    assert_eq!(sig.check("cms.message-digest").unwrap().status, Status::Passed);
    assert_eq!(
        sig.check("pdf.byte-range").unwrap().details["coverage"],
        "ENTIRE_REVISION"
    );
}

// ---- the legacy adbe.x509.rsa_sha1 SubFilter ----------------------------------------------

/// A one-page PDF signed with the legacy SubFilter `adbe.x509.rsa_sha1` (a PKCS#1 v1.5
/// signature with `digest` in /Contents, the certificate in /Cert), made with OpenSSL.
fn rsa_sha1_pdf(digest: &str) -> Vec<u8> {
    let dir = common::scratch_dir("rsa-sha1");
    let (key, cert) = (dir.join("k.pem"), dir.join("c.der"));
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=legacy signer",
            "-days",
            "3650",
        ])
        .arg("-keyout")
        .arg(&key)
        .args(["-outform", "DER", "-out"])
        .arg(&cert)
        .output()
        .expect("openssl")
        .status
        .success();
    assert!(ok, "openssl req");
    let cert_hex = hex::encode(std::fs::read(&cert).unwrap());
    const RESERVED: usize = 600; // bytes of /Contents
    let placeholder = "[0 0000000000 0000000000 0000000000]";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [ 4 0 R ] /SigFlags 3 >> >>".to_owned(),
        "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 200 200 ] /Annots [ 4 0 R ] >>".to_owned(),
        "<< /FT /Sig /T (Legacy) /Type /Annot /Subtype /Widget /Rect [ 0 0 0 0 ] /P 3 0 R /V 5 0 R >>".to_owned(),
        format!(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.x509.rsa_sha1 /M (D:20240101000000Z) /Cert <{cert_hex}> /ByteRange {placeholder} /Contents <{}> >>",
            "0".repeat(RESERVED * 2)
        ),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Root 1 0 R /Size 6 >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    let start = find(&out, b"/Contents <", 0) + b"/Contents ".len();
    let end = start + RESERVED * 2 + 2;
    let range = format!("[0 {start:010} {end:010} {:010}]", out.len() - end);
    let at = find(&out, placeholder.as_bytes(), 0);
    out[at..at + range.len()].copy_from_slice(range.as_bytes());
    let signed: Vec<u8> = [&out[..start], &out[end..]].concat();
    let data = dir.join("data");
    std::fs::write(&data, &signed).unwrap();
    let sig = std::process::Command::new("openssl")
        .args(["dgst", &format!("-{digest}"), "-sign"])
        .arg(&key)
        .arg(&data)
        .output()
        .expect("openssl dgst")
        .stdout;
    assert_eq!(sig.len(), 256, "RSA-2048 signature");
    let mut der = vec![0x04, 0x82, 0x01, 0x00];
    der.extend_from_slice(&sig);
    let hex = hex::encode(&der);
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn the_legacy_rsa_sha1_subfilter_is_verified_with_the_digest_its_digest_info_names() {
    for (digest, alg) in [("sha1", "RSA-SHA1"), ("sha256", "RSA-SHA256")] {
        let bytes = rsa_sha1_pdf(digest);
        let report = verify(&bytes);
        let sig = part(&report);
        let check = sig.check("pdf.pkcs1-signature").expect("PKCS#1 check");
        assert_eq!(check.status, Status::Passed, "{}", sig.to_json_pretty());
        assert_eq!(check.details["algorithm"], alg);
        assert_eq!(sig.check("pdf.format").unwrap().details["level"], "PKCS1");
        assert_eq!(sig.subject.signer.as_deref(), Some("CN=legacy signer"));
        // Trust is all that is missing for SHA-256; SHA-1 also breaks the crypto constraints.
        assert_eq!(sig.status, Status::Indeterminate, "{}", sig.to_json_pretty());
        let (want, constraints) = match digest {
            "sha1" => (Reason::CryptoConstraintsFailure, Some(Status::Indeterminate)),
            _ => (Reason::UntrustedChain, None),
        };
        assert_eq!(sig.reason, Some(want));
        assert_eq!(sig.check("pdf.crypto-constraints").map(|c| c.status), constraints);

        // One byte of the signed page changed: the value no longer verifies.
        let tampered = patch(&bytes, b"/MediaBox [ 0 0 200 200 ]", b"/MediaBox [ 0 0 200 201 ]");
        let report = verify(&tampered);
        let sig = part(&report);
        assert_eq!(check_reason(sig, "pdf.pkcs1-signature"), Some(Reason::BadSignature));
        assert_eq!(sig.status, Status::Failed);
    }
}
