// The pixels of an 8-bit greyscale, non-interlaced PNG (what `yinjian qr make` writes, e.g.
// test-vectors/licence/sample-code.png), for the tests that feed QR photos to the library
// or to Chromium's fake camera. Node only.
import { inflateSync } from "node:zlib";

/** `{ width, height, data }` with one grey byte per pixel; throws on any other PNG. */
export function readGreyPng(bytes) {
  if (bytes.subarray(1, 4).toString("latin1") !== "PNG") throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || colour !== 0 || interlace !== 0) throw new Error("not an 8-bit greyscale, non-interlaced PNG");
    } else if (type === "IDAT") {
      idat.push(body);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)];
    for (let x = 0; x < width; x++) {
      const a = x > 0 ? data[y * width + x - 1] : 0;
      const b = y > 0 ? data[(y - 1) * width + x] : 0;
      const c = x > 0 && y > 0 ? data[(y - 1) * width + x - 1] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`PNG filter ${filter}`);
      data[y * width + x] = (raw[y * (width + 1) + 1 + x] + predictor) & 0xff;
    }
  }
  return { width, height, data };
}
