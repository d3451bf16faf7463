#!/usr/bin/env python3
"""Long-term-validation test vectors (issue 17), made with pyHanko, no network.

Writes into test-vectors/ltv/:

- pki/: an LTV PKI with chosen validity periods (python `cryptography`):
    root.pem        "LTV Test Root"           2025-01-01 .. 2045-01-01
    signing-ca.pem  "LTV Signing CA"          2025-01-01 .. 2045-01-01 (issues the signers)
    tsa-ca.pem      "LTV TSA CA"              2025-01-01 .. 2045-01-01 (issues the TSAs)
    signer.pem      "LTV Signer"              2026-01-01 .. 2026-07-01 (short: expired when validated)
    revoked-late.pem  / revoked-early.pem     same dates; revoked 2026-05-01 / 2026-02-15
    tsa-short.pem   "LTV TSA 1 (short)"       2026-01-01 .. 2027-01-01
    tsa-long.pem    "LTV TSA 2 (long)"        2026-01-01 .. 2040-01-01
    sha1-root.pem   "LTV SHA-1 Root"          2010-01-01 .. 2040-01-01
    sha1-signer.pem "LTV SHA-1 Signer" (RSA)  2014-01-01 .. 2035-01-01 (still valid: only SHA-1 is judged)
    sha1-tsa.pem    "LTV SHA-1 TSA"           2014-01-01 .. 2035-01-01
  ECDSA P-256 keys (RSA-2048 for the SHA-1 signer and the TSAs: pyHanko's test TSA signs RSA only) are kept in pki/*.key.pem and reused, so
  the certificates and CRLs come out the same on every run (ECDSA signatures aside).
- crl/: CRLs with chosen thisUpdate/nextUpdate:
    signing-ca-2025-12.pem  2025-12-15 (before every signing time; empty)
    signing-ca-2026-05.pem  2026-05-15, lists revoked-late (2026-05-01) and revoked-early (2026-02-15)
    root-2025-12.pem, root-2026-05.pem, tsa-ca-2026-05.pem  (the CAs and TSAs, at those times)
    root-2026-10.pem, tsa-ca-2026-10.pem, root-2027-04.pem, tsa-ca-2027-04.pem  (archive renewals)
    root-2028.pem, tsa-ca-2028.pem  2028-05-01 .. 2028-08-01: "current" at the validation time,
        what an archive fetches when it validates (given to the verifier, never in a file)
    sha1-root-2015.pem, sha1-root-2028.pem
- *.pdf: test-vectors/pdf/unsigned.pdf signed by pyHanko (ECDSA P-256 / SHA-256 PAdES unless
  said), one file per case; the signature time-stamps and document time-stamps come from
  pyHanko's DummyTimeStamper with fixed times; the DSS is written by
  DocumentSecurityStore.supply_dss_in_writer in an incremental update.
- cases.ndjson: one line per case (file, validation time, anchors, extra CRLs, expected
  verdict, POE, why) and pyHanko's own verdict (ETSI EN 319 102-1 AdES validation,
  `ades_lta_validation`) as `pyhanko`. Not `*.jsonl`: the shared vector runner reads those and
  these lines have another shape (core/tests/ltv.rs runs them).

Run from anywhere: python3 test-vectors/gen/gen-ltv.py
"""
import asyncio
import datetime as dt
import io
import json
import os
import sys

from asn1crypto import crl as a_crl
from asn1crypto import keys as a_keys
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

HERE = os.path.dirname(os.path.abspath(__file__))
VEC = os.path.normpath(os.path.join(HERE, ".."))
OUT = os.path.join(VEC, "ltv")
PKI = os.path.join(OUT, "pki")
CRL = os.path.join(OUT, "crl")

UTC = dt.timezone.utc


def t(s):
    """A UTC time from 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'."""
    fmt = "%Y-%m-%dT%H:%M" if "T" in s else "%Y-%m-%d"
    return dt.datetime.strptime(s, fmt).replace(tzinfo=UTC)


AT = "2028-06-01T00:00:00Z"  # every case is validated then: the signers and TSA 1 have expired
SIGN_TIME = t("2026-03-01T10:00")  # signature time-stamps of the 2026 cases
DOC_TS_TIME = t("2026-09-01T10:00")
CLAIMED = t("2026-03-01T09:59")  # the signing time the signer claims (/M)  # first document time-stamp (TSA 1 still valid)


