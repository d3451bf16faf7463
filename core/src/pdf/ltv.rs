//! Making a signed PDF LTV (PAdES B-LT, then B-LTA): the archive's intake step.
//!
//! - [`add_validation_data`] writes one incremental update adding or extending the DSS
//!   (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4.2): the chain certificates, CRLs and OCSP
//!   responses of every signature and document time-stamp in the file, each also listed in a
//!   /VRI entry keyed by the upper-case hex SHA-1 of the signature's /Contents string. What an
//!   earlier DSS had is kept (its streams are referenced again, its /VRI entries left as they
//!   were: a signature that already has one gets no new one and its new data goes into the
//!   DSS arrays only, as a changed /VRI entry is a modification pyHanko refuses), so running
//!   it again years later extends the data (archive renewal).
//! - [`add_document_timestamp`] writes a second update with a document time-stamp
//!   (`/Type /DocTimeStamp /SubFilter /ETSI.RFC3161`) over everything before it, the token
//!   made by the caller's TSA ([`crate::cms::build::sign_timestamp_token`]);
//!   [`prepare_document_timestamp`] and [`embed_document_timestamp`] do the same in two steps
//!   for a token obtained from an outside TSA.
//!
//! The library never fetches validation data and never reads a clock: certificates, CRLs,
//! OCSP responses, the TSA and the times are inputs. Both updates are what the change
//! analysis ([`super::changes`]) classifies as LTA updates, so every earlier signature, even
//! a certification with DocMDP P=1, stays valid.
//!
//! Which data concerns a signature: its signer certificate (from the CMS, else from the
//! certificates given) and the chain built from it by issuer name through the CMS, the
//! certificates given and those already in the DSS, up to a self-issued certificate; the same
//! for the TSA certificate of a signature time-stamp. A CRL concerns a certificate of that
//! chain when its issuer is the certificate's issuer; an OCSP response when it names the
//! certificate (serial number and issuer name hash). Nothing is verified here — the verifier
//! judges the data when it validates. Every CRL and OCSP response given goes into the DSS
//! even when it concerns no signature (it is then in no /VRI entry, and the summary counts it
//! as unmatched).

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use serde::Serialize;

use super::document::{deref, signature_fields, stream_bytes, PdfDocument, SignatureKind, SignatureValue};
use super::sign::{prepare_field, FieldValue, Increment, PdfSignOptions, DEFAULT_RESERVED_BYTES};
use super::{PdfError, MAX_DECOMPRESSED_STREAM};
use crate::alg::DigestAlgorithm;
use crate::cms::build::{sign_timestamp_token, Tsa};
use crate::cms::tsp::{signature_timestamp, TimeStampToken};
use crate::cms::SignedData;
use crate::time::Time;
use crate::x509::{Certificate, Crl, OcspResponseInfo};

/// Most certificates, CRLs and OCSP responses (together) in one DSS update, given and found.
pub const MAX_VALIDATION_ITEMS: usize = 4096;

/// Longest certificate chain followed from a signer or TSA certificate.
pub const MAX_CHAIN_LENGTH: usize = 16;

/// Validation data the caller supplies (the library never fetches it).
#[derive(Debug, Clone, Default)]
pub struct ValidationData {
    /// Certificates: intermediates, roots, TSA certificates.
    pub certs: Vec<Certificate>,
    /// CRLs.
    pub crls: Vec<Crl>,
    /// OCSP responses (DER `OCSPResponse`).
    pub ocsps: Vec<Vec<u8>>,
}

/// What a DSS update found for one signature: listed in its new /VRI entry, or, when an
/// earlier DSS already has an entry for it (kept as it was), in the DSS arrays only.
#[derive(Debug, Clone, Serialize)]
pub struct VriSummary {
    /// The signature field's name.
    pub field: String,
    /// A signature or a document time-stamp.
    pub kind: SignatureKind,
    /// The /VRI key: upper-case hex SHA-1 of the /Contents string.
    pub vri_key: String,
    /// Certificates listed for it (signer, chain, TSA chains).
    pub certs: usize,
    /// CRLs listed for it.
    pub crls: usize,
    /// OCSP responses listed for it.
    pub ocsps: usize,
    /// Subjects of certificates in its chains (not self-issued) with no CRL or OCSP response
    /// given or already in the DSS, and chains that ended before a self-issued certificate.
    pub gaps: Vec<String>,
}

