package review

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/progresskit/progresskit/cdk/config"
)

// side is one revision's source, binaries and syntheses.
type side struct {
	name string // "base" or "working tree"
	root string // the source: a worktree of the base, or the working tree
	work string // its binaries and syntheses
	// context is cdk.json's (and cdk.context.json's) context, as the CDK
	// CLI passes it to the app.
	context map[string]any
	// versionReporting is cdk.json's, which the CLI turns into context.
	versionReporting bool
	envs             []string
	app              string // the built CDK app
	// knowsStore: the app reads -c store. An app from before it ignores
	// the value and puts each compute on its own store.
	knowsStore bool
}

func loadSide(name, root, work string) (*side, error) {
	s := &side{name: name, root: root, work: work, context: map[string]any{}, versionReporting: true}
	b, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var doc struct {
		Context          map[string]any `json:"context"`
		VersionReporting *bool          `json:"versionReporting"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: cdk.json: %w", name, err)
	}
	// The CLI reads cdk.context.json (cached lookups) under cdk.json's.
	if b, err := os.ReadFile(filepath.Join(root, "cdk.context.json")); err == nil {
		if err := json.Unmarshal(b, &s.context); err != nil {
			return nil, fmt.Errorf("%s: cdk.context.json: %w", name, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for k, v := range doc.Context {
		s.context[k] = v
	}
	if doc.VersionReporting != nil {
		s.versionReporting = *doc.VersionReporting
	}
	if envs, ok := s.context[config.ContextEnvironments].(map[string]any); ok {
		for e := range envs {
			s.envs = append(s.envs, e)
		}
		sort.Strings(s.envs)
	}
	return s, os.MkdirAll(work, 0o755)
}

func (s *side) hasEnv(env string) bool { return slices.Contains(s.envs, env) }

// build compiles a main package of the revision once: the CDK app, so
// that each synthesis runs it rather than 'go run' compiling and linking it
// again, and the progress CLI. -trimpath makes the compiler's work the same
// wherever the source lies, so the base's worktree reuses the build cache.
func (s *side) build(ctx context.Context, pkg, name string) (string, error) {
	out := filepath.Join(s.work, name)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = s.root
	// As the Makefile builds: static, and the module's own go.mod.
	cmd.Env = append(childEnv(), "GOWORK=off", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s: go build %s: %v\n%s", s.name, pkg, err, tail(b))
	}
	return out, nil
}

// synthContext is what the CDK CLI would pass the app for 'cdk synth -c
// env=... -c arch=... -c store=...': the project's context, the values,
// and the settings the CLI adds (path metadata, which the findings' construct
// paths are mapped to logical ids by).
func (s *side) synthContext(env, arch, store string) map[string]any {
	c := make(map[string]any, len(s.context)+8)
	for k, v := range s.context {
		c[k] = v
	}
	c[config.ContextEnv] = env
	c[config.ContextArch] = arch
	if store != "" {
		c[config.ContextStore] = store
	}
	c["aws:cdk:enable-path-metadata"] = true
	c["aws:cdk:enable-asset-metadata"] = true
	c["aws:cdk:bundling-stacks"] = []string{"**"}
	if !s.versionReporting {
		c["aws:cdk:disable-version-reporting"] = true
	}
	return c
}

// synth runs the app into dir, as 'cdk synth' would but without the CLI:
// the context in CDK_CONTEXT_JSON, the output in CDK_OUTDIR. cdk-nag's
// errors do not stop it; they are findings.
func (s *side) synth(ctx context.Context, env, arch, store, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c, err := json.Marshal(s.synthContext(env, arch, store))
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, s.app)
	cmd.Dir = s.root
	cmd.Env = append(childEnv(), "CDK_CONTEXT_JSON="+string(c), "CDK_OUTDIR="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return &synthError{side: s.name, what: fmt.Sprintf("env=%s arch=%s store=%s", env, arch, store), err: err, stderr: stderr.String()}
	}
	return nil
}

type synthError struct {
	side, what string
	err        error
	stderr     string
}

func (e *synthError) Error() string {
	return fmt.Sprintf("%s does not synthesize %s: %v\n%s", e.side, e.what, e.err, tail([]byte(e.stderr)))
}

// probeValue is a store no revision knows: an app that reads -c store
// refuses it at once, one that does not synthesizes its own defaults.
const probeValue = "progress-review-probe"

// probeStore finds whether the app reads -c store by giving it probeValue;
// when it does not, dir holds its synthesis of env and arch, each compute
// on its own store, and ok is true.
func (s *side) probeStore(ctx context.Context, env, arch, dir string) (synthesized bool, err error) {
	err = s.synth(ctx, env, arch, probeValue, dir)
	var se *synthError
	switch {
	case err == nil:
		s.knowsStore = false
		return true, nil
	case errors.As(err, &se) && strings.Contains(se.stderr, probeValue):
		s.knowsStore = true
		return false, os.RemoveAll(dir)
	}
	return false, err
}

// templates maps each stack of a synthesis to its template file.
func templates(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range files {
		out[strings.TrimSuffix(filepath.Base(f), ".template.json")] = f
	}
	return out, nil
}

// childEnv is this process's environment without AWS credentials or
// profiles (nothing a review runs may reach AWS: a lookup fails instead of
// quietly using someone's account), without the CDK CLI's variables, and
// without PROGRESS_ settings that would change what 'progress cost' says.
func childEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "CDK_") || strings.HasPrefix(k, "PROGRESS_") {
			continue
		}
		out = append(out, kv)
	}
	return append(out,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
	)
}

// tail is the end of a command's output, enough to say what went wrong.
func tail(b []byte) string {
	const max = 4000
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = "..." + s[len(s)-max:]
	}
	return s
}
