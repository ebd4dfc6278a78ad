// Package review compares two revisions of this repository the way a
// reviewer needs them compared, with no AWS credentials: it synthesizes a
// base revision (a git worktree) and the working tree for every env ×
// arch × store asked for, and reports
//
//   - per stack, the resources added, removed, modified and replaced, as
//     the CDK's own diff library (@aws-cdk/cloudformation-diff, pinned in
//     package.json) judges them, flagging a stateful resource
//     (StatefulTypes) that would be replaced or removed;
//   - per env, arch and store, the monthly cost estimate of each revision's
//     own 'progress cost', itemised where it changed;
//   - the cdk-nag, cfn-lint, checkov and Control Tower (cfn-guard) findings
//     the change introduces and those it removes, keyed by stack, resource
//     logical id and rule, each marked accepted when that revision's
//     configuration suppresses, skips or excepts it.
//
// 'progress review' (service/cmd/progress) prints the Report as Markdown or
// JSON; .github/workflows/review.yml runs it on every pull request.
package review
