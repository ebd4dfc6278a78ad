package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/table"
)

// DataStackProps configure the data stack.
type DataStackProps struct {
	awscdk.StackProps
	Settings config.Settings
}

// DataStack holds the progress table. Its template depends only on the
// environment, never on the arch, so switching between lambda and fargate
// leaves it untouched.
type DataStack struct {
	awscdk.Stack
	Table *table.ProgressTable
}

// NewDataStack creates the data stack.
func NewDataStack(scope constructs.Construct, id string, props *DataStackProps) *DataStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	t := table.New(stack, "Progress", &table.Props{Disposable: !props.Settings.Production})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: t.Table.TableName()})
	return &DataStack{Stack: stack, Table: t}
}
