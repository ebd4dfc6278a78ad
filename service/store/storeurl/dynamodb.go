//go:build !nodynamodb

package storeurl

import (
	"context"

	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamostore"
)

func init() {
	register(driver{schemes: []string{deploy.DynamoDB}, form: "dynamodb://TABLE?region=R[&endpoint=URL]",
		open: func(ctx context.Context, _, rawURL string, o Options) (store.Store, error) {
			opts, err := dynamostore.ParseURL(rawURL)
			if err != nil {
				return nil, err
			}
			s, err := dynamostore.Open(ctx, opts)
			if err != nil {
				return nil, err
			}
			if o.Init {
				if err := s.Init(ctx); err != nil {
					return nil, err
				}
			}
			return s, nil
		}})
}
