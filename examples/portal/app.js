// The portal page: trust settings remembered in localStorage; input by drop, file, paste or
// camera, told apart by content and handed to the verifier worker (worker.js); the report
// drawn as a verdict, the signatures with their seals and checks, and what changed after
// signing. Nothing is sent anywhere: the worker runs the yinjian WASM package locally.

const $ = (id) => document.getElementById(id);
const STORAGE = "yinjian-portal:";
const TRUST_LISTS = ["anchors", "intermediates", "issuers"];
/** Photos are scaled down to this many pixels before the QR reader sees them. */
const MAX_PHOTO_PIXELS = 4_000_000;
const SCAN_INTERVAL_MS = 300;

// ---------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------

const STATUS = {
  PASSED: ["通过", "PASSED"],
  FAILED: ["失败", "FAILED"],
  INDETERMINATE: ["无法确定", "INDETERMINATE"],
};

const KINDS = {
  ofd: ["OFD 版式文档", "OFD document"],
  pdf: ["PDF 文档", "PDF document"],
  "ofd-signature": ["OFD 签章", "OFD signature"],
  "pdf-signature": ["PDF 签名", "PDF signature"],
  token: ["身份令牌", "identity token"],
  "licence-qr": ["电子证照二维码", "e-licence QR code"],
  "licence-file": ["电子证照文件", "e-licence file"],
  invoice: ["电子发票", "e-invoice"],
  seal: ["电子印章", "electronic seal"],
  cms: ["CMS 签名", "CMS signature"],
};

/** The revocation entry of a signature's chain checks (`details.revocation.status`). */
const REVOCATION = {
  checked: ["已检查，未吊销", "checked: not revoked"],
  revoked: ["已吊销", "revoked"],
  "not-required": ["未检查（策略不要求）", "NOT checked (not required by the policy)"],
  unknown: ["未知", "unknown"],
};

const REASONS = {
  HashMismatch: "摘要不一致",
  BadSignature: "签名值验证失败",
  NotYetValid: "尚未生效",
  Expired: "已过期",
  UntrustedChain: "无法链接到信任根",
  Revoked: "已吊销",
  RevocationUnknown: "吊销状态未知",
  Malformed: "格式错误",
  Unsupported: "不支持",
  WeakAlgorithm: "算法强度不足",
  ModifiedAfterSigning: "签名后被修改",
  TooLarge: "超出大小限制",
  Missing: "缺少必需内容",
  PolicyViolation: "不符合策略",
  NoSignature: "文件未签名",
  OutOfBoundsNoPoe: "证书已过期且无时间戳证明",
  CryptoConstraintsFailure: "算法或密钥长度不符合密码策略",
  NonStandardSm2: "非标准 SM2 签名",
  SignerCertificateNotFound: "找不到签名者证书",
  RevokedNoPoe: "证书已吊销且无时间戳证明签名早于吊销",
};

const SEAL_FIELDS = [
  ["name", "印章名称", "Seal name"],
  ["es_id", "印章编码", "Seal ID"],
  ["seal_type_name", "印章类型", "Type"],
  ["version", "版本", "Version"],
  ["vendor", "厂商", "Vendor"],
  ["maker", "制章者", "Maker"],
  ["signers", "签章人证书", "Signers"],
  ["created", "制作时间", "Created"],
  ["valid_from", "有效起始", "Valid from"],
  ["valid_to", "有效截止", "Valid to"],
  ["picture_type", "图片类型", "Picture type"],
  ["picture_bytes", "图片字节数", "Picture bytes"],
];

/** The core licence elements (GB/T 36903) in the order a licence shows them; others follow. */
const LICENCE_FIELDS = [
  ["licenceTypeName", "证照类型", "Licence type"],
  ["licenceTypeCode", "证照类型代码", "Licence type code"],
  ["licenceNumber", "证照编号", "Licence number"],
  ["licenceId", "证照标识", "E-licence identifier"],
  ["holderName", "持证主体", "Holder"],
  ["holderIdType", "持证主体代码类型", "Holder ID type"],
  ["holderId", "持证主体代码", "Holder ID"],
  ["issuerName", "颁发机构", "Issuing authority"],
  ["issuerCode", "颁发机构代码", "Issuer code"],
  ["issueDate", "颁发日期", "Issue date"],
  ["validFrom", "有效期起始", "Valid from"],
  ["validUntil", "有效期截止", "Valid until"],
  ["status", "证照状态", "Status"],
];

const INVOICE_KINDS = {
  "vat-2019": ["增值税电子发票", "VAT e-invoice (2019 schema)"],
  vat2019: ["增值税电子发票", "VAT e-invoice (2019 schema)"], // as serde spells it in the detail
  digital: ["数电票（全电发票）", "fully digital invoice"],
  railway: ["电子发票（铁路电子客票）", "railway e-ticket invoice"],
};

/** The invoice checks (core/src/invoice/check.rs) in words, in the order the report has them. */
const INVOICE_CHECKS = {
  "invoice.document": ["文档签章有效", "document seals verify"],
  "invoice.coverage": ["发票数据已被签章覆盖", "invoice data signed and covered"],
  "invoice.data": ["发票数据可读", "invoice data read"],
  "invoice.shown": ["版面所示即所签", "what the page shows = what is signed"],
  "invoice.graph-code": ["二维码内容一致", "QR (graph code) agrees"],
  "invoice.arithmetic": ["金额计算正确", "amounts add up"],
  "invoice.tax-ids": ["纳税人识别号有效", "taxpayer IDs valid"],
  "invoice.tax-signature": ["税务机关数据签名", "tax authority's data signature"],
  "invoice.issuer": ["税务机关印章", "tax authority's seal"],
};

const ITEM_COLUMNS = [
  ["name", "项目名称", "Item"],
  ["specification", "规格型号", "Specification"],
  ["unit", "单位", "Unit"],
  ["quantity", "数量", "Quantity"],
  ["price", "单价", "Price"],
  ["amount", "金额", "Amount"],
  ["tax_rate", "税率", "Tax rate"],
  ["tax_amount", "税额", "Tax"],
];

