package assets

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"testing"

	"github.com/progresskit/progresskit/service/deploy"
)

// The same source builds the same bytes, so the output-hashed asset does
// not change when the service did not; a relative output path lands where
// the caller meant, not in the module directory the build runs in.
func TestBuildIsReproducibleAndHonoursRelativePaths(t *testing.T) {
	if _, err := ModuleDir(); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(t.TempDir(), "bootstrap")
	if err := Bootstrap(deploy.DynamoDB).Build(DeployArch, first); err != nil {
		t.Fatal(err)
	}
	built.Clear() // a real second build, not the per-process copy
	work := t.TempDir()
	t.Chdir(work)
	if err := Bootstrap(deploy.DynamoDB).Build(DeployArch, filepath.Join("out", "bootstrap")); err != nil {
		t.Fatal(err)
	}
	a, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(work, "out", "bootstrap"))
	if err != nil {
		t.Fatalf("relative output: %v", err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same source differ")
	}
	f, err := elf.Open(first)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("built for %v, want arm64", f.Machine)
	}
}

func TestWriteContainerContextHoldsWhatTheDockerfileCopies(t *testing.T) {
	dir := t.TempDir()
	if err := WriteContainerContext(dir, deploy.DynamoDB, DeployArch); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 || names[0] != "Dockerfile" || names[1] != "progress-server-"+DeployArch {
		t.Errorf("context holds %v, want Dockerfile and progress-server-%s", names, DeployArch)
	}
}

// The probe hook is a static arm64 Lambda bootstrap that links the probe
// and Cognito's client, and none of the stores the service links.
func TestProbeHookLinksOnlyWhatItNeeds(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bootstrap")
	if err := ProbeHook().Build(DeployArch, out); err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("built for %v, want arm64", f.Machine)
	}
	if interp := f.Section(".interp"); interp != nil {
		t.Error("dynamically linked: provided.al2023 runs it, but the other binaries are static")
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for pkg, want := range map[string]bool{
		"service/probe": true, "service/cognitoidentityprovider": true,
		"service/dynamodb": false, "jackc/pgx": false, "service/store": false, "service/ec2": false,
	} {
		if got := bytes.Contains(b, []byte(pkg)); got != want {
			t.Errorf("the hook links %s: %v, want %v", pkg, got, want)
		}
	}
}