/// What one DSS update did.
#[derive(Debug, Clone, Serialize)]
#[must_use = "says what went into the DSS and what matched no signature"]
pub struct DssSummary {
    /// Per signature and document time-stamp, in document order.
    pub signatures: Vec<VriSummary>,
    /// Certificates newly added to /Certs (the rest were there already).
    pub certs_added: usize,
    /// CRLs newly added to /CRLs.
    pub crls_added: usize,
    /// OCSP responses newly added to /OCSPs.
    pub ocsps_added: usize,
    /// CRLs and OCSP responses given that concern no signature's chain (kept in the DSS, in
    /// no /VRI entry).
    pub unmatched: usize,
    /// Signatures that were skipped (no /Contents, or a container that is not CMS or a
    /// time-stamp token), with why.
    pub skipped: Vec<String>,
}

/// The /VRI key of a signature: the upper-case hex SHA-1 of its /Contents string as stored
/// (ISO 32000-2 §12.8.4.4; padding included, as Adobe and pyHanko compute it).
pub fn vri_key(contents: &[u8]) -> String {
    hex::encode_upper(DigestAlgorithm::Sha1.digest(contents))
}

/// The DSS stream arrays: existing entries (DER, reference) and new ones.
#[derive(Default)]
struct Pool {
    entries: Vec<(Vec<u8>, Object)>,
    added: usize,
}

impl Pool {
    /// Reads an existing /Certs, /CRLs or /OCSPs array.
    fn existing(doc: &Document, dss: Option<&Dictionary>, key: &[u8]) -> Pool {
        let mut pool = Pool::default();
        let items = dss
            .and_then(|d| deref(doc, d.get(key).ok()))
            .and_then(|o| o.as_array().ok());
        for item in items.into_iter().flatten() {
            let der = deref(doc, Some(item))
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| stream_bytes(s, MAX_DECOMPRESSED_STREAM));
            // Entries that do not read are kept as they are.
            pool.entries.push((der.unwrap_or_default(), item.clone()));
        }
        pool
    }

    /// The reference of `der`, written as a new stream when not there yet.
    fn reference(&mut self, der: &[u8], update: &mut Increment) -> Result<Object, PdfError> {
        if let Some((_, r)) = self.entries.iter().find(|(d, _)| !d.is_empty() && d == der) {
            return Ok(r.clone());
        }
        if self.entries.len() >= MAX_VALIDATION_ITEMS {
            return Err(PdfError::TooLarge(format!(
                "more than {MAX_VALIDATION_ITEMS} DSS entries"
            )));
        }
        let id = update.new_id();
        update
            .w
            .object(id, &Object::Stream(Stream::new(Dictionary::new(), der.to_vec())))?;
        let r = Object::Reference(id);
        self.entries.push((der.to_vec(), r.clone()));
        self.added += 1;
        Ok(r)
    }

    fn array(&self) -> Object {
        Object::Array(self.entries.iter().map(|(_, r)| r.clone()).collect())
    }
}

/// One signature's data: the certificates of its chains and the revocation data for them.
struct Gathered {
    certs: Vec<Certificate>,
    crls: Vec<usize>,
    ocsps: Vec<usize>,
    gaps: Vec<String>,
}

