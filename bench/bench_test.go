package main

import (
	"net/url"
	"slices"
	"testing"

	"github.com/progresskit/progresskit/service/settings"
)

// The bootstrap is given the table's name, as the Lambda construct gives
// it, not the bench's store URL.
func TestLambdaEnvNamesTheTable(t *testing.T) {
	endpoint := "http://127.0.0.1:8000"
	env, err := lambdaEnv("dynamodb://bench-http-x1?region=us-east-1&endpoint=" + url.QueryEscape(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{settings.Table.Env + "=bench-http-x1", "AWS_ENDPOINT_URL_DYNAMODB=" + endpoint} {
		if !slices.Contains(env, want) {
			t.Errorf("environment %q lacks %q", env, want)
		}
	}
}
