//go:build !nosqlite

package storeurl

import (
	"context"
	"strings"

	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
)

func init() {
	register(driver{schemes: []string{"sqlite"}, form: "sqlite://PATH",
		open: func(ctx context.Context, _, rawURL string, _ Options) (store.Store, error) {
			path, _, _ := strings.Cut(strings.TrimPrefix(rawURL, "sqlite://"), "?")
			return sqlitestore.Open(ctx, path)
		}})
}
