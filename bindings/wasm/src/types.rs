//! The TypeScript declarations of the JS API (options, reports, errors) and the JS types
//! the functions take.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Outcome of a verification or of one check (ETSI EN 319 102-1 main indication). */
export type Status = "PASSED" | "FAILED" | "INDETERMINATE";

/** Machine-readable reason of a check that did not pass. */
export type Reason =
  | "HashMismatch"
  | "BadSignature"
  | "NotYetValid"
  | "Expired"
  | "UntrustedChain"
  | "Revoked"
  | "RevocationUnknown"
  | "Malformed"
  | "Unsupported"
  | "WeakAlgorithm"
  | "ModifiedAfterSigning"
  | "TooLarge"
  | "Missing"
  | "PolicyViolation"
  | "OutOfBoundsNoPoe"
  | "NoSignature"
  | "CryptoConstraintsFailure"
  | "NonStandardSm2"
  | "InconsistentAlgorithmParameters"
  | "SignerCertificateNotFound"
  | "RevokedNoPoe";

/** ETSI EN 319 102-1 main indication, reported beside `status`. */
export type EtsiIndication = "TOTAL-PASSED" | "TOTAL-FAILED" | "INDETERMINATE";

/**
 * Format level of a PDF signature (the `level` detail of its `pdf.format` check): PAdES
 * baseline per ETSI EN 319 142-1, PKCS7 with the same suffixes when the ETSI attributes are
 * absent, a document time-stamp, a legacy PKCS#1 (`adbe.x509.rsa_sha1`) or a GB/T 38540 seal.
 */
export type PdfFormatLevel =
  | "PAdES-B-B"
  | "PAdES-B-T"
  | "PAdES-B-LT"
  | "PAdES-B-LTA"
  | "PKCS7"
  | "PKCS7-T"
  | "PKCS7-LT"
  | "PKCS7-LTA"
  | "PAdES-DTS"
  | "PKCS1"
  | "SES";

/** One step of a verification and its outcome. */
export interface Check {
  /** Stable dotted name of the step, e.g. `sm2.signature`. */
  name: string;
  status: Status;
  /** Why the step did not pass; absent when it passed. */
  reason?: Reason;
  /** ETSI EN 319 102-1 sub-indication derived from `reason`. */
  sub_indication?: string;
  /** Human-readable explanation. */
  message: string;
  /** Extra machine-readable facts (e.g. `encoding` of a signature). */
  details?: Record<string, unknown>;
}

/** Options of `verifyLicenceQr`. */
export interface LicenceQrOptions {
  /** Validation time, RFC 3339 (default now). */
  at?: string;
  /** Clock skew tolerated for iat/exp, seconds (default 60). */
  leeway?: number;
  /** Allowed algorithms (default ["SM2SM3", "ES256"]). */
  algorithms?: string[];
  /** Revoked licence identifiers or numbers. */
  revoked?: string[];
}

/** Options of `makeLicenceQr`. */
export interface LicenceQrMakeOptions {
  /** The issuer's signing certificate (PEM or DER): the kid comes from it. */
  certificate?: string | Uint8Array;
  /** Issued-at, RFC 3339 (default now). */
  iat?: string;
  /** Expiry, RFC 3339. */
  exp: string;
  /** `iss` (default the data's issuer code). */
  issuer?: string;
  /** zlib-compress (default true). */
  compress?: boolean;
  /** "text" (default) or "svg". */
  format?: "text" | "svg";
}

/** What was verified. Times are RFC 3339 text. */
export interface Subject {
  signer?: string;
  seal?: string;
  signing_time?: string;
  validation_time?: string;
}

