// Command cdk is the progresskit CDK app: `cdk synth -c env=prod -c
// arch=fargate` (or `make synth ENV=prod ARCH=fargate`) picks what to build.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/stacks"
)

func main() {
	os.Exit(run())
}

func run() int {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	if _, err := stacks.Build(app); err != nil {
		fmt.Fprintln(os.Stderr, "progresskit:", err)
		return 1
	}
	app.Synth(nil)
	return 0
}
