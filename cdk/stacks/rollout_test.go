package stacks_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/jsii-runtime-go"
	jsiiruntime "github.com/aws/jsii-runtime-go/runtime"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/settings"
)

// logicalIDs of the resources of typ whose id starts with prefix.
func logicalIDs(tpl assertions.Template, typ, prefix string) []string {
	var ids []string
	for id := range resources(tpl, typ) {
		if strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
		}
	}
	return ids
}

// rolloutAlarms checks the alarms that roll back: one-minute, one breaching
// datapoint, and on the stack's dashboard; it returns their logical ids.
func rolloutAlarms(t *testing.T, tpl assertions.Template, prefix string) []string {
	t.Helper()
	alarms := resources(tpl, "AWS::CloudWatch::Alarm")
	ids := logicalIDs(tpl, "AWS::CloudWatch::Alarm", prefix)
	dashboard, _ := json.Marshal(resources(tpl, "AWS::CloudWatch::Dashboard"))
	for _, id := range ids {
		p := props(alarms[id])
		if p["EvaluationPeriods"] != float64(1) || p["DatapointsToAlarm"] != float64(1) {
			t.Errorf("%s: %v periods, %v datapoints; want a single minute to fire it", id, p["EvaluationPeriods"], p["DatapointsToAlarm"])
		}
		metrics, _ := json.Marshal(p["Metrics"])
		if p["Period"] != float64(60) && !strings.Contains(string(metrics), `"Period":60`) {
			t.Errorf("%s: metrics are not per minute: %s", id, metrics)
		}
		if !strings.Contains(string(dashboard), id) {
			t.Errorf("%s is not on the dashboard", id)
		}
	}
	return ids
}

func TestLambdaRollout(t *testing.T) {
	wantConfig := map[string]string{"dev": "CodeDeployDefault.LambdaAllAtOnce", "prod": "CodeDeployDefault.LambdaCanary10Percent5Minutes"}
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.Lambda)
			tpl := assertions.Template_FromStack(b.Lambda.Stack, nil)
			versions := logicalIDs(tpl, "AWS::Lambda::Version", "")
			if len(versions) != 1 {
				t.Fatalf("%d published versions, want 1", len(versions))
			}
			aliases := resources(tpl, "AWS::Lambda::Alias")
			if len(aliases) != 1 {
				t.Fatalf("%d aliases", len(aliases))
			}
			var aliasID string
			for id, a := range aliases {
				aliasID = id
				p := props(a)
				if p["Name"] != lambdaservice.AliasName {
					t.Errorf("alias %v", p["Name"])
				}
				if v, _ := json.Marshal(p["FunctionVersion"]); !strings.Contains(string(v), versions[0]) {
					t.Errorf("the alias points at %s, not the published version", v)
				}
				if u, _ := json.Marshal(a["UpdatePolicy"]); !strings.Contains(string(u), "CodeDeployLambdaAliasUpdate") {
					t.Errorf("alias updates are not CodeDeploy's: %s", u)
				}
			}
			for id, in := range resources(tpl, "AWS::ApiGatewayV2::Integration") {
				if u, _ := json.Marshal(props(in)["IntegrationUri"]); !strings.Contains(string(u), aliasID) {
					t.Errorf("integration %s invokes %s, not the alias", id, u)
				}
			}
			ids := rolloutAlarms(t, tpl, "ServiceRollout")
			if len(ids) != 2 {
				t.Fatalf("rollout alarms %v, want the function errors and the API 5xx rate", ids)
			}
			for _, id := range ids {
				if th := props(resources(tpl, "AWS::CloudWatch::Alarm")[id])["Threshold"]; th != observability.DefaultRolloutErrorRatePercent {
					t.Errorf("%s threshold %v, want %v%%", id, th, observability.DefaultRolloutErrorRatePercent)
				}
			}
			// The new version's own handled 5xx (the bootstrap's metric,
			// per function and version) count toward its rollback.
			check(t, "the version's rollout alarm reads the bootstrap's ServerErrors of that version", func() {
				tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
					"Metrics": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
						"MetricStat": assertions.Match_ObjectLike(&map[string]any{"Metric": map[string]any{
							"Namespace":  settings.MetricNamespace,
							"MetricName": settings.MetricServerErrors,
							"Dimensions": assertions.Match_ArrayWith(&[]any{
								map[string]any{"Name": settings.MetricDimensionFunction, "Value": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ServiceFunction"))}},
								map[string]any{"Name": settings.MetricDimensionVersion, "Value": map[string]any{"Fn::GetAtt": []any{versions[0], "Version"}}},
							}),
						}}),
					})}),
				})
			})
			check(t, "deployment group with alarms and automatic rollback", func() {
				tpl.HasResourceProperties(jsii.String("AWS::CodeDeploy::DeploymentGroup"), map[string]any{
					"DeploymentConfigName": wantConfig[env],
					"AutoRollbackConfiguration": map[string]any{
						"Enabled": true,
						"Events":  assertions.Match_ArrayWith(&[]any{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}),
					},
				})
				// ArrayWith keeps order, so each alarm is matched on its own.
				for _, id := range ids {
					tpl.HasResourceProperties(jsii.String("AWS::CodeDeploy::DeploymentGroup"), map[string]any{
						"AlarmConfiguration": map[string]any{"Enabled": true, "Alarms": assertions.Match_ArrayWith(&[]any{map[string]any{"Name": map[string]any{"Ref": id}}})},
					})
				}
			})
		})
	}
}

