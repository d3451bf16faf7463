// A camera clip for Chromium's fake capture device (--use-file-for-fake-video-capture): a
// grayscale PNG (8-bit, not interlaced, as test-vectors/licence/sample-code.png is) centred on
// a white frame and written as a Y4M (YUV 4:2:0) file, so the portal's camera scanning runs
// on a real video stream in the test. Node only.
import { readFileSync, writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";

/** The pixels of a grayscale 8-bit PNG: { width, height, data } (one byte per pixel). */
export function readGrayPng(path) {
  const png = readFileSync(path);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || colour !== 0 || interlace !== 0) throw new Error(`${path}: not an 8-bit grayscale PNG`);
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
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`${path}: filter ${filter}`);
      data[y * width + x] = (raw[y * (width + 1) + 1 + x] + predictor) & 0xff;
    }
  }
  return { width, height, data };
}

/** Writes `image` centred on a white `size`×`size` frame, as `frames` Y4M frames. */
export function writeY4m(image, path, size = 320, frames = 2) {
  if (image.width > size || image.height > size) throw new Error("image larger than the frame");
  const luma = new Uint8Array(size * size).fill(255);
  const left = (size - image.width) >> 1;
  const top = (size - image.height) >> 1;
  for (let y = 0; y < image.height; y++) {
    luma.set(image.data.subarray(y * image.width, (y + 1) * image.width), (top + y) * size + left);
  }
  const chroma = new Uint8Array((size / 2) * (size / 2)).fill(128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array(frames).fill(frame)]));
}
