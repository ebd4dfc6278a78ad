package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/table"
	"github.com/progresskit/progresskit/service/api/routes"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/dynamoschema"
)

// cdkContext is the context block of the repository's cdk.json, so tests
// synthesize exactly what 'cdk synth' would.
var cdkContext map[string]any

func TestMain(m *testing.M) {
	root, err := assets.ModuleDir()
	if err == nil {
		var b []byte
		if b, err = os.ReadFile(filepath.Join(root, "cdk.json")); err == nil {
			var doc struct{ Context map[string]any }
			err = json.Unmarshal(b, &doc)
			cdkContext = doc.Context
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stacks tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func newApp(env, arch string) awscdk.App { return newAppOn(env, arch, "") }

// newAppOn is newApp with '-c store=store' (none when empty).
func newAppOn(env, arch, store string) awscdk.App {
	ctx := map[string]any{}
	for k, v := range cdkContext {
		ctx[k] = v
	}
	if env != "" {
		ctx[config.ContextEnv] = env
	}
	if arch != "" {
		ctx[config.ContextArch] = arch
	}
	if store != "" {
		ctx[config.ContextStore] = store
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
}

// buildWith builds env and arch with env's settings in cdk.json changed
// by mutate.
func buildWith(t *testing.T, env, arch string, mutate func(settings map[string]any)) *stacks.Built {
	t.Helper()
	ctx := map[string]any{}
	raw, _ := json.Marshal(cdkContext)
	json.Unmarshal(raw, &ctx)
	mutate(ctx[config.ContextEnvironments].(map[string]any)[env].(map[string]any))
	ctx[config.ContextEnv], ctx[config.ContextArch] = env, arch
	b, err := stacks.Build(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func build(t *testing.T, env, arch string) *stacks.Built { return buildOn(t, env, arch, "") }

// buildOn builds env and arch on store ("": each arch's own).
func buildOn(t *testing.T, env, arch, store string) *stacks.Built {
	t.Helper()
	b, err := stacks.Build(newAppOn(env, arch, store))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// check runs a CDK assertion, which panics rather than fails.
func check(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	fn()
}

func resources(tpl assertions.Template, typ string) map[string]map[string]any {
	found := tpl.FindResources(jsii.String(typ), nil)
	out := map[string]map[string]any{}
	for id, r := range *found {
		out[id] = *r
	}
	return out
}

func props(r map[string]any) map[string]any { p, _ := r["Properties"].(map[string]any); return p }

func TestDataStack(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.Lambda)
			tpl := assertions.Template_FromStack(b.Data.Stack, nil)
			tables := resources(tpl, "AWS::DynamoDB::Table")
			if len(tables) != 1 {
				t.Fatalf("%d tables", len(tables))
			}
			var tbl map[string]any
			for _, r := range tables {
				tbl = r
			}
			p := props(tbl)
			keys, _ := json.Marshal(p["KeySchema"])
			wantKeys := fmt.Sprintf(`[{"AttributeName":%q,"KeyType":"HASH"},{"AttributeName":%q,"KeyType":"RANGE"}]`, dynamoschema.AttrPartitionKey, dynamoschema.AttrSortKey)
			if string(keys) != wantKeys {
				t.Errorf("key schema %s, want %s", keys, wantKeys)
			}
			attrs, _ := json.Marshal(p["AttributeDefinitions"])
			wantAttrs := fmt.Sprintf(`[{"AttributeName":%q,"AttributeType":%q},{"AttributeName":%q,"AttributeType":%q}]`,
				dynamoschema.AttrPartitionKey, dynamoschema.KeyAttributeType, dynamoschema.AttrSortKey, dynamoschema.KeyAttributeType)
			if string(attrs) != wantAttrs {
				t.Errorf("attributes %s, want %s", attrs, wantAttrs)
			}
			if p["BillingMode"] != "PAY_PER_REQUEST" {
				t.Errorf("billing %v", p["BillingMode"])
			}
			if pitr, _ := json.Marshal(p["PointInTimeRecoverySpecification"]); string(pitr) != `{"PointInTimeRecoveryEnabled":true}` {
				t.Errorf("PITR %s", pitr)
			}
			if sse, _ := json.Marshal(p["SSESpecification"]); !strings.Contains(string(sse), `"SSEEnabled":true`) {
				t.Errorf("encryption %s", sse)
			}
			prod := env == "prod"
			wantPolicy := map[bool]string{true: "Retain", false: "Delete"}[prod]
			if tbl["DeletionPolicy"] != wantPolicy || tbl["UpdateReplacePolicy"] != wantPolicy {
				t.Errorf("deletion policy %v/%v, want %s", tbl["DeletionPolicy"], tbl["UpdateReplacePolicy"], wantPolicy)
			}
			if p["DeletionProtectionEnabled"] != prod {
				t.Errorf("deletion protection %v in %s", p["DeletionProtectionEnabled"], env)
			}
		})
	}
}

func TestIdentityStack(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.Lambda)
			tpl := assertions.Template_FromStack(b.Identity.Stack, nil)
			check(t, "one user pool, admin sign-up only, strong passwords", func() {
				tpl.ResourceCountIs(jsii.String("AWS::Cognito::UserPool"), jsii.Number(1))
				tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), map[string]any{
					"AdminCreateUserConfig": map[string]any{"AllowAdminCreateUserOnly": true},
					"Policies":              map[string]any{"PasswordPolicy": assertions.Match_ObjectLike(&map[string]any{"MinimumLength": 12})},
				})
			})
			check(t, "web and mobile clients without secrets", func() {
				tpl.ResourceCountIs(jsii.String("AWS::Cognito::UserPoolClient"), jsii.Number(2))
				tpl.AllResourcesProperties(jsii.String("AWS::Cognito::UserPoolClient"), map[string]any{"GenerateSecret": false})
			})
			check(t, "progress-admin group", func() {
				tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolGroup"), map[string]any{"GroupName": "progress-admin"})
			})
			want := map[bool]string{true: "Retain", false: "Delete"}[env == "prod"]
			check(t, "stateful policy", func() {
				tpl.HasResource(jsii.String("AWS::Cognito::UserPool"), map[string]any{"DeletionPolicy": want})
			})
		})
	}
}

