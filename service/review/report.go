package review

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Variant is one synthesis: an env of cdk.json, an arch (a compute, or
// "all") and the store every compute runs on.
type Variant struct {
	Env   string `json:"env"`
	Arch  string `json:"arch"`
	Store string `json:"store"`
}

func (v Variant) String() string { return v.Env + " " + v.Arch + " on " + v.Store }

func compareVariants(a, b Variant) int {
	return cmp.Or(cmp.Compare(a.Env, b.Env), cmp.Compare(a.Arch, b.Arch), cmp.Compare(a.Store, b.Store))
}

// The changes a resource may undergo.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
	Replaced = "replaced"
)

// Revision is one side of the comparison.
type Revision struct {
	// Ref is what was asked for (--base), or "working tree".
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
	// Dirty: the working tree has changes that are not committed, and the
	// review includes them.
	Dirty bool `json:"dirty,omitempty"`
}

// Scope is what was synthesized: every env × store with the arch.
type Scope struct {
	Envs   []string `json:"envs"`
	Arch   string   `json:"arch"`
	Stores []string `json:"stores"`
}

// Property is one changed property (or DependsOn, DeletionPolicy, ...) of
// a resource. Before and After are set when the values are short scalars.
type Property struct {
	Name string `json:"name"`
	// Impact is the diff library's verdict on this property:
	// WILL_UPDATE, WILL_REPLACE, MAY_REPLACE; empty for attributes
	// that are not properties.
	Impact string `json:"impact,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// Resource is one resource that differs between the revisions.
type Resource struct {
	LogicalID string `json:"logicalId"`
	Type      string `json:"type"`
	// Change is Added, Removed, Modified or Replaced.
	Change string `json:"change"`
	// Impact is the diff library's changeImpact: WILL_CREATE,
	// WILL_UPDATE, WILL_REPLACE, MAY_REPLACE, WILL_DESTROY or
	// WILL_ORPHAN (removed but retained by its DeletionPolicy).
	Impact     string     `json:"impact"`
	Stateful   bool       `json:"stateful,omitempty"`
	Properties []Property `json:"properties,omitempty"`
}

// Stack statuses.
const (
	StackChanged = "changed"
	StackAdded   = "added"   // synthesized only by the working tree
	StackRemoved = "removed" // synthesized only by the base
)

// Stack is one stack that differs, in the variants where it differs alike.
type Stack struct {
	Name     string    `json:"name"`
	Variants []Variant `json:"variants"`
	Status   string    `json:"status"`
	// PermissionsBroadened: IAM statements or security-group rules grant
	// more than before, as the diff library reports it.
	PermissionsBroadened bool `json:"permissionsBroadened,omitempty"`
	// Security is the diff library's summary of the IAM statements,
	// managed policies and security-group rules added ("+") and removed
	// ("-").
	Security  []SecurityTable `json:"security,omitempty"`
	Resources []Resource      `json:"resources"`
	// Other are the changes outside Resources: the description, outputs,
	// parameters, conditions, mappings and metadata.
	Other []OtherChange `json:"other,omitempty"`
}

// OtherChange is a change outside a template's resources.
type OtherChange struct {
	// Section is Description, Outputs, Parameters, Conditions,
	// Mappings, Metadata, AWSTemplateFormatVersion, Transform or Other.
	Section string `json:"section"`
	Name    string `json:"name,omitempty"`
	Change  string `json:"change"` // Added, Removed or Modified
	Before  string `json:"before,omitempty"`
	After   string `json:"after,omitempty"`
}

// SecurityTable is one of the diff library's security summaries.
type SecurityTable struct {
	Title  string     `json:"title"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
}

// Count is how many of the stack's resources undergo change.
func (s Stack) Count(change string) int {
	n := 0
	for _, r := range s.Resources {
		if r.Change == change {
			n++
		}
	}
	return n
}

// StatefulChange is a stateful resource that would be replaced or
// removed by deploying the working tree over the base.
type StatefulChange struct {
	Stack     string    `json:"stack"`
	Variants  []Variant `json:"variants"`
	LogicalID string    `json:"logicalId"`
	Type      string    `json:"type"`
	Change    string    `json:"change"`
	Impact    string    `json:"impact"`
}

// The tools whose findings a review compares.
const (
	ToolCDKNag   = "cdk-nag"
	ToolCfnLint  = "cfn-lint"
	ToolCheckov  = "checkov"
	ToolCfnGuard = "cfn-guard"
)

