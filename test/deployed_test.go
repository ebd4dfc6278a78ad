package test

import (
	"bufio"
	"debug/elf"
	"debug/gosym"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/service/deploy"
)

// What the operator runs never ships to the servers that handle learners'
// data: the modules behind the cost model's plot (gonum/plot, its fonts and
// backends) and the probe's load generator (vegeta).
var operatorModules = []string{
	"gonum.org/", "tsenart/vegeta", "go-fonts/", "go-latex/", "go-pdf/fpdf", "ajstarks/svgo", "sbinet/gg",
}

// ... nor the CDK app's code or the operator's tools of this module, nor
// the demo page, which only a developer's 'progress serve --demo' serves.
var operatorPackages = []string{
	assets.ModulePath + "/cdk",
	assets.ModulePath + "/service/cost",
	assets.ModulePath + "/service/probe",
	assets.ModulePath + "/service/transfer",
	assets.ModulePath + "/service/web/demo",
	assets.ModulePath + "/service/cmd/progress",
}

// otherStores are the modules of the stores a binary built for store must
// not link: each deployed binary links only the client of its own store.
var otherStores = map[string][]string{
	deploy.DynamoDB: {"github.com/jackc/pgx", "github.com/golang-migrate", "modernc.org/sqlite", "feature/rds/auth"},
	deploy.Postgres: {"aws-sdk-go-v2/service/dynamodb", "modernc.org/sqlite"},
}

// TestDeployedBinariesLinkOnlyTheRuntime builds what the constructs deploy,
// exactly as they build it (linux/arm64, stripped), for each store, and
// reads what each binary links: the modules from its build information (go
// version -m), the packages from the function names its line table keeps
// even when stripped.
func TestDeployedBinariesLinkOnlyTheRuntime(t *testing.T) {
	for _, store := range deploy.Stores {
		for _, b := range []struct {
			binary assets.Binary
			main   string
		}{
			{assets.Server(store), assets.ModulePath + "/service/cmd/server"},
			{assets.Bootstrap(store), assets.ModulePath + "/service/cmd/bootstrap"},
		} {
			t.Run(b.binary.Name+" on "+store, func(t *testing.T) {
				bin := filepath.Join(t.TempDir(), b.binary.Name)
				if err := b.binary.Build(assets.DeployArch, bin); err != nil {
					t.Fatal(err)
				}
				main, modules := buildInfo(t, bin)
				if main != b.main {
					t.Errorf("%s is built from %s, want %s", b.binary.Name, main, b.main)
				}
				for _, m := range modules {
					for _, bad := range append(slices.Clone(operatorModules), otherStores[store]...) {
						if strings.Contains(m, bad) {
							t.Errorf("%s links module %s", b.binary.Name, m)
						}
					}
				}
				linked := linkedPackages(t, bin)
				for _, p := range linked {
					for _, bad := range operatorPackages {
						if p == bad || strings.HasPrefix(p, bad+"/") {
							t.Errorf("%s links package %s", b.binary.Name, p)
						}
					}
				}
				st, err := os.Stat(bin)
				if err != nil {
					t.Fatal(err)
				}
				if b.binary.Name == "bootstrap" && store == deploy.DynamoDB && st.Size() > assets.MaxDynamoDBBootstrapBytes {
					t.Errorf("the DynamoDB bootstrap is %d bytes, over %d", st.Size(), assets.MaxDynamoDBBootstrapBytes)
				}
				t.Logf("%s: %d modules, %d packages, %d bytes", b.binary.Name, len(modules), len(linked), st.Size())
			})
		}
	}
}

// buildInfo is the main package and the modules 'go version -m' lists.
func buildInfo(t *testing.T, bin string) (main string, modules []string) {
	t.Helper()
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m %s: %v", bin, err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 2 && f[0] == "path":
			main = f[1]
		case len(f) >= 2 && (f[0] == "dep" || f[0] == "=>"):
			modules = append(modules, f[1])
		}
	}
	if main == "" {
		t.Fatalf("go version -m %s names no main package:\n%s", bin, out)
	}
	return main, modules
}

// linkedPackages lists the packages with code in bin, from the names in
// its .gopclntab (which -s -w keeps: the runtime needs it for stacks).
func linkedPackages(t *testing.T, bin string) []string {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pcln, text := f.Section(".gopclntab"), f.Section(".text")
	if pcln == nil || text == nil {
		t.Fatalf("%s has no .gopclntab or .text", bin)
	}
	data, err := pcln.Data()
	if err != nil {
		t.Fatal(err)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		t.Fatalf("%s: line table: %v", bin, err)
	}
	seen := map[string]bool{}
	for _, fn := range tab.Funcs {
		seen[fn.PackageName()] = true
	}
	if !seen["runtime"] {
		t.Fatalf("%s: no runtime package among %d functions: the line table was not read", bin, len(tab.Funcs))
	}
	pkgs := make([]string, 0, len(seen))
	for p := range seen {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	return pkgs
}
