package stacks_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/progresskit/progresskit/cdk/config"
)

// allStacks is every stack of env with every arch (and the Ci stack).
func allStacks(t *testing.T, env string, mutate func(map[string]any)) []awscdk.Stack {
	t.Helper()
	b := buildWith(t, env, config.ArchAll, mutate)
	out := []awscdk.Stack{b.Identity.Stack, b.Data.Stack, b.Lambda.Stack, b.Fargate.Stack, b.RDS.Stack, b.EC2.Stack}
	if b.CI != nil {
		out = append(out, b.CI.Stack)
	}
	return out
}

// Security properties every template must have, whatever the env, checked
// resource by resource rather than by name, so a new resource is covered.
func TestSecurityProperties(t *testing.T) {
	withEverything := func(e map[string]any) {
		for k, v := range fullSettings(t) {
			e[k] = v
		}
	}
	for name, build := range map[string]func(t *testing.T) []awscdk.Stack{
		"dev":                     func(t *testing.T) []awscdk.Stack { return allStacks(t, "dev", func(map[string]any) {}) },
		"prod":                    func(t *testing.T) []awscdk.Stack { return allStacks(t, "prod", func(map[string]any) {}) },
		"prod with domain and Ci": func(t *testing.T) []awscdk.Stack { return allStacks(t, "prod", withEverything) },
	} {
		t.Run(name, func(t *testing.T) {
			for _, st := range build(t) {
				tpl := assertions.Template_FromStack(st, nil)
				t.Run(*st.StackName(), func(t *testing.T) {
					checkEncryptedAtRest(t, tpl)
					checkLeastPrivilege(t, tpl)
					checkNetworkExposure(t, tpl)
					checkTLSOnly(t, tpl, name != "prod with domain and Ci")
				})
			}
		})
	}
}

func checkEncryptedAtRest(t *testing.T, tpl assertions.Template) {
	t.Helper()
	for id, r := range resources(tpl, "AWS::DynamoDB::Table") {
		if sse, _ := props(r)["SSESpecification"].(map[string]any); sse == nil || sse["SSEEnabled"] != true {
			t.Errorf("table %s: SSESpecification %v", id, props(r)["SSESpecification"])
		}
	}
	for id, r := range resources(tpl, "AWS::RDS::DBInstance") {
		if props(r)["StorageEncrypted"] != true {
			t.Errorf("database %s is not encrypted", id)
		}
	}
	for id, r := range resources(tpl, "AWS::S3::Bucket") {
		if props(r)["BucketEncryption"] == nil {
			t.Errorf("bucket %s has no default encryption", id)
		}
	}
	for id, r := range resources(tpl, "AWS::SNS::Topic") {
		if props(r)["KmsMasterKeyId"] == nil {
			t.Errorf("topic %s is not encrypted", id)
		}
	}
	for id, r := range resources(tpl, "AWS::EC2::LaunchTemplate") {
		raw, _ := json.Marshal(props(r)["LaunchTemplateData"].(map[string]any)["BlockDeviceMappings"])
		if !strings.Contains(string(raw), `"Encrypted":true`) {
			t.Errorf("launch template %s: volumes %s are not encrypted", id, raw)
		}
	}
}

// dataServices are those whose wildcard actions would reach learners' data
// or its keys.
var dataServices = []string{"dynamodb", "rds", "rds-db", "s3", "secretsmanager", "kms"}

func checkLeastPrivilege(t *testing.T, tpl assertions.Template) {
	t.Helper()
	var docs []any
	for _, r := range resources(tpl, "AWS::IAM::Policy") {
		docs = append(docs, props(r)["PolicyDocument"])
	}
	for _, r := range resources(tpl, "AWS::IAM::Role") {
		for _, p := range anyList(props(r)["Policies"]) {
			docs = append(docs, p.(map[string]any)["PolicyDocument"])
		}
	}
	for _, doc := range docs {
		for _, st := range anyList(doc.(map[string]any)["Statement"]) {
			s := st.(map[string]any)
			if s["Effect"] != "Allow" {
				continue
			}
			for _, a := range anyList(s["Action"]) {
				action := fmt.Sprint(a)
				if action == "*" {
					t.Errorf("a policy allows every action: %v", s)
				}
				for _, svc := range dataServices {
					if action == svc+":*" {
						t.Errorf("a policy allows every %s action: %v", svc, s)
					}
				}
			}
		}
	}
}

