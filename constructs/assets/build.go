package assets

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/progresskit/progresskit/service/deploy"
)

// ModulePath is the module the binaries are built from.
const ModulePath = "github.com/progresskit/progresskit"

// DeployArch is the architecture every variant runs on (Graviton).
const DeployArch = "arm64"

// Binary is one main package of the service and how it is built.
type Binary struct {
	Package string   // relative to the module root
	Name    string   // file name of the output
	Tags    []string // build tags
}

// Bootstrap is the Lambda runtime's entry point (provided.al2023) for a
// function on store (deploy.DynamoDB or deploy.Postgres): it
// links that store's client alone.
func Bootstrap(store string) Binary {
	return Binary{Package: "./service/cmd/bootstrap", Name: "bootstrap", Tags: append([]string{"lambda.norpc"}, deploy.OnlyStore(store)...)}
}

// MaxDynamoDBBootstrapBytes bounds the DynamoDB function's bootstrap, as
// built for deployment (10 MB): a cold start reads all of it. The tests
// hold the built binary to it and make bench reports it.
const MaxDynamoDBBootstrapBytes = 10_000_000

// ProbeHook is the Fargate variant's blue/green pre-traffic hook
// (service/cmd/probehook), a Lambda function on provided.al2023: it links
// the smoke scenarios and the Cognito client, and no store.
func ProbeHook() Binary {
	return Binary{Package: "./service/cmd/probehook", Name: "bootstrap", Tags: []string{"lambda.norpc"}}
}

// Server is the progress API's runtime alone, which EC2 and the container
// run, for store; the operator's CLI (service/cmd/progress) is never
// deployed.
func Server(store string) Binary {
	return Binary{Package: "./service/cmd/server", Name: "progress-server", Tags: deploy.OnlyStore(store)}
}

// ModuleDir is the directory of the progresskit module the working
// directory's go.mod resolves: the repository itself, a replace target, or
// the read-only copy in the module cache.
var ModuleDir = sync.OnceValues(func() (string, error) {
	out, err := goCommand("list", "-m", "-f", "{{.Dir}}", ModulePath).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		detail := ""
		if ee, ok := err.(*exec.ExitError); ok {
			detail = ": " + strings.TrimSpace(string(ee.Stderr))
		}
		return "", fmt.Errorf("cannot find the %s module from %s%s; run synthesis in a module that requires it ('go get %s')", ModulePath, cwd(), detail, ModulePath)
	}
	return dir, nil
})

// built remembers, per process, where each binary was first built, so a
// synthesis that deploys one binary twice (arch=all: the EC2 asset and the
// container) links it once.
var built sync.Map // buildKey -> absolute path

type buildKey struct {
	pkg, goarch string
}

// Build compiles b for linux/goarch into outFile: static, stripped and
// reproducible, inside the module's own directory.
func (b Binary) Build(goarch, outFile string) error {
	dir, err := ModuleDir()
	if err != nil {
		return err
	}
	// The build runs in the module's directory, so a relative path (the
	// CLI's outdir is "cdk.out") would land there instead.
	if outFile, err = filepath.Abs(outFile); err != nil {
		return err
	}
	key := buildKey{b.Package + " " + strings.Join(b.Tags, ","), goarch}
	if prev, ok := built.Load(key); ok {
		if err := copyFile(prev.(string), outFile); err == nil {
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(outFile), 0o755); err != nil {
		return err
	}
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-o", outFile}
	if len(b.Tags) > 0 {
		args = append(args, "-tags", strings.Join(b.Tags, ","))
	}
	cmd := goCommand(append(args, b.Package)...)
	cmd.Dir = dir
	// The module's own go.mod decides, whatever the app's workspace or
	// GOFLAGS say; the target is the deployment's, not this machine's.
	cmd.Env = append(cmd.Env, "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=readonly")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s (linux/%s) in %s: %v\n%s", b.Package, goarch, dir, err, stderr.String())
	}
	built.Store(key, outFile)
	return nil
}

// copyFile copies an executable; a source that is gone (a temporary
// directory removed since) makes the caller build afresh.
func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755)
}

// goCommand runs the go command of the toolchain this program was built
// with when it is still there (go run, go test), else the one on PATH.
func goCommand(args ...string) *exec.Cmd {
	tool := "go"
	if root := runtime.GOROOT(); root != "" {
		if p := filepath.Join(root, "bin", "go"); isFile(p) {
			tool = p
		}
	}
	cmd := exec.Command(tool, args...)
	cmd.Env = os.Environ()
	return cmd
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func cwd() string {
	d, err := os.Getwd()
	if err != nil {
		return "the working directory"
	}
	return d
}
