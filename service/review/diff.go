package review

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
)

// diffScript drives @aws-cdk/cloudformation-diff; it runs from a
// temporary file with NODE_PATH at the tools' node_modules.
//
//go:embed templatediff.js
var diffScript []byte

// DiffPackage is the npm package the template diff needs, pinned in
// package.json.
const DiffPackage = "@aws-cdk/cloudformation-diff"

// templatePair is one stack to compare; an empty path is a stack that
// side does not synthesize.
type templatePair struct {
	ID  string `json:"id"`
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
}

type templateDiff struct {
	ID                   string          `json:"id"`
	PermissionsBroadened bool            `json:"permissionsBroadened"`
	Security             []SecurityTable `json:"security"`
	Other                []OtherChange   `json:"other"`
	Resources            []struct {
		LogicalID  string     `json:"logicalId"`
		Type       string     `json:"type"`
		OldType    string     `json:"oldType"`
		Added      bool       `json:"added"`
		Removed    bool       `json:"removed"`
		Impact     string     `json:"impact"`
		Properties []Property `json:"properties"`
	} `json:"resources"`
}

// diffTemplates compares every pair in one node process.
func diffTemplates(ctx context.Context, nodeModules, work string, pairs []templatePair) (map[string]templateDiff, error) {
	out := map[string]templateDiff{}
	if len(pairs) == 0 {
		return out, nil
	}
	if _, err := os.Stat(filepath.Join(nodeModules, filepath.FromSlash(DiffPackage))); err != nil {
		return nil, fmt.Errorf("%s is not installed in %s: run 'make tools' (or npm ci)", DiffPackage, nodeModules)
	}
	script := filepath.Join(work, "templatediff.js")
	if err := os.WriteFile(script, diffScript, 0o644); err != nil {
		return nil, err
	}
	job := filepath.Join(work, "templatediff-job.json")
	b, err := json.Marshal(map[string]any{"pairs": pairs})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(job, b, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", script, job)
	// Plain text: the library colours its security tables on a terminal.
	cmd.Env = append(childEnv(), "NODE_PATH="+nodeModules, "FORCE_COLOR=0", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node templatediff.js: %v\n%s", err, tail(stderr.Bytes()))
	}
	var res struct {
		Results []templateDiff `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("node templatediff.js: %w", err)
	}
	for _, r := range res.Results {
		out[r.ID] = r
	}
	return out, nil
}

// resources turns the library's verdicts into the report's changes.
func (d templateDiff) resources() []Resource {
	var out []Resource
	for _, r := range d.Resources {
		c := Modified
		switch {
		case r.Added:
			c = Added
		case r.Removed:
			c = Removed
		case r.Impact == "WILL_REPLACE" || r.Impact == "MAY_REPLACE":
			c = Replaced
		}
		typ := r.Type
		stateful := Stateful(typ) || Stateful(r.OldType)
		if r.OldType != "" && r.OldType != r.Type {
			typ = r.OldType + " → " + r.Type
		}
		out = append(out, Resource{LogicalID: r.LogicalID, Type: typ, Change: c, Impact: r.Impact, Stateful: stateful, Properties: r.Properties})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}
