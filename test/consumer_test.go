package test

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/service/container"
	"github.com/progresskit/progresskit/service/deploy"
)

// ownStore is a module only a binary built for the store links.
var ownStore = map[string]string{
	deploy.DynamoDB: "github.com/aws/aws-sdk-go-v2/service/dynamodb",
	deploy.Postgres: "github.com/jackc/pgx/v5",
}

// TestConstructsFromAReleasedVersion is a platform team using progresskit
// as it would: its own module (test/consumer, copied out of this
// repository so nothing of ours is above it) gets this checkout as a
// released version from a module proxy, into a module cache of its own
// (read-only, as 'go get' leaves it), and synthesizes through the real CDK
// CLI every compute on every store in environment-agnostic stacks with
// required props only, and again in the team's own VPC and user pool. It
// then opens what each stack would deploy.
func TestConstructsFromAReleasedVersion(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	release := serveRelease(t, root)
	app := filepath.Join(t.TempDir(), "learningplatform")
	if err := os.CopyFS(app, os.DirFS("consumer")); err != nil {
		t.Fatal(err)
	}
	// Modules other than progresskit come from this machine's cache, or the
	// proxy it uses, as they would on the team's.
	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	cache := filepath.Join(t.TempDir(), "mod")
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "GOMODCACHE="+cache,
		"GOPROXY="+release+",file://"+filepath.ToSlash(filepath.Join(goEnv("GOMODCACHE"), "cache", "download"))+","+goEnv("GOPROXY"),
		"GONOSUMDB="+assets.ModulePath, "GOPRIVATE=")
	t.Cleanup(func() {
		clean := exec.Command("go", "clean", "-modcache") // the cache is read-only
		clean.Env = env
		clean.Run()
	})
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = app
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("go", "get", assets.ModulePath+"@"+releaseVersion)
	where := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", assets.ModulePath)
	where.Dir, where.Env = app, env
	if dir, err := where.Output(); err != nil || !strings.HasPrefix(string(dir), cache) {
		t.Fatalf("the consumer builds progresskit from %q (%v), not the module cache", dir, err)
	}
	run(filepath.Join(root, "node_modules", ".bin", "cdk"), "synth", "--quiet", "--output", "cdk.out")
	out := filepath.Join(app, "cdk.out")

	stores := map[string]string{"DynamoDB": deploy.DynamoDB, "Postgres": deploy.Postgres}
	for _, name := range []string{"DynamoDB", "Postgres"} {
		store := stores[name]
		t.Run("Lambda-"+name, func(t *testing.T) {
			stack := readStack(t, out, "Progress-Lambda-"+name)
			stack.checkAgnostic(t)
			fn := stack.service(t)
			key, _ := fn["Code"].(map[string]any)["S3Key"].(string)
			asset := stack.file(t, strings.TrimSuffix(key, ".zip"))
			if asset.Packaging != "zip" {
				t.Fatalf("Lambda code packaging %q, want a zip of the directory", asset.Packaging)
			}
			entries, err := os.ReadDir(filepath.Join(out, asset.Path))
			if err != nil || len(entries) != 1 || entries[0].Name() != "bootstrap" {
				t.Fatalf("Lambda asset %s holds %v (%v), want exactly bootstrap", asset.Path, entries, err)
			}
			bin := filepath.Join(out, asset.Path, "bootstrap")
			checkArm64Executable(t, bin)
			checkBuiltFrom(t, bin, assets.Bootstrap(store))
			checkLinksOnly(t, bin, store)
			if n := len(stack.all("AWS::RDS::DBProxy")); (store == deploy.Postgres) != (n == 1) {
				t.Errorf("%d RDS proxies on %s", n, store)
			}
		})
		t.Run("Ec2-"+name, func(t *testing.T) {
			stack := readStack(t, out, "Progress-Ec2-"+name)
			stack.checkAgnostic(t)
			var binaries []assetSource
			for hash, a := range stack.Assets.Files {
				if a.Source.Packaging == "file" && !strings.HasSuffix(a.Source.Path, ".template.json") {
					binaries = append(binaries, a.Source)
					if !strings.Contains(stack.raw, hash) {
						t.Errorf("asset %s is not used by the template", hash)
					}
				}
			}
			if len(binaries) != 1 {
				t.Fatalf("%d single-file assets, want the server binary alone: %+v", len(binaries), binaries)
			}
			bin := filepath.Join(out, binaries[0].Path)
			checkArm64Executable(t, bin)
			checkBuiltFrom(t, bin, assets.Server(store))
			checkLinksOnly(t, bin, store)
		})
		t.Run("Fargate-"+name, func(t *testing.T) {
			stack := readStack(t, out, "Progress-Fargate-"+name)
			stack.checkAgnostic(t)
			checkContainerContext(t, out, stack, store)
		})
	}
	t.Run("Team-Lambda", func(t *testing.T) {
		stack := readStack(t, out, "Team-Lambda")
		key, _ := stack.service(t)["Code"].(map[string]any)["S3Key"].(string)
		checkBuiltFrom(t, filepath.Join(out, stack.file(t, strings.TrimSuffix(key, ".zip")).Path, "bootstrap"), assets.Bootstrap(deploy.DynamoDB))
	})
	t.Run("Team-Fargate", func(t *testing.T) {
		checkContainerContext(t, out, readStack(t, out, "Team-Fargate"), deploy.DynamoDB)
	})
	// Stacks without an Env take paths the app's own never do (the access
	// logs' principal found by a region map at deploy time): the linters
	// read them too, with the repository's own configuration.
	t.Run("cfn-lint and checkov", func(t *testing.T) {
		templates, _ := filepath.Glob(filepath.Join(out, "*.template.json"))
		if len(templates) == 0 {
			t.Fatal("no templates synthesized")
		}
		lint := exec.Command(filepath.Join(root, ".venv", "bin", "cfn-lint"), append([]string{"--"}, templates...)...)
		lint.Dir = root // .cfnlintrc.yaml
		if out, err := lint.CombinedOutput(); err != nil {
			t.Errorf("cfn-lint: %v\n%s", err, out)
		}
		checkov := exec.Command(filepath.Join(root, ".venv-checkov", "bin", "checkov"), "--config-file", filepath.Join(root, ".checkov.yaml"), "--directory", out)
		checkov.Dir = root
		if out, err := checkov.CombinedOutput(); err != nil {
			t.Errorf("checkov: %v\n%s", err, out)
		}
	})
	t.Run("Team stacks create no VPC and no user pool", func(t *testing.T) {
		for _, name := range []string{"Team-Lambda", "Team-Fargate", "Team-Ec2"} {
			stack := readStack(t, out, name)
			for _, typ := range []string{"AWS::EC2::VPC", "AWS::Cognito::UserPool"} {
				if n := len(stack.all(typ)); n != 0 {
					t.Errorf("%s creates %d %s; it should use the team's", name, n, typ)
				}
			}
		}
	})
}

