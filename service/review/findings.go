package review

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/progresskit/progresskit/internal/guardreport"
	"golang.org/x/sync/errgroup"
)

// finding is one tool's finding on one template, before a revision's
// configuration says whether it is accepted.
type finding struct {
	Tool, Resource, Rule, Message string
	// Accepted is set by the tool itself (cdk-nag's suppressions, which
	// the app applies); the other tools' are applied per revision.
	Accepted string
}

// tools are the linters 'make lint-iac' runs, from the pinned installs
// ('make tools') under one directory.
type tools struct {
	dir, cfnLint, checkov, guard, guardRules string
}

func findTools(dir string) (*tools, error) {
	// The binaries the pinned package bundles, by system and CPU.
	platform := map[string]string{"darwin": "macos"}[runtime.GOOS]
	if platform == "" {
		platform = "ubuntu"
	}
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	guardPkg := filepath.Join(dir, "node_modules", "@cdklabs", "cdk-validator-cfnguard")
	t := &tools{
		dir:        dir,
		cfnLint:    filepath.Join(dir, ".venv", "bin", "cfn-lint"),
		checkov:    filepath.Join(dir, ".venv-checkov", "bin", "checkov"),
		guard:      filepath.Join(guardPkg, "bin", platform, arch, "cfn-guard"),
		guardRules: filepath.Join(guardPkg, "rules", "control-tower", "cfn-guard"),
	}
	for _, p := range []string{t.cfnLint, t.checkov, t.guard, t.guardRules, t.nodeModules()} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s: run 'make tools' in %s (or pass --tools)", p, dir)
		}
	}
	return t, nil
}

func (t *tools) nodeModules() string { return filepath.Join(t.dir, "node_modules") }