# --- keys and certificates ---------------------------------------------------------------

def key(name, kind="ec"):
    path = os.path.join(PKI, name + ".key.pem")
    if os.path.exists(path):
        with open(path, "rb") as f:
            return serialization.load_pem_private_key(f.read(), None)
    k = ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, 2048)
    with open(path, "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    return k


class Ca:
    """A certificate with its key, able to issue certificates and CRLs."""

    def __init__(self, name, cert, k):
        self.name, self.cert, self.key = name, cert, k


def make_cert(name, cn, k, not_before, not_after, issuer=None, ca=False, tsa=False, serial=None):
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "yinjian LTV test"),
                         x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name = issuer.cert.subject if issuer else subject
    signing_key = issuer.key if issuer else k
    b = (x509.CertificateBuilder()
         .subject_name(subject).issuer_name(issuer_name).public_key(k.public_key())
         .serial_number(serial or int.from_bytes(cn.encode()[:8].ljust(8, b"\0"), "big") ^ 0x1234)
         .not_valid_before(t(not_before)).not_valid_after(t(not_after))
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                        critical=False))
    if ca:
        b = (b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True))
    else:
        b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        if tsa:
            b = (b.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
                 .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True))
        else:
            b = b.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
    cert = b.sign(signing_key, hashes.SHA256())
    with open(os.path.join(PKI, name + ".pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return Ca(name, cert, k)


def make_crl(name, issuer, this_update, next_update, revoked=(), number=1):
    b = (x509.CertificateRevocationListBuilder()
         .issuer_name(issuer.cert.subject)
         .last_update(t(this_update)).next_update(t(next_update))
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
         .add_extension(x509.CRLNumber(number), critical=False))
    for who, when in revoked:
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(who.cert.serial_number).revocation_date(t(when))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False).build())
    c = b.sign(issuer.key, hashes.SHA256())
    with open(os.path.join(CRL, name + ".pem"), "wb") as f:
        f.write(c.public_bytes(serialization.Encoding.PEM))
    return c


def a_cert(c):
    return a_x509.Certificate.load(c.cert.public_bytes(serialization.Encoding.DER))


def a_crl_of(c):
    return a_crl.CertificateList.load(c.public_bytes(serialization.Encoding.DER))


def pkey(c):
    der = c.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    return a_keys.PrivateKeyInfo.load(der)


# --- PDF operations ----------------------------------------------------------------------

def tsa(who, chain, when):
    return DummyTimeStamper(tsa_cert=a_cert(who), tsa_key=pkey(who),
                            certs_to_embed=[a_cert(c) for c in chain], fixed_dt=when)


class fixed_clock:
    """Fixes datetime.now() in pyHanko modules: the signer takes the claimed signing time (/M)
    from it, and the AdES validator its initial control time and POE times (it does not take
    them from the validation time it is given, and the validation times here are in the future)."""

    SIGNING = ("pyhanko.sign.signers.pdf_signer",)
    VALIDATING = ("pyhanko.sign.validation.ades", "pyhanko_certvalidator.ltv.poe",
                  "pyhanko_certvalidator.ltv.ades_past", "pyhanko_certvalidator.ltv.types")

    def __init__(self, when, modules=SIGNING):
        self.when, self.modules = when, modules

    def __enter__(self):
        import importlib
        when = self.when

        class Clock(dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return when.astimezone(tz) if tz else when

        self.saved = []
        for name in self.modules:
            m = importlib.import_module(name)
            self.saved.append((m, m.datetime))
            m.datetime = Clock

    def __exit__(self, *exc):
        for m, saved in self.saved:
            m.datetime = saved


def sign(data, who, chain, when, md="sha256", timestamper=None):
    """A PAdES signature over `data` by `who` (chain: its CA certificates, root included),
    claiming the signing time `when`."""
    signer = signers.SimpleSigner(
        signing_cert=a_cert(who), signing_key=pkey(who),
        cert_registry=SimpleCertificateStore.from_certs([a_cert(c) for c in chain]))
    meta = signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm=md,
                                        subfilter=fields.SigSeedSubFilter.PADES, reason="LTV test",
                                        tight_size_estimates=True)
    def run(out):
        # pyHanko time-stamps the signature with the signature's digest algorithm; a SHA-1
        # signature still gets a SHA-256 time-stamp (imprint and token), as a TSA would give.
        from pyhanko.sign import attributes
        init = attributes.TSTProvider.__init__

        def sha256_init(self, digest_algorithm, data_to_ts, timestamper, **kw):
            init(self, "sha256", data_to_ts, timestamper, **kw)

        attributes.TSTProvider.__init__ = sha256_init
        try:
            signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(data)), output=out)
        finally:
            attributes.TSTProvider.__init__ = init

    return tight(run, when)