/// Adds the chain and revocation data of every signature and document time-stamp of `input`
/// to its DSS, as one incremental update (the input is an exact prefix of the output).
/// `vri_time`, when given, is written as each new /VRI entry's /TU (when the data was
/// gathered).
///
/// # Errors
///
/// [`PdfError::Malformed`] when the document cannot be read or has no signature;
/// [`PdfError::Unsupported`] when it is encrypted; [`PdfError::TooLarge`] past
/// [`MAX_VALIDATION_ITEMS`].
pub fn add_validation_data(
    input: &[u8],
    data: &ValidationData,
    vri_time: Option<Time>,
) -> Result<(Vec<u8>, DssSummary), PdfError> {
    if data.certs.len() + data.crls.len() + data.ocsps.len() > MAX_VALIDATION_ITEMS {
        return Err(PdfError::TooLarge(format!(
            "more than {MAX_VALIDATION_ITEMS} certificates, CRLs and OCSP responses"
        )));
    }
    let parsed = PdfDocument::parse(input)?;
    let doc = parsed.last();
    let mut update = Increment::new(input, doc)?;
    let catalog = doc
        .get_dictionary(update.root_id)
        .map_err(|_| PdfError::Malformed("the catalog is not a dictionary".into()))?
        .clone();
    let old_dss_ref = catalog.get(b"DSS").ok().and_then(|o| o.as_reference().ok());
    let old_dss = deref(doc, catalog.get(b"DSS").ok()).and_then(|o| o.as_dict().ok());
    let mut certs = Pool::existing(doc, old_dss, b"Certs");
    let mut crls = Pool::existing(doc, old_dss, b"CRLs");
    let mut ocsps = Pool::existing(doc, old_dss, b"OCSPs");

    // Everything to look in: the certificates given and already in the DSS; the revocation
    // data given and already in the DSS (parsed once).
    let mut cert_pool: Vec<Certificate> = data.certs.clone();
    cert_pool.extend(certs.entries.iter().filter_map(|(d, _)| Certificate::from_der(d).ok()));
    // Each CRL and OCSP response once: those given, then those already in the DSS.
    let mut crl_list: Vec<(Vec<u8>, Option<Crl>)> = Vec::new();
    let old_crls = crls.entries.iter().map(|(d, _)| (d.as_slice(), None));
    for (der, parsed) in data.crls.iter().map(|c| (c.der(), Some(c))).chain(old_crls) {
        if !crl_list.iter().any(|(d, _)| d == der) {
            let parsed = parsed.cloned().or_else(|| Crl::from_der(der).ok());
            crl_list.push((der.to_vec(), parsed));
        }
    }
    let mut ocsp_list: Vec<(Vec<u8>, Option<OcspResponseInfo>)> = Vec::new();
    for der in data.ocsps.iter().chain(ocsps.entries.iter().map(|(d, _)| d)) {
        if !ocsp_list.iter().any(|(d, _)| d == der) {
            ocsp_list.push((der.clone(), OcspResponseInfo::from_der(der).ok()));
        }
    }

    let mut summary = DssSummary {
        signatures: Vec::new(),
        certs_added: 0,
        crls_added: 0,
        ocsps_added: 0,
        unmatched: 0,
        skipped: Vec::new(),
    };
    let mut used_crl = vec![false; crl_list.len()];
    let mut used_ocsp = vec![false; ocsp_list.len()];
    let mut vri_new: Vec<(String, Dictionary)> = Vec::new();
    for field in signature_fields(doc)? {
        let Some(dict) = &field.value else { continue };
        let value = SignatureValue::read(doc, dict);
        let (Some(contents), Some(kind)) = (value.contents.as_deref(), value.kind()) else {
            summary.skipped.push(format!("{}: no /Contents", field.name));
            continue;
        };
        let (leaves, carried) = match leaf_certificates(kind, &value, contents, &cert_pool) {
            Ok(l) => l,
            Err(why) => {
                summary.skipped.push(format!("{}: {why}", field.name));
                continue;
            }
        };
        let g = gather(&leaves, &carried, &cert_pool, &crl_list, &ocsp_list);
        for i in &g.crls {
            used_crl[*i] = true;
        }
        for i in &g.ocsps {
            used_ocsp[*i] = true;
        }
        let mut vri = Dictionary::new();
        let mut refs = Vec::new();
        for c in &g.certs {
            refs.push(certs.reference(c.der(), &mut update)?);
        }
        vri.set("Cert", Object::Array(refs));
        let mut refs = Vec::new();
        for i in &g.crls {
            refs.push(crls.reference(&crl_list[*i].0, &mut update)?);
        }
        vri.set("CRL", Object::Array(refs));
        let mut refs = Vec::new();
        for i in &g.ocsps {
            refs.push(ocsps.reference(&ocsp_list[*i].0, &mut update)?);
        }
        vri.set("OCSP", Object::Array(refs));
        if let Some(t) = vri_time {
            vri.set(
                "TU",
                Object::String(super::sign::pdf_date(t).into_bytes(), StringFormat::Literal),
            );
        }
        let key = vri_key(contents);
        summary.signatures.push(VriSummary {
            field: field.name.clone(),
            kind,
            vri_key: key.clone(),
            certs: g.certs.len(),
            crls: g.crls.len(),
            ocsps: g.ocsps.len(),
            gaps: g.gaps,
        });
        vri_new.push((key, vri));
    }
    if summary.signatures.is_empty() {
        return Err(PdfError::Malformed(
            "the document has no signature to add validation data for".into(),
        ));
    }
    // Everything given goes in, matched or not.
    for c in &data.certs {
        certs.reference(c.der(), &mut update)?;
    }
    for (i, (der, _)) in crl_list.iter().enumerate() {
        if data.crls.iter().any(|c| c.der() == der) {
            crls.reference(der, &mut update)?;
            summary.unmatched += usize::from(!used_crl[i]);
        }
    }
    for (i, (der, _)) in ocsp_list.iter().enumerate() {
        if data.ocsps.contains(der) {
            ocsps.reference(der, &mut update)?;
            summary.unmatched += usize::from(!used_ocsp[i]);
        }
    }
    summary.certs_added = certs.added;
    summary.crls_added = crls.added;
    summary.ocsps_added = ocsps.added;

    // The DSS: the old one's keys kept, arrays extended, new /VRI entries added.
    let mut dss = old_dss.cloned().unwrap_or_default();
    dss.set("Type", Object::Name(b"DSS".to_vec()));
    dss.set("Certs", certs.array());
    dss.set("CRLs", crls.array());
    dss.set("OCSPs", ocsps.array());
    let mut vri_all: BTreeMap<Vec<u8>, Object> = old_dss
        .and_then(|d| deref(doc, d.get(b"VRI").ok()))
        .and_then(|o| o.as_dict().ok())
        .map(|v| v.iter().map(|(k, o)| (k.clone(), o.clone())).collect())
        .unwrap_or_default();
    // An existing entry is left as it was: readers (pyHanko) refuse a later update that
    // changes one, and the new data is in the DSS arrays anyway.
    for (key, entry) in vri_new {
        vri_all.entry(key.into_bytes()).or_insert(Object::Dictionary(entry));
    }
    let mut vri = Dictionary::new();
    for (k, v) in vri_all {
        vri.set(k, v);
    }
    dss.set("VRI", Object::Dictionary(vri));
    match old_dss_ref {
        Some(id) => update.w.object(id, &Object::Dictionary(dss))?,
        None => {
            let id = update.new_id();
            update.w.object(id, &Object::Dictionary(dss))?;
            let mut cat = catalog;
            cat.set("DSS", Object::Reference(id));
            let root = update.root_id;
            update.w.object(root, &Object::Dictionary(cat))?;
        }
    }
    let seed = format!(
        "DSS {} {}",
        summary.signatures.len(),
        vri_time.map(|t| t.to_string()).unwrap_or_default()
    );
    let out = update.finish(doc, &seed)?;
    Ok((out, summary))
}

