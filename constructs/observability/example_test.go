package observability_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/observability"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// Alarms go to an encrypted topic with the on-call address subscribed, and
// each variant overrides only the thresholds it cares about.
func Example() {
	stack := cdktest.Stack()
	observability.New(stack, "Alarms", &observability.Props{AlarmEmail: "oncall@example.com"})

	th := observability.Thresholds{P99LatencyMs: 300}.WithDefaults()
	fmt.Println(len(cdktest.Resources(stack, "AWS::SNS::Subscription")), "subscription")
	fmt.Println("p99", th.P99LatencyMs, "ms; 5xx", th.ErrorRatePercent, "%")
	// Output:
	// 1 subscription
	// p99 300 ms; 5xx 1 %
}
