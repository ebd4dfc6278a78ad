// Bundles the demo page's script (service/web/demo/src/demo.ts, with this
// client) into service/web/demo/static/demo.js, which Go embeds and git
// keeps, so that building the server needs no Node. With --check it writes
// nothing and fails when the committed bundle is not what the sources make.
import * as esbuild from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";

const out = "../demo/static/demo.js";
const result = await esbuild.build({
  entryPoints: ["../demo/src/demo.ts"],
  bundle: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  write: false,
  outfile: out,
});
const fresh = result.outputFiles[0].text;
if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(out, "utf8");
  } catch {}
  if (committed !== fresh) {
    console.error(`${out} is not what its sources build: run 'npm run build:demo' in service/web/client and commit it`);
    process.exit(1);
  }
} else {
  writeFileSync(out, fresh);
}
