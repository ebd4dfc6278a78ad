package pgstore

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// A URL from an RDS secret (verify-full, no sslrootcert) trusts RDS's own
// authorities, which sign an instance's certificate; a URL that names its
// own roots keeps them.
func TestVerifyFullTrustsRDSAuthorities(t *testing.T) {
	cfg, err := pgxpool.ParseConfig("postgres://progress:pw@db.abc.eu-west-1.rds.amazonaws.com:5432/progress?sslmode=verify-full")
	if err != nil {
		t.Fatal(err)
	}
	trustRDS(&cfg.ConnConfig.Config)
	roots := cfg.ConnConfig.TLSConfig.RootCAs
	var n int
	for rest := rdsCA; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if cert.Subject.CommonName != "Amazon RDS eu-west-1 Root CA RSA2048 G1" {
			continue
		}
		n++
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: cert.NotBefore}); err != nil {
			t.Errorf("%s is not trusted: %v", cert.Subject, err)
		}
	}
	if n != 1 {
		t.Fatalf("%d eu-west-1 RSA2048 G1 roots in rds-ca.pem, want 1", n)
	}

	ca := filepath.Join(t.TempDir(), "own.pem")
	if err := os.WriteFile(ca, rdsCA[:strings.Index(string(rdsCA), "-----END CERTIFICATE-----")+len("-----END CERTIFICATE-----")], 0o644); err != nil {
		t.Fatal(err)
	}
	own, err := pgxpool.ParseConfig("postgres://u:p@h/db?sslmode=verify-full&sslrootcert=" + ca)
	if err != nil {
		t.Fatal(err)
	}
	before := own.ConnConfig.TLSConfig.RootCAs
	trustRDS(&own.ConnConfig.Config)
	if own.ConnConfig.TLSConfig.RootCAs != before {
		t.Error("sslrootcert's roots were replaced")
	}
}