def tight(write_to, when=None):
    """Runs a pyHanko signing with a tight /Contents reservation (small files): ECDSA signatures
    and time-stamp serial numbers vary by a few bytes, so a run that overflows is tried again."""
    for _ in range(50):
        out = io.BytesIO()
        try:
            if when is None:
                write_to(out)
            else:
                with fixed_clock(when):
                    write_to(out)
            return out.getvalue()
        except SigningError as e:
            last = e
    raise last


def add_dss(data, certs, crls, change_page=False):
    """An incremental update adding a DSS (certificates, CRLs); with `change_page`, the same
    update also rewrites the first page's content stream (what an attacker hides behind a DSS)."""
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    DocumentSecurityStore.supply_dss_in_writer(
        w, None, certs=[a_cert(c) for c in certs], crls=[a_crl_of(c) for c in crls])
    if change_page:
        page_ref = w.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (PAY 1000000 CNY) Tj ET\n")
        page["/Contents"] = w.add_object(stream)
        w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def doc_timestamp(data, timestamper):
    return tight(lambda out: signers.PdfTimeStamper(timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)), "sha256", output=out, tight_size_estimates=True))


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes", file=sys.stderr)


# --- pyHanko's verdict -------------------------------------------------------------------

def pyhanko_verdict(path, anchors, crl_files, at):
    """pyHanko's ETSI EN 319 102-1 validation (ades_lta_validation) of the first signature, at
    `at`, with `anchors` trusted and `crl_files` supplied; no fetching."""
    from pyhanko.sign.validation import ades
    from pyhanko.sign.validation.policy_decl import (
        LocalKnowledge, PdfSignatureValidationSpec, RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec, SignatureValidationSpec)
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
    from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy,
                                                   RevocationCheckingPolicy, RevocationCheckingRule)
    from pyhanko_certvalidator.revinfo.archival import CRLContainer
    from pyhanko_certvalidator.registry import SimpleTrustManager
    from pyhanko.keys import load_cert_from_pemder

    roots = [load_cert_from_pemder(os.path.join(OUT, a)) for a in anchors]
    crls = []
    for f in crl_files:
        with open(os.path.join(OUT, f), "rb") as fh:
            c = x509.load_pem_x509_crl(fh.read())
        crls.append(CRLContainer(a_crl_of(c)))
    rev = CertRevTrustPolicy(
        RevocationCheckingPolicy(ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
                                 intermediate_ca_cert_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED),
    )
    spec = SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=roots),
            revinfo_policy=rev,
        ),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
        local_knowledge=LocalKnowledge(known_crls=crls),
    )
    at_dt = dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    timing = ValidationTimingInfo(validation_time=at_dt, best_signature_time=at_dt, point_in_time_validation=False)
    with open(path, "rb") as f:
        reader = PdfFileReader(f)
        sig = reader.embedded_regular_signatures[0]
        try:
            with fixed_clock(at_dt, fixed_clock.VALIDATING):
                res = asyncio.run(ades.ades_lta_validation(sig, PdfSignatureValidationSpec(spec),
                                                           timing_info=timing))
        except Exception as e:  # pyHanko refuses some inputs outright
            return {"error": f"{type(e).__name__}: {e}"[:300]}
    ind = res.ades_subindic
    out = {"indication": ind.status.name if ind else None,
           "sub_indication": ind.standard_name if ind else None}
    st = res.api_status
    if st is not None:
        out["coverage"] = st.coverage.name if getattr(st, "coverage", None) else None
        level = getattr(st, "modification_level", None)
        out["modification_level"] = level.name if level is not None else None
        trust = getattr(st, "trust_problem_indic", None)
        if trust is not None:
            out["trust_problem"] = trust.standard_name
    if res.failure_msg:
        out["message"] = res.failure_msg[:300]
    bst = getattr(res, "best_signature_time", None)
    if bst is not None:
        out["best_signature_time"] = bst.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


