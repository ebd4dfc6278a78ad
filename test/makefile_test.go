package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/progresskit/progresskit/service/deploy"
)

// bin/progress is rebuilt when anything it compiles or embeds changes:
// 'make -n -W FILE' shows what make would do were FILE modified.
func TestMakeRebuildsTheCLIWhenItsSourcesChange(t *testing.T) {
	make := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("make", append([]string{"-C", ".."}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	make("-s", "bin/progress")
	if out := make("-n", "bin/progress"); strings.Contains(out, "go build") {
		t.Fatalf("bin/progress is stale right after building it:\n%s", out)
	}
	for _, src := range []string{
		"cdk/config/config.go",         // cost --env reads cdk.json through it
		"service/cost/prices.json",     // embedded
		"service/api/openapi.yaml",     // embedded
		"service/settings/settings.go", // flag and env names
	} {
		if out := make("-n", "-W", src, "bin/progress"); !strings.Contains(out, "go build") {
			t.Errorf("after a change to %s, make would not rebuild bin/progress:\n%s", src, out)
		}
	}
}

// make lint-iac lints every env with every arch on every store
// (cdk.out/<env>-<store>), and a second time with every optional setting
// set (cdk.out/<env>-full-<store>), and each of the three linters reads
// those templates: cfn-lint's globs and checkov's directories cover them,
// and cfn-guard is given them. Its store list is service/deploy's.
func TestLintIacLintsTheFullSettings(t *testing.T) {
	out, err := exec.Command("make", "-C", "..", "-n", "lint-iac").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n lint-iac: %v\n%s", err, out)
	}
	dry := string(out)
	for _, want := range []string{"test/lint/full-settings.json", `-c "progresskit:environments=$envs"`, "-o cdk.out/$env-full-$store", "-c store=$store"} {
		if !strings.Contains(dry, want) {
			t.Errorf("make lint-iac would not run %q:\n%s", want, dry)
		}
	}
	var guard []string
	for line := range strings.Lines(dry) {
		if strings.Contains(line, "./test/cfnguard") {
			guard = strings.Fields(line)
		}
	}
	var lint struct {
		Templates []string `yaml:"templates"`
	}
	var checkov struct {
		Directory []string `yaml:"directory"`
	}
	readYAML(t, "../.cfnlintrc.yaml", &lint)
	readYAML(t, "../.checkov.yaml", &checkov)
	for _, env := range cdkEnvs(t) {
		for _, store := range deploy.Stores {
			for _, dir := range []string{"cdk.out/" + env + "-" + store, "cdk.out/" + env + "-full-" + store} {
				if !slices.Contains(guard, dir) {
					t.Errorf("cfn-guard is not given %s: %s", dir, guard)
				}
			}
		}
		dir := "cdk.out/" + env + "-full-" + deploy.Stores[0]
		tpl := dir + "/Progress-" + env + "-Ci.template.json"
		matched := false
		for _, g := range lint.Templates {
			if ok, _ := filepath.Match(g, tpl); ok {
				matched = true
			}
		}
		if !matched {
			t.Errorf("cfn-lint's templates %v do not match %s", lint.Templates, tpl)
		}
		matched = false
		for _, d := range checkov.Directory {
			if rel, err := filepath.Rel(d, tpl); err == nil && !strings.HasPrefix(rel, "..") {
				matched = true
			}
		}
		if !matched {
			t.Errorf("checkov's directories %v do not hold %s", checkov.Directory, tpl)
		}
	}
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// cdkEnvs are the environments cdk.json defines.
func cdkEnvs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context struct {
			Environments map[string]any `json:"progresskit:environments"`
		} `json:"context"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var envs []string
	for env := range doc.Context.Environments {
		envs = append(envs, env)
	}
	if len(envs) == 0 {
		t.Fatal("cdk.json defines no environment")
	}
	return envs
}

// destroy-preview destroys a pull request's preview and never another
// env: it refuses before the CDK CLI runs.
func TestDestroyPreviewRefusesOtherEnvs(t *testing.T) {
	for _, env := range []string{"dev", "prod", "pr-", "pr-0", "preview"} {
		out, err := exec.Command("make", "-C", "..", "-s", "destroy-preview", "ENV="+env).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "is not a pull request's preview") {
			t.Errorf("make destroy-preview ENV=%s: %v\n%s", env, err, out)
		}
	}
	dry, err := exec.Command("make", "-C", "..", "-n", "destroy-preview", "ENV=pr-12").CombinedOutput()
	if err != nil || !strings.Contains(string(dry), "destroy -c env=pr-12 -c arch=all --all --force") {
		t.Errorf("make -n destroy-preview ENV=pr-12: %v\n%s", err, dry)
	}
}

// make review depends on the pinned tools it runs (the diff library in
// node_modules, cfn-lint's and checkov's virtualenvs) and bin/progress,
// and passes BASE and REVIEW_FLAGS on.
func TestMakeReviewInstallsWhatItRuns(t *testing.T) {
	out, err := exec.Command("make", "-C", "..", "-n", "-W", "package.json", "-W", "requirements-dev.txt",
		"-W", "requirements-checkov.txt", "-W", "service/review/review.go", "review", "BASE=abc123", "REVIEW_FLAGS=--env dev").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n review: %v\n%s", err, out)
	}
	dry := string(out)
	last := -1
	for _, want := range []string{"npm ci", "-r requirements-dev.txt", "-r requirements-checkov.txt", "-o bin/progress ./service/cmd/progress", "bin/progress review --base abc123 --env dev"} {
		i := strings.Index(dry, want)
		if i < 0 || i < last {
			t.Errorf("make review would not run %q (in this order):\n%s", want, dry)
		}
		last = i
	}
}
