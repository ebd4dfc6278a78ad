package observability_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/observability"
)

func TestExistingTopicConflictsWithAlarmEmail(t *testing.T) {
	stack := cdktest.Stack()
	topic := awssns.Topic_FromTopicArn(stack, jsii.String("T"), jsii.String("arn:aws:sns:eu-west-2:123456789012:oncall"))
	msg := cdktest.Panic(func() {
		observability.New(stack, "O", &observability.Props{ExistingTopic: topic, AlarmEmail: "a@example.com"})
	})
	if !strings.Contains(msg, "ExistingTopic") || !strings.Contains(msg, "AlarmEmail") {
		t.Errorf("panic %q, want one naming ExistingTopic and AlarmEmail", msg)
	}
}

func TestZeroThresholdsTakeEveryDefault(t *testing.T) {
	th := observability.Thresholds{}.WithDefaults()
	if th.ErrorRatePercent != observability.DefaultErrorRatePercent || th.P99LatencyMs != observability.DefaultP99LatencyMs ||
		th.DatabaseFreeStorageGiB != observability.DefaultDatabaseFreeStorageGiB || th.ComputeCPUPercent != observability.DefaultComputeCPUPercent {
		t.Errorf("defaults not applied: %+v", th)
	}
}

func TestTopicIsEncrypted(t *testing.T) {
	stack := cdktest.Stack()
	observability.New(stack, "O", nil)
	if k := cdktest.Only(stack, "AWS::SNS::Topic").Properties["KmsMasterKeyId"]; k == nil {
		t.Error("the alarm topic is not encrypted")
	}
}
