package stacks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/service/deploy"
)

// Every compute runs on every store: on PostgreSQL it sits in the
// database's VPC, which admits it alone, Lambda through RDS Proxy; on
// DynamoDB servers reach the table through their VPC's gateway endpoint.
// Either way its role may touch its own store and nothing else, and no
// NAT gateway is made.
func TestEveryComputeOnEveryStore(t *testing.T) {
	for _, store := range deploy.Stores {
		b := buildOn(t, "prod", config.ArchAll, store)
		computes := map[string]awscdk.Stack{deploy.Lambda: b.Lambda.Stack, deploy.Fargate: b.Fargate.Stack, deploy.EC2: b.EC2.Stack}
		if b.Selection.StoresUsed()[0] != store || len(b.Selection.StoresUsed()) != 1 {
			t.Fatalf("store=%s built the stores %v", store, b.Selection.StoresUsed())
		}
		if (store == deploy.DynamoDB) != (b.Data != nil) || (store == deploy.Postgres) != (b.RDS != nil) {
			t.Fatalf("store=%s: Data stack %v, Rds stack %v", store, b.Data != nil, b.RDS != nil)
		}
		if b.RDS != nil {
			// The VPC all three computes share on PostgreSQL, Lambda
			// reaching RDS Proxy from its isolated subnets.
			if n := len(resources(assertions.Template_FromStack(b.RDS.Stack, nil), "AWS::EC2::NatGateway")); n != 0 {
				t.Errorf("%d NAT gateways in the Rds stack's VPC", n)
			}
		}
		for compute, st := range computes {
			t.Run(compute+" on "+store, func(t *testing.T) {
				tpl := assertions.Template_FromStack(st, nil)
				if d := *st.TemplateOptions().Description(); !strings.HasSuffix(d, " on "+deploy.StoreTitle(store)) {
					t.Errorf("description %q", d)
				}
				for _, typ := range []string{"AWS::EC2::NatGateway", "AWS::RDS::DBInstance", "AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table"} {
					if n := len(resources(tpl, typ)); n != 0 {
						t.Errorf("%d %s in a compute stack", n, typ)
					}
				}
				proxies := resources(tpl, "AWS::RDS::DBProxy")
				if want := compute == deploy.Lambda && store == deploy.Postgres; want != (len(proxies) == 1) || len(proxies) > 1 {
					t.Errorf("%d RDS proxies", len(proxies))
				}
				for _, p := range proxies {
					auth, _ := json.Marshal(props(p)["Auth"])
					if props(p)["RequireTLS"] != true || !strings.Contains(string(auth), `"IAMAuth":"REQUIRED"`) {
						t.Errorf("proxy %v", props(p))
					}
				}
				statements := policyStatements(tpl)
				for _, s := range statements {
					switch {
					case store == deploy.Postgres && strings.Contains(s.actions, "dynamodb:"):
						t.Errorf("a role on PostgreSQL may use DynamoDB: %s on %s", s.actions, s.resources)
					case store == deploy.DynamoDB && (strings.Contains(s.actions, "secretsmanager:") || strings.Contains(s.actions, "rds-db:")):
						t.Errorf("a role on DynamoDB may use a database: %s on %s", s.actions, s.resources)
					case strings.Contains(s.actions, "dynamodb:") || strings.Contains(s.actions, "secretsmanager:"):
						// The store's own table or secret: the data stack's export.
						if !strings.Contains(s.resources, "Fn::ImportValue") || strings.Contains(s.resources, `"*"`) {
							t.Errorf("%s on %s, not the env's own store", s.actions, s.resources)
						}
					}
				}
				if store == deploy.Postgres {
					checkInDatabaseVpc(t, tpl, compute)
				} else if compute != deploy.Lambda {
					checkGatewayEndpoint(t, tpl)
				}
				if compute == deploy.Lambda && store == deploy.Postgres {
					var connect bool
					for _, s := range statements {
						connect = connect || strings.Contains(s.actions, "rds-db:connect")
						if strings.Contains(s.actions, "secretsmanager:") && strings.Contains(s.roles, "Function") {
							t.Errorf("the function may read the database secret: %s", s.actions)
						}
					}
					if !connect {
						t.Error("the function may not connect to the proxy")
					}
				}
			})
		}
	}
	// The database's stack admits no one itself: each rule is compute's.
	rds := assertions.Template_FromStack(buildOn(t, "prod", config.ArchAll, deploy.Postgres).RDS.Stack, nil)
	for id, r := range resources(rds, "AWS::EC2::SecurityGroupIngress") {
		t.Errorf("the Rds stack opens its database itself: %s %v", id, props(r))
	}
	for id, r := range resources(rds, "AWS::EC2::SecurityGroup") {
		if in := props(r)["SecurityGroupIngress"]; in != nil {
			t.Errorf("the Rds stack's group %s admits %v", id, in)
		}
	}
}

