package fargateservice_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/customdomain"
	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
)

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// logicalID is the id among r's that starts with prefix.
func logicalID(t *testing.T, r map[string]cdktest.Resource, prefix string) string {
	t.Helper()
	for id := range r {
		if strings.HasPrefix(id, prefix) {
			return id
		}
	}
	t.Fatalf("no resource %s* among %v", prefix, r)
	return ""
}

// BlueGreen: ECS's blue/green strategy with a bake time, two target
// groups that the production rule and the test listener's rule weigh, a
// test listener that admits nobody, and the probe hook at
// POST_TEST_TRAFFIC_SHIFT with exactly the permissions it needs.
func TestBlueGreen(t *testing.T) {
	stack := cdktest.Stack()
	p := required(stack)
	p.Deployment, p.BakeMinutes = fargateservice.BlueGreen, 7
	fargateservice.New(stack, "Progress", p)

	groups := cdktest.Resources(stack, "AWS::ElasticLoadBalancingV2::TargetGroup")
	if len(groups) != 2 {
		t.Fatalf("%d target groups, want blue and green", len(groups))
	}
	blue, green := logicalID(t, groups, "ProgressLoadBalancerAlbHttpServiceGroup"), logicalID(t, groups, "ProgressAlternateGroup")
	for id, g := range groups {
		if g.Properties["TargetType"] != "ip" || g.Properties["HealthCheckPath"] != "/readyz" {
			t.Errorf("target group %s: %v", id, g.Properties)
		}
	}
	weighted := jsonOf([]any{map[string]any{"ForwardConfig": map[string]any{"TargetGroups": []any{
		map[string]any{"TargetGroupArn": map[string]any{"Ref": blue}, "Weight": 100},
		map[string]any{"TargetGroupArn": map[string]any{"Ref": green}, "Weight": 0},
	}}, "Type": "forward"}})

	listeners := cdktest.Resources(stack, "AWS::ElasticLoadBalancingV2::Listener")
	production, test := logicalID(t, listeners, "ProgressLoadBalancerAlbHttp"), logicalID(t, listeners, "ProgressLoadBalancerAlbTest")
	if l := listeners[test].Properties; l["Port"] != float64(fargateservice.TestPort) || l["Protocol"] != "HTTP" || jsonOf(l["DefaultActions"]) != weighted {
		t.Errorf("test listener %v", l)
	}
	if l := listeners[production].Properties; l["Port"] != float64(80) || jsonOf(l["DefaultActions"]) != weighted {
		t.Errorf("production listener %v", l)
	}
	rules := cdktest.Resources(stack, "AWS::ElasticLoadBalancingV2::ListenerRule")
	ruleOn := map[string]string{}
	for id, r := range rules {
		if jsonOf(r.Properties["Actions"]) != weighted || jsonOf(r.Properties["Conditions"]) != `[{"Field":"path-pattern","PathPatternConfig":{"Values":["/*"]}}]` {
			t.Errorf("rule %s: %v", id, r.Properties)
		}
		ruleOn[r.Properties["ListenerArn"].(map[string]any)["Ref"].(string)] = id
	}
	if len(rules) != 2 || ruleOn[production] == "" || ruleOn[test] == "" {
		t.Fatalf("rules %v: want one on each listener", ruleOn)
	}
	// The test port is open to nobody: the hook adds its own address.
	sgs := cdktest.Resources(stack, "AWS::EC2::SecurityGroup")
	sg := sgs[logicalID(t, sgs, "ProgressLoadBalancerAlbSecurityGroup")]
	if in := jsonOf(sg.Properties["SecurityGroupIngress"]); strings.Contains(in, fmt.Sprint(fargateservice.TestPort)) || !strings.Contains(in, `"FromPort":80`) {
		t.Errorf("load balancer ingress %s: want port 80 alone", in)
	}
	for id, r := range cdktest.Resources(stack, "AWS::EC2::SecurityGroupIngress") {
		if r.Properties["FromPort"] == float64(fargateservice.TestPort) {
			t.Errorf("ingress %s opens the test port", id)
		}
	}

	svc := cdktest.Only(stack, "AWS::ECS::Service").Properties
	dc := svc["DeploymentConfiguration"].(map[string]any)
	if dc["Strategy"] != "BLUE_GREEN" || dc["BakeTimeInMinutes"] != float64(7) {
		t.Errorf("deployment configuration %v", dc)
	}
	if a := dc["Alarms"].(map[string]any); a["Enable"] != true || a["Rollback"] != true || len(a["AlarmNames"].([]any)) != 2 {
		t.Errorf("rollout alarms %v", a)
	}
	if cb := jsonOf(dc["DeploymentCircuitBreaker"]); cb != `{"Enable":true,"Rollback":true}` {
		t.Errorf("circuit breaker %s", cb)
	}
	lbs := svc["LoadBalancers"].([]any)
	if len(lbs) != 1 {
		t.Fatalf("load balancers %v", lbs)
	}
	lb := lbs[0].(map[string]any)
	adv := lb["AdvancedConfiguration"].(map[string]any)
	if jsonOf(lb["TargetGroupArn"]) != jsonOf(map[string]any{"Ref": blue}) || jsonOf(adv["AlternateTargetGroupArn"]) != jsonOf(map[string]any{"Ref": green}) ||
		jsonOf(adv["ProductionListenerRule"]) != jsonOf(map[string]any{"Ref": ruleOn[production]}) || jsonOf(adv["TestListenerRule"]) != jsonOf(map[string]any{"Ref": ruleOn[test]}) {
		t.Errorf("blue/green configuration %s", jsonOf(lb))
	}

	fns := cdktest.Resources(stack, "AWS::Lambda::Function")
	hookID := logicalID(t, fns, "ProgressProbeHook")
	hooks := dc["LifecycleHooks"].([]any)
	if len(hooks) != 1 {
		t.Fatalf("lifecycle hooks %v", hooks)
	}
	hook := hooks[0].(map[string]any)
	if jsonOf(hook["LifecycleStages"]) != `["POST_TEST_TRAFFIC_SHIFT"]` || jsonOf(hook["HookTargetArn"]) != jsonOf(map[string]any{"Fn::GetAtt": []any{hookID, "Arn"}}) {
		t.Errorf("hook %v", hook)
	}
	fn := fns[hookID].Properties
	if fn["Runtime"] != "provided.al2023" || jsonOf(fn["Architectures"]) != `["arm64"]` || fn["VpcConfig"] != nil {
		t.Errorf("hook function %v", fn)
	}
	env := jsonOf(fn["Environment"])
	for _, want := range []string{hookenv.URL, hookenv.UserPoolID, hookenv.ClientID, hookenv.SecurityGroupID, fmt.Sprintf(`":%d"`, fargateservice.TestPort)} {
		if !strings.Contains(env, want) {
			t.Errorf("hook environment %s lacks %s", env, want)
		}
	}

	// Permissions: ECS may invoke the hook and nothing else; the hook may
	// manage users of the pool and the load balancer's ingress, no more.
	roles := cdktest.Resources(stack, "AWS::IAM::Role")
	invokeRole := hook["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	hookRole := fn["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	if trust := jsonOf(roles[invokeRole].Properties["AssumeRolePolicyDocument"]); !strings.Contains(trust, `"Service":"ecs.amazonaws.com"`) {
		t.Errorf("the invoke role trusts %s", trust)
	}
	statements := map[string][]any{}
	for _, pol := range cdktest.Resources(stack, "AWS::IAM::Policy") {
		for _, r := range pol.Properties["Roles"].([]any) {
			role := r.(map[string]any)["Ref"].(string)
			statements[role] = append(statements[role], pol.Properties["PolicyDocument"].(map[string]any)["Statement"].([]any)...)
		}
	}
	if got, want := jsonOf(statements[invokeRole]), jsonOf([]any{map[string]any{
		"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": map[string]any{"Fn::GetAtt": []any{hookID, "Arn"}},
	}}); got != want {
		t.Errorf("the invoke role may %s, want %s", got, want)
	}
	hookStatements := statements[hookRole]
	if len(hookStatements) != 2 {
		t.Fatalf("the hook's statements: %s", jsonOf(hookStatements))
	}
	cognito, ec2 := hookStatements[0].(map[string]any), hookStatements[1].(map[string]any)
	if jsonOf(cognito["Action"]) != jsonOf(fargateservice.ProbeUserActions) ||
		jsonOf(cognito["Resource"]) != `{"Fn::GetAtt":["IdentityUserPool96FE3B9B","Arn"]}` {
		t.Errorf("the hook's Cognito statement %s", jsonOf(cognito))
	}
	for _, a := range fargateservice.ProbeUserActions {
		if !strings.HasPrefix(a, "cognito-idp:Admin") || strings.Contains(a, "Delete") || strings.Contains(a, "*") {
			t.Errorf("the hook may %s", a)
		}
	}
	if jsonOf(ec2["Action"]) != jsonOf(fargateservice.ProbeIngressActions) ||
		!strings.Contains(jsonOf(ec2["Resource"]), `":security-group/",{"Fn::GetAtt":["ProgressLoadBalancerAlbSecurityGroup`) {
		t.Errorf("the hook's EC2 statement %s", jsonOf(ec2))
	}
	if mp := jsonOf(roles[hookRole].Properties["ManagedPolicyArns"]); !strings.Contains(mp, "service-role/AWSLambdaBasicExecutionRole") || strings.Count(mp, "policy/") != 1 {
		t.Errorf("the hook's managed policies %s", mp)
	}

	// The probe client signs in through IAM alone, and the tasks accept it.
	clients := cdktest.Resources(stack, "AWS::Cognito::UserPoolClient")
	probeClient := clients[logicalID(t, clients, "ProgressProbeClient")].Properties
	if jsonOf(probeClient["ExplicitAuthFlows"]) != `["ALLOW_ADMIN_USER_PASSWORD_AUTH","ALLOW_REFRESH_TOKEN_AUTH"]` ||
		probeClient["AllowedOAuthFlowsUserPoolClient"] != false || probeClient["GenerateSecret"] != false || probeClient["AccessTokenValidity"] != float64(5) {
		t.Errorf("probe client %v", probeClient)
	}
	task := jsonOf(cdktest.Only(stack, "AWS::ECS::TaskDefinition").Properties["ContainerDefinitions"])
	if !strings.Contains(task, `{"Ref":"`+logicalID(t, clients, "ProgressProbeClient")+`"}`) {
		t.Errorf("the tasks do not accept the probe client's tokens: %s", task)
	}

	// Scaling follows CPU alone: request counts belong to one group.
	if pols := cdktest.Resources(stack, "AWS::ApplicationAutoScaling::ScalingPolicy"); len(pols) != 1 {
		t.Errorf("%d scaling policies, want CPU alone", len(pols))
	}
	unhealthy := 0
	for _, a := range cdktest.Resources(stack, "AWS::CloudWatch::Alarm") {
		if a.Properties["MetricName"] == "UnHealthyHostCount" {
			unhealthy++
		}
	}
	if unhealthy != 2 {
		t.Errorf("%d unhealthy-target alarms, want one per target group", unhealthy)
	}
}

// With a certificate the test listener serves HTTPS with it, and the
// probe verifies it as the domain's.
func TestBlueGreenOverHTTPS(t *testing.T) {
	stack := cdktest.Stack()
	p := required(stack)
	p.Deployment = fargateservice.BlueGreen
	p.Domain = customdomain.Props{DomainName: "progress.example.com",
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"), jsii.String("arn:aws:acm:eu-west-2:123456789012:certificate/abc"))}
	fargateservice.New(stack, "Progress", p)
	found := false
	for _, l := range cdktest.Resources(stack, "AWS::ElasticLoadBalancingV2::Listener") {
		if l.Properties["Port"] == float64(fargateservice.TestPort) {
			found = l.Properties["Protocol"] == "HTTPS" && strings.Contains(jsonOf(l.Properties["Certificates"]), "certificate/abc")
		}
	}
	if !found {
		t.Error("no HTTPS test listener with the certificate")
	}
	for id, fn := range cdktest.Resources(stack, "AWS::Lambda::Function") {
		if !strings.HasPrefix(id, "ProgressProbeHook") {
			continue
		}
		// The balancer's own name, which resolves before the domain may;
		// the certificate is verified as the domain's.
		env := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
		if url := jsonOf(env[hookenv.URL]); !strings.HasPrefix(url, `{"Fn::Join":["",["https://",{"Fn::GetAtt":["ProgressLoadBalancerAlb`) ||
			!strings.HasSuffix(url, fmt.Sprintf(`"DNSName"]},":%d"]]}`, fargateservice.TestPort)) || env[hookenv.TLSServerName] != "progress.example.com" {
			t.Errorf("probe URL %s, TLS server name %v", url, env[hookenv.TLSServerName])
		}
	}
}

// Rolling, the default, adds none of it.
func TestRollingIsTheDefault(t *testing.T) {
	stack := cdktest.Stack()
	fargateservice.New(stack, "Progress", required(stack))
	dc := cdktest.Only(stack, "AWS::ECS::Service").Properties["DeploymentConfiguration"].(map[string]any)
	if dc["Strategy"] != nil && dc["Strategy"] != "ROLLING" || dc["LifecycleHooks"] != nil || dc["BakeTimeInMinutes"] != nil {
		t.Errorf("deployment configuration %v", dc)
	}
	for typ, want := range map[string]int{"AWS::ElasticLoadBalancingV2::TargetGroup": 1, "AWS::ElasticLoadBalancingV2::Listener": 1, "AWS::ApplicationAutoScaling::ScalingPolicy": 2} {
		if n := len(cdktest.Resources(stack, typ)); n != want {
			t.Errorf("%d %s, want %d", n, typ, want)
		}
	}
	for id := range cdktest.Resources(stack, "AWS::Lambda::Function") {
		if strings.HasPrefix(id, "ProgressProbeHook") {
			t.Error("a probe hook without BlueGreen")
		}
	}
}

func TestDeploymentPropsThatCannotWork(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(p *fargateservice.Props)
		want string
	}{
		"unknown deployment":      {func(p *fargateservice.Props) { p.Deployment = "canary" }, `Deployment "canary" is not one of rolling, blue-green`},
		"bake without blue/green": {func(p *fargateservice.Props) { p.BakeMinutes = 10 }, "BakeMinutes and Deployment Rolling conflict"},
		"request scaling with blue/green": {func(p *fargateservice.Props) { p.Deployment, p.RequestsPerTask = fargateservice.BlueGreen, 500 },
			"RequestsPerTask and Deployment BlueGreen conflict"},
		"bake too long": {func(p *fargateservice.Props) { p.Deployment, p.BakeMinutes = fargateservice.BlueGreen, 2000 }, "BakeMinutes 2000 is outside"},
		"no user pool": {func(p *fargateservice.Props) {
			p.Deployment = fargateservice.BlueGreen
			p.Identity = identity.New(cdktest.Stack(), "Other", &identity.Props{
				ExistingIssuer: jsii.String("https://issuer.example.com"), ExistingAudiences: []*string{jsii.String("app")},
			})
		}, "Deployment BlueGreen signs its probe users in to Identity's Cognito user pool, and an existing issuer has none: use Rolling"},
		"certificate without a domain": {func(p *fargateservice.Props) {
			p.Deployment = fargateservice.BlueGreen
			p.Domain.Certificate = awscertificatemanager.Certificate_FromCertificateArn(cdktest.Stack(), jsii.String("C"), jsii.String("arn:aws:acm:eu-west-2:123456789012:certificate/abc"))
		}, "Deployment BlueGreen with Domain.Certificate needs Domain.DomainName"},
	} {
		stack := cdktest.Stack()
		p := required(stack)
		c.edit(p)
		msg := cdktest.Panic(func() { fargateservice.New(stack, "P", p) })
		if !strings.Contains(msg, "fargateservice P: "+c.want) {
			t.Errorf("%s: %q, want %q", name, msg, c.want)
		}
	}
	if !slices.Equal(fargateservice.Deployments(), []fargateservice.Deployment{fargateservice.Rolling, fargateservice.BlueGreen}) {
		t.Errorf("deployments %v", fargateservice.Deployments())
	}
}
