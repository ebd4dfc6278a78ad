// Fails when src/schema.ts is not what openapi-typescript makes of
// service/api/openapi.yaml today, so the client's types follow the API.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "progress-schema-"));
try {
  const fresh = join(dir, "schema.ts");
  execFileSync("node_modules/.bin/openapi-typescript", ["../../api/openapi.yaml", "--output", fresh], { stdio: ["ignore", "ignore", "inherit"] });
  if (readFileSync(fresh, "utf8") !== readFileSync("src/schema.ts", "utf8")) {
    console.error("src/schema.ts is out of date with service/api/openapi.yaml: run 'npm run generate' in service/web/client");
    process.exit(1);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