// Every lambdaDeployment cdk.json may name is the CDK's name of a
// predefined configuration, and the stacks import exactly that one.
func TestEveryLambdaDeploymentMaps(t *testing.T) {
	for _, name := range config.LambdaDeployments() {
		stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
		got := stacks.LambdaDeploymentConfig(stack, name).DeploymentConfigName()
		var predefined awscodedeploy.ILambdaDeploymentConfig
		jsiiruntime.StaticGet("aws-cdk-lib.aws_codedeploy.LambdaDeploymentConfig", name, &predefined)
		if got == nil || predefined == nil || *got != *predefined.DeploymentConfigName() {
			t.Errorf("%s imports %v, the CDK's is %v", name, got, predefined)
		}
	}
}

func TestFargateRollout(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.Fargate)
			tpl := assertions.Template_FromStack(b.Fargate.Stack, nil)
			ids := rolloutAlarms(t, tpl, "ServiceRollout")
			if len(ids) != 2 {
				t.Fatalf("rollout alarms %v, want the 5xx rate and p99", ids)
			}
			check(t, "circuit breaker, deployment alarms with rollback", func() {
				// ArrayWith keeps order, so each alarm is matched on its own.
				for _, id := range ids {
					want := map[string]any{
						"DeploymentCircuitBreaker": map[string]any{"Enable": true, "Rollback": true},
						"Alarms":                   map[string]any{"Enable": true, "Rollback": true, "AlarmNames": assertions.Match_ArrayWith(&[]any{map[string]any{"Ref": id}})},
					}
					if env == "prod" {
						want["MinimumHealthyPercent"] = 100
					}
					tpl.HasResourceProperties(jsii.String("AWS::ECS::Service"), map[string]any{
						"DeploymentConfiguration": assertions.Match_ObjectLike(&want),
					})
				}
			})
		})
	}
}

func TestEc2Rollout(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.EC2)
			z := b.Selection.Settings.Sizing
			tpl := assertions.Template_FromStack(b.EC2.Stack, nil)
			timeout := "PT" + jsonNumber(ec2service.SignalTimeoutMinutes) + "M"
			check(t, "rolling update on signals, creation waits for min capacity", func() {
				tpl.HasResource(jsii.String("AWS::AutoScaling::AutoScalingGroup"), map[string]any{
					"UpdatePolicy": map[string]any{"AutoScalingRollingUpdate": assertions.Match_ObjectLike(&map[string]any{
						"MaxBatchSize": 1, "MinInstancesInService": min(z.EC2MinInstances, z.EC2MaxInstances-1),
						"WaitOnResourceSignals": true, "PauseTime": timeout,
					})},
					"CreationPolicy": map[string]any{"ResourceSignal": map[string]any{"Count": z.EC2MinInstances, "Timeout": timeout}},
				})
			})
		})
	}
}