// checkContainerContext: the stack's one image is built for arm64 from
// service/container's Dockerfile, whose every COPY is in the context: the
// server built for store.
func checkContainerContext(t *testing.T, out string, stack *synthStack, store string) {
	t.Helper()
	if len(stack.Assets.DockerImages) != 1 {
		t.Fatalf("%d image assets, want 1", len(stack.Assets.DockerImages))
	}
	for _, img := range stack.Assets.DockerImages {
		if img.Source.Platform != "linux/arm64" {
			t.Errorf("image platform %q", img.Source.Platform)
		}
		dir := filepath.Join(out, img.Source.Directory)
		dockerfile, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		if string(dockerfile) != container.Dockerfile {
			t.Error("the context's Dockerfile is not service/container's")
		}
		copies := regexp.MustCompile(`(?m)^COPY\s+(\S+)`).FindAllStringSubmatch(string(dockerfile), -1)
		if len(copies) == 0 {
			t.Fatal("the Dockerfile copies nothing")
		}
		for _, c := range copies {
			src := filepath.Join(dir, strings.ReplaceAll(c[1], "${TARGETARCH}", assets.DeployArch))
			checkArm64Executable(t, src)
			checkBuiltFrom(t, src, assets.Server(store))
			checkLinksOnly(t, src, store)
		}
	}
}

// checkLinksOnly: a deployed binary links its own store's client and no
// other store's (go version -m).
func checkLinksOnly(t *testing.T, bin, store string) {
	t.Helper()
	_, modules := buildInfo(t, bin)
	if !slices.Contains(modules, ownStore[store]) {
		t.Errorf("%s does not link %s's client %s", bin, store, ownStore[store])
	}
	for _, m := range modules {
		for _, other := range otherStores[store] {
			if strings.Contains(m, other) {
				t.Errorf("%s, built for %s, links %s", bin, store, m)
			}
		}
	}
}

