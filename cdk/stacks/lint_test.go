package stacks_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
	"github.com/progresskit/progresskit/constructs/assets"
)

// fullSettings is test/lint/full-settings.json: the optional settings that
// 'make synth-full' sets in every env, so that lint-iac lints what they add.
func fullSettings(t *testing.T) map[string]any {
	t.Helper()
	root, err := assets.ModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "test", "lint", "full-settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// What 'make synth-full' synthesizes (cdk.json's environments, each with
// the full settings, given as JSON text the way -c passes them) has every
// resource the empty settings leave out, so the linters meet them: the Ci
// stack, the custom domain and its alias record, and the HTTPS listeners.
func TestFullSettingsAddEveryOptionalResource(t *testing.T) {
	full := fullSettings(t)
	for _, key := range []string{"domainName", "certificateArn", "hostedZoneId", "githubRepository"} {
		if v, _ := full[key].(string); v == "" {
			t.Errorf("test/lint/full-settings.json does not set %s", key)
		}
	}
	ctx := map[string]any{}
	raw, _ := json.Marshal(cdkContext)
	json.Unmarshal(raw, &ctx)
	envs := ctx[config.ContextEnvironments].(map[string]any)
	for _, settings := range envs {
		for k, v := range full {
			settings.(map[string]any)[k] = v
		}
	}
	text, err := json.Marshal(envs)
	if err != nil {
		t.Fatal(err)
	}
	ctx[config.ContextEnvironments] = string(text)
	for env := range envs {
		t.Run(env, func(t *testing.T) {
			ctx[config.ContextEnv], ctx[config.ContextArch] = env, config.ArchAll
			b, err := stacks.Build(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}))
			if err != nil {
				t.Fatal(err)
			}
			if b.CI == nil {
				t.Error("no Ci stack")
			}
			for name, st := range map[string]awscdk.Stack{"lambda": b.Lambda.Stack, "fargate": b.Fargate.Stack, "ec2": b.EC2.Stack} {
				tpl := assertions.Template_FromStack(st, nil)
				check(t, name+": alias record", func() {
					tpl.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), map[string]any{"Name": full["domainName"].(string) + "."})
				})
				if name == "lambda" {
					check(t, name+": custom domain", func() {
						tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), map[string]any{"DomainName": full["domainName"]})
					})
				} else {
					check(t, name+": HTTPS listener", func() {
						tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{"Protocol": "HTTPS"})
					})
				}
			}
		})
	}
}