// checkInDatabaseVpc: every group of the compute is in the database's VPC
// (the Rds stack's export), and the database's port admits the compute's
// group alone, or for Lambda the proxy's, which admits the function's.
func checkInDatabaseVpc(t *testing.T, tpl assertions.Template, compute string) {
	t.Helper()
	groups := resources(tpl, "AWS::EC2::SecurityGroup")
	for id, g := range groups {
		if vpc, _ := json.Marshal(props(g)["VpcId"]); !strings.Contains(string(vpc), "Fn::ImportValue") {
			t.Errorf("group %s is in VPC %s, not the database's", id, vpc)
		}
	}
	if n := len(resources(tpl, "AWS::EC2::VPC")); n != 0 {
		t.Errorf("%d VPCs of its own", n)
	}
	own := map[string]string{deploy.Lambda: "ProxySg", deploy.Fargate: "ServiceSecurityGroup", deploy.EC2: "InstanceSg"}[compute]
	var toDatabase int
	for _, r := range resources(tpl, "AWS::EC2::SecurityGroupIngress") {
		p := props(r)
		to, _ := json.Marshal(p["GroupId"])
		from, _ := json.Marshal(p["SourceSecurityGroupId"])
		postgres := p["FromPort"] == float64(5432) && p["ToPort"] == float64(5432)
		switch {
		case strings.Contains(string(to), "Fn::ImportValue"):
			// Any rule into the database's group, whatever its ports.
			toDatabase++
			if !postgres || !strings.Contains(string(from), own) {
				t.Errorf("the database admits %s on ports %v-%v; want %s on 5432 alone", from, p["FromPort"], p["ToPort"], own)
			}
		case strings.Contains(string(to), "ProxySg"):
			if !postgres || !strings.Contains(string(from), "FunctionSg") {
				t.Errorf("the proxy admits %s on ports %v-%v; want the function on 5432 alone", from, p["FromPort"], p["ToPort"])
			}
		case postgres:
			t.Errorf("a PostgreSQL rule into %s from %s", to, from)
		}
	}
	if toDatabase != 1 {
		t.Errorf("%d rules into the database, want 1", toDatabase)
	}
	if compute == deploy.Lambda {
		for _, fn := range resources(tpl, "AWS::Lambda::Function") {
			// The API's function; the probe hook runs outside the VPC.
			if props(fn)["Description"] != lambdaservice.Description {
				continue
			}
			vpc, _ := json.Marshal(props(fn)["VpcConfig"])
			if !strings.Contains(string(vpc), "FunctionSg") || !strings.Contains(string(vpc), "Fn::ImportValue") {
				t.Errorf("the function's network %s", vpc)
			}
		}
	}
}

// checkGatewayEndpoint: a server on DynamoDB reaches it through its VPC's
// gateway endpoint, without NAT.
func checkGatewayEndpoint(t *testing.T, tpl assertions.Template) {
	t.Helper()
	for _, e := range resources(tpl, "AWS::EC2::VPCEndpoint") {
		name, _ := json.Marshal(props(e)["ServiceName"])
		if props(e)["VpcEndpointType"] == "Gateway" && strings.Contains(string(name), "dynamodb") {
			return
		}
	}
	t.Error("no DynamoDB gateway endpoint")
}

// statement is one IAM policy statement, as JSON text.
type statement struct{ actions, resources, roles string }

func policyStatements(tpl assertions.Template) []statement {
	var out []statement
	for _, p := range resources(tpl, "AWS::IAM::Policy") {
		roles, _ := json.Marshal(props(p)["Roles"])
		doc, _ := props(p)["PolicyDocument"].(map[string]any)
		list, _ := doc["Statement"].([]any)
		for _, raw := range list {
			s, _ := raw.(map[string]any)
			a, _ := json.Marshal(s["Action"])
			r, _ := json.Marshal(s["Resource"])
			out = append(out, statement{actions: string(a), resources: string(r), roles: string(roles)})
		}
	}
	return out
}

// The default store of each arch is as before: the three variants build
// the stacks they built before the store became a choice.
func TestEachArchKeepsItsStore(t *testing.T) {
	b := build(t, "dev", config.ArchAll)
	for compute, want := range map[string]string{deploy.Lambda: deploy.DynamoDB, deploy.Fargate: deploy.DynamoDB, deploy.EC2: deploy.Postgres} {
		if got := b.Selection.Stores[compute]; got != want {
			t.Errorf("%s on %s, want %s", compute, got, want)
		}
	}
	if b.Data == nil || b.RDS == nil {
		t.Error("arch=all lacks a data stack")
	}
	if b.Data.Stack.StackName() == nil || *b.Data.Stack.StackName() != stacks.StackName("dev", "Data") {
		t.Errorf("data stack name %v", b.Data.Stack.StackName())
	}
}
