// The client's limits are the schema's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import * as limits from "../src/limits.js";
import { openapiFile } from "./paths.js";

const schemas = parse(readFileSync(openapiFile, "utf8")).components.schemas;

test("limits equal the OpenAPI schema's", () => {
  assert.equal(limits.MAX_BATCH, schemas.EventBatch.properties.events.maxItems);
  assert.equal(limits.MAX_POSITION_SECONDS, schemas.Event.properties.positionSeconds.maximum);
  assert.equal(limits.MAX_LESSON_COUNT, schemas.Event.properties.lessonCount.maximum);
  assert.equal(limits.ID_PATTERN.source, schemas.ID.pattern.replaceAll("\\\\", "\\"));
  assert.equal(limits.DEVICE_PATTERN.source, schemas.Event.properties.device.pattern.replaceAll("\\\\", "\\"));
  assert.match(schemas.Event.properties.occurredAt.description, new RegExp(`${limits.MAX_CLOCK_SKEW_MS / 60000} minutes`));
});
