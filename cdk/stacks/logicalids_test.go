package stacks_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/progresskit/progresskit/cdk/config"
)

var updateLogicalIDs = flag.Bool("update", false, "rewrite testdata/logical-ids-<env>.txt from the stacks as they are")

// A resource whose logical id changes is replaced by CloudFormation: a new
// one made, the old one deleted. For a security group or a target group
// that is a disruption; for a table or a database it is the data. The
// stacks of every env (arch=all, each arch on its own store) keep the
// logical ids in testdata, so a change that renames one shows in review
// and must be made on purpose with -update. Lambda versions are left out:
// their ids carry the code's hash and change with every build by design.
func TestLogicalIDsAreKept(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		b := build(t, env, config.ArchAll)
		var got []string
		for _, st := range []awscdk.Stack{b.Identity.Stack, b.Data.Stack, b.Lambda.Stack, b.Fargate.Stack, b.RDS.Stack, b.EC2.Stack} {
			tpl := *assertions.Template_FromStack(st, nil).ToJSON()
			all, _ := tpl["Resources"].(map[string]any)
			for id, r := range all {
				if typ, _ := r.(map[string]any)["Type"].(string); typ != "AWS::Lambda::Version" {
					got = append(got, fmt.Sprintf("%s %s %s", *st.StackName(), id, typ))
				}
			}
		}
		slices.Sort(got)
		file := filepath.Join("testdata", "logical-ids-"+env+".txt")
		if *updateLogicalIDs {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (go test ./cdk/stacks -run %s -update writes it)", err, t.Name())
		}
		want := strings.Split(strings.TrimSpace(string(raw)), "\n")
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %s is gone or renamed: CloudFormation would replace or delete it", env, w)
			}
		}
		for _, g := range got {
			if !slices.Contains(want, g) {
				t.Errorf("%s: %s is new", env, g)
			}
		}
		if t.Failed() {
			t.Logf("if the change is deliberate: go test ./cdk/stacks -run %s -update", t.Name())
		}
	}
}
