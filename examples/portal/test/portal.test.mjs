// Real-browser test of the verification portal: node examples/portal/test/portal.test.mjs
// Serves the portal (examples/portal/serve.mjs, in process, ephemeral port), drives headless
// Chromium (/usr/bin/chromium or $CHROMIUM) through playwright-core from bindings/wasm, and
// goes through the page as a user would: trust from PEM files, a good and a tampered OFD, PDFs,
// tokens, a licence QR photo, camera (a fake capture device playing the photo) and text,
// errors, then offline through the service worker.
// One full-page screenshot per case in test-output/portal-<case>.png. Prints
// "portal: N passed, M failed"; exit code 0 when nothing failed. Needs the package built by
// scripts/build-wasm --features qr-image,qr-make.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_HINT, pkgDir, startServer } from "../serve.mjs";
import { CHROMIUM_ARGS, collectErrors, launchChromium } from "../../../bindings/wasm/tests/shared/chromium.mjs";
import { readGreyPng } from "../../../bindings/wasm/tests/shared/png.mjs";
import { corpusPath } from "../../../bindings/wasm/tests/shared/corpus.mjs";
import { writeY4m } from "./camera-clip.mjs";

const TIMEOUT_MS = 90_000;
const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "..", "..", "..");
const vectors = join(repo, "test-vectors");
const outDir = join(repo, "test-output");
const { chromium } = createRequire(join(repo, "bindings", "wasm", "package.json"))("playwright-core");

const DOCUMENT_TIME = "2027-06-01T00:00:00"; // the time the OFD/PDF vectors are validated at
const LICENCE_TIME = "2027-06-01T00:00:00"; // test-vectors/licence/README.md
const COLOURS = { PASSED: "rgb(27, 127, 59)", FAILED: "rgb(179, 38, 30)", INDETERMINATE: "rgb(208, 138, 0)" };