// checkNetworkExposure: no database is public, every instance needs
// IMDSv2, and only a load balancer's listener ports are open to the world.
func checkNetworkExposure(t *testing.T, tpl assertions.Template) {
	t.Helper()
	for id, r := range resources(tpl, "AWS::RDS::DBInstance") {
		if props(r)["PubliclyAccessible"] != false {
			t.Errorf("database %s: PubliclyAccessible %v", id, props(r)["PubliclyAccessible"])
		}
	}
	for id, r := range resources(tpl, "AWS::EC2::LaunchTemplate") {
		md, _ := props(r)["LaunchTemplateData"].(map[string]any)["MetadataOptions"].(map[string]any)
		if md == nil || md["HttpTokens"] != "required" {
			t.Errorf("launch template %s does not require IMDSv2: %v", id, md)
		}
	}
	lbGroups := map[string]bool{}
	for _, r := range resources(tpl, "AWS::ElasticLoadBalancingV2::LoadBalancer") {
		for _, sg := range anyList(props(r)["SecurityGroups"]) {
			raw, _ := json.Marshal(sg)
			lbGroups[string(raw)] = true
		}
	}
	world := func(rule map[string]any) bool { return rule["CidrIp"] == "0.0.0.0/0" || rule["CidrIpv6"] == "::/0" }
	listenerPort := func(rule map[string]any) bool {
		return (rule["FromPort"] == float64(80) || rule["FromPort"] == float64(443)) && rule["FromPort"] == rule["ToPort"]
	}
	for id, r := range resources(tpl, "AWS::EC2::SecurityGroup") {
		ref, _ := json.Marshal(map[string]any{"Fn::GetAtt": []any{id, "GroupId"}})
		for _, in := range anyList(props(r)["SecurityGroupIngress"]) {
			rule := in.(map[string]any)
			if world(rule) && !(lbGroups[string(ref)] && listenerPort(rule)) {
				t.Errorf("security group %s is open to the world: %v", id, rule)
			}
		}
	}
	for id, r := range resources(tpl, "AWS::EC2::SecurityGroupIngress") {
		if world(props(r)) {
			t.Errorf("ingress %s is open to the world: %v", id, props(r))
		}
	}
}

// checkTLSOnly: buckets and topics refuse plain HTTP; with a certificate,
// no listener forwards plain HTTP (port 80 only redirects).
func checkTLSOnly(t *testing.T, tpl assertions.Template, plainHTTPAllowed bool) {
	t.Helper()
	policies, _ := json.Marshal(resources(tpl, "AWS::S3::BucketPolicy"))
	if n := len(resources(tpl, "AWS::S3::Bucket")); n > 0 && strings.Count(string(policies), `"aws:SecureTransport":"false"`) < n {
		t.Errorf("%d buckets, but not every one denies requests without TLS: %s", n, policies)
	}
	topicPolicies, _ := json.Marshal(resources(tpl, "AWS::SNS::TopicPolicy"))
	if n := len(resources(tpl, "AWS::SNS::Topic")); n > 0 && strings.Count(string(topicPolicies), `"aws:SecureTransport":"false"`) < n {
		t.Errorf("%d topics, but not every one denies publishing without TLS", n)
	}
	if plainHTTPAllowed {
		return
	}
	for id, r := range resources(tpl, "AWS::ElasticLoadBalancingV2::Listener") {
		p := props(r)
		if p["Protocol"] == "HTTPS" {
			continue
		}
		raw, _ := json.Marshal(p["DefaultActions"])
		if !strings.Contains(string(raw), `"Type":"redirect"`) || !strings.Contains(string(raw), `"Protocol":"HTTPS"`) {
			t.Errorf("listener %s serves plain HTTP with a certificate configured: %s", id, raw)
		}
	}
}

func anyList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	default:
		return []any{x}
	}
}
