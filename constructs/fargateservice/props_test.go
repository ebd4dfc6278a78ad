package fargateservice_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/table"
)

// required props, with an image from a registry so these tests need no
// build; Example builds the real one.
func required(stack awscdk.Stack) *fargateservice.Props {
	return &fargateservice.Props{
		Store: table.New(stack, "Table", nil), Identity: identity.New(stack, "Identity", nil),
		Image: awsecs.ContainerImage_FromRegistry(jsii.String("public.ecr.aws/example/progress:1"), nil),
	}
}

// The tasks must reach their store: a database needs the Network the
// tasks run in, and that Network must be the database's VPC.
func TestADatabaseNeedsTheNetworkItRunsIn(t *testing.T) {
	stack := cdktest.Stack()
	id := identity.New(stack, "Id", nil)
	image := awsecs.ContainerImage_FromRegistry(jsii.String("public.ecr.aws/example/progress:1"), nil)
	home := network.New(stack, "Home", nil)
	db := database.New(stack, "Db", &database.Props{Vpc: home.Vpc})
	msg := cdktest.Panic(func() {
		fargateservice.New(stack, "NoNet", &fargateservice.Props{Store: db, Identity: id, Image: image})
	})
	if !strings.Contains(msg, "fargateservice NoNet") || !strings.Contains(msg, "Network") {
		t.Errorf("a database without Network: panic %q", msg)
	}
	other := network.New(stack, "Other", nil)
	msg = cdktest.Panic(func() {
		fargateservice.New(stack, "Apart", &fargateservice.Props{Network: other, Store: db, Identity: id, Image: image})
	})
	if !strings.Contains(msg, "Network's VPC is not the store's") {
		t.Errorf("a database in another VPC: panic %q", msg)
	}
	if msg := cdktest.Panic(func() {
		fargateservice.New(stack, "Together", &fargateservice.Props{Network: home, Store: db, Identity: id, Image: image})
	}); msg != "" {
		t.Errorf("the database's own Network refused: %s", msg)
	}
}

func TestZeroPropsKeepLogsAndUseDefaults(t *testing.T) {
	stack := cdktest.Stack()
	fargateservice.New(stack, "Progress", required(stack))
	for id, r := range cdktest.Resources(stack, "AWS::Logs::LogGroup") {
		if r.DeletionPolicy != "Retain" {
			t.Errorf("log group %s: %s", id, r.DeletionPolicy)
		}
	}
	if b := cdktest.Only(stack, "AWS::S3::Bucket"); b.DeletionPolicy != "Retain" {
		t.Errorf("access-log bucket: %s", b.DeletionPolicy)
	}
	svc := cdktest.Only(stack, "AWS::ECS::Service").Properties
	if svc["DesiredCount"] != float64(fargateservice.DefaultMinTasks) {
		t.Errorf("desired %v", svc["DesiredCount"])
	}
}

func TestScalingTargetsAndThresholdsAreProps(t *testing.T) {
	stack := cdktest.Stack()
	p := required(stack)
	p.CPUTargetPercent, p.RequestsPerTask = 45, 700
	p.Alarms = observability.Thresholds{ComputeCPUPercent: 70}
	fargateservice.New(stack, "Progress", p)
	targets := map[float64]bool{}
	for _, pol := range cdktest.Resources(stack, "AWS::ApplicationAutoScaling::ScalingPolicy") {
		cfg := pol.Properties["TargetTrackingScalingPolicyConfiguration"].(map[string]any)
		targets[cfg["TargetValue"].(float64)] = true
	}
	if !targets[45] || !targets[700] {
		t.Errorf("scaling targets %v, want 45 and 700", targets)
	}
	found := false
	for _, a := range cdktest.Resources(stack, "AWS::CloudWatch::Alarm") {
		found = found || a.Properties["Threshold"] == float64(70)
	}
	if !found {
		t.Error("no alarm at the ComputeCPUPercent threshold of 70")
	}
}

func TestStoreAndIdentityAreRequired(t *testing.T) {
	msg := cdktest.Panic(func() { fargateservice.New(cdktest.Stack(), "P", nil) })
	if !strings.Contains(msg, "fargateservice P: Store is required") {
		t.Errorf("panic %q", msg)
	}
}
