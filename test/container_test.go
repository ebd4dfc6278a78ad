package test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/dynamostore"
)

// podman runs podman with a storage root of the test's own (vfs, so no
// overlay mounts outlive it), runc, and no effect on the host's network.
type podman struct {
	t    *testing.T
	args []string
}

func newPodman(t *testing.T) *podman {
	t.Helper()
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatal("podman is missing: install Debian's podman and runc packages (make test does)")
	}
	root, err := os.MkdirTemp("", "progresskit-podman-")
	if err != nil {
		t.Fatal(err)
	}
	p := &podman{t: t, args: []string{"--root", filepath.Join(root, "storage"), "--runroot", filepath.Join(root, "run"),
		"--storage-driver", "vfs", "--runtime", "runc", "--cgroup-manager", "cgroupfs", "--events-backend", "file"}}
	t.Cleanup(func() {
		p.run("rm", "--all", "--force")
		p.run("rmi", "--all", "--force")
		os.RemoveAll(root)
	})
	return p
}

func (p *podman) run(args ...string) (string, error) {
	out, err := exec.Command("podman", append(p.args, args...)...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (p *podman) must(args ...string) string {
	p.t.Helper()
	out, err := p.run(args...)
	if err != nil {
		p.t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TestContainerImage builds the image from the Dockerfile the Fargate
// construct deploys, for each store, runs it with podman on the local
// store's server (DynamoDB Local or PostgreSQL) and a local JWKS, passes
// the smoke suite through it, and stops it with SIGTERM.
func TestContainerImage(t *testing.T) {
	p := newPodman(t)
	iss := testenv.NewIssuer(t, "127.0.0.1:0")
	// Inside slirp4netns the host's loopback is 10.0.2.2.
	toHost := func(u string) string { return strings.Replace(u, "127.0.0.1", "10.0.2.2", 1) }
	storeURLs := map[string]func(t *testing.T) string{
		deploy.DynamoDB: func(t *testing.T) string {
			opts, err := dynamostore.ParseURL(testenv.DynamoTable(t))
			if err != nil {
				t.Fatal(err)
			}
			return "dynamodb://" + opts.Table + "?region=us-east-1&endpoint=" + toHost(opts.Endpoint)
		},
		deploy.Postgres: func(t *testing.T) string { return toHost(testenv.PostgresDB(t)) },
	}
	for _, store := range deploy.Stores {
		t.Run(store, func(t *testing.T) {
			// The context the Fargate construct writes, for this machine's arch.
			ctxDir := t.TempDir()
			if err := assets.WriteContainerContext(ctxDir, store, runtime.GOARCH); err != nil {
				t.Fatal(err)
			}
			image := "progresskit-test-" + store + ":latest"
			p.must("build", "--arch", runtime.GOARCH, "--tag", image, "--file", filepath.Join(ctxDir, "Dockerfile"), ctxDir)
			user := p.must("image", "inspect", "--format", "{{.Config.User}}", image)
			if user == "" || strings.HasPrefix(user, "0") || user == "root" {
				t.Fatalf("the image runs as %q, not a non-root user", user)
			}
			port := freePort(t)
			id := p.must("run", "--detach", "--name", "progress-smoke-"+store,
				"--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
				"--network", "slirp4netns:allow_host_loopback=true", "--publish", "127.0.0.1:"+port+":8080",
				"--env", settings.Store.Env+"="+storeURLs[store](t),
				"--env", settings.Auth.Env+"="+settings.AuthJWKS, "--env", settings.JWKSURL.Env+"="+toHost(iss.JWKSURL),
				"--env", settings.Issuer.Env+"="+iss.Issuer, "--env", settings.Audience.Env+"="+iss.Audience,
				"--env", "AWS_ACCESS_KEY_ID=local", "--env", "AWS_SECRET_ACCESS_KEY=local",
				image)
			base := "http://127.0.0.1:" + port
			if err := waitReady(base); err != nil {
				logs, _ := p.run("logs", id)
				t.Fatalf("container not ready: %v\n%s", err, logs)
			}
			runProbe(t, probe.Target{BaseURL: base, Token: iss.Token(t, "container-learner", false), AdminToken: iss.Token(t, "ops", true)})

			p.must("stop", "--time", "30", id)
			if code := p.must("inspect", "--format", "{{.State.ExitCode}}", id); code != "0" {
				t.Fatalf("exit code %s after SIGTERM", code)
			}
			if logs := p.must("logs", id); !strings.Contains(logs, "drained and stopped") {
				t.Fatalf("no drain in the logs:\n%s", logs)
			}
		})
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("servers/freeport.sh").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// waitReady polls /readyz until the server answers 200 (30 s at most).
func waitReady(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		last = err
		time.Sleep(200 * time.Millisecond)
	}
	return last
}
