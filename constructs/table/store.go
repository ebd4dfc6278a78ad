package table

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/store"
	"github.com/progresskit/progresskit/service/deploy"
)

var _ store.Store = (*ProgressTable)(nil)

// Kind is DynamoDB.
func (t *ProgressTable) Kind() string { return deploy.DynamoDB }

// Vpc is nil: DynamoDB is a regional service, which compute in a VPC
// reaches through its gateway endpoint (network.New makes one).
func (t *ProgressTable) Vpc() awsec2.IVpc { return nil }

// Connect grants compute's role the service's actions on this table and no
// other, and returns dynamodb://TABLE?region=R in compute's region.
func (t *ProgressTable) Connect(scope constructs.Construct, c store.Compute) *string {
	t.Table.Grant(c.Role, *jsii.Strings(ServiceActions...)...)
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String(deploy.DynamoDB + "://"), t.Table.TableName(), jsii.String("?region="), awscdk.Stack_Of(scope).Region(),
	})
}
