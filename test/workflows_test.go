package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// 'make lint-workflows' runs actionlint on every workflow: each file in
// .github/workflows is linted, and none has an error.
func TestLintWorkflowsCoversEveryWorkflow(t *testing.T) {
	dry, err := exec.Command("make", "-C", "..", "-s", "-n", "lint-workflows").Output()
	if err != nil {
		t.Fatalf("make -n lint-workflows: %v", err)
	}
	var args []string
	for line := range strings.Lines(string(dry)) {
		if strings.Contains(line, "actionlint") {
			args = strings.Fields(line)
		}
	}
	if len(args) == 0 {
		t.Fatalf("make lint-workflows does not run actionlint:\n%s", dry)
	}
	cmd := exec.Command(args[0], append(args[1:], "-verbose")...)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	files, err := filepath.Glob("../.github/workflows/*.y*ml")
	if err != nil || len(files) < 2 {
		t.Fatalf("workflows: %v %v", files, err)
	}
	for _, f := range files {
		if name := ".github/workflows/" + filepath.Base(f); !strings.Contains(string(out), "Linting "+name) {
			t.Errorf("actionlint, as make lint-workflows runs it, does not lint %s:\n%s", name, out)
		}
	}
}

// The review workflow runs on every pull request, forks included, with a
// read-only token but for its comment, and never on pull_request_target
// (which would run a fork's code with the base's token). The report is the
// job's summary; the comment, one per pull request found by its marker,
// is only for pull requests from this repository.
func TestReviewWorkflow(t *testing.T) {
	b, err := os.ReadFile("../.github/workflows/review.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On          map[string]any    `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Concurrency any               `yaml:"concurrency"`
		Jobs        map[string]struct {
			If          string            `yaml:"if"`
			Concurrency map[string]any    `yaml:"concurrency"`
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				ID   string            `yaml:"id"`
				If   string            `yaml:"if"`
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	if _, ok := wf.On["pull_request"]; !ok || len(wf.On) != 1 {
		t.Errorf("triggers %v: want pull_request alone", wf.On)
	}
	if len(wf.Permissions) != 1 || wf.Permissions["contents"] != "read" {
		t.Errorf("workflow permissions %v: want contents: read", wf.Permissions)
	}
	job, ok := wf.Jobs["review"]
	if !ok || len(wf.Jobs) != 1 {
		t.Fatalf("jobs: want one, review")
	}
	// A label event that skips the job (preview's) must not cancel a
	// review in progress: the concurrency group is the job's, after its if.
	if wf.Concurrency != nil || job.Concurrency["cancel-in-progress"] != true || !strings.Contains(job.If, "allow-replace") {
		t.Errorf("concurrency: workflow %v, job %v, if %q: want the job's alone, with an if that runs label events for allow-replace only", wf.Concurrency, job.Concurrency, job.If)
	}
	if len(job.Permissions) != 2 || job.Permissions["contents"] != "read" || job.Permissions["pull-requests"] != "write" {
		t.Errorf("job permissions %v: want contents: read and pull-requests: write (the comment) alone", job.Permissions)
	}
	var reviewed, summary, comment bool
	for _, s := range job.Steps {
		if strings.Contains(s.Run, "bin/progress review --base HEAD^1") {
			reviewed = true
			summary = strings.Contains(s.Run, `>>"$GITHUB_STEP_SUMMARY"`)
		}
		if strings.HasPrefix(s.Uses, "actions/github-script@") {
			comment = true
			if !strings.Contains(s.If, "github.event.pull_request.head.repo.full_name == github.repository") {
				t.Errorf("the comment step runs for forks too: if %q", s.If)
			}
			script := s.With["script"]
			for _, want := range []string{"<!-- progresskit-review -->", "updateComment", "createComment", "listComments"} {
				if !strings.Contains(script, want) {
					t.Errorf("the comment script lacks %q: it must update its one comment, found by the marker", want)
				}
			}
		}
		if strings.HasPrefix(s.Uses, "actions/checkout@") && s.With["fetch-depth"] != "2" {
			t.Errorf("checkout fetch-depth %q: the review's base is the merge's first parent, HEAD^1", s.With["fetch-depth"])
		}
	}
	if !reviewed || !summary || !comment {
		t.Errorf("steps: review %v, job summary %v, comment %v; want all three", reviewed, summary, comment)
	}
}