# --- the cases ---------------------------------------------------------------------------

def main():
    import logging
    logging.disable(logging.CRITICAL)  # pyHanko logs every failed path with a traceback
    os.makedirs(PKI, exist_ok=True)
    os.makedirs(CRL, exist_ok=True)
    root = make_cert("root", "LTV Test Root", key("root"), "2025-01-01", "2045-01-01", ca=True, serial=1)
    sca = make_cert("signing-ca", "LTV Signing CA", key("signing-ca"), "2025-01-01", "2045-01-01", root, ca=True, serial=2)
    tca = make_cert("tsa-ca", "LTV TSA CA", key("tsa-ca"), "2025-01-01", "2045-01-01", root, ca=True, serial=3)
    signer = make_cert("signer", "LTV Signer", key("signer"), "2026-01-01", "2026-07-01", sca, serial=0x101)
    late = make_cert("revoked-late", "LTV Signer revoked 2026-05-01", key("revoked-late"), "2026-01-01",
                     "2026-07-01", sca, serial=0x102)
    early = make_cert("revoked-early", "LTV Signer revoked 2026-02-15", key("revoked-early"), "2026-01-01",
                      "2026-07-01", sca, serial=0x103)
    tsa1 = make_cert("tsa-short", "LTV TSA 1 (short)", key("tsa-short", "rsa"), "2026-01-01", "2027-01-01", tca, tsa=True,
                     serial=0x201)
    tsa2 = make_cert("tsa-long", "LTV TSA 2 (long)", key("tsa-long", "rsa"), "2026-01-01", "2040-01-01", tca, tsa=True,
                     serial=0x202)
    s1root = make_cert("sha1-root", "LTV SHA-1 Root", key("sha1-root"), "2010-01-01", "2040-01-01", ca=True, serial=9)
    s1signer = make_cert("sha1-signer", "LTV SHA-1 Signer", key("sha1-signer", "rsa"), "2014-01-01", "2035-01-01",
                         s1root, serial=0x901)
    s1tsa = make_cert("sha1-tsa", "LTV SHA-1 TSA", key("sha1-tsa", "rsa"), "2014-01-01", "2035-01-01", s1root, tsa=True,
                      serial=0x902)

    crl = {
        "signing-ca-2025-12": make_crl("signing-ca-2025-12", sca, "2025-12-15", "2026-01-15", number=1),
        "signing-ca-2026-05": make_crl("signing-ca-2026-05", sca, "2026-05-15", "2026-06-15",
                                       [(late, "2026-05-01"), (early, "2026-02-15")], number=2),
        "root-2025-12": make_crl("root-2025-12", root, "2025-12-15", "2026-06-15", number=1),
        "root-2026-05": make_crl("root-2026-05", root, "2026-05-15", "2026-11-15", number=2),
        "tsa-ca-2026-05": make_crl("tsa-ca-2026-05", tca, "2026-05-15", "2026-11-15", number=1),
        "root-2026-10": make_crl("root-2026-10", root, "2026-10-01", "2027-04-01", number=4),
        "tsa-ca-2026-10": make_crl("tsa-ca-2026-10", tca, "2026-10-01", "2027-04-01", number=3),
        "root-2027-04": make_crl("root-2027-04", root, "2027-04-01", "2027-10-01", number=5),
        "tsa-ca-2027-04": make_crl("tsa-ca-2027-04", tca, "2027-04-01", "2027-10-01", number=4),
        "root-2028": make_crl("root-2028", root, "2028-05-01", "2028-08-01", number=3),
        "tsa-ca-2028": make_crl("tsa-ca-2028", tca, "2028-05-01", "2028-08-01", number=2),
        "sha1-root-2015": make_crl("sha1-root-2015", s1root, "2015-06-02", "2015-07-02", number=1),
        "sha1-root-2028": make_crl("sha1-root-2028", s1root, "2028-05-01", "2028-08-01", number=2),
    }

    with open(os.path.join(VEC, "pdf", "unsigned.pdf"), "rb") as f:
        unsigned = f.read()

    chain = [sca, root]
    ts_long = tsa(tsa2, [tca, root], SIGN_TIME)
    ts_short = tsa(tsa1, [tca, root], SIGN_TIME)
    dss_certs = [sca, tca, root]
    fresh_crls = [crl["signing-ca-2026-05"], crl["root-2026-05"], crl["tsa-ca-2026-05"]]
    current = ["crl/root-2028.pem", "crl/tsa-ca-2028.pem"]
    fresh_files = ["crl/signing-ca-2026-05.pem", "crl/root-2026-05.pem", "crl/tsa-ca-2026-05.pem"]
    anchors = ["pki/root.pem"]
    ts_poe = {"time": "2026-03-01T10:00:00Z", "source": "signature-timestamp"}

    cases = []

    def case(name, data, expect, reason, etsi, poe, why, crls=None, anchors_=None):
        write(name, data)
        cases.append({"file": name, "at": AT, "anchors": anchors_ or anchors, "crls": crls or current,
                      "expect": expect, "reason": reason, "etsi": etsi, "poe": poe, "why": why})

    # a. B-B and B-T, validated after the signer certificate expired (2026-07-01).
    b_b = sign(unsigned, signer, chain, CLAIMED)
    case("b-b.pdf", b_b, "INDETERMINATE", "OutOfBoundsNoPoe", "OUT_OF_BOUNDS_NO_POE", None,
         "B-B: signer certificate expired at the validation time and nothing proves the signature existed "
         "before; revocation data (fresh) supplied", crls=fresh_files + current)
    b_t = sign(unsigned, signer, chain, CLAIMED, timestamper=ts_long)
    case("b-t.pdf", b_t, "PASSED", None, None, ts_poe,
         "B-T: the signature time-stamp (TSA 2, valid until 2040) proves the signature at 2026-03-01, before "
         "the signer certificate expired; the CRLs issued 2026-05-15 (after the signing time) are supplied "
         "by the verifier", crls=fresh_files + current)
    # b. B-LT and B-LTA.
    b_lt = add_dss(b_t, dss_certs, fresh_crls)
    case("b-lt.pdf", b_lt, "PASSED", None, None, ts_poe,
         "B-LT: as b-t.pdf but the CRLs issued after the signing time are in the DSS; the file and the "
         "current CRLs of the time-stamp chain suffice")
    b_lta = doc_timestamp(b_lt, tsa(tsa2, [tca, root], DOC_TS_TIME))
    case("b-lta.pdf", b_lta, "PASSED", None, None, ts_poe,
         "B-LTA: b-lt.pdf with a document time-stamp (TSA 2, 2026-09-01) over the signature and the DSS")
    # B-LTA renewed twice (archive renewal): before each new document time-stamp a DSS update
    # adds the CRLs that cover the previous one's TSA at its time; 3 nested document time-stamps.
    lta3 = add_dss(b_lta, [], [crl["root-2026-10"], crl["tsa-ca-2026-10"]])
    lta3 = doc_timestamp(lta3, tsa(tsa2, [tca, root], t("2027-03-01T10:00")))
    lta3 = add_dss(lta3, [], [crl["root-2027-04"], crl["tsa-ca-2027-04"]])
    lta3 = doc_timestamp(lta3, tsa(tsa2, [tca, root], t("2027-09-01T10:00")))
    case("b-lta-3.pdf", lta3, "PASSED", None, None, ts_poe,
         "b-lta.pdf renewed twice (DSS with the CRLs of the previous time-stamp's chain, then a new "
         "document time-stamp: 2027-03-01, 2027-09-01): three nested document time-stamps")
    # c. revoked after / before the signature time-stamp.
    late_pdf = add_dss(sign(unsigned, late, chain, CLAIMED, timestamper=ts_long), dss_certs, fresh_crls)
    case("revoked-after-ts.pdf", late_pdf, "PASSED", None, None, ts_poe,
         "signer revoked 2026-05-01 (CRL of 2026-05-15 in the DSS), after the signature time-stamp of "
         "2026-03-01: the POE precedes the revocation")
    early_pdf = add_dss(sign(unsigned, early, chain, CLAIMED, timestamper=ts_long), dss_certs, fresh_crls)
    case("revoked-before-ts.pdf", early_pdf, "FAILED", "Revoked", "REVOKED", ts_poe,
         "signer revoked 2026-02-15 (CRL of 2026-05-15 in the DSS), before the signature time-stamp of "
         "2026-03-01: revoked when it signed")
    # d. the signature time-stamp's TSA expired (2027-01-01) at the validation time.
    short_lt = add_dss(sign(unsigned, signer, chain, CLAIMED, timestamper=ts_short), dss_certs, fresh_crls)
    case("tsa-expired.pdf", short_lt, "INDETERMINATE", "OutOfBoundsNoPoe", "OUT_OF_BOUNDS_NO_POE", None,
         "the signature time-stamp's TSA certificate (TSA 1) expired 2027-01-01, before the validation time, "
         "and no later time-stamp protects it: the time-stamp is no POE, the expired signer has none")
    short_lta = doc_timestamp(short_lt, tsa(tsa2, [tca, root], DOC_TS_TIME))
    case("tsa-expired-archived.pdf", short_lta, "PASSED", None, None, ts_poe,
         "as tsa-expired.pdf plus a document time-stamp by TSA 2 (valid until 2040) at 2026-09-01, while "
         "TSA 1 was valid: it proves the signature time-stamp, which proves the signature at 2026-03-01")
    # e. only a CRL older than the signing time.
    stale = add_dss(sign(unsigned, signer, chain, CLAIMED, timestamper=ts_long), dss_certs,
                    [crl["signing-ca-2025-12"], crl["root-2025-12"], crl["tsa-ca-2026-05"]])
    case("crl-stale.pdf", stale, "INDETERMINATE", "RevocationUnknown", "TRY_LATER", ts_poe,
         "the only CRL for the signer was issued 2025-12-15, before the signing time (2026-03-01): not fresh, "
         "and the signer certificate has expired, so no newer status can be had")
    # f. SHA-1, time-stamped in 2015 (before the default policy's SHA-1 end date 2017-01-01) or not.
    s1chain = [s1root]
    s1ts = tsa(s1tsa, [s1root], t("2015-06-01T10:00"))
    sha1_ts = add_dss(sign(unsigned, s1signer, s1chain, t("2015-06-01T09:59"), md="sha1", timestamper=s1ts), [s1root],
                      [crl["sha1-root-2015"]])
    sha1_anchor = ["pki/sha1-root.pem"]
    case("sha1-ts-2015.pdf", sha1_ts, "PASSED", None, None,
         {"time": "2015-06-01T10:00:00Z", "source": "signature-timestamp"},
         "RSA/SHA-1 signature time-stamped 2015-06-01 (SHA-256 imprint and token), before SHA-1's end date "
         "(2017-01-01) in the default policy", crls=["crl/sha1-root-2028.pem"], anchors_=sha1_anchor)
    sha1_no_ts = sign(unsigned, s1signer, s1chain, t("2015-06-01T09:59"), md="sha1")
    case("sha1-no-ts.pdf", sha1_no_ts, "INDETERMINATE", "CryptoConstraintsFailure", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
         None,
         "the same RSA/SHA-1 signature with only a claimed signing time (2015-06-01): nothing proves it "
         "existed before SHA-1's end date (certificate still valid: only the algorithm is at stake): ETSI EN 319 102-1 "
         "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
         crls=["crl/sha1-root-2028.pem"], anchors_=sha1_anchor)
    # g. a DSS update that also changes the page.
    tampered = add_dss(b_t, dss_certs, fresh_crls, change_page=True)
    case("dss-page-changed.pdf", tampered, "FAILED", "ModifiedAfterSigning", "FORMAT_FAILURE", None,
         "b-t.pdf plus an incremental update that adds a DSS and also replaces the page's content stream: "
         "not an LTA update (pdf.modifications)")

    with open(os.path.join(OUT, "cases.ndjson"), "w") as f:
        for c in cases:
            c["pyhanko"] = pyhanko_verdict(os.path.join(OUT, c["file"]), c["anchors"], c["crls"], c["at"])
            print(f"{c['file']}: expect {c['expect']} {c['reason']}; pyHanko {c['pyhanko']}", file=sys.stderr)
            f.write(json.dumps(c, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
