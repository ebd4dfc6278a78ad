package test

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/service/container"
	"github.com/progresskit/progresskit/service/deploy"
)

// TestConstructsFromAnotherModule is a platform team using progresskit: its
// own module (test/consumer, copied out of this repository so nothing of
// ours is above it), a replace to this checkout, and the real CDK CLI. It
// synthesizes the three variants with required props only and again in the
// team's own VPC and user pool, then opens what each would deploy.
func TestConstructsFromAnotherModule(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(t.TempDir(), "learningplatform")
	if err := os.CopyFS(app, os.DirFS("consumer")); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = app
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("go", "mod", "edit", "-replace", assets.ModulePath+"="+root)
	run(filepath.Join(root, "node_modules", ".bin", "cdk"), "synth", "--quiet", "--output", "cdk.out")
	out := filepath.Join(app, "cdk.out")

	for _, prefix := range []string{"Progress", "Team"} {
		t.Run(prefix+"-Lambda", func(t *testing.T) {
			stack := readStack(t, out, prefix+"-Lambda")
			fn := stack.only(t, "AWS::Lambda::Function")
			if got := fn["Handler"]; got != "bootstrap" {
				t.Errorf("handler %v", got)
			}
			key, _ := fn["Code"].(map[string]any)["S3Key"].(string)
			asset := stack.file(t, strings.TrimSuffix(key, ".zip"))
			if asset.Packaging != "zip" {
				t.Fatalf("Lambda code packaging %q, want a zip of the directory", asset.Packaging)
			}
			entries, err := os.ReadDir(filepath.Join(out, asset.Path))
			if err != nil || len(entries) != 1 || entries[0].Name() != "bootstrap" {
				t.Fatalf("Lambda asset %s holds %v (%v), want exactly bootstrap", asset.Path, entries, err)
			}
			checkArm64Executable(t, filepath.Join(out, asset.Path, "bootstrap"))
			checkBuiltFrom(t, filepath.Join(out, asset.Path, "bootstrap"), assets.Bootstrap(deploy.DynamoDB))
		})
		t.Run(prefix+"-Ec2", func(t *testing.T) {
			stack := readStack(t, out, prefix+"-Ec2")
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
			checkArm64Executable(t, filepath.Join(out, binaries[0].Path))
			checkBuiltFrom(t, filepath.Join(out, binaries[0].Path), assets.Server(deploy.Postgres))
		})
		t.Run(prefix+"-Fargate", func(t *testing.T) {
			stack := readStack(t, out, prefix+"-Fargate")
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
				// Every file the Dockerfile copies is in the context.
				copies := regexp.MustCompile(`(?m)^COPY\s+(\S+)`).FindAllStringSubmatch(string(dockerfile), -1)
				if len(copies) == 0 {
					t.Fatal("the Dockerfile copies nothing")
				}
				for _, c := range copies {
					src := strings.ReplaceAll(c[1], "${TARGETARCH}", assets.DeployArch)
					checkArm64Executable(t, filepath.Join(dir, src))
					checkBuiltFrom(t, filepath.Join(dir, src), assets.Server(deploy.DynamoDB))
				}
			}
		})
	}
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
	raw       string
	Resources map[string]struct {
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
	if err != nil {
		t.Fatalf("stack %s: %v", name, err)
	}
	return s
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

func (s *synthStack) file(t *testing.T, hash string) assetSource {
	t.Helper()
	a, ok := s.Assets.Files[hash]
	if !ok {
		t.Fatalf("no file asset %q", hash)
	}
	return a.Source
}

// The README shows the consumer's main.go as it is, so the snippet a team
// copies is the one this test synthesizes.
func TestReadmeShowsTheConsumerMainGo(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile("consumer/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+string(main)+"```\n") {
		t.Error("README.md does not show test/consumer/main.go verbatim in a go block")
	}
}