func TestLambdaStack(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.Lambda)
			s := b.Selection.Settings
			tpl := assertions.Template_FromStack(b.Lambda.Stack, nil)
			check(t, "arm64 provided.al2023 function", func() {
				tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
					"Runtime":       "provided.al2023",
					"Architectures": []any{"arm64"},
					"Handler":       "bootstrap",
					"MemorySize":    s.Sizing.LambdaMemoryMB,
					"Timeout":       s.Sizing.LambdaTimeoutSecs,
					"TracingConfig": map[string]any{"Mode": "Active"},
					"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
						settings.Auth.Env: "apigw",
					})},
				})
			})
			// The only grant on the table is the service's own actions.
			policies := resources(tpl, "AWS::IAM::Policy")
			var dynamoActions []string
			for _, p := range policies {
				doc, _ := props(p)["PolicyDocument"].(map[string]any)
				for _, st := range doc["Statement"].([]any) {
					stmt := st.(map[string]any)
					switch a := stmt["Action"].(type) {
					case string:
						if strings.HasPrefix(a, "dynamodb:") {
							dynamoActions = append(dynamoActions, a)
						}
					case []any:
						for _, x := range a {
							if strings.HasPrefix(x.(string), "dynamodb:") {
								dynamoActions = append(dynamoActions, x.(string))
							}
						}
					}
				}
			}
			slices.Sort(dynamoActions)
			want := slices.Sorted(slices.Values(table.ServiceActions))
			if !slices.Equal(dynamoActions, want) {
				t.Errorf("table actions granted %v, want exactly %v", dynamoActions, want)
			}
			check(t, "HTTP API with a JWT authorizer", func() {
				tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{"ProtocolType": "HTTP"})
				tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), map[string]any{"AuthorizerType": "JWT"})
			})
			got := map[string]string{}
			for _, r := range resources(tpl, "AWS::ApiGatewayV2::Route") {
				p := props(r)
				auth, _ := p["AuthorizationType"].(string)
				got[p["RouteKey"].(string)] = auth
			}
			for _, rt := range routes.All {
				key := rt.Method + " " + rt.Pattern
				wantAuth := "JWT"
				if rt.Public {
					wantAuth = "NONE"
				}
				if got[key] != wantAuth && !(rt.Public && got[key] == "") {
					t.Errorf("route %s auth %q, want %s", key, got[key], wantAuth)
				}
			}
			if len(got) != len(routes.All) {
				t.Errorf("%d routes, want %d: %v", len(got), len(routes.All), got)
			}
			check(t, "stage with access logs and throttling", func() {
				tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
					"AccessLogSettings": assertions.Match_ObjectLike(&map[string]any{"Format": assertions.Match_StringLikeRegexp(jsii.String(`requestId`))}),
					"DefaultRouteSettings": map[string]any{
						"ThrottlingRateLimit":  s.Sizing.ThrottleRatePerSec,
						"ThrottlingBurstLimit": s.Sizing.ThrottleBurst,
					},
				})
			})
			check(t, "log retention", func() {
				tpl.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": s.LogRetentionDays})
			})
			alarms := resources(tpl, "AWS::CloudWatch::Alarm")
			if len(alarms) != 6 {
				t.Errorf("%d alarms, want 6 (5xx rate, p99 latency, errors, throttles; the rollout's errors and 5xx rate)", len(alarms))
			}
			for id, a := range alarms {
				if acts, _ := props(a)["AlarmActions"].([]any); len(acts) != 1 {
					t.Errorf("alarm %s has no SNS action", id)
				}
			}
			check(t, "encrypted, TLS-only alarm topic", func() {
				tpl.HasResourceProperties(jsii.String("AWS::SNS::Topic"), map[string]any{"KmsMasterKeyId": assertions.Match_AnyValue()})
				tpl.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), map[string]any{
					"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
						assertions.Match_ObjectLike(&map[string]any{"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}),
					})}),
				})
			})
			check(t, "one dashboard named after the stack", func() {
				tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Dashboard"), map[string]any{"DashboardName": stacks.StackName(env, "Lambda")})
			})
			subs := resources(tpl, "AWS::SNS::Subscription")
			if (s.AlarmEmail != "") != (len(subs) == 1) {
				t.Errorf("alarm email %q but %d subscriptions", s.AlarmEmail, len(subs))
			}
		})
	}
}