// cdk.json's ec2MaxInstances of 1 stops synthesis with the construct's
// reason instead of deploying a group that an update would empty.
func TestEc2MaxOfOneStopsSynthesis(t *testing.T) {
	ctx := map[string]any{}
	raw, _ := json.Marshal(cdkContext)
	json.Unmarshal(raw, &ctx)
	sizing := ctx[config.ContextEnvironments].(map[string]any)["dev"].(map[string]any)["sizing"].(map[string]any)
	sizing["ec2MinInstances"], sizing["ec2MaxInstances"] = 1, 1
	ctx[config.ContextEnv], ctx[config.ContextArch] = "dev", deploy.EC2
	_, err := stacks.Build(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}))
	if err == nil || !strings.Contains(err.Error(), "Max 1 would leave no instance serving") {
		t.Fatalf("ec2MaxInstances 1: %v, want the refusal as an error", err)
	}
}

// bootstrapRoleARN matches the ARN of a CDK bootstrap role (default
// qualifier) of stack's account and region, as cfnString renders it; the
// group is the role's kind, e.g. "deploy" or "lookup".
func bootstrapRoleARN(stack awscdk.Stack) *regexp.Regexp {
	pseudo := func(v *string, name string) string {
		if *awscdk.Token_IsUnresolved(v) {
			return "${" + name + "}"
		}
		return *v
	}
	partition := regexp.QuoteMeta(pseudo(stack.Partition(), "AWS::Partition"))
	account := regexp.QuoteMeta(pseudo(stack.Account(), "AWS::AccountId"))
	region := regexp.QuoteMeta(pseudo(stack.Region(), "AWS::Region"))
	return regexp.MustCompile(`^arn:` + partition + `:iam::` + account + `:role/cdk-hnb659fds-([a-z][a-z-]*)-role-` + account + `-` + region + `$`)
}

// cfnString renders a template string value: a literal, or an Fn::Join of
// literals and Refs, each Ref as ${Name}. Anything else renders as its
// JSON, which no ARN pattern matches.
func cfnString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if ref, ok := m["Ref"].(string); ok {
			return "${" + ref + "}"
		}
		if j, ok := m["Fn::Join"].([]any); ok && len(j) == 2 {
			sep, ok1 := j[0].(string)
			parts, ok2 := j[1].([]any)
			if ok1 && ok2 {
				out := make([]string, len(parts))
				for i, p := range parts {
					out[i] = cfnString(p)
				}
				return strings.Join(out, sep)
			}
		}
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// asList is a policy field that may be one value or a list of them.
func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func jsonNumber(n int) string { b, _ := json.Marshal(n); return string(b) }

