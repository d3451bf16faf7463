// A camera clip for Chromium's fake capture device (--use-file-for-fake-video-capture): a
// greyscale image (as bindings/wasm/tests/shared/png.mjs reads test-vectors/licence/
// sample-code.png) centred on a white frame and written as a Y4M (YUV 4:2:0) file, so the
// portal's camera scanning runs on a real video stream in the test. Node only.
import { writeFileSync } from "node:fs";

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