const PICTURE_TYPES = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", bmp: "image/bmp" };

// ---------------------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------------------

/** An element with properties (class, data-*, or DOM properties) and children. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("data-")) el.setAttribute(key, value);
    else el[key] = value;
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

/** Chinese and English text side by side (the language switch hides one). */
const t = (zh, en) => [h("span", { lang: "zh" }, zh), " ", h("span", { lang: "en" }, en)];

const statusTag = (status) =>
  h("span", { class: `status ${String(status).toLowerCase()}` }, t(...(STATUS[status] ?? [status, status])));

const kindLabel = (kind) => t(...(KINDS[kind] ?? [kind, kind]));

/** A definition list of [label, value] rows, skipping empty values. */
function fields(rows) {
  return h(
    "dl",
    { class: "fields" },
    rows.filter(([, value]) => value != null && value !== "").map(([label, value]) => [h("dt", null, label), h("dd", null, value)]),
  );
}

// ---------------------------------------------------------------------------------------
// The verifier worker
// ---------------------------------------------------------------------------------------

/** Most verifier workers a batch runs at once (one per core up to this). */
const MAX_WORKERS = 8;
const workers = [];
const jobs = new Map();
let nextJob = 0;

function onWorkerMessage({ data }) {
  const job = jobs.get(data.id);
  if (!job) return;
  if (data.progress) {
    job.onProgress?.(data.progress);
    return;
  }
  jobs.delete(data.id);
  if (data.error) job.reject(Object.assign(new Error(data.error.message), data.error));
  else job.resolve(data.result);
}

/** A verifier worker; one that fails to start rejects the jobs it was given. */
function spawnWorker() {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = onWorkerMessage;
  worker.onerror = (event) => {
    event.preventDefault();
    const error = Object.assign(new Error(event.message || "the verifier could not start"), { code: "WorkerFailed" });
    for (const [id, job] of jobs) {
      if (job.worker !== worker) continue;
      job.reject(error);
      jobs.delete(id);
    }
  };
  workers.push(worker);
  return worker;
}
spawnWorker();

/** The workers of a batch: one per core (`navigator.hardwareConcurrency`), at most MAX_WORKERS. */
function workerPool() {
  const size = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, MAX_WORKERS));
  while (workers.length < size) spawnWorker();
  return workers.slice(0, size);
}

/** Runs one task in a worker (the first unless told) with the current settings. */
function run(task, input, { transfer = [], onProgress, worker = workers[0] } = {}) {
  return new Promise((resolve, reject) => {
    const id = ++nextJob;
    jobs.set(id, { resolve, reject, onProgress, worker });
    worker.postMessage({ id, task, input, settings: settings() }, transfer);
  });
}

// ---------------------------------------------------------------------------------------
// Settings: trust lists, validation time, revocation
// ---------------------------------------------------------------------------------------

const loadList = (name) => JSON.parse(localStorage.getItem(STORAGE + name) || "[]");

let trustSaves = 0;

/** Stores a trust list; `data-saved` on the settings counts the saves (the test waits on it). */
function saveList(name, pems) {
  if (pems.length) localStorage.setItem(STORAGE + name, JSON.stringify(pems));
  else localStorage.removeItem(STORAGE + name);
  showTrustCounts();
  $("settings").dataset.saved = String(++trustSaves);
}

function showTrustCounts() {
  for (const name of TRUST_LISTS) $(`${name}-count`).value = String(loadList(name).length);
}

const pemBlocks = (text) =>
  (text.replace(/\r\n?/g, "\n").match(/-----BEGIN ([A-Z0-9 ]+)-----\n[\s\S]+?\n-----END \1-----/g) ?? []).map((b) => b.trim());

/** Adds the PEM blocks of the chosen files to a trust list; certificates are checked first. */
async function addTrust(name, files) {
  try {
    const blocks = [];
    for (const file of files) blocks.push(...pemBlocks(await file.text()));
    if (!blocks.length) {
      throw Object.assign(new Error("no PEM block (-----BEGIN …-----) in the file"), { code: "NoPem" });
    }
    if (name !== "issuers") for (const block of blocks) await run("certificates", block);
    saveList(name, [...new Set([...loadList(name), ...blocks])]);
  } catch (e) {
    showError(e);
  }
}

/** The datetime-local value read as UTC, in RFC 3339; undefined means now. */
function validationTime() {
  const value = $("at").value;
  if (!value) return undefined;
  return (value.length === 16 ? `${value}:00` : value) + "Z";
}

function settings() {
  return {
    anchors: loadList("anchors"),
    intermediates: loadList("intermediates"),
    issuers: loadList("issuers"),
    at: validationTime(),
    revocationRequired: $("revocation").checked,
  };
}

// ---------------------------------------------------------------------------------------
// Input: what a file or a text is, and the verification it gets
// ---------------------------------------------------------------------------------------

function sniff(bytes) {
  const head = String.fromCharCode(...bytes.subarray(0, 4));
  if (head === "PK\x03\x04") return "document";
  if (head === "%PDF") return "document";
  if (head.startsWith("\x89PNG") || head.startsWith("\xff\xd8\xff")) return "photo";
  if (bytes[0] === 0x30) return "seal"; // DER SEQUENCE: a seal or a seal signature
  return "text";
}

/** One file as what it is; several, or a ZIP archive of documents, as a batch. */
async function verifyFiles(files) {
  if (files.length === 1 && !isArchiveName(files[0].name)) return verifyFile(files[0]);
  if (!files.length) return;
  const entries = await batchEntries(files);
  if (entries.length === 1 && entries[0].name === files[0].name) return verifyFile(files[0]); // an OFD named .zip
  return verifyBatch(entries);
}