/// The certificates whose chains a signature needs (the CMS signer's and its signature
/// time-stamp's TSA's, the document time-stamp's TSA's, or /Cert of `adbe.x509.rsa_sha1`),
/// and the certificates the signature carries (to build the chains with).
fn leaf_certificates(
    kind: SignatureKind,
    value: &SignatureValue,
    contents: &[u8],
    pool: &[Certificate],
) -> Result<(Vec<Certificate>, Vec<Certificate>), String> {
    let mut leaves = Vec::new();
    let mut carried = Vec::new();
    let mut from = |sd: &SignedData| {
        if let Some(signer) = sd.signers.first() {
            leaves.extend(sd.find_certificate(signer, pool).cloned());
        }
        carried.extend(sd.certificates.iter().cloned());
    };
    match kind {
        SignatureKind::DocTimeStamp => {
            let token = TimeStampToken::from_der(contents).map_err(|e| format!("time-stamp token: {e}"))?;
            from(&token.signed_data);
        }
        SignatureKind::Signature if !value.certs.is_empty() => {
            carried.extend(value.certs.iter().filter_map(|d| Certificate::from_der(d).ok()));
            leaves.extend(carried.first().cloned());
        }
        SignatureKind::Signature => {
            let sd = SignedData::from_der(contents).map_err(|e| format!("not a CMS signature: {e}"))?;
            from(&sd);
            if let Some(Ok(token)) = signature_timestamp(&sd, 0) {
                from(&token.signed_data);
            }
        }
    }
    if leaves.is_empty() {
        return Err("the signer's certificate is neither in the signature nor among those given".into());
    }
    Ok((leaves, carried))
}