// checkArm64Executable: what Lambda, EC2 and the image run must be a
// static, stripped linux/arm64 executable.
func checkArm64Executable(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o111 == 0 {
		t.Errorf("%s is not executable (%v)", path, st.Mode())
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s is not an ELF file: %v", path, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Type != elf.ET_EXEC {
		t.Errorf("%s is %v %v, want an arm64 executable", path, f.Machine, f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s is dynamically linked", path)
		}
	}
	if f.Section(".symtab") != nil {
		t.Errorf("%s is not stripped", path)
	}
}

// checkBuiltFrom: a deployed executable is built from b's main package, so
// instances and the image run the server, never the operator's CLI.
func checkBuiltFrom(t *testing.T, path string, b assets.Binary) {
	t.Helper()
	want := assets.ModulePath + strings.TrimPrefix(b.Package, ".")
	if main, _ := buildInfo(t, path); main != want {
		t.Errorf("%s is built from %s, want %s", path, main, want)
	}
}

// synthStack is one stack of a cloud assembly: its template and assets.
type synthStack struct {
	raw         string
	environment string // the cloud assembly's aws://account/region
	Resources   map[string]struct {
		Type       string
		Properties map[string]any
	}
	Assets struct {
		Files map[string]struct {
			Source assetSource
		}
		DockerImages map[string]struct {
			Source struct{ Directory, Platform string }
		}
	}
}

type assetSource struct{ Path, Packaging string }

func readStack(t *testing.T, out, name string) *synthStack {
	t.Helper()
	s := &synthStack{}
	raw, err := os.ReadFile(filepath.Join(out, name+".template.json"))
	if err == nil {
		s.raw = string(raw)
		err = json.Unmarshal(raw, s)
	}
	if err == nil {
		raw, err = os.ReadFile(filepath.Join(out, name+".assets.json"))
	}
	if err == nil {
		err = json.Unmarshal(raw, &s.Assets)
	}
	var manifest struct {
		Artifacts map[string]struct{ Environment string }
	}
	if err == nil {
		raw, err = os.ReadFile(filepath.Join(out, "manifest.json"))
	}
	if err == nil {
		err = json.Unmarshal(raw, &manifest)
		s.environment = manifest.Artifacts[name].Environment
	}
	if err != nil {
		t.Fatalf("stack %s: %v", name, err)
	}
	return s
}

// checkAgnostic: a stack without Env deploys to any account and region.
func (s *synthStack) checkAgnostic(t *testing.T) {
	t.Helper()
	if s.environment != "aws://unknown-account/unknown-region" {
		t.Errorf("environment %q, want an environment-agnostic stack", s.environment)
	}
}

func (s *synthStack) all(typ string) []map[string]any {
	var out []map[string]any
	for _, r := range s.Resources {
		if r.Type == typ {
			out = append(out, r.Properties)
		}
	}
	return out
}

func (s *synthStack) only(t *testing.T, typ string) map[string]any {
	t.Helper()
	all := s.all(typ)
	if len(all) != 1 {
		t.Fatalf("%d %s, want 1", len(all), typ)
	}
	return all[0]
}

// service is the stack's API function, beside the probe hook and the
// CDK's own custom resources.
func (s *synthStack) service(t *testing.T) map[string]any {
	t.Helper()
	var fns []map[string]any
	for _, fn := range s.all("AWS::Lambda::Function") {
		if fn["Description"] == lambdaservice.Description {
			fns = append(fns, fn)
		}
	}
	if len(fns) != 1 {
		t.Fatalf("%d functions are the API's, want 1", len(fns))
	}
	return fns[0]
}

func (s *synthStack) file(t *testing.T, hash string) assetSource {
	t.Helper()
	a, ok := s.Assets.Files[hash]
	if !ok {
		t.Fatalf("no file asset %q", hash)
	}
	return a.Source
}

// docs/constructs.md shows the consumer's main.go as it is, so the snippet
// a team copies is the one this test synthesizes.
func TestDocsShowTheConsumerMainGo(t *testing.T) {
	readme, err := os.ReadFile("../docs/constructs.md")
	if err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile("consumer/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+string(main)+"```\n") {
		t.Error("docs/constructs.md does not show test/consumer/main.go verbatim in a go block")
	}
}
