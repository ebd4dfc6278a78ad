package storeurl

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/deploy"
)

// Each store's driver file is left out by exactly the tag that
// deploy.OnlyStore names for it, so a deployed binary built for one
// store links that store's client alone.
func TestEachDriverFileHasItsStoresTag(t *testing.T) {
	for _, store := range append(slices.Clone(deploy.Stores), "sqlite") {
		src, err := os.ReadFile(store + ".go")
		if err != nil {
			t.Fatalf("no driver file for store %s: %v", store, err)
		}
		if first, _, _ := strings.Cut(string(src), "\n"); first != "//go:build !no"+store {
			t.Errorf("%s.go starts %q, want //go:build !no%s", store, first, store)
		}
	}
	for _, store := range deploy.Stores {
		tags := deploy.OnlyStore(store)
		if slices.Contains(tags, "no"+store) || !slices.Contains(tags, "nosqlite") {
			t.Errorf("OnlyStore(%s) = %v", store, tags)
		}
	}
}

func TestUnknownSchemeNamesTheKnownOnes(t *testing.T) {
	_, err := Open(context.Background(), "mysql://x", Options{})
	if err == nil || !strings.Contains(err.Error(), "sqlite://PATH") || !strings.Contains(err.Error(), "dynamodb://TABLE") {
		t.Fatalf("unknown scheme: %v", err)
	}
}
