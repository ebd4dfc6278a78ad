package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/review"
)

// 'progress review' against a scratch git repository made from this
// checkout: its files committed as the base, and each scenario a commit on
// a branch of its own. Each review is narrowed to dev's Fargate on
// DynamoDB (two syntheses) and runs with the checkout's pinned tools.
func TestReview(t *testing.T) {
	checkout, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"node_modules/" + review.DiffPackage, ".venv/bin/cfn-lint", ".venv-checkov/bin/checkov", "node_modules/@cdklabs/cdk-validator-cfnguard"} {
		if _, err := os.Stat(filepath.Join(checkout, tool)); err != nil {
			t.Fatalf("%v: run 'make tools' first", err)
		}
	}
	repo := scratchRepo(t, checkout)
	base := gitOut(t, repo, "rev-parse", "HEAD")
	narrow := []string{"--base", base, "--env", "dev", "--arch", "fargate", "--store", "dynamodb", "--tools", checkout}

	t.Run("a bigger Fargate task changes the task definition and the cost", func(t *testing.T) {
		dir := scenario(t, repo, "fargate-size", "cdk.json", func(s string) string {
			// dev's sizing is the first; prod's differs.
			return strings.Replace(s, `"fargateCpu": 256,
          "fargateMemoryMiB": 512,`, `"fargateCpu": 512,
          "fargateMemoryMiB": 1024,`, 1)
		})
		rep, stderr, code := runReview(t, dir, append(narrow, "--format", "json")...)
		if code != 0 {
			t.Fatalf("exit %d, want 0:\n%s", code, stderr)
		}
		task := findResource(rep, "Progress-dev-Fargate", "AWS::ECS::TaskDefinition")
		if task == nil || (task.Change != review.Modified && task.Change != review.Replaced) {
			t.Fatalf("the task definition is not reported changed: %+v", rep.Stacks)
		}
		if !hasProperty(*task, "Cpu", "256", "512") || !hasProperty(*task, "Memory", "512", "1024") {
			t.Errorf("the task definition's changes do not show Cpu 256 → 512 and Memory 512 → 1024: %+v", task.Properties)
		}
		var fargate *review.Cost
		for i, c := range rep.Cost {
			if c.Env == "dev" && c.Arch == "fargate" && c.Store == "dynamodb" {
				fargate = &rep.Cost[i]
			}
		}
		if fargate == nil || fargate.DeltaUSD() <= 0 || len(fargate.Items) == 0 {
			t.Fatalf("dev's Fargate on DynamoDB costs no more: %+v", rep.Cost)
		}
		if len(rep.Cost) != 1 {
			t.Errorf("cost estimates outside --arch fargate --store dynamodb: %+v", rep.Cost)
		}
		if len(rep.Stateful) != 0 || rep.Blocked {
			t.Errorf("stateful changes reported for a task size: %+v", rep.Stateful)
		}
		if len(rep.Findings.New)+len(rep.Findings.Removed) != 0 {
			t.Errorf("a task size changed the findings: %+v", rep.Findings)
		}
	})

	t.Run("a new partition key replaces the table and fails the review", func(t *testing.T) {
		dir := scenario(t, repo, "partition-key", "service/store/dynamoschema/schema.go", func(s string) string {
			return strings.Replace(s, `AttrPartitionKey = "pk"`, `AttrPartitionKey = "learner"`, 1)
		})
		md, stderr, code := runReviewRaw(t, dir, narrow...)
		if code == 0 {
			t.Fatalf("exit 0 for a replaced table:\n%s\n%s", md, stderr)
		}
		if !regexp.MustCompile("⛔ `ProgressTable[0-9A-F]+` \\(AWS::DynamoDB::Table\\) in Progress-dev-Data is \\*\\*replaced\\*\\*").MatchString(md) {
			t.Errorf("the report does not flag the table's replacement:\n%s", md)
		}
		if !strings.Contains(stderr, "--allow-replace") {
			t.Errorf("stderr does not say how to accept it:\n%s", stderr)
		}
		for line := range strings.Lines(gitOut(t, repo, "worktree", "list", "--porcelain")) {
			if path, ok := strings.CutPrefix(strings.TrimSpace(line), "worktree "); ok && filepath.Dir(path) != filepath.Dir(repo) {
				t.Errorf("the review left its worktree of the base behind: %s", path)
			}
		}
	})

	t.Run("a security-group rule open to the world is a new finding", func(t *testing.T) {
		dir := scenario(t, repo, "open-ssh", "constructs/fargateservice/fargateservice.go", func(s string) string {
			anchor := "sg := (*f.Service.Connections().SecurityGroups())[0]\n"
			i := strings.Index(s, anchor)
			if i < 0 {
				t.Fatalf("fargateservice.go has no %q to add a rule after", anchor)
			}
			j := i + len(anchor)
			s = s[:j] + "\tsg.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(22)), jsii.String(\"ssh from anywhere\"), nil)\n" + s[j:]
			if ec2 := `"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"`; !strings.Contains(s, ec2) {
				s = strings.Replace(s, "import (\n", "import (\n\t"+ec2+"\n", 1)
			}
			return s
		})
		rep, stderr, code := runReview(t, dir, append(narrow, "--format", "json")...)
		if code != 0 {
			t.Fatalf("exit %d, want 0:\n%s", code, stderr)
		}
		open := map[string]bool{}
		for _, f := range rep.Findings.New {
			if f.Stack != "Progress-dev-Fargate" || !strings.HasPrefix(f.Resource, "ServiceSecurityGroup") {
				t.Errorf("a new finding unrelated to the rule: %+v", f)
			}
			if f.Accepted == "" {
				open[f.Tool] = true
			}
		}
		if !open[review.ToolCheckov] || !open[review.ToolCDKNag] || !open[review.ToolCfnGuard] {
			t.Errorf("checkov, cdk-nag and cfn-guard should each report the open port 22 on the tasks' group; open findings by tool: %v\n%+v", open, rep.Findings.New)
		}
		if len(rep.Findings.Removed) != 0 {
			t.Errorf("findings removed by adding a rule: %+v", rep.Findings.Removed)
		}
		sg := findResource(rep, "Progress-dev-Fargate", "AWS::EC2::SecurityGroup")
		if sg == nil || sg.Change != review.Modified {
			t.Errorf("the tasks' security group is not reported modified: %+v", rep.Stacks)
		}
	})
}

