// Files outside the package that the tests read: the API's schema and the
// merge vectors the Go tests share. Paths from build/test/.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const service = resolve(here, "../../../..");

export const openapiFile = resolve(service, "api/openapi.yaml");
export const vectorsFile = resolve(service, "progress/testdata/merge-vectors.json");