// The Ci stack exists only with githubRepository, and its roles are
// trusted by exactly one repository and environment (or its pull
// requests), with no wildcard; the deploy role may assume exactly the CDK
// deploy, file-publishing, image-publishing and lookup bootstrap roles, the
// diff role exactly the lookup role.
func TestCiStack(t *testing.T) {
	if b := build(t, "prod", deploy.Lambda); b.CI != nil {
		t.Fatal("a Ci stack without githubRepository")
	}
	const repo = "my-org/learning-platform"
	// dev is the preview template's env (cdk.json's progresskit:preview),
	// so its Ci stack also holds the previews' role; prod's does not.
	for _, env := range []string{"prod", "dev"} {
		for name, mutate := range map[string]func(map[string]any){
			"new provider": func(e map[string]any) { e["githubRepository"] = repo },
			"existing provider": func(e map[string]any) {
				e["githubRepository"] = repo
				e["githubOidcProviderArn"] = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
			},
		} {
			t.Run(env+" "+name, func(t *testing.T) {
				b := buildWith(t, env, deploy.Lambda, mutate)
				if b.CI == nil || *b.CI.Stack.StackName() != stacks.StackName(env, "Ci") {
					t.Fatalf("no Progress-%s-Ci stack", env)
				}
				tpl := assertions.Template_FromStack(b.CI.Stack, nil)
				wantProviders := map[string]int{"new provider": 1, "existing provider": 0}[name]
				if n := len(resources(tpl, "AWS::IAM::OIDCProvider")); n != wantProviders {
					t.Errorf("%d OIDC providers, want %d", n, wantProviders)
				}
				subjects := map[string]bool{}
				roleSubject := map[string]string{}
				for id, r := range resources(tpl, "AWS::IAM::Role") {
					// Only the policies checked below may grant a role anything.
					for _, k := range []string{"Policies", "ManagedPolicyArns", "PermissionsBoundary"} {
						if v, ok := props(r)[k]; ok {
							t.Errorf("%s has %s %v", id, k, v)
						}
					}
					doc := props(r)["AssumeRolePolicyDocument"].(map[string]any)
					raw, _ := json.Marshal(doc)
					if strings.Contains(string(raw), "StringLike") || strings.Contains(string(raw), "*") {
						t.Errorf("%s trust has a pattern: %s", id, raw)
					}
					for _, st := range doc["Statement"].([]any) {
						eq := st.(map[string]any)["Condition"].(map[string]any)["StringEquals"].(map[string]any)
						if eq["token.actions.githubusercontent.com:aud"] != "sts.amazonaws.com" {
							t.Errorf("%s: audience %v", id, eq)
						}
						sub := eq["token.actions.githubusercontent.com:sub"].(string)
						subjects[sub] = true
						if prev, ok := roleSubject[id]; ok && prev != sub {
							t.Errorf("%s trusts both %s and %s", id, prev, sub)
						}
						roleSubject[id] = sub
					}
				}
				for _, want := range []string{"repo:" + repo + ":environment:" + env, "repo:" + repo + ":pull_request"} {
					if !subjects[want] {
						t.Errorf("no role trusts %s; subjects %v", want, subjects)
					}
				}
				// Which bootstrap roles each role may assume, by the subject it
				// trusts: a pull request must never reach the deploy or
				// publishing roles, so the kinds are compared exactly.
				bootstrapRole := bootstrapRoleARN(b.CI.Stack)
				assumes := map[string][]string{}
				for id, p := range resources(tpl, "AWS::IAM::Policy") {
					attached, _ := props(p)["Roles"].([]any)
					if len(attached) != 1 {
						t.Errorf("%s is attached to %v, want one role", id, attached)
						continue
					}
					ref, _ := attached[0].(map[string]any)
					role, _ := ref["Ref"].(string)
					sub, ok := roleSubject[role]
					if !ok {
						t.Errorf("%s is attached to %v, not to a role trusted by GitHub", id, attached[0])
						continue
					}
					for _, st := range props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
						s := st.(map[string]any)
						raw, _ := json.Marshal(s)
						if len(s) != 3 || s["Effect"] != "Allow" || s["Action"] != "sts:AssumeRole" {
							t.Errorf("%s: %s; want only Effect Allow, Action sts:AssumeRole and Resource", id, raw)
							continue
						}
						for _, r := range asList(s["Resource"]) {
							arn := cfnString(r)
							m := bootstrapRole.FindStringSubmatch(arn)
							if m == nil {
								t.Errorf("%s allows sts:AssumeRole on %s, not a CDK bootstrap role of this account and region (%s)", id, arn, bootstrapRole)
								continue
							}
							assumes[sub] = append(assumes[sub], m[1])
						}
					}
				}
				for sub := range assumes {
					slices.Sort(assumes[sub])
				}
				want := map[string][]string{
					"repo:" + repo + ":environment:" + env: {"deploy", "file-publishing", "image-publishing", "lookup"},
					"repo:" + repo + ":pull_request":       {"lookup"},
				}
				if env == "dev" {
					want["repo:"+repo+":environment:"+config.PreviewGitHubEnvironment] = []string{"deploy", "file-publishing", "image-publishing", "lookup"}
				}
				if !reflect.DeepEqual(assumes, want) {
					t.Errorf("bootstrap roles each role may assume, by trusted subject:\n got  %v\n want %v", assumes, want)
				}
				for _, m := range *assertions.Annotations_FromStack(b.CI.Stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
					t.Errorf("cdk-nag: %s %v", *m.Id, m.Entry.Data)
				}
			})
		}
	}
}
