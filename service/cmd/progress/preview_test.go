package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// 'progress preview expired' reads describe-stacks as the AWS CLI prints
// it and lists the previews past cdk.json's age limit (72 h), or --max-age.
func TestPreviewExpired(t *testing.T) {
	stamp := func(h int) string {
		return time.Now().UTC().Add(-time.Duration(h) * time.Hour).Format("2006-01-02T15:04:05.000000+00:00")
	}
	file := filepath.Join(t.TempDir(), "stacks.json")
	doc := fmt.Sprintf(`{"Stacks": [
		{"StackName": "Progress-pr-4-Identity", "CreationTime": %q, "StackStatus": "CREATE_COMPLETE"},
		{"StackName": "Progress-pr-4-Lambda", "CreationTime": %q, "StackStatus": "UPDATE_COMPLETE", "LastUpdatedTime": %q},
		{"StackName": "Progress-pr-5-Lambda", "CreationTime": %q},
		{"StackName": "Progress-dev-Data", "CreationTime": %q}
	]}`, stamp(100), stamp(90), stamp(1), stamp(30), stamp(1000))
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cdk-json", "../../../cdk.json"}, "pr-4\n"},
		{[]string{"--max-age", "24h"}, "pr-4\npr-5\n"},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"preview", "expired", "--stacks", file}, c.args...)
		if code := run(context.Background(), args, &out, &errb); code != 0 || out.String() != c.want {
			t.Errorf("%v: exit %d, stdout %q, want %q; stderr %s", c.args, code, out.String(), c.want, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"preview", "expired", "--stacks", "../../../cdk.json", "--max-age", "1h"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), `no "Stacks"`) {
		t.Errorf("cdk.json as stacks: exit %d, %s", code, errb.String())
	}
}
