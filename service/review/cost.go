package review

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"

	"github.com/progresskit/progresskit/service/deploy"
)

// estimate is one architecture of 'progress cost --format json': its
// compute (arch) and, where the revision prices each compute on each
// store, its store; a revision that prices each compute on its own store
// alone gives none.
type estimate struct {
	Arch  string `json:"arch"`
	Store string `json:"store"`
	Items []struct {
		Category   string  `json:"category"`
		Name       string  `json:"name"`
		MonthlyUSD float64 `json:"monthlyUSD"`
		Detail     string  `json:"detail"`
	} `json:"items"`
	TotalUSD    float64  `json:"totalUSD"`
	CannotCarry []string `json:"cannotCarry"`
}

// storeOf is the store an estimate prices: its own, else its compute's.
func (e estimate) storeOf() string {
	if e.Store != "" {
		return e.Store
	}
	return deploy.DefaultStore(e.Arch)
}

// costs runs the revision's own 'progress cost --env env --format json'.
func (s *side) costs(ctx context.Context, progress, env string) ([]estimate, error) {
	cmd := exec.CommandContext(ctx, progress, "cost", "--env", env, "--format", "json")
	cmd.Dir = s.root
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: progress cost --env %s: %v: %s", s.name, env, err, tail(stderr.Bytes()))
	}
	var doc struct {
		Estimates []estimate `json:"estimates"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		return nil, fmt.Errorf("%s: progress cost --env %s --format json: %w", s.name, env, err)
	}
	return doc.Estimates, nil
}

// compareCosts pairs the estimates of both revisions by compute and
// store, within the scope, and itemises what changed. before is nil when
// the base has no estimate for env.
func compareCosts(env, arch string, stores []string, before, after []estimate) []Cost {
	type key struct{ arch, store string }
	in := func(e estimate) bool {
		return (arch == allArch || e.Arch == arch) && slices.Contains(stores, e.storeOf())
	}
	byKey := map[key][2]*estimate{}
	var keys []key
	for side, list := range [][]estimate{before, after} {
		for i := range list {
			e := &list[i]
			if !in(*e) {
				continue
			}
			k := key{e.Arch, e.storeOf()}
			pair, seen := byKey[k]
			if !seen {
				keys = append(keys, k)
			}
			pair[side] = e
			byKey[k] = pair
		}
	}
	order := func(list []string, v string) int {
		if i := slices.Index(list, v); i >= 0 {
			return i
		}
		return len(list)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if d := order(deploy.Computes, a.arch) - order(deploy.Computes, b.arch); d != 0 {
			return d
		}
		return order(deploy.Stores, a.store) - order(deploy.Stores, b.store)
	})
	var out []Cost
	for _, k := range keys {
		pair := byKey[k]
		c := Cost{Env: env, Arch: k.arch, Store: k.store}
		if b := pair[0]; b != nil {
			c.BeforeUSD = ptr(b.TotalUSD)
		}
		if a := pair[1]; a != nil {
			c.AfterUSD = ptr(a.TotalUSD)
			c.CannotCarry = a.CannotCarry
		}
		c.Items = compareItems(pair[0], pair[1])
		out = append(out, c)
	}
	return out
}

// compareItems lists the lines whose figure differs, by category and name.
func compareItems(before, after *estimate) []CostItem {
	type key struct{ cat, name string }
	var keys []key
	items := map[key]*CostItem{}
	for side, e := range []*estimate{before, after} {
		if e == nil {
			continue
		}
		for _, it := range e.Items {
			k := key{it.Category, it.Name}
			ci, ok := items[k]
			if !ok {
				ci = &CostItem{Category: it.Category, Name: it.Name}
				items[k] = ci
				keys = append(keys, k)
			}
			v := ptr(it.MonthlyUSD)
			if side == 0 {
				ci.BeforeUSD = sum(ci.BeforeUSD, v)
			} else {
				ci.AfterUSD = sum(ci.AfterUSD, v)
				ci.Detail = it.Detail
			}
		}
	}
	if before == nil || after == nil {
		return nil // the whole estimate is new or gone: its total says it
	}
	var out []CostItem
	for _, k := range keys {
		if ci := items[k]; !sameUSD(ci.BeforeUSD, ci.AfterUSD) {
			out = append(out, *ci)
		}
	}
	return out
}

func ptr(v float64) *float64 { return &v }

func sum(a, b *float64) *float64 {
	if a == nil {
		return b
	}
	return ptr(*a + *b)
}