/** The result of one verification: the same object the Rust library writes as JSON. */
export interface Report {
  /** Layout version of the report. */
  version: number;
  /** What kind of object was verified, e.g. `sm2-signature`. */
  kind: string;
  /** The overall outcome: the worst status among the checks. */
  status: Status;
  /** The reason of the check that decided a non-PASSED status. */
  reason?: Reason;
  /** The ETSI EN 319 102-1 main indication beside `status`. */
  indication?: EtsiIndication;
  /** The ETSI EN 319 102-1 sub-indication beside `reason` (e.g. `HASH_FAILURE`). */
  sub_indication?: string;
  /** One-line human summary. */
  summary: string;
  subject: Subject;
  /** Every step, in the order it ran. */
  checks: Check[];
  /** Reports of parts verified one by one (each signature of a document). */
  parts?: Report[];
  /** Proofs that the signature existed at a time (usable time-stamps over it), earliest first. */
  proofs_of_existence?: ProofOfExistence[];
}

/** One line of a batch (`batchRecord`, `yinjian batch`, the Python package, the Spark job). */
export interface BatchRecord {
  /** Where the file came from: its path, or `archive.zip!member` for a member of an archive. */
  path: string;
  /** The kind it was taken for: `ofd`, `invoice` (an OFD that is an e-invoice), `pdf`, `seal`, `cms`, `licence-qr`, or `unknown`. */
  kind: string;
  /** The overall outcome (the report's). */
  status: Status;
  /** The reason of the overall outcome, absent when PASSED. */
  reason?: Reason;
  /** The invoice's fields, when the file is an e-invoice (kind `invoice`). */
  invoice?: BatchInvoice;
  /** Earlier paths of the same run holding the same invoice: written by `yinjian batch`, never by `batchRecord` (one file). */
  duplicate_of?: string[];
  /** The whole report. */
  report: Report;
}

/** An e-invoice's fields on its batch line (the columns of `yinjian invoice list --csv`), `null` when not given. */
export interface BatchInvoice {
  /** What makes two files the same invoice: `code/number`, or the 20-digit number. */
  key: string | null;
  /** `vat-2019`, `digital` or `railway`. */
  kind: string;
  code: string | null;
  number: string | null;
  /** `YYYY-MM-DD`. */
  issue_date: string | null;
  seller: string | null;
  seller_tax_id: string | null;
  buyer: string | null;
  buyer_tax_id: string | null;
  total_excluding_tax: string | null;
  total_tax: string | null;
  total_including_tax: string | null;
}

/** Where a proof of existence comes from. */
export type PoeSource = "signature-timestamp" | "document-timestamp" | "archive-timestamp" | "seal-timestamp";

/** A proof that a signature existed at `time` (a time-stamp that verifies and covers it). */
export interface ProofOfExistence {
  /** RFC 3339 UTC. */
  time: string;
  source: PoeSource;
  /** Which one: the TSA, and for a document time-stamp its field. */
  detail?: string;
}

/** How an SM2 signature is encoded: DER `SEQUENCE { r, s }` or 64 bytes r‖s. */
export type SignatureEncoding = "der" | "raw";

/** Options of `sm2Verify`. */
export interface Sm2VerifyOptions {
  /** The signer's distinguishing ID (UTF-8); default `1234567812345678`. */
  distid?: string;
}

/** Options of `sm2Sign`. */
export interface Sm2SignOptions {
  /** The signer's distinguishing ID (UTF-8); default `1234567812345678`. */
  distid?: string;
  /** Encoding of the returned signature; default `der`. */
  encoding?: SignatureEncoding;
}

/** What `runVector` did with one line. */
export interface VectorOutcome {
  /** The case id, when the line was a case (and it passed). */
  id?: string;
  /** True for blank lines and comments. */
  skipped: boolean;
}

/** The `code` property of every error this module throws. */
export type ErrorCode =
  | "MalformedKey"
  | "UnsupportedKey"
  | "MalformedSignature"
  | "BadSignature"
  | "DistIdTooLong"
  | "SigningFailed"
  | "Io"
  | "InvalidArgument"
  | "InvalidOption"
  | "VectorMismatch"
  | "MalformedCertificate"
  | "MalformedSeal"
  | "TooLarge"
  | "Unsupported"
  | "NotInitialised"
  | "Internal";

/** What the leaf certificate must be fit for. */
export type Usage = "document-signing" | "seal-making" | "token-signing" | "tls-server" | "tls-client" | "any";