// cdk-nag's AwsSolutions pack finds nothing unsuppressed in any stack of
// any env, every compute on every store.
func TestNoUnsuppressedNagErrors(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		for _, store := range deploy.Stores {
			b := buildOn(t, env, config.ArchAll, store)
			all := []awscdk.Stack{b.Identity.Stack, b.Lambda.Stack, b.Fargate.Stack, b.EC2.Stack}
			if store == deploy.DynamoDB {
				all = append(all, b.Data.Stack)
			} else {
				all = append(all, b.RDS.Stack)
			}
			checkNag(t, env+" on "+store, all...)
		}
	}
}

// checkNag: cdk-nag reports nothing unsuppressed in stacks.
func checkNag(t *testing.T, what string, stacks ...awscdk.Stack) {
	t.Helper()
	for _, st := range stacks {
		ann := assertions.Annotations_FromStack(st)
		for _, kind := range []string{"error", "warning"} {
			var msgs []string
			find := ann.FindError
			if kind == "warning" {
				find = ann.FindWarning
			}
			for _, m := range *find(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
				msgs = append(msgs, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
			}
			if len(msgs) > 0 {
				t.Errorf("%s %s: unsuppressed cdk-nag %ss:\n%s", what, *st.StackName(), kind, strings.Join(msgs, "\n"))
			}
		}
	}
}

func TestContextErrorsListValidValues(t *testing.T) {
	cases := map[string][3]string{
		"unknown env":   {"qa", ""},
		"unknown arch":  {"dev", "kubernetes"},
		"unknown store": {"dev", "fargate", "postgress"},
	}
	wants := map[string]string{"unknown env": "dev, prod", "unknown arch": "lambda, fargate, ec2, all", "unknown store": "dynamodb, postgres"}
	for name, c := range cases {
		_, err := stacks.Build(newAppOn(c[0], c[1], c[2]))
		if err == nil || !strings.Contains(err.Error(), wants[name]) {
			t.Errorf("%s: %v, want a message with %q", name, err, wants[name])
		}
	}
}

// Every retention cdk.json may name synthesizes as that many days.
func TestEveryValidRetentionMaps(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
	for _, days := range config.LogRetentionDays() {
		awslogs.NewLogGroup(stack, jsii.String(fmt.Sprint(days)), &awslogs.LogGroupProps{Retention: stacks.Retention(days)})
	}
	got := map[float64]bool{}
	for _, lg := range resources(assertions.Template_FromStack(stack, nil), "AWS::Logs::LogGroup") {
		days, _ := props(lg)["RetentionInDays"].(float64)
		got[days] = true
	}
	for _, days := range config.LogRetentionDays() {
		if !got[float64(days)] {
			t.Errorf("%d days does not synthesize as RetentionInDays %d: %v", days, days, got)
		}
	}
}

func TestFargateStack(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.Fargate)
			s := b.Selection.Settings
			if b.Lambda != nil {
				t.Fatal("arch=fargate also built the Lambda stack")
			}
			tpl := assertions.Template_FromStack(b.Fargate.Stack, nil)
			check(t, "arm64 task of the env's size", func() {
				tpl.HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), map[string]any{
					"Cpu":             fmt.Sprint(s.Sizing.FargateCPU),
					"Memory":          fmt.Sprint(s.Sizing.FargateMemoryMiB),
					"RuntimePlatform": map[string]any{"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"},
					"ContainerDefinitions": []any{assertions.Match_ObjectLike(&map[string]any{
						"StopTimeout":            30,
						"ReadonlyRootFilesystem": true,
						"Environment": assertions.Match_ArrayWith(&[]any{
							map[string]any{"Name": "PROGRESS_AUTH", "Value": "jwks"},
						}),
					})},
				})
			})
			check(t, "circuit breaker with rollback", func() {
				tpl.HasResourceProperties(jsii.String("AWS::ECS::Service"), map[string]any{
					"DeploymentConfiguration": assertions.Match_ObjectLike(&map[string]any{
						"DeploymentCircuitBreaker": map[string]any{"Enable": true, "Rollback": true},
					}),
				})
			})
			svc := resources(tpl, "AWS::ECS::Service")
			for _, r := range svc {
				strat, _ := json.Marshal(props(r)["CapacityProviderStrategy"])
				spot := strings.Contains(string(strat), "FARGATE_SPOT")
				if spot == s.Production {
					t.Errorf("capacity providers %s in %s", strat, env)
				}
			}
			check(t, "target group checks /readyz", func() {
				tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), map[string]any{
					"HealthCheckPath": "/readyz", "TargetType": "ip", "Port": 8080,
				})
			})
			// Blue/green adds a test listener and the alternate target
			// group's alarm, and scales on CPU alone (bluegreen_test.go).
			blueGreen := s.FargateDeploymentStrategy() == config.FargateBlueGreen
			extra := 0
			if blueGreen {
				extra = 1
			}
			check(t, "scaling on CPU and requests per target (CPU alone with blue/green)", func() {
				tpl.ResourceCountIs(jsii.String("AWS::ApplicationAutoScaling::ScalingPolicy"), jsii.Number(float64(2-extra)))
				tpl.HasResourceProperties(jsii.String("AWS::ApplicationAutoScaling::ScalableTarget"), map[string]any{
					"MinCapacity": s.Sizing.FargateMinTasks, "MaxCapacity": s.Sizing.FargateMaxTasks,
				})
			})
			check(t, "VPC without NAT, with a DynamoDB gateway endpoint", func() {
				tpl.ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(0))
				tpl.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
					"VpcEndpointType": "Gateway",
					"ServiceName":     assertions.Match_AnyValue(),
				})
			})
			check(t, "HTTP listener only without a certificate", func() {
				tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), jsii.Number(float64(1+extra)))
				tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{"Protocol": "HTTP", "Port": 80})
			})
			if n := len(resources(tpl, "AWS::CloudWatch::Alarm")); n != 6+extra {
				t.Errorf("%d alarms, want %d (5xx rate, p99, unhealthy targets, CPU; the rollout's 5xx rate and p99; with blue/green the alternate group's unhealthy targets)", n, 6+extra)
			}
		})
	}
}