async function verifyFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = sniff(bytes);
  if (kind === "document") return verifyDocument(bytes, file.name);
  if (kind === "photo") return verifyPhoto(file, file.name);
  if (kind === "seal") return showSeal(bytes, file.name);
  return verifyText(new TextDecoder().decode(bytes), file.name);
}

async function verifyDocument(bytes, name) {
  const bar = h("progress", { max: 1 });
  const step = h("span", { class: "hint" });
  showBusy(name, h("div", { class: "row" }, bar, step));
  let reports = 0;
  const onProgress = ({ step: what, done, total }) => {
    $("result").dataset.progress = String(++reports); // how many progress reports came
    bar.max = Math.max(total, 1);
    bar.value = done;
    const percent = Math.floor((100 * done) / bar.max);
    step.replaceChildren(
      ...(what === "signature"
        ? t(`签名 ${done}/${total}`, `signature ${done} of ${total}`)
        : t(`摘要计算 ${percent}%`, `hashing ${percent}%`)),
    );
  };
  const { report, pictures } = await run("document", bytes, { transfer: [bytes.buffer], onProgress });
  showReport(report, { name, pictures });
}

async function verifyText(text, name = "") {
  const value = text.trim();
  if (/^YJ1:/i.test(value)) {
    showBusy(name);
    showReport((await run("qr", value)).report, { name });
  } else if (value.startsWith("{") && /"keys"/.test(value)) {
    $("jwks").value = value;
    showNote(t("已载入 JWKS，可以核验令牌。", "JWKS loaded: tokens can be verified now."));
  } else if (/^\S+\.\S*\.\S*$/.test(value)) {
    const jwks = $("jwks").value.trim();
    if (!jwks) throw Object.assign(new Error("paste or load the JWKS (the token keys) first"), { code: "NoJwks" });
    showBusy(name);
    showReport((await run("token", { token: value, jwks })).report, { name });
  } else if (value.startsWith("<")) {
    // A bare invoice XML (the 2019 schema, or a 数电票 XML download).
    showBusy(name);
    showReport((await run("invoice", new TextEncoder().encode(value))).report, { name });
  } else if (value.includes("-----BEGIN")) {
    throw Object.assign(new Error("certificates go into the trust lists above"), { code: "UseTrustLists" });
  } else {
    throw Object.assign(new Error("not an OFD, PDF, seal, token, JWKS, licence QR text or invoice XML"), { code: "Unrecognised" });
  }
}

/** The RGBA pixels of an image (a photo, or a video frame), scaled to the pixel budget. */
function pixels(source, width, height) {
  const scale = Math.min(1, Math.sqrt(MAX_PHOTO_PIXELS / (width * height)));
  const w = Math.max(1, Math.round(width * scale));
  const hgt = Math.max(1, Math.round(height * scale));
  const context = new OffscreenCanvas(w, hgt).getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, w, hgt);
  const image = context.getImageData(0, 0, w, hgt);
  return { data: image.data, width: w, height: hgt };
}

async function verifyPhoto(blob, name) {
  showBusy(name);
  const bitmap = await createImageBitmap(blob);
  const image = pixels(bitmap, bitmap.width, bitmap.height);
  bitmap.close();
  showReport((await run("qr", image, { transfer: [image.data.buffer] })).report, { name });
}