/** What a seal says (`parseSeal`). Times are RFC 3339 text. */
export interface SealDetails {
  version: "V1" | "V4";
  header_version: number;
  vendor: string;
  es_id: string;
  name: string;
  seal_type: number;
  seal_type_name: "organisation" | "personal" | "other";
  created: string;
  valid_from: string;
  valid_to: string;
  maker?: string;
  signers: string[];
  picture_type: string;
  picture_bytes: number;
  width_mm: number;
  height_mm: number;
}

/** A check level of a validation policy (EU DSS constraint levels; docs/POLICY.md). */
export type PolicyLevel = "FAIL" | "WARN" | "INFORM" | "IGNORE";

/** A validation policy (docs/POLICY.md, `yinjian policy default`); keys left out take the
 * default policy's values. */
export interface ValidationPolicy {
  name?: string;
  description?: string;
  /** Level per check name (`pdf.modifications`) or pattern (`x509.*`, `*`); others FAIL. A
   * check that did not pass at WARN, INFORM or IGNORE becomes PASSED with `details.policy_level`,
   * `original_status` and `original_reason`. */
  levels?: Record<string, PolicyLevel>;
  algorithms?: {
    min_rsa_bits?: number;
    min_ec_bits?: number;
    allow_sha1?: boolean;
    /** RFC 3339; SHA-1 acceptable for signatures proven before it; null: never. */
    sha1_until?: string | null;
    legacy_rsa?: { bits: number; until: string } | null;
  };
  revocation?: { required?: boolean; freshness_seconds?: number };
  signing_time?: { claimed_time_counts?: boolean };
  certificates?: { strict_profile?: boolean };
}

/** Options of `verifySealSignature` (also accepted by `verifySeal`). */
export interface SealVerifyOptions {
  /** Validation time, RFC 3339; default now. */
  at?: string;
  /** Validation policy: JSON text or an object; default the shipped policy. */
  policy?: string | ValidationPolicy;
  /** Require revocation status; default true (overrides the policy's `revocation.required`
   * when false). */
  revocationRequired?: boolean;
  /** Intermediate CA certificates (PEM text or DER). */
  intermediates?: Array<string | Uint8Array>;
  /** CRLs (PEM text or DER bytes). */
  crls?: Array<string | Uint8Array>;
  /** OCSP responses (DER bytes). */
  ocsp?: Uint8Array[];
}

/** The validation data `pdfAddValidationData` puts into a PDF's DSS (nothing is fetched). */
export interface PdfValidationData {
  /** Certificates to add and build chains with: intermediates, roots, TSA certificates (PEM
   * text or DER). */
  certs?: Array<string | Uint8Array>;
  /** CRLs (PEM text or DER bytes). */
  crls?: Array<string | Uint8Array>;
  /** OCSP responses (DER bytes). */
  ocsps?: Uint8Array[];
  /** Written as each new /VRI entry's /TU (RFC 3339); none by default. */
  at?: string;
}

/** Options of `verifyCms`. */
export interface CmsVerifyOptions extends SealVerifyOptions {
  /** Accept SM2 signatures made without the Z value (legacy products): the check passes and
   * says so. Off by default: such a signature is INDETERMINATE `NonStandardSm2`. */
  acceptSm2WithoutZ?: boolean;
  /** Accept SHA-1 (otherwise INDETERMINATE `CryptoConstraintsFailure`). */
  allowSha1?: boolean;
}

/** Options of `verifyOfd` and `verifyPdf`. */
export interface DocumentVerifyOptions extends SealVerifyOptions {
  /** Certificates of signers whose signatures carry none (bare SM2 Type=Sign signatures). */
  signerCertificates?: Array<string | Uint8Array>;
  /** Called as the verification goes on (synchronously, from inside the call). */
  onProgress?: (progress: Progress) => void;
}

/** Options of `verifyDocument`: those of `verifyOfd` and `verifyPdf`, and the kind. */
export interface VerifyDocumentOptions extends DocumentVerifyOptions {
  /** Verify as this kind instead of the kind the first bytes tell (`invoice` is never told
   * by them: an e-invoice is an OFD). */
  kind?: DocumentKind;
}

