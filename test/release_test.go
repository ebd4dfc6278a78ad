package test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/progresskit/progresskit/constructs/assets"
)

// releaseVersion is the version the checkout is served as: what a team
// pins with 'go get'.
const releaseVersion = "v0.99.0"

// serveRelease publishes the checkout at root as releaseVersion of the
// progresskit module in a file-based GOPROXY, as the module proxy would
// serve a tag: the zip holds what git tracks or would track (not what
// .gitignore leaves out), and its go.mod. It returns the GOPROXY URL.
func serveRelease(t *testing.T, root string) string {
	t.Helper()
	list := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	var files []modzip.File
	for _, p := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if _, err := os.Lstat(filepath.Join(root, p)); err == nil { // deleted but not yet committed
			files = append(files, checkoutFile{root: root, path: p})
		}
	}
	proxy := t.TempDir()
	dir := filepath.Join(proxy, assets.ModulePath, "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := modzip.Create(&zip, module.Version{Path: assets.ModulePath, Version: releaseVersion}, files); err != nil {
		t.Fatalf("module zip: %v", err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]any{"Version": releaseVersion, "Time": time.Now().UTC().Format(time.RFC3339)})
	for name, data := range map[string][]byte{
		"list": []byte(releaseVersion + "\n"), releaseVersion + ".info": info,
		releaseVersion + ".mod": mod, releaseVersion + ".zip": zip.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return "file://" + filepath.ToSlash(proxy)
}

// checkoutFile is a file of the checkout, as the module zip sees it.
type checkoutFile struct{ root, path string }

func (f checkoutFile) Path() string                 { return f.path }
func (f checkoutFile) Lstat() (os.FileInfo, error)  { return os.Lstat(filepath.Join(f.root, f.path)) }
func (f checkoutFile) Open() (io.ReadCloser, error) { return os.Open(filepath.Join(f.root, f.path)) }
