// Compares CloudFormation templates with the CDK's own diff library, the
// pinned @aws-cdk/cloudformation-diff (package.json), and prints what
// changed as JSON for 'progress review' (service/review), which embeds this
// file and runs it with NODE_PATH at the repository's node_modules:
//
//   node templatediff.js JOB.json
//
// JOB.json is {"pairs": [{"id": "...", "old": "A.template.json" | null,
// "new": "B.template.json" | null}]}: null is a stack that does not exist
// on that side. Each result lists every resource that differs, with the
// library's verdict on it (changeImpact: WILL_REPLACE, MAY_REPLACE,
// WILL_DESTROY, WILL_ORPHAN, ...), and the properties that changed.
"use strict";
const fs = require("fs");
const { fullDiff } = require("@aws-cdk/cloudformation-diff");

// A value is shown only when it is short and scalar; anything else is named.
function show(v) {
  if (v === undefined) return undefined;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
    const s = String(v);
    return s.length <= 60 ? s : undefined;
  }
  return undefined;
}

function read(path) {
  return path ? JSON.parse(fs.readFileSync(path, "utf8")) : {};
}

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const results = job.pairs.map((pair) => {
  const diff = fullDiff(read(pair.old), read(pair.new));
  const resources = [];
  diff.resources.forEachDifference((logicalId, change) => {
    if (!change.isDifferent) return;
    const properties = [];
    for (const [name, p] of Object.entries(change.propertyUpdates)) {
      properties.push({ name, impact: p.changeImpact, before: show(p.oldValue), after: show(p.newValue) });
    }
    for (const name of Object.keys(change.otherChanges)) {
      const o = change.otherChanges[name];
      properties.push({ name, impact: "", before: show(o.oldValue), after: show(o.newValue) });
    }
    resources.push({
      logicalId,
      type: change.newResourceType || change.oldResourceType,
      oldType: change.oldResourceType,
      added: change.isAddition,
      removed: change.isRemoval,
      impact: change.changeImpact,
      properties,
    });
  });
  // What the library's own security summary shows (cdk diff's "IAM
  // Statement Changes" and "Security Group Changes"): a header, then one
  // row per statement or rule, "+" added and "-" removed.
  const security = [];
  const table = (title, rows) => {
    if (rows.length > 1) security.push({ title, header: rows[0], rows: rows.slice(1) });
  };
  if (diff.iamChanges.hasChanges) {
    table("IAM statements", diff.iamChanges.summarizeStatements());
    table("IAM managed policies", diff.iamChanges.summarizeManagedPolicies());
  }
  if (diff.securityGroupChanges.hasChanges) {
    table("Security group rules", diff.securityGroupChanges.summarize());
  }
  // The rest of the template: its description, outputs (which other
  // stacks may import), parameters, conditions, mappings and metadata.
  const other = [];
  for (const [section, d] of [["Description", diff.description], ["AWSTemplateFormatVersion", diff.awsTemplateFormatVersion], ["Transform", diff.transform]]) {
    if (d && d.isDifferent) other.push({ section, name: "", change: "modified", before: show(d.oldValue), after: show(d.newValue) });
  }
  for (const [section, c] of [["Outputs", diff.outputs], ["Parameters", diff.parameters], ["Conditions", diff.conditions],
    ["Mappings", diff.mappings], ["Metadata", diff.metadata], ["Other", diff.unknown]]) {
    c.forEachDifference((name, d) => {
      if (!d.isDifferent) return;
      const change = d.isAddition ? "added" : d.isRemoval ? "removed" : "modified";
      other.push({ section, name, change });
    });
  }
  return { id: pair.id, resources, other, permissionsBroadened: diff.permissionsBroadened, security };
});
process.stdout.write(JSON.stringify({ results }));
