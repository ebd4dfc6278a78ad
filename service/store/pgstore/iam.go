package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"
	"github.com/jackc/pgx/v5"
)

// IAMScheme names a store reached with IAM authentication, as a function
// reaches PostgreSQL through RDS Proxy: postgres-iam://USER@HOST:PORT/DB
// ?region=R. The password of each new connection is a token signed with
// the process's AWS credentials (a Lambda function's role), valid 15
// minutes; signing needs no network, so a function in a VPC without NAT
// needs no endpoint to get one.
const IAMScheme = "postgres-iam"

// DefaultIAMSSLMode: RDS Proxy requires TLS for IAM authentication, and
// the proxy's certificate chains to Amazon's roots, which the binary
// carries (x509roots/fallback).
const DefaultIAMSSLMode = "verify-full"

// OpenIAM opens a store at a postgres-iam:// URL.
func OpenIAM(ctx context.Context, rawURL string, o Options) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != IAMScheme || u.Host == "" || u.User == nil || u.User.Username() == "" {
		return nil, fmt.Errorf("%s store URL must look like %s://USER@HOST:PORT/DB?region=us-east-1", IAMScheme, IAMScheme)
	}
	if _, set := u.User.Password(); set {
		return nil, fmt.Errorf("%s store URL carries a password; IAM authentication signs one per connection", IAMScheme)
	}
	q := u.Query()
	region := q.Get("region")
	q.Del("region")
	if q.Get("sslmode") == "" {
		q.Set("sslmode", DefaultIAMSSLMode)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	user := u.User.Username()
	pgURL := (&url.URL{Scheme: "postgres", User: url.User(user), Host: net.JoinHostPort(host, port), Path: u.Path, RawQuery: q.Encode()}).String()
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s store: AWS configuration: %w", IAMScheme, err)
	}
	if cfg.Region == "" {
		return nil, errors.New(IAMScheme + " store: no region: add ?region= to the URL or set AWS_REGION")
	}
	endpoint := net.JoinHostPort(host, port)
	return open(ctx, pgURL, o, func(ctx context.Context, cc *pgx.ConnConfig) error {
		token, err := auth.BuildAuthToken(ctx, endpoint, cfg.Region, user, cfg.Credentials)
		if err != nil {
			return fmt.Errorf("%s store: sign an authentication token: %w", IAMScheme, err)
		}
		cc.Password = token
		return nil
	})
}