async function showSeal(bytes, name) {
  showBusy(name);
  const { seal } = await run("seal", bytes);
  render(
    h("div", { id: "verdict", class: "verdict info", "data-status": "INFO" }, t("印章信息", "Seal details")),
    h("p", { class: "meta" }, name, " · ", t("仅解析，未核验签名", "decoded, not verified")),
    fields(
      SEAL_FIELDS.map(([key, zh, en]) => {
        const value = Array.isArray(seal[key]) ? seal[key].join("; ") : seal[key];
        return [t(zh, en), value];
      }).concat([[t("尺寸", "Size"), `${seal.width_mm} × ${seal.height_mm} mm`]]),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Camera scanning of licence QR codes
// ---------------------------------------------------------------------------------------

let camera = null;

/** A frame without a readable code: the reader's `qr.image` check says Missing (or it threw so). */
const noCode = (report) => {
  const first = report.checks?.[0];
  return first?.name === "qr.image" && first.status !== "PASSED" && first.reason === "Missing";
};

async function startCamera() {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  const video = $("video");
  video.srcObject = stream;
  video.hidden = false;
  $("camera").hidden = true;
  $("camera-stop").hidden = false;
  await video.play();
  camera = { stream };
  showNote(t("正在扫描，请将证照二维码对准摄像头…", "Scanning: hold the licence QR code to the camera…"));
  while (camera) {
    if (video.videoWidth) {
      const image = pixels(video, video.videoWidth, video.videoHeight);
      let report = null;
      try {
        report = (await run("qr", image, { transfer: [image.data.buffer] })).report;
      } catch (e) {
        if (!/no (readable )?QR code/i.test(e.message)) throw e;
      }
      if (camera && report && !noCode(report)) {
        stopCamera();
        showReport(report, { name: t("摄像头", "camera") });
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, SCAN_INTERVAL_MS));
  }
}

function stopCamera() {
  if (!camera) return;
  for (const track of camera.stream.getTracks()) track.stop();
  camera = null;
  $("video").hidden = true;
  $("video").srcObject = null;
  $("camera").hidden = false;
  $("camera-stop").hidden = true;
}

// ---------------------------------------------------------------------------------------
// Showing results
// ---------------------------------------------------------------------------------------

let runs = 0;

/** Replaces the result panel; `data-run` counts finished results (the test waits on it). */
function render(...children) {
  const result = $("result");
  result.replaceChildren(...children.flat(Infinity).filter(Boolean));
  result.hidden = false;
  result.dataset.run = String(++runs);
}

function showBusy(name, ...extra) {
  const result = $("result");
  result.dataset.progress = "0";
  result.replaceChildren(h("p", { class: "busy" }, t("核验中…", "Verifying…"), " ", name || ""), ...extra);
  result.hidden = false;
}

function showNote(text) {
  render(h("p", { class: "note" }, text));
}

function showError(e) {
  console.warn("yinjian portal:", e);
  render(
    h("div", { id: "verdict", class: "verdict error", "data-status": "ERROR" }, t("出错", "Error")),
    h(
      "p",
      { class: "error-text" },
      h("code", null, e.code ?? e.name ?? "Error"),
      " ",
      e.message,
      e.code && e.name && e.name !== "Error" ? h("small", null, ` (${e.name})`) : null,
    ),
  );
}

/** The licence data some check carries (`qr.claims` or `licence.data` details). */
const licenceData = (report) => report.checks.find((c) => c.details?.licence)?.details.licence;

function showReport(report, { name, pictures } = {}) {
  const status = report.status;
  render(
    h(
      "div",
      { id: "verdict", class: `verdict ${status.toLowerCase()}`, "data-status": status },
      h("span", { class: "verdict-word" }, t(...(STATUS[status] ?? [status, status]))),
    ),
    h("p", { class: "meta" }, kindLabel(report.kind), name ? [" · ", name] : null),
    report.reason ? h("p", { class: "reason" }, t("原因", "Reason"), ": ", reasonText(report.reason)) : null,
    h("p", { class: "summary" }, report.summary),
    reportBody(report, pictures),
  );
}

const reasonText = (reason) => (REASONS[reason] ? `${REASONS[reason]} (${reason})` : reason);

/** Subject, licence data, checks and parts of a report (nested for a licence file's document). */
function reportBody(report, pictures) {
  const s = report.subject ?? {};
  const licence = licenceData(report);
  const invoice = report.kind === "invoice" ? invoiceData(report) : null;
  const isDocument = report.kind === "ofd" || report.kind === "pdf";
  const coverage = report.checks.find((c) => c.name === "ofd.coverage");
  const uncovered = coverage?.details?.uncovered ?? [];
  return [
    fields([
      [t("签署者", "Signer"), s.signer],
      [t("印章", "Seal"), s.seal],
      [t("签名时间", "Signing time"), s.signing_time],
      [t("核验时间", "Validation time"), s.validation_time],
    ]),
    licence ? [h("h3", null, t("证照信息", "Licence data")), licenceTable(licence)] : null,
    invoice ? invoiceSection(invoice, report.checks) : null,
    report.checks.length ? [h("h3", null, t("检查项", "Checks")), checkTable(report.checks)] : null,
    coverage && coverage.status !== "PASSED"
      ? h("p", { class: "hint" }, t("无法确定签名覆盖的文件", "What the signatures cover cannot be established"), ": ", coverage.message)
      : uncovered.length
        ? h("p", { class: "hint" }, t("未被任何签名覆盖的文件", "Files no signature covers"), ": ", uncovered.join(", "))
        : null,
    (report.parts ?? []).map((part, i) =>
      isDocument ? signatureCard(part, i, pictures?.[i]) : documentBlock(part, pictures),
    ),
  ];
}

function documentBlock(part, pictures) {
  return h(
    "section",
    { class: `part ${part.status.toLowerCase()}` },
    h("h3", null, kindLabel(part.kind), " ", statusTag(part.status)),
    h("p", { class: "summary" }, part.summary),
    reportBody(part, pictures),
  );
}

function signatureCard(part, index, picture) {
  const s = part.subject ?? {};
  const changes = changesAfterSigning(part);
  return h(
    "article",
    { class: `signature ${part.status.toLowerCase()}`, "data-status": part.status },
    h("h3", null, t(`签名 ${index + 1}`, `Signature ${index + 1}`), " ", statusTag(part.status), " ", h("small", null, kindLabel(part.kind))),
    h(
      "div",
      { class: "signature-body" },
      sealPicture(picture),
      fields([
        [t("签署者", "Signer"), s.signer],
        [t("印章", "Seal"), s.seal],
        [t("签名时间", "Signing time"), s.signing_time],
        [t("吊销状态", "Revocation"), revocationText(part)],
        [t("存在性证明", "Proofs of existence"), poeText(part)],
        [t("格式级别", "Format level"), part.checks.find((c) => c.name === "pdf.format")?.details?.level],
        [t("原因", "Reason"), part.reason ? reasonText(part.reason) : null],
        [t("ETSI 结论", "ETSI indication"), part.indication ? [part.indication, part.sub_indication].filter(Boolean).join(" / ") : null],
      ]),
    ),
    changes
      ? h(
          "div",
          { class: `changes${changes.some((c) => c.bad) ? " bad" : ""}` },
          h("h4", null, t("签名后的改动", "Changes after signing")),
          changes.length
            ? h("ul", null, changes.map((c) => h("li", { class: c.bad ? "bad" : "ok" }, c.text)))
            : h("p", null, t("无", "none")),
        )
      : null,
    checkTable(part.checks),
  );
}

const POE_SOURCES = {
  "signature-timestamp": ["签名时间戳", "signature time-stamp"],
  "document-timestamp": ["文档时间戳", "document time-stamp"],
  "archive-timestamp": ["归档时间戳", "archive time-stamp"],
  "seal-timestamp": ["签章时间戳", "seal time-stamp"],
};

/** The time-stamps proving when the signature existed (long-term validation), earliest first. */
function poeText(part) {
  const poes = part.proofs_of_existence ?? [];
  if (!poes.length) return null;
  return poes.map((p, i) => [i ? "; " : null, p.time, " (", t(...(POE_SOURCES[p.source] ?? [p.source, p.source])), ")"]);
}

/** What the signature's chain checks say about revocation: the least reassuring entry. */
function revocationText(part) {
  const states = part.checks.map((c) => c.details?.revocation?.status).filter(Boolean);
  if (!states.length) return null;
  const shown = ["revoked", "unknown", "not-required", "checked"].find((s) => states.includes(s)) ?? states[0];
  return t(...(REVOCATION[shown] ?? [shown, shown]));
}

/** The seal's picture; its type and size in words where the browser cannot show it. */
function sealPicture(picture) {
  if (!picture) return null;
  const type = String(picture.picture_type ?? "").toLowerCase() || "?";
  const words = () =>
    h("span", { class: "picture-words" }, t("印章图片", "Seal picture"), `: ${type}, ${picture.data?.length ?? 0} bytes`);
  const mime = PICTURE_TYPES[type];
  if (!mime || !picture.data?.length) return h("figure", { class: "seal-picture" }, words());
  const url = URL.createObjectURL(new Blob([picture.data], { type: mime }));
  const img = h("img", { src: url, alt: picture.seal ?? "seal" });
  if (picture.width_mm > 0 && picture.height_mm > 0) {
    // At the seal's own size (CSS millimetres), within the card's limits.
    img.style.width = `${picture.width_mm}mm`;
    img.style.height = `${picture.height_mm}mm`;
  }
  // Once decoded (or not) the URL is done with.
  img.onload = () => URL.revokeObjectURL(url);
  img.onerror = () => {
    URL.revokeObjectURL(url);
    img.replaceWith(words());
  };
  return h("figure", { class: "seal-picture" }, img, h("figcaption", null, picture.seal ?? "", ` (${type})`));
}

/**
 * What changed after this signature, from the check details: files changed or missing
 * (ofd.references), files rewritten by a later signature (allowed), for PDF each later
 * revision with its level and what was not allowed (pdf.modifications), and the message of
 * any other check that found a change (e.g. pdf.coverage). Null when no check says.
 */
function changesAfterSigning(part) {
  let said = false;
  const out = [];
  for (const check of part.checks) {
    const d = check.details ?? {};
    const before = out.length;
    if (check.name === "ofd.references" || check.name === "pdf.modifications") said = true;
    for (const c of d.changed ?? []) {
      const later = c.covered_as_changed_by?.length ? ` — 已被后续签名覆盖 / covered by ${c.covered_as_changed_by.join(", ")}` : "";
      out.push({ bad: true, text: `${c.file ?? c} — 已修改 / changed${later}` });
    }
    for (const f of d.missing ?? []) out.push({ bad: true, text: `${f} — 已删除 / missing` });
    for (const f of d.unreadable ?? []) out.push({ bad: true, text: `${f} — 无法读取 / unreadable` });
    for (const f of d.changed_by_later_signature ?? []) {
      out.push({ bad: false, text: `${f} — 后续签名追加，允许 / appended by a later signature, allowed` });
    }
    if (check.name === "pdf.modifications") {
      for (const r of d.revisions ?? []) {
        const allowed = (r.allowed ?? []).length ? ` — ${r.allowed.join("; ")}` : "";
        out.push({
          bad: (r.disallowed ?? []).length > 0,
          text: `修订 / revision ${r.revision}: +${r.added} ~${r.changed} −${r.deleted} (${r.level})${allowed}`,
        });
      }
      for (const why of d.disallowed ?? []) out.push({ bad: true, text: why });
    }
    if (check.reason === "ModifiedAfterSigning") {
      said = true;
      if (out.length === before) out.push({ bad: true, text: check.message });
    }
  }
  return said ? out : null;
}

function checkTable(checks) {
  return h(
    "table",
    { class: "checks" },
    h("thead", null, h("tr", null, ["状态 Status", "检查 Check", "说明 Message", "原因 Reason"].map((c) => h("th", null, c)))),
    h(
      "tbody",
      null,
      checks.map((c) =>
        h(
          "tr",
          { class: c.status === "PASSED" ? "" : `bad ${c.status.toLowerCase()}` },
          h("td", null, statusTag(c.status)),
          h("td", null, h("code", null, c.name)),
          h(
            "td",
            null,
            c.message,
            c.details && Object.keys(c.details).length
              ? h("details", null, h("summary", null, t("详情", "details")), h("pre", null, JSON.stringify(c.details, null, 2)))
              : null,
          ),
          h("td", null, c.reason ? reasonText(c.reason) : ""),
        ),
      ),
    ),
  );
}

function licenceTable(licence) {
  const known = new Set(LICENCE_FIELDS.map(([key]) => key));
  const text = (value) => (typeof value === "object" ? JSON.stringify(value) : String(value));
  return fields([
    ...LICENCE_FIELDS.filter(([key]) => key in licence).map(([key, zh, en]) => [t(zh, en), text(licence[key])]),
    ...Object.entries(licence)
      .filter(([key]) => !known.has(key))
      .map(([key, value]) => [key, text(value)]),
  ]);
}

// ---------------------------------------------------------------------------------------
// E-invoices: one invoice's fields, and a batch as a table with totals and duplicates
// ---------------------------------------------------------------------------------------

/** The invoice an invoice report read (the `invoice` detail of its `invoice.data` check). */
const invoiceData = (report) => report.checks.find((c) => c.name === "invoice.data")?.details?.invoice ?? null;

/** What identifies an invoice across files: code/number, or the digital invoice's number. */
const invoiceKey = (inv) => (inv?.number ? (inv.code ? `${inv.code}/${inv.number}` : inv.number) : null);

const yuan = (amount) => (amount == null || amount === "" ? null : `¥${amount}`);

/** The fields of one invoice, its goods lines and its checks' verdicts. */
function invoiceSection(inv, checks) {
  const digital = !inv.code;
  return h(
    "section",
    { id: "invoice", class: "invoice" },
    h("h3", null, t("发票信息", "Invoice"), " ", h("small", null, t(...(INVOICE_KINDS[inv.kind] ?? [inv.kind, inv.kind])))),
    fields([
      [t("发票代码", "Invoice code"), inv.code],
      [digital ? t("数电票号码", "Digital invoice number") : t("发票号码", "Invoice number"), inv.number],
      [t("开票日期", "Issue date"), inv.issue_date],
      [t("校验码", "Check code"), inv.check_code],
      [t("销售方", "Seller"), inv.seller?.name],
      [t("销售方纳税人识别号", "Seller tax ID"), inv.seller?.tax_id],
      [t("购买方", "Buyer"), inv.buyer?.name],
      [t("购买方纳税人识别号", "Buyer tax ID"), inv.buyer?.tax_id],
      [t("合计金额", "Total excl. tax"), yuan(inv.total_excluding_tax)],
      [t("合计税额", "Total tax"), yuan(inv.total_tax)],
      [t("价税合计", "Total incl. tax"), yuan(inv.total_including_tax)],
      [t("备注", "Note"), inv.note],
    ]),
    inv.items?.length ? itemsTable(inv.items) : null,
    invoiceVerdicts(checks),
  );
}

function itemsTable(items) {
  return h(
    "table",
    { class: "checks items" },
    h("thead", null, h("tr", null, ITEM_COLUMNS.map(([, zh, en]) => h("th", null, t(zh, en))))),
    h("tbody", null, items.map((item) => h("tr", null, ITEM_COLUMNS.map(([key]) => h("td", null, item[key] ?? ""))))),
  );
}

/** One line per invoice check: what it establishes, and its verdict. */
function invoiceVerdicts(checks) {
  const known = checks.filter((c) => INVOICE_CHECKS[c.name]);
  return h(
    "ul",
    { class: "invoice-checks" },
    known.map((c) =>
      h(
        "li",
        { class: c.status.toLowerCase(), "data-check": c.name },
        statusTag(c.status),
        " ",
        t(...INVOICE_CHECKS[c.name]),
        c.reason ? h("small", null, ` — ${reasonText(c.reason)}`) : null,
      ),
    ),
  );
}

/** An amount such as "515.00" or "-12.5" in fen (hundredths of a yuan); null if not one. */
function fen(amount) {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount ?? "").trim());
  if (!m) return null;
  const value = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -value : value;
}

const fenText = (value) => `${value < 0 ? "-" : ""}¥${Math.floor(Math.abs(value) / 100)}.${String(Math.abs(value) % 100).padStart(2, "0")}`;

/**
 * Each row's `duplicates`: the other files holding the same invoice. Returns the files of
 * each invoice seen more than once, by invoice key.
 */
function markDuplicates(rows) {
  const seen = new Map();
  for (const row of rows) {
    const key = invoiceKey(row.invoice);
    if (key) seen.set(key, [...(seen.get(key) ?? []), row.name]);
  }
  for (const row of rows) {
    const names = seen.get(invoiceKey(row.invoice)) ?? [];
    row.duplicates = names.filter((n, i) => n !== row.name || names.indexOf(n) !== i);
  }
  return [...seen].filter(([, names]) => names.length > 1);
}

/** A ZIP archive by its name (an OFD package is told apart by its OFD.xml). */
const isArchiveName = (name) => /\.zip$/i.test(name);

/** Largest ZIP member the portal inflates. */
const MAX_MEMBER_BYTES = 128 * 1024 * 1024;

const coded = (message, code) => Object.assign(new Error(message), { code });

/** A ZIP member's name: UTF-8 when flagged or valid, else GBK (Chinese archivers' default). */
function memberName(bytes, utf8) {
  try {
    return new TextDecoder("utf-8", { fatal: !utf8 }).decode(bytes);
  } catch {
    return new TextDecoder("gbk").decode(bytes);
  }
}

/**
 * The members of a ZIP archive from its central directory (read from the file's end, nothing
 * inflated yet), or null when it is an OFD package (an OFD.xml at its root). ZIP64 archives
 * are refused.
 */
async function zipMembers(file) {
  const tailLength = Math.min(file.size, 22 + 0xffff);
  const tail = new DataView(await file.slice(file.size - tailLength).arrayBuffer());
  let end = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw coded("not a ZIP archive (no end of central directory)", "Malformed");
  const count = tail.getUint16(end + 10, true);
  const size = tail.getUint32(end + 12, true);
  const offset = tail.getUint32(end + 16, true);
  if (count === 0xffff || offset === 0xffffffff) throw coded("a ZIP64 archive: unpack it first", "Unsupported");
  const dir = new DataView(await file.slice(offset, offset + size).arrayBuffer());
  const members = [];
  for (let p = 0, n = 0; n < count; n++) {
    if (p + 46 > dir.byteLength || dir.getUint32(p, true) !== 0x02014b50) throw coded("a damaged ZIP central directory", "Malformed");
    const flags = dir.getUint16(p + 8, true);
    const nameLength = dir.getUint16(p + 28, true);
    const name = memberName(new Uint8Array(dir.buffer, dir.byteOffset + p + 46, nameLength), flags & 0x800);
    if (name === "OFD.xml") return null;
    if (!name.endsWith("/")) {
      members.push({
        name,
        encrypted: flags & 1,
        method: dir.getUint16(p + 10, true),
        compressed: dir.getUint32(p + 20, true),
        size: dir.getUint32(p + 24, true),
        local: dir.getUint32(p + 42, true),
      });
    }
    p += 46 + nameLength + dir.getUint16(p + 30, true) + dir.getUint16(p + 32, true);
  }
  return members;
}

/** One member's bytes, inflated (stored and deflated members; at most MAX_MEMBER_BYTES). */
async function memberBytes(file, m) {
  if (m.encrypted) throw coded("an encrypted ZIP member", "Unsupported");
  if (m.size > MAX_MEMBER_BYTES) throw coded(`${m.size} bytes, over the portal's limit of ${MAX_MEMBER_BYTES}`, "TooLarge");
  const head = new DataView(await file.slice(m.local, m.local + 30).arrayBuffer());
  if (head.byteLength < 30 || head.getUint32(0, true) !== 0x04034b50) throw coded("a damaged ZIP member header", "Malformed");
  const start = m.local + 30 + head.getUint16(26, true) + head.getUint16(28, true);
  const data = file.slice(start, start + m.compressed);
  if (m.method === 0) return new Uint8Array(await data.arrayBuffer());
  if (m.method !== 8) throw coded(`ZIP compression method ${m.method}`, "Unsupported");
  const reader = data.stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_MEMBER_BYTES) {
      await reader.cancel();
      throw coded(`over the portal's limit of ${MAX_MEMBER_BYTES} bytes`, "TooLarge");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/**
 * The files of a batch, each read only when a worker takes it: dropped files, and in place of
 * a ZIP archive its members (named `archive.zip!member`, as `yinjian batch` names them).
 */
async function batchEntries(files) {
  const entries = [];
  for (const file of files) {
    const whole = { name: file.name, bytes: async () => new Uint8Array(await file.arrayBuffer()) };
    if (!isArchiveName(file.name)) {
      entries.push(whole);
      continue;
    }
    let members;
    try {
      members = await zipMembers(file);
    } catch (e) {
      entries.push({ name: file.name, bytes: () => Promise.reject(e) });
      continue;
    }
    if (members === null) entries.push(whole);
    else for (const m of members) entries.push({ name: `${file.name}!${m.name}`, bytes: () => memberBytes(file, m) });
  }
  return entries;
}

/** The line of a file that could not be read, shaped as `yinjian batch` writes one. */
function unreadableRecord(path, e) {
  const message = `${e.code ? `${e.code}: ` : ""}${e.message ?? e}`;
  const check = { name: "input.read", status: "INDETERMINATE", reason: "Unsupported", message };
  const report = {
    version: 1,
    kind: "unknown",
    status: "INDETERMINATE",
    reason: "Unsupported",
    indication: "INDETERMINATE",
    summary: `unknown: INDETERMINATE at input.read: ${message}`,
    subject: {},
    checks: [check],
  };
  return { path, kind: "unknown", status: "INDETERMINATE", reason: "Unsupported", report };
}

/**
 * Several files (or a ZIP's members), verified in a pool of workers, one per core: each row
 * the line `yinjian batch` would write, and for an e-invoice the invoice and its checks'
 * verdict; then the table, its summary and the JSONL to download.
 */
async function verifyBatch(entries) {
  const pool = workerPool();
  const bar = h("progress", { max: entries.length, value: 0 });
  showBusy(`${entries.length} files`, h("div", { class: "row" }, bar));
  $("result").dataset.workers = String(pool.length);
  const rows = new Array(entries.length);
  let next = 0;
  let done = 0;
  const lane = async (worker) => {
    while (next < entries.length) {
      const i = next++;
      const { name } = entries[i];
      let row;
      try {
        const bytes = await entries[i].bytes();
        row = await run("batchRow", { path: name, bytes }, { transfer: [bytes.buffer], worker });
      } catch (e) {
        row = { record: unreadableRecord(name, e), invoice: null };
      }
      // An e-invoice is judged by its invoice checks (which include its seals).
      const status = row.invoice ? row.status : row.record.status;
      const reason = row.invoice ? row.reason : row.record.reason;
      rows[i] = { name, ...row, status, reason };
      bar.value = ++done;
    }
  };
  await Promise.all(pool.map(lane));
  showBatch(rows, markDuplicates(rows));
}

/** The batch's verdict: the worst row's; FAILED when an invoice is there twice. */
function batchStatus(rows) {
  if (rows.some((r) => r.duplicates.length)) return "FAILED";
  for (const status of ["FAILED", "INDETERMINATE"]) {
    if (rows.some((r) => r.status === status)) return status;
  }
  return "PASSED";
}

/** Count and sum of the invoices' totals including tax, in fen; amounts not a number skipped. */
function invoiceTotals(invoices) {
  const amounts = invoices.map((inv) => fen(inv.total_including_tax));
  return {
    count: invoices.length,
    sum: amounts.reduce((a, b) => a + (b ?? 0), 0),
    unreadable: amounts.filter((a) => a == null).length,
  };
}

/**
 * The batch's lines as JSONL (input order), the same `yinjian batch --ordered` writes: a later
 * copy of an invoice names the earlier paths in `duplicate_of` (after `invoice`, before `report`).
 */
function batchJsonl(rows) {
  const seen = new Map();
  const line = ({ record }) => {
    const key = record.invoice?.key;
    const earlier = (key && seen.get(key)) || [];
    if (!key || earlier.includes(record.path)) return record;
    seen.set(key, [...earlier, record.path]);
    if (!earlier.length) return record;
    const { report, ...head } = record;
    return { ...head, duplicate_of: earlier, report };
  };
  return rows.map((r) => JSON.stringify(line(r)) + "\n").join("");
}

function showBatch(rows, duplicated) {
  const status = batchStatus(rows);
  const invoices = rows.filter((r) => r.invoice).map((r) => r.invoice);
  const all = invoiceTotals(invoices);
  const once = invoiceTotals([...new Map(invoices.map((inv) => [invoiceKey(inv) ?? Symbol("no number"), inv])).values()]);
  const download = URL.createObjectURL(new Blob([batchJsonl(rows)], { type: "application/x-ndjson" }));
  render(
    h(
      "div",
      { id: "verdict", class: `verdict ${status.toLowerCase()}`, "data-status": status },
      h("span", { class: "verdict-word" }, t(...STATUS[status])),
    ),
    h(
      "p",
      { class: "meta" },
      invoices.length ? t("批量核验（含电子发票）", "Batch (with e-invoices)") : t("批量核验", "Batch"),
      ` · ${rows.length} `,
      t("个文件", "files"),
      ` · ${$("result").dataset.workers} `,
      t("个并行核验线程", "workers"),
    ),
    duplicated.length
      ? h(
          "p",
          { class: "reason duplicates" },
          t("重复发票（可能重复报销）", "Duplicate invoices (reimbursed twice?)"),
          ": ",
          duplicated.map(([key, names], i) => [i ? "; " : null, key.replace("/", " / "), " — ", names.join(", ")]),
        )
      : null,
    batchTable(rows, invoices.length > 0),
    invoices.length
      ? h(
          "p",
          { class: "totals", id: "invoice-totals" },
          t("合计", "Total"),
          `: ${all.count} `,
          t("张发票", "invoices"),
          `, ${fenText(all.sum)}`,
          duplicated.length ? ["; ", t("重复的只计一次", "each invoice once"), `: ${once.count}, ${fenText(once.sum)}`] : null,
          all.unreadable ? [" (", t(`${all.unreadable} 张金额无法读取`, `${all.unreadable} amounts unreadable`), ")"] : null,
        )
      : null,
    h(
      "p",
      null,
      h("a", { id: "batch-jsonl", href: download, download: "yinjian-batch.jsonl" }, t("下载 JSONL 报告", "Download the JSONL reports")),
      " ",
      h("small", { class: "hint" }, t("每行一个文件，与 yinjian batch 的输出相同", "one line per file, as yinjian batch writes them")),
    ),
  );
}

/** One row per file (file, kind, verdict, reason; the invoice columns when there are invoices), and a summary row. */
function batchTable(rows, withInvoices) {
  const head = [
    ["文件", "File"],
    ["类型", "Kind"],
    ["核验结论", "Verdict"],
    ...(withInvoices
      ? [
          ["发票号码", "Number"],
          ["开票日期", "Date"],
          ["销售方", "Seller"],
          ["价税合计", "Total incl. tax"],
          ["重复", "Duplicate"],
        ]
      : []),
  ];
  const counts = Object.keys(STATUS).map((s) => [s, rows.filter((r) => r.status === s).length]);
  return h(
    "table",
    { class: "checks batch", id: "batch-table" },
    h("thead", null, h("tr", null, head.map(([zh, en]) => h("th", null, t(zh, en))))),
    h(
      "tbody",
      null,
      rows.map((r) => {
        const inv = r.invoice;
        const kind = inv ? "invoice" : r.record.kind;
        return h(
          "tr",
          {
            class: r.duplicates.length ? "bad duplicate" : r.status === "PASSED" ? "" : `bad ${r.status.toLowerCase()}`,
            "data-status": r.status,
            "data-kind": kind,
          },
          h("td", null, r.name),
          h("td", null, kind === "unknown" ? t("无法识别", "not recognised") : kindLabel(kind)),
          h("td", null, statusTag(r.status), r.reason ? h("small", null, ` ${reasonText(r.reason)}`) : null),
          withInvoices
            ? [
                h("td", null, inv ? invoiceKey(inv).replace("/", " / ") : t("不是电子发票", "not an e-invoice")),
                h("td", null, inv?.issue_date ?? ""),
                h("td", null, inv?.seller?.name ?? ""),
                h("td", { class: "amount" }, yuan(inv?.total_including_tax) ?? ""),
                h("td", null, r.duplicates.length ? [t("与此重复", "same as"), ": ", r.duplicates.join(", ")] : ""),
              ]
            : null,
        );
      }),
    ),
    h(
      "tfoot",
      null,
      h(
        "tr",
        { id: "batch-summary" },
        h("td", null, t("合计", "Total"), `: ${rows.length} `, t("个文件", "files")),
        h("td", { colSpan: head.length - 1 }, counts.filter(([, n]) => n).map(([s, n], i) => [i ? " · " : null, statusTag(s), ` ${n}`])),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------

/** Runs an input handler, showing what it throws. */
const guarded = (fn) => (...args) => fn(...args).catch(showError);

for (const name of TRUST_LISTS) {
  const input = $(`${name}-file`);
  input.addEventListener("change", async () => {
    await addTrust(name, [...input.files]);
    input.value = "";
  });
  input.closest(".trust").querySelector(".forget").addEventListener("click", () => saveList(name, []));
}

$("file").addEventListener(
  "change",
  guarded(async () => {
    const files = [...$("file").files];
    $("file").value = "";
    await verifyFiles(files);
  }),
);

const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener(
  "drop",
  guarded(async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    await verifyFiles([...e.dataTransfer.files]);
  }),
);

$("verify-text").addEventListener("click", guarded(() => verifyText($("text").value)));
$("jwks-file").addEventListener("change", async () => {
  const file = $("jwks-file").files[0];
  if (file) $("jwks").value = await file.text();
  $("jwks-file").value = "";
});

$("now").addEventListener("click", () => {
  $("at").value = "";
});

$("camera").addEventListener(
  "click",
  guarded(async () => {
    try {
      await startCamera();
    } finally {
      stopCamera();
    }
  }),
);
$("camera-stop").addEventListener("click", () => {
  stopCamera();
  showNote(t("已停止扫描。", "Scanning stopped."));
});

const language = $("language");
language.value = localStorage.getItem(STORAGE + "language") || "both";
document.documentElement.dataset.lang = language.value;
language.addEventListener("change", () => {
  document.documentElement.dataset.lang = language.value;
  localStorage.setItem(STORAGE + "language", language.value);
});

showTrustCounts();

run("features")
  .then((f) => {
    $("version").textContent = `yinjian ${f.version}`;
    document.body.dataset.ready = "true";
    if (!f.qrImage) $("camera").disabled = true;
  })
  .catch(showError);

// The offline copy: the service worker caches the page, its scripts and the WASM package.
const offline = $("offline");
if ("serviceWorker" in navigator) {
  navigator.serviceWorker
    .register("sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      offline.dataset.state = "ready";
      offline.replaceChildren(...t("可离线使用", "works offline"));
    })
    .catch((e) => {
      offline.dataset.state = "none";
      offline.replaceChildren(...t("无法离线使用", "no offline copy"));
      console.warn("yinjian portal: service worker:", e);
    });
} else {
  offline.dataset.state = "none";
  offline.replaceChildren(...t("无法离线使用", "no offline copy"));
}
