package review

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// lintConfig is what one revision's lint configuration accepts.
type lintConfig struct {
	cfnLintIgnore []string
	checkovSkip   []string
	guard         []guardException
}

type guardException struct {
	Rule      string `yaml:"rule"`
	Control   string `yaml:"control"`
	Templates string `yaml:"templates"`
	Reason    string `yaml:"reason"`
}

// loadLintConfig reads .cfnlintrc.yaml, .checkov.yaml and .cfnguard.yaml
// of a revision; a file it lacks accepts nothing.
func loadLintConfig(root string) (lintConfig, error) {
	var c lintConfig
	var cfnLint struct {
		IgnoreChecks []string `yaml:"ignore_checks"`
	}
	var checkov struct {
		SkipCheck []string `yaml:"skip-check"`
	}
	var guard struct {
		Exceptions []guardException `yaml:"exceptions"`
	}
	for _, f := range []struct {
		name string
		into any
	}{{".cfnlintrc.yaml", &cfnLint}, {".checkov.yaml", &checkov}, {".cfnguard.yaml", &guard}} {
		b, err := os.ReadFile(filepath.Join(root, f.name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return c, err
		}
		if err := yaml.Unmarshal(b, f.into); err != nil {
			return c, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	c.cfnLintIgnore, c.checkovSkip, c.guard = cfnLint.IgnoreChecks, checkov.SkipCheck, guard.Exceptions
	return c, nil
}

// accepted says where and why the revision accepts f, found in template
// (a file name such as Progress-dev-Data.template.json); "" when it does
// not.
func (c lintConfig) accepted(f finding, template string) string {
	switch f.Tool {
	case ToolCfnLint:
		for _, p := range c.cfnLintIgnore {
			if strings.HasPrefix(f.Rule, p) {
				return ".cfnlintrc.yaml ignore_checks: " + p
			}
		}
	case ToolCheckov:
		for _, p := range c.checkovSkip {
			if ok, _ := path.Match(p, f.Rule); ok || p == f.Rule {
				return ".checkov.yaml skip-check: " + p
			}
		}
	case ToolCfnGuard:
		for _, e := range c.guard {
			if ok, _ := filepath.Match(e.Templates, template); ok && e.Rule == f.Rule {
				return ".cfnguard.yaml exception (" + e.Control + "): " + strings.TrimSpace(e.Reason)
			}
		}
	}
	return f.Accepted
}

// keyed turns one template's findings into report findings, accepted by
// cfg, one per (resource, rule).
func keyed(stack, template string, fs []finding, cfg lintConfig) map[string]Finding {
	out := map[string]Finding{}
	for _, f := range fs {
		r := Finding{Tool: f.Tool, Stack: stack, Resource: f.Resource, Rule: f.Rule, Message: f.Message, Accepted: cfg.accepted(f, filepath.Base(template))}
		if prev, ok := out[r.key()]; ok && prev.Accepted == "" {
			continue // one open finding is enough to keep it open
		}
		out[r.key()] = r
	}
	return out
}

// sortFindings orders by stack, resource, tool and rule.
func sortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		if a.Tool != b.Tool {
			return a.Tool < b.Tool
		}
		return a.Rule < b.Rule
	})
}