/// The chains of `leaves` (issuers looked for among `carried` and `pool`, by name, up to a
/// self-issued certificate) and the revocation data concerning them.
fn gather(
    leaves: &[Certificate],
    carried: &[Certificate],
    pool: &[Certificate],
    crls: &[(Vec<u8>, Option<Crl>)],
    ocsps: &[(Vec<u8>, Option<OcspResponseInfo>)],
) -> Gathered {
    let mut g = Gathered {
        certs: Vec::new(),
        crls: Vec::new(),
        ocsps: Vec::new(),
        gaps: Vec::new(),
    };
    let search: Vec<&Certificate> = carried.iter().chain(pool).collect();
    for leaf in leaves {
        let mut cur = leaf.clone();
        for _ in 0..MAX_CHAIN_LENGTH {
            if g.certs.iter().any(|o| o.der() == cur.der()) {
                break;
            }
            g.certs.push(cur.clone());
            if cur.is_self_issued() {
                break;
            }
            match search
                .iter()
                .find(|c| c.subject_key() == cur.issuer_key() && c.der() != cur.der())
            {
                Some(issuer) => cur = (*issuer).clone(),
                None => {
                    g.gaps.push(format!("no issuer certificate for {}", cur.subject()));
                    break;
                }
            }
        }
    }
    for c in &g.certs {
        if c.is_self_issued() {
            continue;
        }
        let mut covered = false;
        for (i, (_, crl)) in crls.iter().enumerate() {
            if crl.as_ref().is_some_and(|crl| crl.issuer_key() == c.issuer_key()) {
                covered = true;
                if !g.crls.contains(&i) {
                    g.crls.push(i);
                }
            }
        }
        for (i, (_, ocsp)) in ocsps.iter().enumerate() {
            if ocsp.as_ref().is_some_and(|o| o.mentions(c)) {
                covered = true;
                if !g.ocsps.contains(&i) {
                    g.ocsps.push(i);
                }
            }
        }
        if !covered {
            g.gaps.push(format!("no CRL or OCSP response for {}", c.subject()));
        }
    }
    g
}

/// Adds a document time-stamp over the whole of `input` as one incremental update, the
/// token made by `tsa` over the SHA-256 digest of the byte ranges with `serial` and
/// `gen_time` (the caller's clock: the library reads none).
///
/// # Errors
///
/// As [`prepare_document_timestamp`]; [`PdfError::Malformed`] when the token cannot be made.
pub fn add_document_timestamp(input: &[u8], tsa: &Tsa<'_>, serial: &[u8], gen_time: Time) -> Result<Vec<u8>, PdfError> {
    let parsed = PdfDocument::parse(input)?;
    let prepared = prepare_field(
        input,
        parsed.last(),
        FieldValue::DocTimeStamp,
        &timestamp_options(gen_time, DEFAULT_RESERVED_BYTES),
    )?;
    let alg = DigestAlgorithm::Sha256;
    let digest = prepared.digest(alg);
    let token = sign_timestamp_token(tsa, alg, &digest, serial, gen_time)
        .map_err(|e| PdfError::Malformed(format!("making the time-stamp token: {e}")))?;
    prepared.fill(&token)
}

