package review

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/service/deploy"
)

const allArch = config.ArchAll

// Options say what to compare.
type Options struct {
	// Dir is a directory in the working tree ("": the working directory).
	Dir string
	// Base is the git revision to compare the working tree with.
	Base string
	// Envs are the envs of the working tree's cdk.json to synthesize
	// (none: every one), Arch a compute or "all" ("": "all"), Stores the
	// stores every compute runs on (none: every one). Each env × store
	// is one synthesis of each revision.
	Envs   []string
	Arch   string
	Stores []string
	// AllowReplace accepts replacing or removing a stateful resource.
	AllowReplace bool
	// Tools is the directory whose node_modules, .venv and .venv-checkov
	// ('make tools') hold the CDK diff library and the linters ("": the
	// working tree's root). The base may have none of its own.
	Tools string
	// Out keeps both revisions' syntheses there ("": a temporary
	// directory, removed afterwards).
	Out string
	// Jobs is how many syntheses run at once (0: DefaultJobs).
	Jobs int
	// Log receives progress; nil discards it.
	Log io.Writer
}

// DefaultJobs is the CPUs, at most 4: a synthesis is mostly one node
// process and the app, and each takes some hundreds of MB.
func DefaultJobs() int { return min(runtime.NumCPU(), 4) }

// reviewer holds one review's state between its steps.
type reviewer struct {
	o      Options
	log    io.Writer
	logMu  sync.Mutex
	tools  *tools
	work   string
	hs, bs *side
	scope  Scope
	rep    *Report
	// headDirs and baseDirs are each variant's synthesis; a base that
	// does not read -c store shares one per env between the stores.
	headDirs, baseDirs map[Variant]string
	stacks             []compared
	tplsOf             map[string]map[string]string // synthesis dir -> stack -> template
}

// compared is one stack of one variant that both revisions are compared
// on; an empty template is a stack that side does not synthesize.
type compared struct {
	v                Variant
	stack, id        string
	headTpl, baseTpl string
}

