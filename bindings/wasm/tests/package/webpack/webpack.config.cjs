// The webpack 5 app of tests/package/run.mjs: no loader or plugin for the package; webpack
// emits yinjian_wasm_bg.wasm and the sample (new URL(…, import.meta.url)) as assets.
const { join } = require("node:path");

module.exports = {
  mode: "production",
  context: __dirname,
  entry: "./src/index.js",
  output: { path: join(__dirname, "dist"), filename: "main.js", clean: true },
  performance: { hints: false },
};