// lint runs cfn-lint, checkov and cfn-guard, at once, each once on every
// template, with no configuration (in an empty directory), so that every
// finding is seen and each revision's own configuration then marks what it
// accepts.
func (t *tools) lint(ctx context.Context, work string, files []string) (map[string][]finding, error) {
	out := map[string][]finding{}
	if len(files) == 0 {
		return out, nil
	}
	dir := filepath.Join(work, "lint")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// A stack the change leaves alone has the same template in both
	// revisions (and often in every store): each content is linted once.
	first := map[[sha256.Size]byte]string{}
	same := map[string][]string{} // the file linted -> the files alike
	var unique []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		if _, ok := first[sum]; !ok {
			first[sum] = f
			unique = append(unique, f)
		}
		same[first[sum]] = append(same[first[sum]], f)
	}
	linters := []func(context.Context, string, []string, map[string][]finding) error{t.runCfnLint, t.runCheckov, t.runGuard}
	found := make([]map[string][]finding, len(linters))
	g, gctx := errgroup.WithContext(ctx)
	for i, run := range linters {
		found[i] = map[string][]finding{}
		g.Go(func() error { return run(gctx, dir, unique, found[i]) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, m := range found {
		for f, list := range m {
			for _, alike := range same[f] {
				out[alike] = append(out[alike], list...)
			}
		}
	}
	return out, nil
}

// runTool runs a linter that exits non-zero when it finds something;
// the caller decides from its output whether it ran.
func runTool(ctx context.Context, dir, bin string, args ...string) (stdout []byte, stderr string, exit int, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return o.Bytes(), e.String(), ee.ExitCode(), nil
	}
	return o.Bytes(), e.String(), 0, err
}

func (t *tools) runCfnLint(ctx context.Context, dir string, files []string, out map[string][]finding) error {
	stdout, stderr, _, err := runTool(ctx, dir, t.cfnLint, append([]string{"--format", "json", "--"}, files...)...)
	if err != nil {
		return fmt.Errorf("cfn-lint: %w", err)
	}
	var matches []struct {
		Filename string
		Message  string
		Rule     struct{ Id, ShortDescription string }
		Location struct{ Path []any }
	}
	if err := json.Unmarshal(stdout, &matches); err != nil {
		return fmt.Errorf("cfn-lint did not report: %v\n%s", err, tail([]byte(stderr)))
	}
	for _, m := range matches {
		res := ""
		if len(m.Location.Path) > 1 && m.Location.Path[0] == "Resources" {
			res, _ = m.Location.Path[1].(string)
		}
		out[absIn(dir, m.Filename)] = append(out[absIn(dir, m.Filename)], finding{Tool: ToolCfnLint, Resource: res, Rule: m.Rule.Id, Message: m.Rule.ShortDescription})
	}
	return nil
}

func (t *tools) runCheckov(ctx context.Context, dir string, files []string, out map[string][]finding) error {
	args := []string{"--framework", "cloudformation", "--skip-download", "--quiet", "--compact", "--output", "json", "--file"}
	stdout, stderr, _, err := runTool(ctx, dir, t.checkov, append(args, files...)...)
	if err != nil {
		return fmt.Errorf("checkov: %w", err)
	}
	type report struct {
		Results struct {
			FailedChecks []struct {
				CheckID     string `json:"check_id"`
				CheckName   string `json:"check_name"`
				Resource    string `json:"resource"`
				FileAbsPath string `json:"file_abs_path"`
			} `json:"failed_checks"`
		} `json:"results"`
	}
	var reports []report
	trimmed := bytes.TrimSpace(stdout)
	switch {
	case bytes.HasPrefix(trimmed, []byte("[")):
		err = json.Unmarshal(trimmed, &reports)
	default:
		var r report
		err = json.Unmarshal(trimmed, &r)
		reports = append(reports, r)
	}
	if err != nil {
		return fmt.Errorf("checkov did not report: %v\n%s", err, tail([]byte(stderr)))
	}
	for _, r := range reports {
		for _, c := range r.Results.FailedChecks {
			// "AWS::EC2::SecurityGroup.TaskSg1234": the type, then the id.
			res := c.Resource
			if i := strings.LastIndex(res, "."); i >= 0 {
				res = res[i+1:]
			}
			f := absIn(dir, c.FileAbsPath)
			out[f] = append(out[f], finding{Tool: ToolCheckov, Resource: res, Rule: c.CheckID, Message: c.CheckName})
		}
	}
	return nil
}

func (t *tools) runGuard(ctx context.Context, dir string, files []string, out map[string][]finding) error {
	args := []string{"validate", "--rules", t.guardRules, "--structured", "--output-format", "json", "--show-summary", "none"}
	for _, f := range files {
		args = append(args, "--data", f)
	}
	stdout, stderr, exit, err := runTool(ctx, dir, t.guard, args...)
	if err != nil || (exit != 0 && exit != guardreport.ExitFailed) {
		return fmt.Errorf("cfn-guard: exit %d %v\n%s", exit, err, tail([]byte(stderr)))
	}
	failed, err := guardreport.Parse(stdout)
	if err != nil {
		return fmt.Errorf("%v\n%s", err, tail([]byte(stderr)))
	}
	for _, g := range failed {
		f := absIn(dir, g.Template)
		ids := g.Resources
		if len(ids) == 0 {
			ids = []string{""}
		}
		for _, id := range ids {
			out[f] = append(out[f], finding{Tool: ToolCfnGuard, Resource: id, Rule: g.Rule, Message: g.Control})
		}
	}
	return nil
}

func absIn(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// nagFindings reads the cdk-nag reports the app wrote into a synthesis
// (AwsSolutions-*-NagReport.csv), by template: each row names a construct
// path, which the templates' aws:cdk:path metadata maps to a logical id.
func nagFindings(dir string, stacks map[string]string) (map[string][]finding, error) {
	type where struct{ template, logicalID string }
	byPath := map[string]where{}
	for _, tpl := range stacks {
		b, err := os.ReadFile(tpl)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Resources map[string]struct {
				Metadata map[string]any
			}
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", tpl, err)
		}
		for id, r := range doc.Resources {
			if p, ok := r.Metadata["aws:cdk:path"].(string); ok {
				byPath[p] = where{tpl, id}
			}
		}
	}
	reports, err := filepath.Glob(filepath.Join(dir, "*-NagReport.csv"))
	if err != nil {
		return nil, err
	}
	out := map[string][]finding{}
	for _, rep := range reports {
		f, err := os.Open(rep)
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		header := true
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", rep, err)
			}
			if header || len(rec) < 4 {
				header = false
				continue
			}
			rule, cpath, compliance, reason := rec[0], rec[1], rec[2], rec[3]
			info := ""
			if len(rec) > 5 {
				info = rec[5]
			}
			if compliance == "Compliant" || compliance == "N/A" {
				continue
			}
			accepted := ""
			if compliance == "Suppressed" {
				accepted = "cdk-nag suppression: " + reason
			}
			w, ok := byPath[cpath]
			if !ok {
				// A construct without a template resource of its own:
				// its stack is the path's first element.
				stack, _, _ := strings.Cut(cpath, "/")
				w = where{stacks[stack], cpath}
			}
			if w.template == "" {
				continue
			}
			out[w.template] = append(out[w.template], finding{Tool: ToolCDKNag, Resource: w.logicalID, Rule: rule, Message: info, Accepted: accepted})
		}
		f.Close()
	}
	return out, nil
}