// With domainName, certificateArn and hostedZoneId in cdk.json, every
// variant serves HTTPS at the domain, adds the alias record, and reports
// the custom URL; cdk-nag stays clean.
func TestCustomDomain(t *testing.T) {
	const domain, cert, zone = "progress.example.com", "arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234", "Z0123456789ABCDEFGHIJ"
	b := buildWith(t, "prod", config.ArchAll, func(env map[string]any) {
		env["domainName"], env["certificateArn"], env["hostedZoneId"] = domain, cert, zone
	})
	for name, st := range map[string]awscdk.Stack{"lambda": b.Lambda.Stack, "fargate": b.Fargate.Stack, "ec2": b.EC2.Stack} {
		t.Run(name, func(t *testing.T) {
			tpl := assertions.Template_FromStack(st, nil)
			check(t, "alias record for the domain in the zone", func() {
				tpl.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), map[string]any{
					"Name": domain + ".", "Type": "A", "HostedZoneId": zone, "AliasTarget": assertions.Match_AnyValue(),
				})
			})
			if name == "lambda" {
				check(t, "API Gateway custom domain and mapping", func() {
					tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), map[string]any{
						"DomainName":               domain,
						"DomainNameConfigurations": []any{assertions.Match_ObjectLike(&map[string]any{"CertificateArn": cert, "SecurityPolicy": "TLS_1_2"})},
					})
					tpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::ApiMapping"), jsii.Number(1))
				})
			} else {
				check(t, "HTTPS listener and an HTTP redirect", func() {
					tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{
						"Protocol": "HTTPS", "Port": 443, "Certificates": []any{map[string]any{"CertificateArn": cert}},
					})
					tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{
						"Protocol": "HTTP", "Port": 80,
						"DefaultActions": []any{assertions.Match_ObjectLike(&map[string]any{"Type": "redirect"})},
					})
				})
			}
			outputs, _ := json.Marshal(tpl.FindOutputs(jsii.String("*"), nil))
			if !strings.Contains(string(outputs), `"https://`+domain+`"`) {
				t.Errorf("the URL output is not the custom domain's: %s", outputs)
			}
			for _, m := range *assertions.Annotations_FromStack(st).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
				t.Errorf("cdk-nag: %s %v", *m.Id, m.Entry.Data)
			}
		})
	}
}

