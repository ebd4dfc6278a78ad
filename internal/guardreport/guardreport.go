// Package guardreport reads the report of 'cfn-guard validate --structured
// --output-format json': the rules each template fails, the resources each
// failure names, and the Control Tower control's own words. The lint gate
// (test/cfnguard) and 'progress review' both read it.
package guardreport

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
)

// ExitFailed is cfn-guard's exit status when a rule fails; any other
// non-zero status is its own error.
const ExitFailed = 19

// Finding is one failure of a rule in a template.
type Finding struct {
	// Template is the data file as the report names it.
	Template string
	Rule     string
	// Control is "[CT.X.PR.N]: what the control requires", when the
	// rule's messages carry it.
	Control string
	// Resources are the logical ids the failure names, sorted; none when
	// it names no resource.
	Resources []string
}

var (
	resourceRE = regexp.MustCompile(`/Resources/([A-Za-z0-9]+)`)
	controlRE  = regexp.MustCompile(`\[CT\.[A-Z0-9.]+\]: [^\n]*`)
)

// Parse reads a report: every failure, in the report's order.
func Parse(report []byte) ([]Finding, error) {
	var reports []struct {
		Name         string            `json:"name"`
		NotCompliant []json.RawMessage `json:"not_compliant"`
	}
	if err := json.Unmarshal(report, &reports); err != nil {
		return nil, fmt.Errorf("cfn-guard report: %w", err)
	}
	var out []Finding
	for _, r := range reports {
		for _, raw := range r.NotCompliant {
			var nc struct {
				Rule struct {
					Name string `json:"name"`
				} `json:"Rule"`
			}
			var tree any
			if json.Unmarshal(raw, &nc) != nil || nc.Rule.Name == "" || json.Unmarshal(raw, &tree) != nil {
				return nil, fmt.Errorf("cfn-guard report for %s: unexpected finding %.200s", r.Name, raw)
			}
			ids := map[string]bool{}
			for _, m := range resourceRE.FindAllStringSubmatch(string(raw), -1) {
				ids[m[1]] = true
			}
			resources := make([]string, 0, len(ids))
			for id := range ids {
				resources = append(resources, id)
			}
			sort.Strings(resources)
			out = append(out, Finding{Template: r.Name, Rule: nc.Rule.Name, Control: control(tree), Resources: resources})
		}
	}
	return out, nil
}

// control finds the "[CT.X.PR.N]: ..." line among a finding's messages.
func control(v any) string {
	switch x := v.(type) {
	case string:
		return controlRE.FindString(x)
	case map[string]any:
		// In key order, so a finding with two controls names the same
		// one on every run.
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if m := control(x[k]); m != "" {
				return m
			}
		}
	case []any:
		for _, e := range x {
			if m := control(e); m != "" {
				return m
			}
		}
	}
	return ""
}
