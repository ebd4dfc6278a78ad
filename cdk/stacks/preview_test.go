package stacks_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
)

// env=pr-7 synthesizes a pull request's own stacks, named for it, tagged
// as a preview, and disposable: destroying them leaves nothing behind.
func TestPreviewEnvSynthesizesDisposableStacks(t *testing.T) {
	b := build(t, "pr-7", config.ArchAll)
	if !b.Selection.Preview || b.CI != nil {
		t.Fatalf("pr-7: preview %v, Ci stack %v", b.Selection.Preview, b.CI != nil)
	}
	all := []awscdk.Stack{b.Identity.Stack, b.Data.Stack, b.RDS.Stack, b.Lambda.Stack, b.Fargate.Stack, b.EC2.Stack}
	for _, st := range all {
		name := *st.StackName()
		if !strings.HasPrefix(name, stacks.StackName("pr-7", "")) {
			t.Errorf("stack %s is not named for pr-7", name)
		}
		if tags := st.Tags().TagValues(); (*tags)["preview"] == nil || *(*tags)["preview"] != "true" {
			t.Errorf("%s tags %v", name, tags)
		}
		tpl := assertions.Template_FromStack(st, nil).ToJSON()
		for id, r := range (*tpl)["Resources"].(map[string]any) {
			res := r.(map[string]any)
			for _, k := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
				if p, ok := res[k]; ok && p != "Delete" {
					t.Errorf("%s %s (%s) has %s %v", name, id, res["Type"], k, p)
				}
			}
			props, _ := res["Properties"].(map[string]any)
			for _, k := range []string{"DeletionProtection", "DeletionProtectionEnabled"} {
				if v, ok := props[k]; ok && v != false && v != "INACTIVE" {
					t.Errorf("%s %s (%s) has %s %v", name, id, res["Type"], k, v)
				}
			}
			attrs, _ := props["LoadBalancerAttributes"].([]any)
			for _, a := range attrs {
				if kv := a.(map[string]any); kv["Key"] == "deletion_protection.enabled" && kv["Value"] != "false" {
					t.Errorf("%s %s: load balancer deletion protection %v", name, id, kv["Value"])
				}
			}
		}
	}
	// The template env's own stacks keep their names.
	if dev := build(t, "dev", config.ArchAll); *dev.Data.Stack.StackName() != "Progress-dev-Data" {
		t.Errorf("dev's data stack %s", *dev.Data.Stack.StackName())
	}
}