// Switching between lambda and fargate never changes the Data stack.
// Switching compute never touches the stacks it leaves in place: the
// Identity stack and the store's stack synthesize the same whichever
// compute uses them. CloudFormation refuses to delete an export another
// stack still imports, so a store stack whose exports followed the arch
// would fail the switch it exists to make safe.
func TestStatefulStacksAreTheSameWhicheverCompute(t *testing.T) {
	stateful := func(b *stacks.Built, st string) map[string]awscdk.Stack {
		out := map[string]awscdk.Stack{"Identity": b.Identity.Stack}
		if st == deploy.Postgres {
			out["Rds"] = b.RDS.Stack
		} else {
			out["Data"] = b.Data.Stack
		}
		return out
	}
	for _, env := range []string{"dev", "prod"} {
		for _, st := range deploy.Stores {
			first := map[string]string{}
			for _, arch := range append(slices.Clone(deploy.Computes), config.ArchAll) {
				for name, stack := range stateful(buildOn(t, env, arch, st), st) {
					j, _ := json.Marshal(assertions.Template_FromStack(stack, nil).ToJSON())
					if first[name] == "" {
						first[name] = string(j)
					} else if string(j) != first[name] {
						t.Errorf("%s on %s: the %s stack for arch=%s differs from arch=%s's", env, st, name, arch, deploy.Computes[0])
					}
				}
			}
		}
	}
}

