package pgstore

import (
	"strings"
	"testing"
)

func TestURLFromSecret(t *testing.T) {
	cases := []struct {
		name, secret, sslmode, want, wantErr string
	}{
		{"rds shape", `{"username":"progress","password":"p@ss:w/rd","host":"db.abc.us-east-1.rds.amazonaws.com","port":5432,"dbname":"progress","engine":"postgres"}`, "",
			"postgres://progress:p%40ss%3Aw%2Frd@db.abc.us-east-1.rds.amazonaws.com:5432/progress?sslmode=verify-full", ""},
		{"string port, no dbname", `{"username":"u","password":"p","host":"h","port":"6543"}`, "require", "postgres://u:p@h:6543/postgres?sslmode=require", ""},
		{"no port", `{"username":"u","password":"p","host":"h"}`, "", "postgres://u:p@h:5432/postgres?sslmode=verify-full", ""},
		{"missing password", `{"username":"u","host":"h"}`, "", "", "password"},
		{"bad port", `{"username":"u","password":"p","host":"h","port":"x"}`, "", "", "port"},
		{"port out of range", `{"username":"u","password":"p","host":"h","port":70000}`, "", "", "range"},
		{"not json", `username=u`, "", "", "not JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := URLFromSecret([]byte(tc.secret), tc.sslmode)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestParseSecretURL(t *testing.T) {
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:progress/db-AbCdEf"
	id, mode, err := ParseSecretURL("postgres-secret://" + arn + "?sslmode=require")
	if err != nil || id != arn || mode != "require" {
		t.Fatalf("got %q %q %v", id, mode, err)
	}
	if id, _, err := ParseSecretURL("postgres-secret://" + arn); err != nil || id != arn {
		t.Fatalf("without query: %q %v", id, err)
	}
	for _, bad := range []string{"postgres://x", "postgres-secret://", "postgres-secret://?sslmode=require"} {
		if _, _, err := ParseSecretURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
