//go:build !nopostgres

package storeurl

import (
	"context"

	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/pgstore"
)

func init() {
	register(driver{
		schemes: []string{deploy.Postgres, "postgresql", pgstore.SecretScheme, pgstore.IAMScheme},
		form:    "postgres://USER:PASS@HOST:PORT/DB?sslmode=..., " + pgstore.SecretScheme + "://SECRET_ARN, " + pgstore.IAMScheme + "://USER@HOST:PORT/DB?region=R",
		open: func(ctx context.Context, scheme, rawURL string, o Options) (store.Store, error) {
			po := pgstore.Options{MaxConns: o.PGMaxConns, Migrate: true}
			switch scheme {
			case pgstore.SecretScheme:
				u, err := pgstore.ResolveSecretURL(ctx, rawURL)
				if err != nil {
					return nil, err
				}
				return pgstore.Open(ctx, u, po)
			case pgstore.IAMScheme:
				return pgstore.OpenIAM(ctx, rawURL, po)
			}
			return pgstore.Open(ctx, rawURL, po)
		}})
}