const vectorCase = (file, id) =>
  readFileSync(join(vectors, file), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .find((c) => c.id === id) ?? fail(`no case ${id} in ${file}`);

function fail(message) {
  throw new Error(message);
}

function expect(condition, message) {
  if (!condition) fail(message);
}

if (!existsSync(join(pkgDir, "index.js"))) {
  console.error(`portal: ${BUILD_HINT}`);
  console.log("portal: 0 passed, 1 failed");
  process.exit(1);
}

const timer = setTimeout(() => {
  console.error(`portal: timed out after ${TIMEOUT_MS / 1000} s`);
  console.log("portal: 0 passed, 1 failed");
  process.exit(2);
}, TIMEOUT_MS);

const started = Date.now();
const results = { passed: 0, failed: 0, skipped: 0 };
let pageErrors = [];
const { server, url } = await startServer(0);
const profile = mkdtempSync(join(tmpdir(), "yinjian-portal-"));
mkdirSync(outDir, { recursive: true });
let context;
let page;

/** One named case: runs it, saves the screenshot, counts the outcome. */
async function test(name, body) {
  const t0 = Date.now();
  try {
    const outcome = await body();
    if (outcome === "skip") {
      results.skipped++;
      console.log(`skip ${name}`);
      return;
    }
    results.passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.failed++;
    console.error(`FAIL ${name}: ${e && e.message ? e.message : e}`);
  } finally {
    if (page) await page.screenshot({ path: join(outDir, `portal-${name}.png`), fullPage: true }).catch(() => {});
  }
}

/** Does something that ends in a new result, and waits for that result. */
async function result(action) {
  const before = Number((await page.getAttribute("#result", "data-run")) ?? 0);
  await action();
  // The next result with a verdict (a note, such as "scanning…", may come first).
  await page.waitForFunction(
    (b) => {
      const r = document.getElementById("result");
      return Number(r.dataset.run ?? 0) > b && r.querySelector("#verdict") !== null;
    },
    before,
    { timeout: 30_000, polling: 100 },
  );
  const verdict = page.locator("#verdict");
  return {
    status: await verdict.getAttribute("data-status"),
    text: await verdict.innerText(),
    colour: await verdict.evaluate((el) => getComputedStyle(el).backgroundColor),
    body: await page.locator("#result").innerText(),
  };
}

/** The verdict must be `status`, in both languages and in its colour. */
function expectVerdict(shown, status) {
  expect(shown.status === status, `verdict ${shown.status}, expected ${status}: ${shown.body.slice(0, 400)}`);
  const [zh, en] = { PASSED: ["通过", "PASSED"], FAILED: ["失败", "FAILED"], INDETERMINATE: ["无法确定", "INDETERMINATE"] }[status];
  expect(shown.text.includes(zh) && shown.text.includes(en), `verdict text ${JSON.stringify(shown.text)}`);
  expect(shown.colour === COLOURS[status], `verdict colour ${shown.colour}, expected ${COLOURS[status]}`);
}

async function setTime(value) {
  await page.fill("#at", value);
  await page.locator("#at").blur();
}
const upload = (selector, file) => page.setInputFiles(selector, file);
const count = (list) => page.locator(`#${list}-count`).evaluate((o) => o.value);

async function waitReady() {
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
}

try {
  // The camera is Chromium's fake device playing the licence QR photo as a video.
  const clip = join(profile, "camera.y4m");
  writeY4m(readGreyPng(readFileSync(join(vectors, "licence/sample-code.png"))), clip);
  context = await launchChromium(chromium, profile, {
    viewport: { width: 1200, height: 900 },
    args: [
      ...CHROMIUM_ARGS,
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${clip}`,
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  pageErrors = collectErrors(page);

  await test("load", async () => {
    await page.goto(url);
    await waitReady();
    await page.waitForSelector("#offline[data-state=ready]", { timeout: 30_000 });
    const text = await page.locator("body").innerText();
    for (const label of ["不会上传", "no file is uploaded", "信任根证书", "Trust anchors", "核验时间", "Validation time"]) {
      expect(text.includes(label), `page lacks the label ${label}`);
    }
    expect(/yinjian \d/.test(await page.locator("#version").innerText()), "no package version shown");
    expect(!(await page.locator("#revocation").isChecked()), "revocation required by default");
  });

  await test("trust", async () => {
    await upload("#anchors-file", join(vectors, "x509/sm2/certs/root.pem"));
    await upload("#intermediates-file", join(vectors, "x509/sm2/certs/int.pem"));
    await upload("#issuers-file", join(vectors, "licence/issuer.pem"));
    await page.waitForFunction(() =>
      ["anchors", "intermediates", "issuers"].every((n) => document.getElementById(`${n}-count`).value === "1"),
    );
    // The same certificate again is not counted twice.
    const saves = Number(await page.getAttribute("#settings", "data-saved"));
    await upload("#anchors-file", join(vectors, "x509/sm2/certs/root.pem"));
    await page.waitForSelector(`#settings[data-saved="${saves + 1}"]`);
    expect((await count("anchors")) === "1", "a duplicate anchor was added");
    // Not a certificate: refused with the library's error code, nothing stored.
    const shown = await result(() =>
      upload("#intermediates-file", { name: "junk.pem", mimeType: "text/plain", buffer: Buffer.from("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") }),
    );
    expect(shown.status === "ERROR" && /Malformed/.test(shown.body), `junk PEM: ${shown.status} ${shown.body}`);
    expect((await count("intermediates")) === "1", "junk PEM was stored");
  });

  await test("ofd-good", async () => {
    await setTime(DOCUMENT_TIME);
    const shown = await result(() => upload("#file", join(vectors, "sample/notice.ofd")));
    expectVerdict(shown, "PASSED");
    const card = page.locator("article.signature");
    expect((await card.count()) === 1, `${await card.count()} signature cards`);
    const cardText = await card.innerText();
    expect(cardText.includes("张三") || cardText.includes("某市"), `no signer shown: ${cardText.slice(0, 300)}`);
    expect(/印章[\s\S]*\S/.test(cardText) && cardText.includes("Seal"), "no seal row");
    expect(cardText.includes("签名后的改动") && cardText.includes("none"), "no 'changes after signing: none'");
    // Revocation is not required in the portal: the card says it was NOT checked.
    expect(cardText.includes("Revocation") && cardText.includes("NOT checked"), `no revocation entry: ${cardText.slice(0, 400)}`);
    expect((await card.locator("tr.bad").count()) === 0, "a failing check in a passing signature");
    // The sample seal's picture is a PNG stub that no browser decodes: it must be told in
    // words (type and size), never left as a broken image.
    await page.waitForFunction(() => {
      const img = document.querySelector("figure.seal-picture img");
      return !img || (img.complete && img.naturalWidth > 0);
    });
    const words = await card.locator("figure.seal-picture").innerText();
    expect(/png, 33 bytes/.test(words), `seal picture: ${words}`);
  });

  await test("ofd-tampered", async () => {
    // test-vectors/ofd/cases.jsonl ofd-page-edited: the page content rewritten after sealing.
    const edited = vectorCase("ofd/cases.jsonl", "ofd-page-edited");
    const buffer = Buffer.from(edited.document_hex, "hex");
    const shown = await result(() => upload("#file", { name: "page-edited.ofd", mimeType: "application/ofd", buffer }));
    expectVerdict(shown, "FAILED");
    const changes = await page.locator("article.signature .changes.bad").innerText();
    expect(/Content\.xml/.test(changes), `the changed page is not named: ${changes}`);
    const failing = await page.locator("article.signature tr.bad").allInnerTexts();
    expect(failing.some((row) => row.includes("ofd.references") && row.includes("ModifiedAfterSigning")), `failing rows: ${failing}`);
  });

  await test("drop-sealed-twice", async () => {
    // Dropped rather than picked; a second (v1) seal over the first (v4): both pass, each in
    // its own card, with nothing changed after either.
    const bytes = [...readFileSync(join(vectors, "ofd/sealed-twice.ofd"))];
    const dataTransfer = await page.evaluateHandle((b) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(b)], "sealed-twice.ofd"));
      return transfer;
    }, bytes);
    const shown = await result(() => page.dispatchEvent("#drop", "drop", { dataTransfer }));
    expectVerdict(shown, "PASSED");
    const cards = page.locator("article.signature");
    expect((await cards.count()) === 2, `${await cards.count()} signature cards`);
    const progress = Number(await page.getAttribute("#result", "data-progress"));
    expect(progress >= 2, `${progress} progress reports for two signatures`);
    const [first, second] = await cards.allInnerTexts();
    expect(first.includes("V4 seal signature") && second.includes("V1 seal signature"), "seal versions not shown");
    expect((await page.locator("article.signature .changes.bad").count()) === 0, "a change shown as bad");
  });

  await test("ofd-corpus-tampered", async () => {
    // The corpus ofd/MANIFEST.md: zsbk.ofd, two real seals, both pages' Content.xml
    // changed after signing. Its seal pictures are real PNGs: they must show.
    const file = corpusPath("ofd/zsbk.ofd", "portal ofd-corpus-tampered");
    if (!file) return "skip";
    const shown = await result(() => upload("#file", file));
    expectVerdict(shown, "FAILED");
    const cards = page.locator("article.signature");
    expect((await cards.count()) === 2, `${await cards.count()} signature cards`);
    // Sign_0's stamp is on the second page, whose object ID is 677: the number is shown.
    const first = await cards.first().innerText();
    expect(first.includes("stamp shown on page 2 at") && !first.includes("page 677"), `stamp page: ${first}`);
    for (const text of await page.locator("article.signature .changes.bad").allInnerTexts()) {
      expect(/Page_0\/Content\.xml/.test(text) && /Page_1\/Content\.xml/.test(text), `changes: ${text}`);
    }
    await page.waitForFunction(() => [...document.querySelectorAll("figure.seal-picture img")].every((i) => i.complete));
    const widths = await page.locator("figure.seal-picture img").evaluateAll((imgs) => imgs.map((i) => i.naturalWidth));
    expect(widths.length === 2 && widths.every((w) => w > 0), `seal pictures decoded: ${widths}`);
  });

  await test("ofd-corpus-untrusted", async () => {
    // 1.ofd: intact, but its CA is not among the anchors: amber; its seal picture is an OFD
    // document, named by type.
    const file = corpusPath("ofd/1.ofd", "portal ofd-corpus-untrusted");
    if (!file) return "skip";
    const shown = await result(() => upload("#file", file));
    expectVerdict(shown, "INDETERMINATE");
    expect(shown.body.includes("UntrustedChain"), "no UntrustedChain reason shown");
    expect(/: ofd, \d+ bytes/.test(await page.locator("figure.seal-picture").innerText()), "the picture type is not shown");
    // It is a VAT e-invoice (issue 19): its fields as in its original_invoice.xml.
    const fields = await page.locator("#invoice").innerText();
    for (const value of ["033002000211", "83089647", "兰溪市悦济舫餐厅", "江苏京利华新材料有限公司", "526.00"]) {
      expect(fields.includes(value), `invoice field ${value} not shown: ${fields.slice(0, 600)}`);
    }
    // Its tax-side signature comes without a certificate: never PASSED.
    const tax = page.locator('#invoice li[data-check="invoice.tax-signature"]');
    expect((await tax.count()) === 1 && !(await tax.getAttribute("class")).includes("passed"), "tax signature shown as passed");
  });

  await test("invoice", async () => {
    // test-vectors/invoice/README.md: good.ofd, invoice 044031900111 / 12345678 of 2026-05-20,
    // 500.00 + 15.00 = 515.00, two goods lines; sealed by the SM2 test PKI (anchors above).
    const shown = await result(() => upload("#file", join(vectors, "invoice/good.ofd")));
    expectVerdict(shown, "PASSED");
    expect(shown.body.includes("电子发票") && shown.body.includes("e-invoice"), "not shown as an e-invoice");
    const section = page.locator("#invoice");
    const fields = await section.innerText();
    for (const value of ["044031900111", "12345678", "江苏样例采购有限公司", "91320115MA202UKD7X", "测试市样例餐饮有限公司", "92330781MA2EDMFU50", "¥500.00", "¥15.00", "¥515.00", "发票号码", "Invoice number", "价税合计", "Total incl. tax"]) {
      expect(fields.includes(value), `invoice field ${value} not shown: ${fields.slice(0, 600)}`);
    }
    expect(/2026\D?05\D?20/.test(fields), "no issue date");
    const items = await section.locator("table.items tbody tr").allInnerTexts();
    expect(items.length === 2 && items[0].includes("*餐饮服务*餐费") && items[1].includes("200.00"), `goods lines: ${items}`);
    // Every invoice check has its verdict; on this invoice all but the tax-side signature
    // (no certificate supplied) pass.
    for (const name of ["invoice.coverage", "invoice.shown", "invoice.graph-code", "invoice.arithmetic", "invoice.tax-ids", "invoice.issuer"]) {
      const cls = await section.locator(`li[data-check="${name}"]`).getAttribute("class");
      expect(cls === "passed", `${name}: ${cls}`);
    }
    // Above the signature card, which is still there.
    const above = await page.evaluate(() => {
      const card = document.querySelector("article.signature");
      return !!card && !!(document.getElementById("invoice").compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    expect(above, "the invoice is not shown above the signature card");
  });

  await test("invoice-shown-differs", async () => {
    // amount-page-only.ofd: 615.00 on the page, 515.00 in the XML.
    const shown = await result(() => upload("#file", join(vectors, "invoice/amount-page-only.ofd")));
    expectVerdict(shown, "FAILED");
    const item = page.locator('#invoice li[data-check="invoice.shown"]');
    expect((await item.getAttribute("class")) === "failed", "invoice.shown not failed");
    expect((await item.innerText()).includes("PolicyViolation"), `no reason: ${await item.innerText()}`);
  });

  await test("invoice-batch", async () => {
    // Three files of one invoice picked at once (good.ofd, sealed again a day later, and with
    // its page changed) and an OFD that is no invoice: a table with totals, and the duplicate
    // named with all its files.
    const files = ["invoice/good.ofd", "invoice/good-again.ofd", "invoice/amount-page-only.ofd", "sample/notice.ofd"];
    const shown = await result(() => upload("#file", files.map((f) => join(vectors, f))));
    expectVerdict(shown, "FAILED");
    const rows = await page.locator("#batch-table tbody tr").allInnerTexts();
    expect(rows.length === 4, `${rows.length} rows`);
    expect(rows.slice(0, 3).every((r) => r.includes("044031900111 / 12345678") && r.includes("¥515.00")), `rows: ${rows}`);
    expect(rows[3].includes("not an e-invoice") && rows[3].includes("PASSED"), `no-invoice row: ${rows[3]}`);
    expect(rows[0].includes("good-again.ofd") && rows[1].includes("good.ofd"), `duplicates not named: ${rows}`);
    expect(!rows[0].includes("FAILED") && rows[2].includes("FAILED"), `row verdicts: ${rows}`);
    expect((await page.locator("#batch-table tr.duplicate").count()) === 3, "all three are the same invoice");
    const totals = await page.locator("#invoice-totals").innerText();
    expect(totals.includes("3") && totals.includes("¥1545.00"), `totals: ${totals}`);
    expect(totals.includes("each invoice once") && totals.includes("1, ¥515.00"), `totals counted once: ${totals}`);
    const warning = await page.locator(".duplicates").innerText();
    expect(warning.includes("重复发票") && warning.includes("Duplicate invoices"), "no duplicate warning");
    expect(/044031900111 \/ 12345678 — good\.ofd, good-again\.ofd, amount-page-only\.ofd/.test(warning), `warning: ${warning}`);
  });

  // The files of the batch cases: a good and a tampered OFD, a PDF, a seal, a CMS signature,
  // a text file and an empty one.
  const batchFiles = () => {
    const edited = Buffer.from(vectorCase("ofd/cases.jsonl", "ofd-page-edited").document_hex, "hex");
    return [
      ["notice.ofd", readFileSync(join(vectors, "sample/notice.ofd"))],
      ["page-edited.ofd", edited],
      ["signed.pdf", readFileSync(join(vectors, "pdf/sm2-signed.pdf"))],
      ["v4.esl", readFileSync(join(vectors, "seal/v4.esl"))],
      ["notes.txt", Buffer.from("not a document\n")],
      ["empty.bin", Buffer.alloc(0)],
    ];
  };
  const BATCH_EXPECTED = {
    "notice.ofd": ["ofd", "PASSED"],
    "page-edited.ofd": ["ofd", "FAILED"],
    "signed.pdf": ["pdf", "PASSED"],
    "v4.esl": ["seal", "PASSED"],
    "notes.txt": ["unknown", "INDETERMINATE"],
    "empty.bin": ["unknown", "INDETERMINATE"],
  };

  /** The batch shown: rows by file, the summary row, and the downloaded JSONL's records. */
  async function batchShown() {
    const rows = await page.locator("#batch-table tbody tr").evaluateAll((trs) =>
      trs.map((tr) => ({ file: tr.cells[0].innerText, kind: tr.dataset.kind, status: tr.dataset.status })),
    );
    const summary = await page.locator("#batch-summary").innerText();
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#batch-jsonl")]);
    const jsonl = readFileSync(await download.path(), "utf8");
    const records = jsonl.trimEnd().split("\n").map((l) => JSON.parse(l));
    return { rows, summary, jsonl, records };
  }

  await test("batch", async () => {
    // Several files dropped: one row each (file, kind, verdict, reason) in a pool of workers,
    // a summary row, and the JSONL download in input order.
    const files = batchFiles();
    const shown = await result(() =>
      upload("#file", files.map(([name, buffer]) => ({ name, mimeType: "application/octet-stream", buffer }))),
    );
    expectVerdict(shown, "FAILED");
    const workers = Number(await page.getAttribute("#result", "data-workers"));
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(workers === Math.min(Math.max(cores, 1), 8), `${workers} workers for ${cores} cores`);
    const { rows, summary, records } = await batchShown();
    expect(rows.length === files.length, `${rows.length} rows`);
    for (const [i, [name]] of files.entries()) {
      const [kind, status] = BATCH_EXPECTED[name];
      expect(rows[i].file === name && rows[i].kind === kind && rows[i].status === status, `row ${i}: ${JSON.stringify(rows[i])}`);
      const r = records[i];
      expect(r.path === name && r.kind === kind && r.status === status && r.report.status === status, `line ${i}: ${JSON.stringify(r).slice(0, 200)}`);
    }
    expect(records[1].reason === "ModifiedAfterSigning", `tampered reason ${records[1].reason}`);
    expect(records[4].reason === "Unsupported" && records[4].report.checks[0].name === "input.kind", "junk line");
    expect(/6/.test(summary) && /PASSED\s*3/.test(summary) && /FAILED\s*1/.test(summary) && /INDETERMINATE\s*2/.test(summary), `summary: ${summary}`);
  });

  await test("batch-zip", async () => {
    // The same files in a ZIP (deflated, in a folder): the same verdicts, members named
    // archive.zip!member as yinjian batch names them; the JSONL equal to yinjian batch's when
    // the CLI is built.
    const files = batchFiles();
    const dir = mkdtempSync(join(tmpdir(), "yinjian-batch-"));
    try {
      mkdirSync(join(dir, "docs"));
      for (const [name, buffer] of files) writeFileSync(join(dir, "docs", name), buffer);
      execFileSync("zip", ["-q", "-r", "docs.zip", "docs"], { cwd: dir });
      const shown = await result(() => upload("#file", join(dir, "docs.zip")));
      expectVerdict(shown, "FAILED");
      const { rows, records, jsonl } = await batchShown();
      const byName = Object.fromEntries(records.map((r) => [r.path, r]));
      expect(rows.length === files.length, `${rows.length} rows: ${JSON.stringify(rows)}`);
      for (const [name] of files) {
        const r = byName[`docs.zip!docs/${name}`];
        expect(r && r.kind === BATCH_EXPECTED[name][0] && r.status === BATCH_EXPECTED[name][1], `${name}: ${JSON.stringify(r)?.slice(0, 200)}`);
      }
      const cli = [process.env.YINJIAN_CLI, join(repo, "target/debug/yinjian"), join(repo, "target/release/yinjian")].find((p) => p && existsSync(p));
      if (!cli) {
        console.log("     (no yinjian CLI built: the JSONL not compared with yinjian batch)");
        return;
      }
      const pki = join(vectors, "x509/sm2/certs");
      const out = spawnSync(
        cli,
        ["batch", "docs.zip", "--ordered", "--anchors", join(pki, "root.pem"), "--intermediates", join(pki, "int.pem"), "--no-revocation", "--at", `${DOCUMENT_TIME}Z`],
        { cwd: dir, encoding: "utf8" },
      );
      expect(out.status === 1, `yinjian batch exit ${out.status}: ${out.stderr}`);
      expect(out.stdout === jsonl, `the portal's JSONL differs from yinjian batch's:\n${out.stdout.slice(0, 300)}\n${jsonl.slice(0, 300)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  await test("invoice-xml", async () => {
    // A bare invoice XML pasted (good.ofd's original_invoice.xml, one goods line): its fields
    // are shown, but nothing verifies them: never PASSED (NoSignature is INDETERMINATE).
    const fp = (name, value) => `<fp:${name}>${value}</fp:${name}>`;
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?><eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" Version="1.0">',
      fp("InvoiceCode", "044031900111"),
      fp("InvoiceNo", "12345678"),
      fp("IssueDate", "2026年05月20日"),
      fp("Buyer", fp("BuyerName", "江苏样例采购有限公司") + fp("BuyerTaxID", "91320115MA202UKD7X")),
      fp("Seller", fp("SellerName", "测试市样例餐饮有限公司") + fp("SellerTaxID", "92330781MA2EDMFU50")),
      fp("TaxInclusiveTotalAmount", "309.00"),
      fp("TaxTotalAmount", "9.00"),
      fp("TaxExclusiveTotalAmount", "300.00"),
      fp("GoodsInfos", fp("GoodsInfo", [fp("Item", "*餐饮服务*餐费"), fp("Price", "300.00"), fp("Quantity", "1"), fp("Amount", "300.00"), fp("TaxScheme", "3%"), fp("TaxAmount", "9.00")].join(""))),
      "</eInvoice>",
    ].join("");
    await page.fill("#text", xml);
    const shown = await result(() => page.click("#verify-text"));
    expectVerdict(shown, "INDETERMINATE");
    expect(shown.body.includes("NoSignature"), "NoSignature not the reason");
    const section = await page.locator("#invoice").innerText();
    expect(section.includes("044031900111") && section.includes("¥309.00") && section.includes("*餐饮服务*餐费"), `fields: ${section}`);
    const document = page.locator('#invoice li[data-check="invoice.document"]');
    expect((await document.innerText()).includes("NoSignature"), "the missing signature is not the reason");
    expect((await page.locator("article.signature").count()) === 0, "a signature card for a bare XML");
  });

  await test("pdf", async () => {
    const expected = vectorCase("pdf/cases.jsonl", "pdf-sm2-signed").expect;
    const shown = await result(() => upload("#file", join(vectors, "pdf/sm2-signed.pdf")));
    expectVerdict(shown, expected);
    const cardText = await page.locator("article.signature").innerText();
    expect(cardText.includes("签名后的改动"), "no changes section for the PDF signature");
  });

  await test("pdf-corpus", async () => {
    // MANIFEST.md: tail-uncovered is cov=CONTIGUOUS_BLOCK_FROM_START mod=OTHER — data after
    // the signed block, which must fail whatever the (here unknown) trust.
    const file = corpusPath("pdf/coverage-anomalies__tail-uncovered.pdf", "portal pdf-corpus");
    if (!file) return "skip";
    const shown = await result(() => upload("#file", file));
    expectVerdict(shown, "FAILED");
    expect(shown.body.includes("ModifiedAfterSigning"), "no ModifiedAfterSigning reason shown");
    const changes = await page.locator("article.signature .changes.bad li.bad").allInnerTexts();
    expect(changes.some((c) => c.includes("data after it is unsigned")), `changes shown: ${changes}`);
  });

  await test("licence-file", async () => {
    // test/data/licence.ofd (made by test/data/make-licence-ofd.sh): an OFD e-licence whose
    // seal covers its licence metadata, sealed by the issuing authority the metadata names.
    await setTime(DOCUMENT_TIME);
    const shown = await result(() => upload("#file", join(here, "data", "licence.ofd")));
    expectVerdict(shown, "PASSED");
    expect(shown.body.includes("电子证照文件") && shown.body.includes("e-licence file"), "not shown as a licence file");
    expect(shown.body.includes("持证主体") && shown.body.includes("长沙示例智能科技有限公司"), "the licence holder is not shown");
    expect((await page.locator("article.signature").count()) === 1, "the document's signature is not shown");
  });

  await test("seal", async () => {
    const shown = await result(() => upload("#file", join(vectors, "seal/v4.esl")));
    expect(shown.status === "INFO", `verdict ${shown.status}`);
    for (const label of ["印章名称", "Seal name", "V4", "有效截止", "Valid to"]) {
      expect(shown.body.includes(label), `seal details lack ${label}`);
    }
  });

  await test("token-good", async () => {
    const good = vectorCase("token/tokens.jsonl", "token-sm2sm3-pass");
    await setTime(good.options.at.replace(/Z$/, ""));
    await page.fill("#jwks", JSON.stringify(good.jwks));
    await page.fill("#text", good.token);
    const shown = await result(() => page.click("#verify-text"));
    expectVerdict(shown, good.expect);
    expect(shown.body.includes("SM2SM3"), "the algorithm is not shown");
  });

  await test("token-tampered", async () => {
    const bad = vectorCase("token/tokens.jsonl", "token-payload-modified");
    await page.fill("#jwks", JSON.stringify(bad.jwks));
    await page.fill("#text", bad.token);
    const shown = await result(() => page.click("#verify-text"));
    expectVerdict(shown, bad.expect);
    expect(shown.body.includes(bad.reason), `reason ${bad.reason} not shown`);
  });

  await test("licence-qr", async () => {
    await setTime(LICENCE_TIME);
    const shown = await result(() => upload("#file", join(vectors, "licence/sample-code.png")));
    expectVerdict(shown, "PASSED");
    expect(shown.body.includes("证照信息") && shown.body.includes("Licence data"), "no licence data table");
    const data = JSON.parse(readFileSync(join(vectors, "licence/business-licence.json"), "utf8"));
    const holder = Object.values(data).find((v) => typeof v === "string" && /[\u4e00-\u9fff]/.test(v));
    expect(!holder || shown.body.includes(holder), `licence data not shown (${holder})`);
  });

  await test("licence-qr-camera", async () => {
    // The camera button scans frames until the code is read: the same verdict as the photo.
    const shown = await result(() => page.click("#camera"));
    expectVerdict(shown, "PASSED");
    expect(await page.locator("#camera").isVisible(), "scanning did not stop after the code was read");
  });

  await test("licence-qr-untrusted", async () => {
    // The same code as text, after the issuer certificate is forgotten: not PASSED.
    await page.click('.trust[data-list="issuers"] .forget');
    expect((await count("issuers")) === "0", "the issuer was not forgotten");
    await page.fill("#text", readFileSync(join(vectors, "licence/sample-code.txt"), "utf8"));
    const shown = await result(() => page.click("#verify-text"));
    expect(shown.status === "INDETERMINATE" || shown.status === "FAILED", `verdict ${shown.status} without issuer`);
    expectVerdict(shown, shown.status);
  });

  await test("error", async () => {
    await page.fill("#jwks", '{"keys": 5}');
    await page.fill("#text", vectorCase("token/tokens.jsonl", "token-es256-pass").token);
    const shown = await result(() => page.click("#verify-text"));
    expect(shown.status === "ERROR", `verdict ${shown.status}`);
    expect(shown.body.includes("MalformedKey"), `no error code shown: ${shown.body}`);
    expect(shown.body.includes("MalformedInputError"), `not the package's error class: ${shown.body}`);
  });

  await test("language", async () => {
    await page.selectOption("#language", "en");
    let text = await page.locator("#verdict").innerText();
    expect(!text.includes("出错") && text.includes("Error"), `English only: ${text}`);
    await page.selectOption("#language", "zh");
    text = await page.locator("#verdict").innerText();
    expect(text.includes("出错") && !text.includes("Error"), `Chinese only: ${text}`);
    await page.selectOption("#language", "both");
  });

  await test("offline", async () => {
    // Network gone and server stopped: the service worker's copy must carry the page.
    await context.setOffline(true);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await page.reload();
    await waitReady();
    expect((await count("anchors")) === "1" && (await count("intermediates")) === "1", "trust not remembered");
    await setTime(DOCUMENT_TIME);
    expectVerdict(await result(() => upload("#file", join(vectors, "sample/notice.ofd"))), "PASSED");
  });

  await test("console", async () => {
    expect(pageErrors.length === 0, `page errors:\n${pageErrors.join("\n")}`);
  });
} catch (e) {
  results.failed++;
  console.error(`portal: ${e && e.stack ? e.stack : e}`);
} finally {
  clearTimeout(timer);
  if (context) await context.close().catch(() => {});
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
const skipped = results.skipped ? `, ${results.skipped} skipped` : "";
console.log(`portal: screenshots test-output/portal-*.png; ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`portal: ${results.passed} passed, ${results.failed} failed${skipped}`);
process.exit(results.failed ? 1 : 0);