/** The kinds of document `verifyDocument` verifies. */
export type DocumentKind = "ofd" | "pdf" | "seal" | "cms" | "invoice" | "licence-qr";

/** How far a document verification has got (`onProgress`). */
export interface Progress {
  /** `signature`: `done` of `total` signatures verified; `hash`: `done` of `total` bytes of
   * a large signed byte range hashed. */
  step: "signature" | "hash";
  done: number;
  total: number;
}

/** Options of `verifyLicenceFile`. */
export interface LicenceFileOptions extends DocumentVerifyOptions {
  /** Revoked licence identifiers or numbers (a caller-supplied list). */
  revoked?: string[];
}

/** The seal picture behind one signature of a document (`sealPictures`). */
export interface SealPicture {
  /** Index of the signature in the document report's `parts`. */
  index: number;
  /** The seal's name. */
  seal: string;
  /** The picture type the seal declares, lower case: `png`, `jpg`, `gif`, `bmp`, `ofd`, `svg`… */
  picture_type: string;
  width_mm: number;
  height_mm: number;
  /** The picture bytes. */
  data: Uint8Array;
}

/** What `vectorReport` gives for a line that makes a report. */
export interface VectorReport {
  id: string;
  report: Report;
}

/** Which optional parts this build has (`buildFeatures`). */
export interface BuildFeatures {
  /** sm2Sign, sm2PublicKey, signToken, makeLicenceQr (feature `sign`). */
  sign: boolean;
  /** runVector, vectorReport (feature `vectors`). */
  vectors: boolean;
  /** Reading QR codes from ImageData (feature `qr-image`). */
  qrImage: boolean;
  /** SVG output of makeLicenceQr (feature `qr-make`). */
  qrMake: boolean;
}

/** Former name of `DocumentVerifyOptions`. */
export type OfdVerifyOptions = DocumentVerifyOptions;

/** Options of `verifyToken`. The issuer decision is required (`issuers` or `anyIssuer`);
 * without `audience` or `anyAudience` a token carrying `aud` is refused; other absent fields
 * are not checked. */
export interface TokenVerifyOptions {
  /** Validation time, RFC 3339; default now. */
  at?: string;
  /** Allowed algorithm names (required): e.g. ["SM2SM3", "ES256"]; `none` is never allowed, and
   * an unknown name (`"SM2-SM3"`) throws an `InvalidArgument` error that lists the accepted ones. */
  algorithms: string[];
  /** Accepted issuers (exact match); this or `anyIssuer: true` is required. */
  issuers?: string[];
  /** Accept any issuer: `iss` is not checked, and the report's `token.iss` check says so. */
  anyIssuer?: boolean;
  /** This service's audience (or several names of it): `aud` must contain one. */
  audience?: string | string[];
  /** Accept any audience: `aud` is not checked, and the report's `token.aud` check says so. */
  anyAudience?: boolean;
  requireSub?: boolean;
  typ?: string[];
  /** Clock skew tolerated, seconds (default 60). */
  leeway?: number;
  maxAge?: number;
  nonce?: string;
  azp?: string;
  maxAuthAge?: number;
  accessToken?: string;
  code?: string;
  /** Shared HMAC secrets by kid (HS256/384/512 only when given here). */
  hmacSecrets?: Record<string, Uint8Array>;
}

/** Options of `signToken`. */
export interface TokenSignOptions {
  /** SM2SM3 (default; SM2 key in any form) or ES256/ES384/RS256…/PS256…/EdDSA (PKCS#8 key). */
  alg?: string;
  kid?: string;
  /** Extra header members. */
  header?: Record<string, unknown>;
}

