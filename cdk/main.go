// Command cdk is the progresskit CDK app: `cdk synth -c env=prod -c
// arch=fargate` (or `make synth ENV=prod ARCH=fargate`) picks what to build.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/stacks"
	"github.com/progresskit/progresskit/service/cost"
)

func main() {
	os.Exit(run())
}

func run() int {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	b, err := stacks.Build(app)
	if err != nil {
		fmt.Fprintln(os.Stderr, "progresskit:", err)
		return 1
	}
	app.Synth(nil)
	if err := printEstimate(os.Stderr, b); err != nil {
		fmt.Fprintln(os.Stderr, "progresskit: cost estimate:", err)
	}
	return 0
}

// printEstimate shows what the synthesized architectures would cost at the
// env's expected traffic (cdk.json): each arch on the store it was
// synthesized with, side by side with arch=all.
func printEstimate(w io.Writer, b *stacks.Built) error {
	s := b.Selection.Settings
	m, err := cost.NewModel(s.Region)
	if err != nil {
		return err
	}
	t, sz := s.CostInputs(cost.DefaultStoredGB)
	var pairs []cost.Pair
	for _, a := range b.Arches {
		pairs = append(pairs, cost.Pair{Compute: a, Store: b.Selection.Stores[a]})
	}
	chosen, err := m.Each(pairs, t, sz)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEstimated monthly cost of %s in %s at %s requests/month (traffic from cdk.json; 'progress cost --env %s' for details):\n",
		b.Selection.Env, s.Region, cost.Human(t.MonthlyRequests), b.Selection.Env)
	return cost.WriteTable(w, chosen)
}
