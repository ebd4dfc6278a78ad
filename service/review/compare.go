package review

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

func (r *reviewer) compareTemplates(diffs map[string]templateDiff) {
	var changed []Stack
	for _, c := range r.stacks {
		d := diffs[c.id]
		res := d.resources()
		if len(res) == 0 && len(d.Other) == 0 {
			r.rep.UnchangedStacks++
			continue
		}
		st := Stack{Name: c.stack, Variants: []Variant{c.v}, Status: StackChanged, PermissionsBroadened: d.PermissionsBroadened,
			Security: d.Security, Resources: res, Other: d.Other}
		switch {
		case c.baseTpl == "":
			st.Status = StackAdded
		case c.headTpl == "":
			st.Status = StackRemoved
			var kept []string
			for _, x := range res {
				if x.Stateful {
					kept = append(kept, x.Type+" "+x.LogicalID)
				}
			}
			if len(kept) > 0 {
				r.note("%s is no longer synthesized in %s: deploying leaves it in place, but destroying it would delete %s.", c.stack, c.v, strings.Join(kept, ", "))
			}
		}
		changed = append(changed, st)
	}
	r.rep.Stacks = mergeStacks(changed)
	r.rep.Stateful = statefulChanges(r.rep.Stacks)
	r.rep.Blocked = len(r.rep.Stateful) > 0 && !r.o.AllowReplace
}

// compareFindings keys both revisions' findings by stack, resource and
// rule, each revision's accepted by its own configuration.
func (r *reviewer) compareFindings(linted map[string][]finding) error {
	byTemplate := map[string][]finding{}
	for f, list := range linted {
		byTemplate[f] = append(byTemplate[f], list...)
	}
	for dir, tpls := range r.tplsOf {
		nag, err := nagFindings(dir, tpls)
		if err != nil {
			return err
		}
		for f, list := range nag {
			byTemplate[f] = append(byTemplate[f], list...)
		}
	}
	headCfg, err := loadLintConfig(r.hs.root)
	if err != nil {
		return fmt.Errorf("working tree: %w", err)
	}
	baseCfg, err := loadLintConfig(r.bs.root)
	if err != nil {
		return fmt.Errorf("base: %w", err)
	}
	var news, gone, accepted []Finding
	for _, c := range r.stacks {
		hf, bf := map[string]Finding{}, map[string]Finding{}
		if c.headTpl != "" {
			hf = keyed(c.stack, c.headTpl, byTemplate[c.headTpl], headCfg)
		}
		if c.baseTpl != "" {
			bf = keyed(c.stack, c.baseTpl, byTemplate[c.baseTpl], baseCfg)
		}
		n, g, a := diffFindings(c.v, hf, bf)
		news, gone, accepted = append(news, n...), append(gone, g...), append(accepted, a...)
	}
	r.rep.Findings = Findings{New: mergeFindings(news), Removed: mergeFindings(gone), AcceptanceChanged: mergeFindings(accepted)}
	return nil
}

// diffFindings compares one stack's findings in variant v, keyed alike:
// those only the working tree has, those only the base has, and those
// that one revision accepts and the other leaves open. A finding both
// accept, whatever their reasons, is no change.
func diffFindings(v Variant, head, base map[string]Finding) (news, gone, accepted []Finding) {
	for k, f := range head {
		f.Variants = []Variant{v}
		b, ok := base[k]
		switch {
		case !ok:
			news = append(news, f)
		case (b.Accepted == "") != (f.Accepted == ""):
			f.WasAccepted = b.Accepted
			accepted = append(accepted, f)
		}
	}
	for k, f := range base {
		if _, ok := head[k]; !ok {
			f.Variants = []Variant{v}
			gone = append(gone, f)
		}
	}
	return news, gone, accepted
}

// compareCost runs each revision's own 'progress cost' for every env. A
// base whose CLI does not build or price an env is a note, not a failure.
func (r *reviewer) compareCost(ctx context.Context) (notes []string, err error) {
	var progress [2]string
	var errs [2]error
	var wg sync.WaitGroup
	for i, s := range []*side{r.bs, r.hs} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.step("building the progress CLI of the %s", s.name)()
			progress[i], errs[i] = s.build(ctx, "./service/cmd/progress", "progress")
		}()
	}
	wg.Wait()
	if errs[1] != nil {
		return nil, errs[1]
	}
	if errs[0] != nil {
		notes = append(notes, "The base's progress CLI does not build, so its cost is unknown: "+firstLine(errs[0].Error()))
	}
	var out []Cost
	for _, env := range r.scope.Envs {
		after, err := r.hs.costs(ctx, progress[1], env)
		if err != nil {
			return nil, err
		}
		var before []estimate
		if progress[0] != "" && r.bs.hasEnv(env) {
			if before, err = r.bs.costs(ctx, progress[0], env); err != nil {
				notes = append(notes, fmt.Sprintf("The base's cost of %s is unknown: %s", env, firstLine(err.Error())))
			}
		}
		out = append(out, compareCosts(env, r.scope.Arch, r.scope.Stores, before, after)...)
	}
	r.rep.Cost = append(r.rep.Cost, out...)
	return notes, nil
}

// mergeStacks lists a stack once for every variant where it changed
// alike (the Identity stack of each store, say).
func mergeStacks(list []Stack) []Stack {
	out := []Stack{}
	index := map[string]int{}
	for _, s := range list {
		b, _ := json.Marshal(struct {
			N, S string
			B    bool
			T    []SecurityTable
			R    []Resource
			O    []OtherChange
		}{s.Name, s.Status, s.PermissionsBroadened, s.Security, s.Resources, s.Other})
		if i, ok := index[string(b)]; ok {
			out[i].Variants = sortVariants(append(out[i].Variants, s.Variants...))
			continue
		}
		index[string(b)] = len(out)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return compareVariants(out[i].Variants[0], out[j].Variants[0]) < 0
	})
	return out
}

// mergeFindings lists a finding once for every variant where it is alike.
func mergeFindings(list []Finding) []Finding {
	out := []Finding{}
	index := map[string]int{}
	for _, f := range list {
		k := f.key() + "\x00" + f.Accepted + "\x00" + f.WasAccepted + "\x00" + f.Message
		if i, ok := index[k]; ok {
			out[i].Variants = sortVariants(append(out[i].Variants, f.Variants...))
			continue
		}
		index[k] = len(out)
		out = append(out, f)
	}
	sortFindings(out)
	return out
}
