package stacks_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/deploy"
)

// Every fargateDeployment cdk.json may name is one of the construct's
// Deployments, so a valid setting never meets a refusal at synthesis.
func TestEveryFargateDeploymentMaps(t *testing.T) {
	for _, d := range config.FargateDeployments() {
		if !slices.Contains(fargateservice.Deployments(), fargateservice.Deployment(d)) {
			t.Errorf("fargateDeployment %q is not a fargateservice.Deployment (%v)", d, fargateservice.Deployments())
		}
	}
}

func asJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// sortedActions are a statement's actions in order (the app minimizes
// policies, which sorts them).
func sortedActions(v any) string {
	var out []string
	switch a := v.(type) {
	case string:
		out = []string{a}
	case []any:
		for _, x := range a {
			out = append(out, x.(string))
		}
	case []string:
		out = slices.Clone(a)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// idWith is the one logical id among rs that starts with prefix.
func idWith(t *testing.T, rs map[string]map[string]any, prefix string) string {
	t.Helper()
	var found []string
	for id := range rs {
		if strings.HasPrefix(id, prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("resources %s*: %v, want one", prefix, found)
	}
	return found[0]
}

// prod deploys the Fargate variant blue/green (cdk.json's
// fargateDeployment), dev rolls: in prod the service has ECS's strategy
// and bake time, two target groups behind the production rule and the test
// listener's, rollback on the rollout alarms, and the probe hook before
// production traffic moves, with only the permissions it needs.
func TestFargateBlueGreenInProd(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			b := build(t, env, deploy.Fargate)
			tpl := assertions.Template_FromStack(b.Fargate.Stack, nil)
			svc := resources(tpl, "AWS::ECS::Service")
			dc := props(svc[idWith(t, svc, "Service")])["DeploymentConfiguration"].(map[string]any)
			fns := resources(tpl, "AWS::Lambda::Function")
			if env == "dev" {
				if dc["Strategy"] != nil || dc["LifecycleHooks"] != nil || len(logicalIDs(tpl, "AWS::Lambda::Function", "ServiceProbeHook")) != 0 {
					t.Errorf("dev does not roll: %v", dc)
				}
				tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), jsii.Number(1))
				return
			}
			if dc["Strategy"] != "BLUE_GREEN" || dc["BakeTimeInMinutes"] != float64(fargateservice.DefaultBakeMinutes) {
				t.Errorf("strategy %v, bake %v", dc["Strategy"], dc["BakeTimeInMinutes"])
			}
			rollout := rolloutAlarms(t, tpl, "ServiceRollout")
			alarms := asJSON(dc["Alarms"])
			for _, id := range rollout {
				if !strings.Contains(alarms, `{"Ref":"`+id+`"}`) {
					t.Errorf("rollout alarm %s does not roll back: %s", id, alarms)
				}
			}
			if !strings.Contains(alarms, `"Rollback":true`) || asJSON(dc["DeploymentCircuitBreaker"]) != `{"Enable":true,"Rollback":true}` {
				t.Errorf("alarms %s, circuit breaker %s", alarms, asJSON(dc["DeploymentCircuitBreaker"]))
			}

			// Two target groups; ECS swaps them through the two rules.
			tgs := resources(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")
			if len(tgs) != 2 {
				t.Fatalf("%d target groups, want 2", len(tgs))
			}
			lb := props(svc[idWith(t, svc, "Service")])["LoadBalancers"].([]any)[0].(map[string]any)
			adv := lb["AdvancedConfiguration"].(map[string]any)
			rules := resources(tpl, "AWS::ElasticLoadBalancingV2::ListenerRule")
			listeners := resources(tpl, "AWS::ElasticLoadBalancingV2::Listener")
			testListener := idWith(t, listeners, "ServiceLoadBalancerAlbTest")
			if l := props(listeners[testListener]); l["Port"] != float64(fargateservice.TestPort) || l["Protocol"] != "HTTP" {
				t.Errorf("test listener %v", l)
			}
			testRule := props(rules[adv["TestListenerRule"].(map[string]any)["Ref"].(string)])
			prodRule := props(rules[adv["ProductionListenerRule"].(map[string]any)["Ref"].(string)])
			if asJSON(testRule["ListenerArn"]) != `{"Ref":"`+testListener+`"}` || asJSON(prodRule["ListenerArn"]) != `{"Ref":"`+idWith(t, listeners, "ServiceLoadBalancerAlbHttp")+`"}` {
				t.Errorf("test rule on %v, production rule on %v", testRule["ListenerArn"], prodRule["ListenerArn"])
			}
			for _, rule := range []map[string]any{testRule, prodRule} {
				fwd := asJSON(rule["Actions"])
				if !strings.Contains(fwd, asJSON(lb["TargetGroupArn"])) || !strings.Contains(fwd, asJSON(adv["AlternateTargetGroupArn"])) {
					t.Errorf("rule forwards %s, want both groups", fwd)
				}
			}
			// Nobody is admitted on the test port; the hook admits itself.
			for _, sg := range resources(tpl, "AWS::EC2::SecurityGroup") {
				if strings.Contains(asJSON(props(sg)["SecurityGroupIngress"]), fmt.Sprintf(`"FromPort":%d`, fargateservice.TestPort)) {
					t.Errorf("the test port is open: %s", asJSON(props(sg)["SecurityGroupIngress"]))
				}
			}
			if n := len(resources(tpl, "AWS::EC2::SecurityGroupIngress")); n != 1 {
				t.Errorf("%d standalone ingress rules, want the load balancer to the tasks alone", n)
			}

			// The hook, when, and who may run it.
			hookID := idWith(t, fns, "ServiceProbeHook")
			hooks := dc["LifecycleHooks"].([]any)
			if len(hooks) != 1 || asJSON(hooks[0].(map[string]any)["LifecycleStages"]) != `["POST_TEST_TRAFFIC_SHIFT"]` ||
				asJSON(hooks[0].(map[string]any)["HookTargetArn"]) != `{"Fn::GetAtt":["`+hookID+`","Arn"]}` {
				t.Fatalf("lifecycle hooks %s", asJSON(hooks))
			}
			fn := props(fns[hookID])
			if fn["Runtime"] != "provided.al2023" || asJSON(fn["Architectures"]) != `["arm64"]` || fn["VpcConfig"] != nil {
				t.Errorf("hook function %v", fn)
			}
			env := asJSON(fn["Environment"])
			for _, want := range []string{hookenv.URL, hookenv.UserPoolID, hookenv.ClientID, hookenv.SecurityGroupID, fmt.Sprintf(`{"Fn::Join":["",["http://",{"Fn::GetAtt":["ServiceLoadBalancerAlb`)} {
				if !strings.Contains(env, want) {
					t.Errorf("the hook's environment %s lacks %s", env, want)
				}
			}
			invokeRole := hooks[0].(map[string]any)["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			hookRole := fn["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			byRole := map[string][]any{}
			for _, pol := range resources(tpl, "AWS::IAM::Policy") {
				for _, r := range props(pol)["Roles"].([]any) {
					role := r.(map[string]any)["Ref"].(string)
					byRole[role] = append(byRole[role], props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any)...)
				}
			}
			if got := asJSON(byRole[invokeRole]); got != `[{"Action":"lambda:InvokeFunction","Effect":"Allow","Resource":{"Fn::GetAtt":["`+hookID+`","Arn"]}}]` {
				t.Errorf("ECS's invoke role may %s", got)
			}
			st := byRole[hookRole]
			if len(st) != 2 {
				t.Fatalf("the hook's statements %s", asJSON(st))
			}
			users, ingress := st[0].(map[string]any), st[1].(map[string]any)
			if sortedActions(users["Action"]) != sortedActions(fargateservice.ProbeUserActions) ||
				!strings.HasPrefix(asJSON(users["Resource"]), `{"Fn::ImportValue":"Progress-prod-Identity:ExportsOutputFnGetAttIdentityUserPool`) {
				t.Errorf("the hook's user-pool statement %s", asJSON(users))
			}
			if sortedActions(ingress["Action"]) != sortedActions(fargateservice.ProbeIngressActions) ||
				!strings.Contains(asJSON(ingress["Resource"]), `:security-group/",{"Fn::GetAtt":["ServiceLoadBalancerAlbSecurityGroup`) {
				t.Errorf("the hook's ingress statement %s", asJSON(ingress))
			}

			// The probe client is the Fargate stack's, in the Identity
			// stack's pool, and only the Fargate tasks accept it.
			clients := resources(tpl, "AWS::Cognito::UserPoolClient")
			client := idWith(t, clients, "ServiceProbeClient")
			if flows := asJSON(props(clients[client])["ExplicitAuthFlows"]); flows != `["ALLOW_ADMIN_USER_PASSWORD_AUTH","ALLOW_REFRESH_TOKEN_AUTH"]` {
				t.Errorf("probe client flows %s", flows)
			}
			task := asJSON(resources(tpl, "AWS::ECS::TaskDefinition"))
			if !strings.Contains(task, `{"Ref":"`+client+`"}`) {
				t.Error("the tasks do not accept the probe client")
			}
			assertions.Template_FromStack(b.Identity.Stack, nil).ResourceCountIs(jsii.String("AWS::Cognito::UserPoolClient"), jsii.Number(2))
		})
	}
}

// With a domain and certificate the test listener serves HTTPS with the
// certificate, which the hook verifies as the domain's.
func TestFargateBlueGreenWithDomain(t *testing.T) {
	const domain, cert = "progress.example.com", "arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234"
	b := buildWith(t, "prod", deploy.Fargate, func(env map[string]any) {
		env["domainName"], env["certificateArn"] = domain, cert
	})
	tpl := assertions.Template_FromStack(b.Fargate.Stack, nil)
	check(t, "HTTPS test listener with the certificate", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{
			"Port": fargateservice.TestPort, "Protocol": "HTTPS", "Certificates": []any{map[string]any{"CertificateArn": cert}},
		})
	})
	check(t, "the hook probes the balancer's name on the test port over HTTPS, verifying the domain's certificate", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
				hookenv.URL: map[string]any{"Fn::Join": []any{"", []any{
					"https://", map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^ServiceLoadBalancerAlb")), "DNSName"}},
					fmt.Sprintf(":%d", fargateservice.TestPort),
				}}},
				hookenv.TLSServerName: domain,
			})},
		})
	})
}