/** Options of `verifyCertificateChain`. */
export interface ChainOptions {
  /** Validation time, RFC 3339; default now. */
  at?: string;
  /** What the leaf must be fit for; default `document-signing`. */
  usage?: Usage;
  /** Validation policy: JSON text or an object; default the shipped policy. */
  policy?: string | ValidationPolicy;
  /** Require revocation status for every certificate below the anchor; default true. */
  revocationRequired?: boolean;
  /** CRLs (PEM text or DER bytes). */
  crls?: Array<string | Uint8Array>;
  /** OCSP responses (DER bytes). */
  ocsp?: Uint8Array[];
  /** Accept SHA-1 signatures on certificates; default false. */
  allowSha1?: boolean;
  /** RFC 5280 user-initial-policy-set: policy OIDs (dotted) or `anyPolicy`; default any. */
  policies?: string[];
  /** initial-explicit-policy: the path must be valid for one of `policies`; default false. */
  explicitPolicy?: boolean;
  /** initial-policy-mapping-inhibit: refuse policy mappings; default false. */
  inhibitPolicyMapping?: boolean;
  /** initial-any-policy-inhibit: do not honour anyPolicy in certificates; default false. */
  inhibitAnyPolicy?: boolean;
  /** Fail on RFC 5280 issuer rules and CA/B Forum rules instead of noting them; default false. */
  strictProfile?: boolean;
}

"#;

#[wasm_bindgen]
extern "C" {
    /// The options object of `sm2Verify` (TypeScript `Sm2VerifyOptions`).
    #[wasm_bindgen(typescript_type = "Sm2VerifyOptions")]
    pub type Sm2VerifyOptions;

    /// The options object of `sm2Sign` (TypeScript `Sm2SignOptions`).
    #[wasm_bindgen(typescript_type = "Sm2SignOptions")]
    pub type Sm2SignOptions;

    /// The options object of `verifyOfd` and `verifyPdf`.
    #[wasm_bindgen(typescript_type = "DocumentVerifyOptions")]
    pub type JsDocumentVerifyOptions;

    /// The options object of `verifyDocument`.
    #[wasm_bindgen(typescript_type = "VerifyDocumentOptions")]
    pub type JsVerifyDocumentOptions;

    /// The validation data of `pdfAddValidationData`.
    #[wasm_bindgen(typescript_type = "PdfValidationData")]
    pub type JsPdfValidationData;

    /// The options object of `verifyCms`.
    #[wasm_bindgen(typescript_type = "CmsVerifyOptions")]
    pub type JsCmsVerifyOptions;

    /// The options object of `verifyLicenceFile`.
    #[wasm_bindgen(typescript_type = "LicenceFileOptions")]
    pub type JsLicenceFileOptions;

    /// The options object of `verifyCertificateChain`.
    #[wasm_bindgen(typescript_type = "ChainOptions")]
    pub type JsChainOptions;

    /// The options object of `verifySealSignature`.
    #[wasm_bindgen(typescript_type = "SealVerifyOptions")]
    pub type JsSealVerifyOptions;

    /// The options object of `verifyLicenceQr`.
    #[wasm_bindgen(typescript_type = "LicenceQrOptions")]
    pub type JsLicenceQrOptions;

    /// The options object of `signToken`.
    #[wasm_bindgen(typescript_type = "TokenSignOptions")]
    pub type JsTokenSignOptions;

    /// A list of certificate usages (`addPem`).
    #[wasm_bindgen(typescript_type = "Usage[]")]
    pub type JsUsageList;
}

#[cfg(test)]
mod tests {
    use crate::errors::ErrorCode;

    /// The TypeScript unions name every reason the library reports and every error code.
    #[test]
    fn typescript_unions_are_complete() {
        // The TS_TYPES section is the macro's, not a constant: read it from its file.
        let source = include_str!("types.rs");
        let union = |name: &str| {
            let start = source.find(&format!("export type {name} =")).unwrap();
            let end = start + source[start..].find(';').unwrap();
            source[start..end].to_owned()
        };
        let reasons = union("Reason");
        for reason in yinjian::report::Reason::ALL {
            assert!(
                reasons.contains(&format!("\"{reason}\"")),
                "Reason {reason} missing from the TS types"
            );
        }
        let codes = union("ErrorCode");
        for code in ErrorCode::ALL {
            assert!(
                codes.contains(&format!("\"{}\"", code.as_str())),
                "{code:?} missing from the TS types"
            );
        }
        assert_eq!(reasons.matches('"').count(), 2 * yinjian::report::Reason::ALL.len());
        assert_eq!(codes.matches('"').count(), 2 * ErrorCode::ALL.len());
    }
}