// Run synthesizes both revisions and compares them.
func Run(ctx context.Context, o Options) (*Report, error) {
	r := &reviewer{o: o, log: o.Log, headDirs: map[Variant]string{}, baseDirs: map[Variant]string{}, tplsOf: map[string]map[string]string{}}
	if r.log == nil {
		r.log = io.Discard
	}
	repo, err := openRepository(ctx, cmp.Or(o.Dir, "."))
	if err != nil {
		return nil, err
	}
	baseCommit, err := repo.commit(ctx, o.Base)
	if err != nil {
		return nil, err
	}
	head, err := repo.head(ctx)
	if err != nil {
		return nil, err
	}
	if r.tools, err = findTools(cmp.Or(o.Tools, repo.root)); err != nil {
		return nil, err
	}
	if r.work = o.Out; r.work == "" {
		if r.work, err = os.MkdirTemp("", "progress-review-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(r.work)
	} else if r.work, err = filepath.Abs(r.work); err != nil {
		return nil, err
	}
	if r.hs, err = loadSide("working tree", repo.root, filepath.Join(r.work, "head")); err != nil {
		return nil, err
	}
	if r.scope, err = resolveScope(o, r.hs.envs); err != nil {
		return nil, err
	}
	r.rep = &Report{
		Base: Revision{Ref: o.Base, Commit: baseCommit}, Head: head, Scope: r.scope, AllowReplace: o.AllowReplace,
		Stacks: []Stack{}, Stateful: []StatefulChange{}, Cost: []Cost{}, Notes: []string{},
		Findings: Findings{New: []Finding{}, Removed: []Finding{}, AcceptanceChanged: []Finding{}},
	}

	baseSrc := filepath.Join(r.work, "base-src")
	os.RemoveAll(baseSrc)
	remove, err := repo.addWorktree(ctx, baseSrc, baseCommit)
	if err != nil {
		return nil, err
	}
	defer remove()
	if r.bs, err = loadSide("base", baseSrc, filepath.Join(r.work, "base")); err != nil {
		return nil, err
	}
	if err := r.synthesize(ctx); err != nil {
		return nil, err
	}
	if err := r.pairStacks(); err != nil {
		return nil, err
	}
	// The template diff, the linters and the cost are independent.
	var diffs map[string]templateDiff
	var linted map[string][]finding
	var costNotes []string
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		defer r.step("comparing %d templates with %s", len(r.stacks), DiffPackage)()
		diffs, err = diffTemplates(gctx, r.tools.nodeModules(), r.work, r.pairs())
		return err
	})
	g.Go(func() (err error) {
		defer r.step("linting %d templates with cfn-lint, checkov and cfn-guard", len(r.templateFiles()))()
		linted, err = r.tools.lint(gctx, r.work, r.templateFiles())
		return err
	})
	g.Go(func() (err error) {
		costNotes, err = r.compareCost(gctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r.compareTemplates(diffs)
	if err := r.compareFindings(linted); err != nil {
		return nil, err
	}
	r.rep.Notes = append(r.rep.Notes, costNotes...)
	return r.rep, nil
}

// step logs the start of something, and its time when the returned func
// is called.
func (r *reviewer) step(format string, args ...any) func() {
	start := time.Now()
	msg := fmt.Sprintf(format, args...)
	r.logf("review: %s...\n", msg)
	return func() { r.logf("review: %s: %.1f s\n", msg, time.Since(start).Seconds()) }
}

func (r *reviewer) logf(format string, args ...any) {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	fmt.Fprintf(r.log, format, args...)
}

func (r *reviewer) note(format string, args ...any) {
	r.rep.Notes = append(r.rep.Notes, fmt.Sprintf(format, args...))
}

// synthesize builds both CDK apps and runs each variant of the working
// tree, and of the base where it defines the env.
func (r *reviewer) synthesize(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, s := range []*side{r.hs, r.bs} {
		g.Go(func() (err error) {
			defer r.step("building the CDK app of the %s", s.name)()
			s.app, err = s.build(gctx, "./cdk", "cdk-app")
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	var baseEnvs []string
	for _, env := range r.scope.Envs {
		if r.bs.hasEnv(env) {
			baseEnvs = append(baseEnvs, env)
		} else {
			r.note("env %s is new: the base's cdk.json does not define it, so each of its stacks is added.", env)
		}
	}
	if len(r.o.Envs) == 0 {
		for _, env := range r.bs.envs {
			if !r.hs.hasEnv(env) {
				r.note("env %s is no longer in cdk.json: its stacks are not synthesized any more (deploying does not delete them).", env)
			}
		}
	}
	// A base from before -c store puts each compute on its own store
	// whatever the value: it is synthesized once per env, as it can.
	ownStores := func(env string) string { return filepath.Join(r.bs.work, env+"-"+r.scope.Arch+"-own-stores") }
	r.bs.knowsStore = true
	probed := ""
	if len(baseEnvs) > 0 {
		done := r.step("asking the base whether it reads -c %s", config.ContextStore)
		synthesized, err := r.bs.probeStore(ctx, baseEnvs[0], r.scope.Arch, ownStores(baseEnvs[0]))
		if err != nil {
			return err
		}
		done()
		if synthesized {
			probed = ownStores(baseEnvs[0])
		}
		if !r.bs.knowsStore {
			r.note("The base does not read -c %s: it was synthesized once per env with each compute on its own store, "+
				"and only the stacks it synthesizes alike are compared (a compute's stack where the store is its own, and the stacks that belong to no compute).", config.ContextStore)
		}
	}
	type job struct {
		s               *side
		env, store, dir string
		what            string
	}
	var jobs []job
	queued := map[string]bool{probed: true}
	for _, env := range r.scope.Envs {
		for _, store := range r.scope.Stores {
			v := Variant{Env: env, Arch: r.scope.Arch, Store: store}
			name := env + "-" + r.scope.Arch + "-" + store
			r.headDirs[v] = filepath.Join(r.hs.work, name)
			jobs = append(jobs, job{r.hs, env, store, r.headDirs[v], "the working tree: " + v.String()})
			switch {
			case !r.bs.hasEnv(env):
			case r.bs.knowsStore:
				r.baseDirs[v] = filepath.Join(r.bs.work, name)
				jobs = append(jobs, job{r.bs, env, store, r.baseDirs[v], "the base: " + v.String()})
			default:
				r.baseDirs[v] = ownStores(env)
				if !queued[r.baseDirs[v]] {
					queued[r.baseDirs[v]] = true
					jobs = append(jobs, job{r.bs, env, "", r.baseDirs[v], "the base: " + env + " " + r.scope.Arch + ", each compute on its own store"})
				}
			}
		}
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(cmp.Or(r.o.Jobs, DefaultJobs()))
	for _, j := range jobs {
		g.Go(func() error {
			defer r.step("synthesizing %s", j.what)()
			return j.s.synth(gctx, j.env, r.scope.Arch, j.store, j.dir)
		})
	}
	return g.Wait()
}

// pairStacks decides which stacks of each variant are compared.
func (r *reviewer) pairStacks() error {
	skipped := map[string][]string{}
	for _, v := range slices.SortedFunc(maps.Keys(r.headDirs), compareVariants) {
		for _, dir := range []string{r.headDirs[v], r.baseDirs[v]} {
			if _, ok := r.tplsOf[dir]; ok || dir == "" {
				continue
			}
			var err error
			if r.tplsOf[dir], err = templates(dir); err != nil {
				return err
			}
		}
		ht, bt := r.tplsOf[r.headDirs[v]], r.tplsOf[r.baseDirs[v]]
		names := map[string]bool{}
		for n := range ht {
			names[n] = true
		}
		for n := range bt {
			names[n] = true
		}
		for _, n := range slices.Sorted(maps.Keys(names)) {
			h, b := ht[n], bt[n]
			if r.baseDirs[v] != "" && !r.bs.knowsStore && !alike(v, n, h != "", b != "") {
				skipped[v.String()] = append(skipped[v.String()], n)
				continue
			}
			r.stacks = append(r.stacks, compared{v: v, stack: n, id: fmt.Sprint(len(r.stacks)), headTpl: h, baseTpl: b})
		}
	}
	for _, v := range slices.Sorted(maps.Keys(skipped)) {
		r.note("%s: not compared, as the base cannot synthesize them alike: %s.", v, strings.Join(skipped[v], ", "))
	}
	return nil
}

func (r *reviewer) pairs() []templatePair {
	out := make([]templatePair, len(r.stacks))
	for i, c := range r.stacks {
		out[i] = templatePair{ID: c.id, Old: c.baseTpl, New: c.headTpl}
	}
	return out
}

// templateFiles are every template of both revisions, once.
func (r *reviewer) templateFiles() []string {
	var files []string
	for _, tpls := range r.tplsOf {
		for _, f := range tpls {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files
}

// resolveScope checks the filters against the working tree's envs and
// service/deploy's computes and stores; none means every one.
func resolveScope(o Options, envs []string) (Scope, error) {
	s := Scope{Envs: slices.Clone(o.Envs), Arch: cmp.Or(o.Arch, allArch), Stores: slices.Clone(o.Stores)}
	if len(s.Envs) == 0 {
		s.Envs = envs
	}
	if len(s.Envs) == 0 {
		return s, fmt.Errorf("the working tree's cdk.json defines no env under %q", config.ContextEnvironments)
	}
	for _, e := range s.Envs {
		if !slices.Contains(envs, e) {
			return s, fmt.Errorf("unknown env %q: the working tree's cdk.json defines %s", e, strings.Join(envs, ", "))
		}
	}
	if s.Arch != allArch && !slices.Contains(deploy.Computes, s.Arch) {
		return s, fmt.Errorf("unknown arch %q: valid values are %s, %s", s.Arch, strings.Join(deploy.Computes, ", "), allArch)
	}
	if len(s.Stores) == 0 {
		s.Stores = slices.Clone(deploy.Stores)
	}
	for _, st := range s.Stores {
		if !slices.Contains(deploy.Stores, st) {
			return s, fmt.Errorf("unknown store %q: valid values are %s", st, strings.Join(deploy.Stores, ", "))
		}
	}
	sort.Strings(s.Envs)
	s.Envs = slices.Compact(s.Envs)
	s.Stores = slices.Compact(s.Stores)
	return s, nil
}

// alike reports whether a base that does not read -c store synthesizes
// stack as the working tree does in v: both have it, and if it is one
// compute's stack (Progress-<env>-Lambda, -Fargate, -Ec2), v's store is
// that compute's own.
func alike(v Variant, stack string, inHead, inBase bool) bool {
	if !inHead || !inBase {
		return false
	}
	part := strings.ToLower(stack[strings.LastIndex(stack, "-")+1:])
	if slices.Contains(deploy.Computes, part) {
		return deploy.DefaultStore(part) == v.Store
	}
	return true
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