func TestEc2Stacks(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.EC2)
			s := b.Selection.Settings
			prod := s.Production
			if b.Data != nil || b.Lambda != nil || b.Fargate != nil {
				t.Fatal("arch=ec2 built DynamoDB or other compute stacks")
			}
			rds := assertions.Template_FromStack(b.RDS.Stack, nil)
			check(t, "encrypted arm64 PostgreSQL with generated credentials", func() {
				rds.HasResourceProperties(jsii.String("AWS::RDS::DBInstance"), map[string]any{
					"Engine":                          "postgres",
					"DBInstanceClass":                 s.Sizing.RDSInstanceClass,
					"StorageEncrypted":                true,
					"MultiAZ":                         prod,
					"DeletionProtection":              prod,
					"BackupRetentionPeriod":           s.Sizing.RDSBackupDays,
					"PubliclyAccessible":              false,
					"EnableIAMDatabaseAuthentication": true,
				})
				rds.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
					"GenerateSecretString": assertions.Match_ObjectLike(&map[string]any{"GenerateStringKey": "password"}),
				})
			})
			wantPolicy := map[bool]string{true: "Snapshot", false: "Delete"}[prod]
			check(t, "stateful policy", func() {
				rds.HasResource(jsii.String("AWS::RDS::DBInstance"), map[string]any{"DeletionPolicy": wantPolicy})
			})
			if prod && s.Sizing.RDSBackupDays < 7 {
				t.Errorf("prod keeps %d days of backups", s.Sizing.RDSBackupDays)
			}
			// Nothing in the database's stack admits anyone: the only ingress
			// rule is the compute stack's, from the instances' group.
			for id, r := range resources(rds, "AWS::EC2::SecurityGroupIngress") {
				t.Errorf("the Rds stack opens its database itself: %s %v", id, props(r))
			}
			ec2 := assertions.Template_FromStack(b.EC2.Stack, nil)
			ingress := resources(ec2, "AWS::EC2::SecurityGroupIngress")
			dbRules := 0
			for _, r := range ingress {
				p := props(r)
				if p["FromPort"] == float64(5432) {
					dbRules++
					if p["SourceSecurityGroupId"] == nil {
						t.Errorf("database rule without a source group: %v", p)
					}
				}
				if p["FromPort"] == float64(22) {
					t.Errorf("SSH is open: %v", p)
				}
			}
			if dbRules != 1 {
				t.Errorf("%d database ingress rules, want 1", dbRules)
			}
			check(t, "IMDSv2, arm64 AMI, encrypted root volume, no key pair", func() {
				ec2.HasResourceProperties(jsii.String("AWS::EC2::LaunchTemplate"), map[string]any{
					"LaunchTemplateData": assertions.Match_ObjectLike(&map[string]any{
						"MetadataOptions": assertions.Match_ObjectLike(&map[string]any{"HttpTokens": "required"}),
						"InstanceType":    s.Sizing.EC2InstanceType,
						"KeyName":         assertions.Match_Absent(),
						"BlockDeviceMappings": []any{assertions.Match_ObjectLike(&map[string]any{
							"Ebs": assertions.Match_ObjectLike(&map[string]any{"Encrypted": true}),
						})},
					}),
				})
			})
			params, _ := json.Marshal(ec2.ToJSON())
			if !strings.Contains(string(params), "al2023-ami-kernel-default-arm64") && !strings.Contains(string(params), "arm64") {
				t.Error("the AMI is not arm64")
			}
			if !strings.Contains(string(params), "ProtectSystem=strict") || !strings.Contains(string(params), "postgres-secret://") {
				t.Error("user data does not install the hardened unit with the database secret")
			}
			check(t, "the group's size and health checks", func() {
				ec2.HasResourceProperties(jsii.String("AWS::AutoScaling::AutoScalingGroup"), map[string]any{
					"MinSize": fmt.Sprint(s.Sizing.EC2MinInstances), "MaxSize": fmt.Sprint(s.Sizing.EC2MaxInstances),
					"HealthCheckType": "ELB",
				})
				ec2.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), map[string]any{"HealthCheckPath": "/readyz"})
			})
			check(t, "SSM access, no SSH", func() {
				ec2.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
					"ManagedPolicyArns": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
						"Fn::Join": assertions.Match_ArrayWith(&[]any{assertions.Match_ArrayWith(&[]any{":iam::aws:policy/AmazonSSMManagedInstanceCore"})}),
					})}),
				})
			})
			if n := len(resources(ec2, "AWS::CloudWatch::Alarm")); n != 6 {
				t.Errorf("%d alarms, want 6 (5xx rate, p99, unhealthy targets, database CPU, connections, free storage)", n)
			}
		})
	}
}