// Finding is one rule a resource does not meet.
type Finding struct {
	Tool  string `json:"tool"`
	Stack string `json:"stack"`
	// Resource is the logical id ("" for the template as a whole).
	Resource string `json:"resource"`
	Rule     string `json:"rule"`
	Message  string `json:"message,omitempty"`
	// Accepted says where the revision accepts the finding and why (a
	// cdk-nag suppression's reason, .checkov.yaml's skip-check,
	// .cfnlintrc.yaml's ignore_checks, a .cfnguard.yaml exception); empty:
	// open, 'make lint-iac' fails on it.
	Accepted string `json:"accepted,omitempty"`
	// WasAccepted is the base's Accepted, in Findings.AcceptanceChanged.
	WasAccepted string    `json:"wasAccepted,omitempty"`
	Variants    []Variant `json:"variants"`
}

func (f Finding) key() string {
	return strings.Join([]string{f.Tool, f.Stack, f.Resource, f.Rule}, "\x00")
}

// Findings are the findings the change introduces and removes.
type Findings struct {
	New     []Finding `json:"new"`
	Removed []Finding `json:"removed"`
	// AcceptanceChanged are findings of both revisions that one accepts
	// and the other does not.
	AcceptanceChanged []Finding `json:"acceptanceChanged"`
}

// CostItem is one line of an estimate that changed.
type CostItem struct {
	Category  string   `json:"category"`
	Name      string   `json:"name"`
	BeforeUSD *float64 `json:"beforeUSD"`
	AfterUSD  *float64 `json:"afterUSD"`
	Detail    string   `json:"detail,omitempty"`
}

// Cost is one estimate of 'progress cost --env' on both revisions: nil
// where that revision makes no such estimate.
type Cost struct {
	Env       string     `json:"env"`
	Arch      string     `json:"arch"`
	Store     string     `json:"store"`
	BeforeUSD *float64   `json:"beforeUSD"`
	AfterUSD  *float64   `json:"afterUSD"`
	Items     []CostItem `json:"items,omitempty"`
	// CannotCarry is why the working tree's sizing cannot carry the
	// env's traffic, when it cannot.
	CannotCarry []string `json:"cannotCarry,omitempty"`
}

// Changed reports whether the estimate's total or any item differs.
func (c Cost) Changed() bool {
	return len(c.Items) > 0 || !sameUSD(c.BeforeUSD, c.AfterUSD)
}

// DeltaUSD is after minus before (0 when either is missing).
func (c Cost) DeltaUSD() float64 {
	if c.BeforeUSD == nil || c.AfterUSD == nil {
		return 0
	}
	return *c.AfterUSD - *c.BeforeUSD
}

// Report is a review's result.
type Report struct {
	Base  Revision `json:"base"`
	Head  Revision `json:"head"`
	Scope Scope    `json:"scope"`
	// Stacks are the stacks that differ; UnchangedStacks counts the
	// (variant, stack) pairs compared that do not.
	Stacks          []Stack          `json:"stacks"`
	UnchangedStacks int              `json:"unchangedStacks"`
	Stateful        []StatefulChange `json:"statefulChanges"`
	Cost            []Cost           `json:"cost"`
	Findings        Findings         `json:"findings"`
	// Notes say what could not be compared, and why.
	Notes        []string `json:"notes"`
	AllowReplace bool     `json:"allowReplace"`
	// Blocked: a stateful resource would be replaced or removed and
	// --allow-replace was not given; 'progress review' exits non-zero.
	Blocked bool `json:"blocked"`
}

// statefulChanges lists the replaced or removed stateful resources of
// stacks that both revisions synthesize. A stack that the working tree no
// longer synthesizes is not deleted by deploying it, so its resources are
// a note, not a change.
func statefulChanges(stacks []Stack) []StatefulChange {
	out := []StatefulChange{}
	for _, s := range stacks {
		if s.Status == StackRemoved {
			continue
		}
		for _, r := range s.Resources {
			if r.Stateful && (r.Change == Replaced || r.Change == Removed) {
				out = append(out, StatefulChange{Stack: s.Name, Variants: s.Variants, LogicalID: r.LogicalID, Type: r.Type, Change: r.Change, Impact: r.Impact})
			}
		}
	}
	return out
}

func sameUSD(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return fmt.Sprintf("%.2f", *a) == fmt.Sprintf("%.2f", *b)
}

// sortVariants sorts and deduplicates.
func sortVariants(vs []Variant) []Variant {
	slices.SortFunc(vs, compareVariants)
	return slices.Compact(vs)
}
