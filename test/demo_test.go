package test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// chromium is Debian's build, which test/servers/system-packages.sh installs.
const chromium = "/usr/bin/chromium"

// The demo in a real browser (test/browser/demo.mjs with playwright-core):
// two contexts are two devices of one learner; one goes offline, reloads,
// comes back; later its network is cut while it records, and it sends its
// queue by itself when the network returns; both converge with the server
// each time; a reset on one clears the other, whose late offline events
// bring nothing back. DEMO_SCREENSHOT names where the side-by-side
// screenshot goes (make demo-screenshot).
func TestDemoInABrowser(t *testing.T) {
	if _, err := os.Stat("../node_modules/playwright-core"); err != nil {
		t.Fatal("playwright-core is not installed: run 'make tools'")
	}
	dir := t.TempDir()
	srv := startServer(t, dir, nil, "--auth", "dev", "--demo", "--store", "sqlite://"+filepath.Join(dir, "p.db"))
	shot := os.Getenv("DEMO_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(dir, "demo.png")
	} else if !filepath.IsAbs(shot) {
		t.Fatalf("DEMO_SCREENSHOT=%s: give an absolute path (the test runs in test/)", shot)
	}
	cmd := exec.Command("node", "browser/demo.mjs")
	cmd.Env = append(os.Environ(), "DEMO_URL="+srv.URL, "CHROMIUM="+chromium, "DEMO_USER=learner-1", "DEMO_SCREENSHOT="+shot)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser scenario: %v\n%s\nserver:\n%s", err, out, srv.Logs())
	}
	t.Logf("%s", out)
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("screenshot %s: %v", shot, err)
	}

	// The server agrees: after the reset and the late events, no progress.
	tok, _, _ := runCLI(t, dir, nil, "token", "--user", "learner-1")
	if code := getStatus(t, srv.URL+"/v1/users/learner-1/courses/intro-to-go", tok); code != http.StatusNotFound {
		t.Errorf("after the reset the course answers %d, want 404", code)
	}
}
