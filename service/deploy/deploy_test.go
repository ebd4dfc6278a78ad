package deploy

import (
	"slices"
	"testing"
)

// Every compute has a store, and it is one of the stores.
func TestEveryComputeHasADefaultStore(t *testing.T) {
	for _, c := range Computes {
		if s := DefaultStore(c); !slices.Contains(Stores, s) {
			t.Errorf("compute %s: default store %q", c, s)
		}
	}
	if s := DefaultStore("k8s"); s != "" {
		t.Errorf("unknown compute: store %q", s)
	}
}

// Every compute and store has a name for people of its own.
func TestTitles(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Computes {
		seen[ComputeTitle(c)] = true
	}
	for _, s := range Stores {
		seen[StoreTitle(s)] = true
	}
	if len(seen) != len(Computes)+len(Stores) || seen["lambda"] || seen["postgres"] {
		t.Errorf("titles %v", seen)
	}
}