fn timestamp_options(time: Time, reserved_bytes: usize) -> PdfSignOptions {
    let mut opts = PdfSignOptions::new(time);
    opts.reserved_bytes = reserved_bytes;
    opts
}

/// The first step of a document time-stamp from an outside TSA: `input` with a new document
/// time-stamp field whose /Contents (`reserved_bytes` of zeros) is still empty, and the
/// digest (with `alg`) a TSA must stamp. `time` only seeds the new file identifier.
/// [`embed_document_timestamp`] puts the token in.
///
/// # Errors
///
/// [`PdfError::Malformed`] when the document cannot be read or has no pages;
/// [`PdfError::Unsupported`] when it is encrypted; [`PdfError::TooLarge`] for a reserved size
/// past [`super::sign::MAX_RESERVED_BYTES`].
pub fn prepare_document_timestamp(
    input: &[u8],
    alg: DigestAlgorithm,
    reserved_bytes: usize,
    time: Time,
) -> Result<(Vec<u8>, Vec<u8>), PdfError> {
    let parsed = PdfDocument::parse(input)?;
    let prepared = prepare_field(
        input,
        parsed.last(),
        FieldValue::DocTimeStamp,
        &timestamp_options(time, reserved_bytes),
    )?;
    let digest = prepared.digest(alg);
    Ok((prepared.out, digest))
}

/// The second step: writes `token` (DER TimeStampToken) into the empty document time-stamp
/// of `prepared` (the output of [`prepare_document_timestamp`]), after checking that its
/// message imprint is the digest of the byte ranges. Nothing else changes: the byte ranges
/// exclude /Contents.
///
/// # Errors
///
/// [`PdfError::Malformed`] when the last revision has no empty document time-stamp, the
/// token does not decode or stamps other data; [`PdfError::TooLarge`] when it does not fit.
pub fn embed_document_timestamp(prepared: &[u8], token: &[u8]) -> Result<Vec<u8>, PdfError> {
    let parsed = PdfDocument::parse(prepared)?;
    let doc = parsed.last();
    let mut slot = None;
    for field in signature_fields(doc)? {
        let Some(dict) = &field.value else { continue };
        let value = SignatureValue::read(doc, dict);
        let empty = value.contents.as_ref().is_some_and(|c| c.iter().all(|b| *b == 0));
        if value.kind() == Some(SignatureKind::DocTimeStamp) && empty {
            slot = value.byte_range;
        }
    }
    let range = slot.ok_or_else(|| PdfError::Malformed("no empty document time-stamp to fill".into()))?;
    let [0, a, b, c] = range[..] else {
        return Err(PdfError::Malformed("the /ByteRange is not [0 a b c]".into()));
    };
    let (start, end) = (usize::try_from(a), usize::try_from(b));
    let (Ok(start), Ok(end)) = (start, end) else {
        return Err(PdfError::Malformed("negative /ByteRange".into()));
    };
    if end < start + 2 || usize::try_from(c).ok() != prepared.len().checked_sub(end) {
        return Err(PdfError::Malformed(
            "the /ByteRange does not end at the end of the file".into(),
        ));
    }
    let parsed_token =
        TimeStampToken::from_der(token).map_err(|e| PdfError::Malformed(format!("time-stamp token: {e}")))?;
    let alg = parsed_token
        .tst_info
        .imprint_digest()
        .ok_or_else(|| PdfError::Unsupported("the token's message imprint digest".into()))?;
    let prepared_field = super::sign::Prepared {
        out: prepared.to_vec(),
        contents: (start, end),
    };
    if prepared_field.digest(alg) != parsed_token.tst_info.hashed_message {
        return Err(PdfError::Malformed(
            "the time-stamp token stamps other data than this file's byte ranges".into(),
        ));
    }
    prepared_field.fill(token)
}
