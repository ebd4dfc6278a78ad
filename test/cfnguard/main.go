// Command cfnguard runs every AWS Control Tower proactive control (the
// cfn-guard rules shipped in @cdklabs/cdk-validator-cfnguard) on every
// synthesized template, and fails unless each rule a template does not
// meet is listed, with its reason, in the exceptions file. An exception no
// template needs any more fails too, so the list stays true.
//
//	go run ./test/cfnguard -guard BIN -rules DIR -exceptions FILE TEMPLATE_DIR...
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/progresskit/progresskit/internal/guardreport"
	"gopkg.in/yaml.v3"
)

// Exception is one rule a set of templates is allowed not to meet.
type Exception struct {
	Rule      string `yaml:"rule"`
	Control   string `yaml:"control"`
	Templates string `yaml:"templates"` // glob on the template's file name
	Reason    string `yaml:"reason"`
}

func main() {
	guard := flag.String("guard", "", "the cfn-guard binary")
	rules := flag.String("rules", "", "the directory of .guard rule files")
	exceptionsFile := flag.String("exceptions", ".cfnguard.yaml", "the exceptions file")
	flag.Parse()
	if err := run(os.Stdout, *guard, *rules, *exceptionsFile, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "cfnguard:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, guard, rules, exceptionsFile string, dirs []string) error {
	exceptions, err := readExceptions(exceptionsFile)
	if err != nil {
		return err
	}
	var templates []string
	for _, d := range dirs {
		found, err := filepath.Glob(filepath.Join(d, "*.template.json"))
		if err != nil {
			return err
		}
		templates = append(templates, found...)
	}
	if len(templates) == 0 {
		return fmt.Errorf("no *.template.json in %v: synthesize first", dirs)
	}
	ruleCount, err := countRules(rules)
	if err != nil {
		return err
	}
	failures := map[string][]finding{} // by template
	for _, tpl := range templates {
		f, err := validate(guard, rules, tpl)
		if err != nil {
			return err
		}
		failures[tpl] = f
	}
	used := make([]bool, len(exceptions))
	var unexplained []string
	excepted := 0
	for _, tpl := range templates {
		for _, f := range failures[tpl] {
			i := match(exceptions, f.Rule, filepath.Base(tpl))
			if i < 0 {
				unexplained = append(unexplained, fmt.Sprintf("%s: %s\n    %s", filepath.Base(tpl), f.Rule, f.Message))
				continue
			}
			used[i] = true
			excepted++
		}
	}
	var stale []string
	for i, e := range exceptions {
		if !used[i] {
			stale = append(stale, fmt.Sprintf("%s (%s) on %s", e.Rule, e.Control, e.Templates))
		}
	}
	fmt.Fprintf(w, "cfn-guard: %d Control Tower rules on %d templates: %d findings, each an exception with its reason in %s\n",
		ruleCount, len(templates), excepted, exceptionsFile)
	var errs []error
	if len(unexplained) > 0 {
		errs = append(errs, fmt.Errorf("%d findings are neither fixed nor excepted:\n  %s", len(unexplained), strings.Join(unexplained, "\n  ")))
	}
	if len(stale) > 0 {
		errs = append(errs, fmt.Errorf("exceptions no template needs any more (remove them):\n  %s", strings.Join(stale, "\n  ")))
	}
	return errors.Join(errs...)
}

func readExceptions(path string) ([]Exception, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Exceptions []Exception `yaml:"exceptions"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, e := range doc.Exceptions {
		if e.Rule == "" || e.Control == "" || e.Templates == "" || strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s: exception %+v needs rule, control, templates and reason", path, e)
		}
		if _, err := filepath.Match(e.Templates, ""); err != nil {
			return nil, fmt.Errorf("%s: %s: templates %q: %w", path, e.Rule, e.Templates, err)
		}
	}
	return doc.Exceptions, nil
}

func match(exceptions []Exception, rule, template string) int {
	for i, e := range exceptions {
		if ok, _ := filepath.Match(e.Templates, template); ok && e.Rule == rule {
			return i
		}
	}
	return -1
}

// countRules counts the rule files, so the summary says how much was run.
func countRules(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".guard") {
			n++
		}
		return err
	})
	if n == 0 && err == nil {
		err = fmt.Errorf("no .guard files under %s", dir)
	}
	return n, err
}

type finding struct{ Rule, Message string }

// validate runs cfn-guard on one template and returns the rules it fails.
func validate(guard, rules, template string) ([]finding, error) {
	cmd := exec.Command(guard, "validate", "--rules", rules, "--data", template,
		"--structured", "--output-format", "json", "--show-summary", "none")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != guardreport.ExitFailed) {
		return nil, fmt.Errorf("%s on %s: %v\n%s", guard, template, err, stderr.String())
	}
	failed, err := guardreport.Parse(stdout.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", template, err)
	}
	var out []finding
	seen := map[string]bool{}
	for _, f := range failed {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			out = append(out, finding{Rule: f.Rule, Message: f.Control})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out, nil
}