// scratchRepo copies the checkout's files (tracked, and untracked ones
// that are not ignored, as they are now) into a new repository and commits
// them.
func scratchRepo(t *testing.T, checkout string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	out, err := exec.Command("git", "-C", checkout, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(checkout, name)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted, or a link to the tools (a worktree's)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	gitOut(t, dir, "init", "--quiet", "--initial-branch=main")
	gitOut(t, dir, "add", "--all")
	gitOut(t, dir, "commit", "--quiet", "--message", "base: this checkout")
	return dir
}

// scenario is a worktree of the scratch repository on a new branch from
// its base, with edit applied to file and committed.
func scenario(t *testing.T, repo, branch, file string, edit func(string) string) string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(repo), branch)
	gitOut(t, repo, "worktree", "add", "--quiet", "-b", branch, dir, "main")
	path := filepath.Join(dir, file)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	changed := edit(string(b))
	if changed == string(b) {
		t.Fatalf("the %s scenario no longer applies to %s: update the test", branch, file)
	}
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	gitOut(t, dir, "commit", "--quiet", "--all", "--message", branch)
	return dir
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.com", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// noAWS leaves nothing a command could reach AWS with.
var noAWS = []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
	"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}

func runReviewRaw(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	stdout, stderr, code := runCLI(t, dir, noAWS, append([]string{"review"}, args...)...)
	t.Logf("progress review %s:\n%s", strings.Join(args, " "), stderr)
	return stdout, stderr, code
}

func runReview(t *testing.T, dir string, args ...string) (*review.Report, string, int) {
	t.Helper()
	stdout, stderr, code := runReviewRaw(t, dir, args...)
	var rep review.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("exit %d, report %v:\n%s\n%s", code, err, stdout, stderr)
	}
	return &rep, stderr, code
}

func findResource(rep *review.Report, stack, typ string) *review.Resource {
	for _, s := range rep.Stacks {
		if s.Name != stack {
			continue
		}
		for i, r := range s.Resources {
			if r.Type == typ {
				return &s.Resources[i]
			}
		}
	}
	return nil
}

func hasProperty(r review.Resource, name, before, after string) bool {
	for _, p := range r.Properties {
		if p.Name == name && p.Before == before && p.After == after {
			return true
		}
	}
	return false
}
