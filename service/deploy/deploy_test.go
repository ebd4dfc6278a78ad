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
