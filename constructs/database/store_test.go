package database_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/store"
)

// compute is a role and a security group standing in for a service.
func compute(stack awscdk.Stack, vpc awsec2.IVpc, pooled bool) store.Compute {
	return store.Compute{
		Role:          awsiam.NewRole(stack, jsii.String("Role"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil)}),
		SecurityGroup: awsec2.NewSecurityGroup(stack, jsii.String("ComputeSg"), &awsec2.SecurityGroupProps{Vpc: vpc}),
		Pooled:        pooled,
	}
}

// rolePolicy is what compute's role may do.
func rolePolicy(stack awscdk.Stack) string {
	var all string
	for _, p := range cdktest.Resources(stack, "AWS::IAM::Policy") {
		roles, _ := json.Marshal(p.Properties["Roles"])
		if strings.Contains(string(roles), `"Ref":"Role`) {
			doc, _ := json.Marshal(p.Properties["PolicyDocument"])
			all += string(doc)
		}
	}
	return all
}

func TestConnectAdmitsTheServerAndGrantsItTheSecret(t *testing.T) {
	stack := cdktest.Stack()
	vpc := network.New(stack, "Network", nil).Vpc
	db := database.New(stack, "Database", &database.Props{Vpc: vpc})
	url := stack.Resolve(db.Connect(stack, compute(stack, vpc, false)))
	raw, _ := json.Marshal(url)
	if !strings.Contains(string(raw), "postgres-secret://") {
		t.Errorf("URL %s", raw)
	}
	ingress := cdktest.Only(stack, "AWS::EC2::SecurityGroupIngress").Properties
	if ingress["FromPort"] != float64(database.Port) || ingress["SourceSecurityGroupId"] == nil {
		t.Errorf("ingress %v", ingress)
	}
	policy := rolePolicy(stack)
	if !strings.Contains(policy, "secretsmanager:GetSecretValue") || strings.Contains(policy, "rds-db:connect") {
		t.Errorf("policy %s", policy)
	}
	if n := len(cdktest.Resources(stack, "AWS::RDS::DBProxy")); n != 0 {
		t.Errorf("%d proxies for a server", n)
	}
}

func TestPooledComputeConnectsThroughAProxyWithIAM(t *testing.T) {
	stack := cdktest.Stack()
	vpc := network.New(stack, "Network", nil).Vpc
	db := database.New(stack, "Database", &database.Props{Vpc: vpc})
	raw, _ := json.Marshal(stack.Resolve(db.Connect(stack, compute(stack, vpc, true))))
	if !strings.Contains(string(raw), "postgres-iam://"+database.Username+"@") || !strings.Contains(string(raw), "/"+database.DatabaseName+"?region=") {
		t.Errorf("URL %s", raw)
	}
	proxy := cdktest.Only(stack, "AWS::RDS::DBProxy").Properties
	if proxy["RequireTLS"] != true {
		t.Errorf("proxy %v", proxy)
	}
	auth, _ := json.Marshal(proxy["Auth"])
	if !strings.Contains(string(auth), `"IAMAuth":"REQUIRED"`) {
		t.Errorf("proxy auth %s", auth)
	}
	if policy := rolePolicy(stack); !strings.Contains(policy, "rds-db:connect") || strings.Contains(policy, "secretsmanager:") {
		t.Errorf("the function's policy %s", policy)
	}
	// The database admits the proxy alone; the proxy admits the function.
	admitted := 0
	for _, in := range cdktest.Resources(stack, "AWS::EC2::SecurityGroupIngress") {
		to, _ := json.Marshal(in.Properties["GroupId"])
		src, _ := json.Marshal(in.Properties["SourceSecurityGroupId"])
		switch {
		case strings.Contains(string(to), "Database"):
			admitted++
			if !strings.Contains(string(src), "ProxySg") {
				t.Errorf("the database admits %s, not the proxy", src)
			}
		case strings.Contains(string(to), "ProxySg"):
			if !strings.Contains(string(src), "ComputeSg") {
				t.Errorf("the proxy admits %s, not the function", src)
			}
		}
	}
	if admitted == 0 {
		t.Error("the database admits no one")
	}
}

func TestAnExistingDatabaseIsUsedAsItIs(t *testing.T) {
	stack := cdktest.Stack()
	vpc := network.New(stack, "Network", nil).Vpc
	sg := awsec2.SecurityGroup_FromSecurityGroupId(stack, jsii.String("DbSg"), jsii.String("sg-0123456789abcdef0"), nil)
	instance := awsrds.DatabaseInstance_FromDatabaseInstanceAttributes(stack, jsii.String("Existing"), &awsrds.DatabaseInstanceAttributes{
		InstanceIdentifier: jsii.String("progress"), InstanceEndpointAddress: jsii.String("progress.abc.eu-west-1.rds.amazonaws.com"),
		Port: jsii.Number(database.Port), SecurityGroups: &[]awsec2.ISecurityGroup{sg},
	})
	secret := awssecretsmanager.Secret_FromSecretNameV2(stack, jsii.String("Secret"), jsii.String("progress-db"))
	db := database.New(stack, "Database", &database.Props{Vpc: vpc, ExistingInstance: instance, ExistingSecret: secret})
	db.Connect(stack, compute(stack, vpc, false))
	if n := len(cdktest.Resources(stack, "AWS::RDS::DBInstance")); n != 0 {
		t.Errorf("%d new instances beside an existing one", n)
	}
	if in := cdktest.Only(stack, "AWS::EC2::SecurityGroupIngress").Properties; in["GroupId"] != "sg-0123456789abcdef0" {
		t.Errorf("ingress %v", in)
	}

	for want, p := range map[string]*database.Props{
		"ExistingInstance and InstanceClass conflict": {Vpc: vpc, ExistingInstance: instance, ExistingSecret: secret, InstanceClass: "db.t4g.small"},
		"ExistingInstance needs ExistingSecret":       {Vpc: vpc, ExistingInstance: instance},
		"ExistingSecret needs ExistingInstance":       {Vpc: vpc, ExistingSecret: secret},
	} {
		if msg := cdktest.Panic(func() { database.New(cdktest.Stack(), "D", p) }); !strings.Contains(msg, want) {
			t.Errorf("panic %q, want %q", msg, want)
		}
	}
}

// Compute in a stack of its own connects without the database's stack
// ever referring to it: the data stack deploys and stays alone.
func TestComputeInAnotherStackLeavesTheDatabaseStackAlone(t *testing.T) {
	for _, pooled := range []bool{false, true} {
		app := awscdk.NewApp(nil)
		env := &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String(cdktest.Region)}}
		data := awscdk.NewStack(app, jsii.String("Data"), env)
		vpc := network.New(data, "Network", nil).Vpc
		db := database.New(data, "Database", &database.Props{Vpc: vpc})
		compute := awscdk.NewStack(app, jsii.String("Compute"), env)
		db.Connect(compute, store.Compute{
			Role:          awsiam.NewRole(compute, jsii.String("Role"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)}),
			SecurityGroup: awsec2.NewSecurityGroup(compute, jsii.String("ComputeSg"), &awsec2.SecurityGroupProps{Vpc: vpc}),
			Pooled:        pooled,
		})
		app.Synth(nil) // a reference both ways is a cycle, which fails here
		for _, dep := range *data.Dependencies() {
			t.Errorf("pooled=%v: the data stack depends on %s", pooled, *dep.StackName())
		}
	}
}
