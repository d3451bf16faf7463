// Type-checks the package's declarations (pkg-web/index.d.ts and the generated
// yinjian_wasm.d.ts): `tsc --noEmit --strict`, run by scripts/test-wasm. Every function is
// called as the README shows it, and the `@ts-expect-error` lines are mistakes the types
// must refuse (tsc fails if one is accepted). Never run, only compiled.
import init, {
  batchRecord,
  buildFeatures,
  checkIdentifier,
  InvalidArgumentError,
  MalformedInputError,
  parseSeal,
  sealPictures,
  Sm3,
  sm2Verify,
  sm3,
  sm3Hex,
  TooLargeError,
  TrustStore,
  UnsupportedError,
  verifyCertificateChain,
  verifyInvoice,
  verifyLicenceFile,
  verifyCms,
  verifyLicenceQr,
  verifyOfd,
  verifyPdf,
  verifySealSignature,
  verifyToken,
  verifyTokenWithTrust,
  YinjianError,
  type BatchRecord,
  type BuildFeatures,
  type Check,
  type DocumentVerifyOptions,
  type ErrorCode,
  type Progress,
  type Reason,
  type Report,
  type SealDetails,
  type SealPicture,
  type Status,
  type ValidationPolicy,
} from "../../pkg-web/index.js";

export async function usage(bytes: Uint8Array, pem: string, token: string, jwks: object): Promise<Status[]> {
  await init();
  const trust = new TrustStore();
  const added: number = trust.addPem(pem, ["document-signing"]);
  const progress: Progress[] = [];
  const options: DocumentVerifyOptions = {
    at: "2026-06-01T00:00:00Z",
    revocationRequired: false,
    intermediates: [pem, bytes],
    crls: [bytes],
    onProgress: (p) => {
      progress.push(p);
    },
  };
  const ofd: Report = verifyOfd(bytes, trust, options);
  const pdf: Report = verifyPdf(bytes, trust);
  const cms: Report = verifyCms(pem, bytes, trust, { acceptSm2WithoutZ: false, allowSha1: true });
  const attached: Report = verifyCms(bytes, null, trust);
  const licence: Report = verifyLicenceFile(bytes, trust, { revoked: ["91350100M000100Y43"] });
  const invoice: Report = verifyInvoice(bytes, trust, options);
  const line: BatchRecord = batchRecord("a/b.ofd", bytes, trust, { at: "2027-06-01T00:00:00Z" });
  const lineStatus: Status = line.status;
  const lineKey: string | null | undefined = line.invoice?.key;
  const flagged: string[] | undefined = line.duplicate_of;
  void lineStatus;
  void lineKey;
  void flagged;
  const pictures: Array<SealPicture | null> = sealPictures(bytes);
  const picture = pictures[0];
  if (picture) {
    const data: Uint8Array = picture.data;
    const label: string = `${picture.seal} ${picture.picture_type} ${picture.width_mm}x${picture.height_mm} ${data.length}`;
    void label;
  }
  const reason: Reason | undefined = ofd.reason;
  const checks: Check[] = ofd.checks;
  const details: Record<string, unknown> | undefined = checks[0]?.details;
  const signer: string | undefined = ofd.parts?.[0]?.subject.signer;
  const seal: SealDetails = parseSeal(bytes);
  const chain: Report = verifyCertificateChain(pem, [pem], trust, { usage: "seal-making", allowSha1: false });
  const policy: ValidationPolicy = { levels: { "x509.*": "WARN" }, algorithms: { sha1_until: null } };
  const judged: Report = verifyPdf(bytes, trust, { policy });
  const judgedText: Report = verifyCms(bytes, null, trust, { policy: JSON.stringify(policy) });
  void judged;
  void judgedText;
  const sealSignature: Report = verifySealSignature(bytes, bytes, trust);
  const tokenReport: Report = verifyToken(token, jwks, { algorithms: ["SM2SM3"], issuers: ["https://id.example.gov.cn"], audience: "portal" });
  const keys: number = trust.addJwks(jwks);
  const fromStore: Report = verifyTokenWithTrust(token, null, trust, { algorithms: ["SM2SM3"], anyIssuer: true, anyAudience: true });
  const id: Report = checkIdentifier("91350100M000100Y43");
  const qr: Report = verifyLicenceQr("YJ1:...", [pem], { at: "2027-06-01T00:00:00Z" });
  const fromImage: Report = verifyLicenceQr({ data: new Uint8ClampedArray(4), width: 1, height: 1 }, pem);
  const digest: Uint8Array = sm3(bytes);
  const hex: string = sm3Hex(bytes);
  // Bytes in any form: an ArrayBuffer (file.arrayBuffer()), a DataView, other typed arrays.
  const fromBuffer: string = sm3Hex(new ArrayBuffer(3));
  const fromView: string = sm3Hex(new DataView(new ArrayBuffer(3)));
  void [fromBuffer, fromView];
  // @ts-expect-error a string is not bytes
  sm3Hex("abc");
  const stream = new Sm3();
  stream.update(bytes);
  const streamed: string = stream.hexDigest();
  const sm2: Report = sm2Verify(pem, bytes, bytes, { distid: "1234567812345678" });
  const features: BuildFeatures = buildFeatures();
  void [added, keys, fromStore, reason, details, signer, seal, chain, sealSignature, tokenReport, id, qr, fromImage, digest, hex, streamed, sm2, features];

  try {
    verifyOfd(bytes, trust, options);
  } catch (e) {
    if (e instanceof YinjianError) {
      const code: ErrorCode = e.code;
      const message: string = e.message;
      void [code, message];
    }
    const classes = [InvalidArgumentError, MalformedInputError, UnsupportedError, TooLargeError];
    void classes.some((c) => e instanceof c);
  }

  // @ts-expect-error an unknown option is refused
  verifyOfd(bytes, trust, { atTime: "2026-06-01T00:00:00Z" });
  // @ts-expect-error the trust is a TrustStore, not PEM text
  verifyPdf(bytes, pem);
  // @ts-expect-error a policy level is FAIL, WARN, INFORM or IGNORE
  verifyPdf(bytes, trust, { policy: { levels: { "x509.*": "WARNING" } } });
  // @ts-expect-error a status is one of three
  const bad: Status = "OK";
  // @ts-expect-error a progress step is "signature" or "hash"
  const step: Progress["step"] = "parse";
  // @ts-expect-error token verification needs the allowed algorithms
  verifyToken(token, jwks, {});
  void [bad, step];
  return [ofd.status, pdf.status, licence.status, cms.status, attached.status];
}
