// Package table is the progress table construct: one DynamoDB table with
// exactly the key schema the service's DynamoDB store reads and writes.
package table

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/defaults"

	"github.com/progresskit/progresskit/service/store/dynamoschema"
)

// ServiceActions are the only table actions the progress service uses
// (read, conditional write, list, readiness check); grants give no more.
var ServiceActions = []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DescribeTable"}

// Props configure the table. The zero value is production-safe: retained on
// stack deletion, deletion-protected, point-in-time recovery on, encrypted.
type Props struct {
	// ExistingTable is used as it is instead of creating one; it must have
	// the schema in dynamoschema.
	ExistingTable awsdynamodb.ITable
	TableName     *string
	// Disposable lets the table be destroyed with its stack and turns off
	// deletion protection: for development environments only.
	Disposable bool
	// EncryptionKey is a customer-managed key; default: AWS-managed.
	EncryptionKey awskms.IKey
}

// ProgressTable is the table the service keeps progress in.
type ProgressTable struct {
	constructs.Construct
	Table awsdynamodb.ITable
}

// New creates the table, or wraps ExistingTable.
func New(scope constructs.Construct, id string, props *Props) *ProgressTable {
	if props == nil {
		props = &Props{}
	}
	c := constructs.NewConstruct(scope, &id)
	t := &ProgressTable{Construct: c, Table: props.ExistingTable}
	if t.Table != nil {
		return t
	}
	removal, protect := defaults.Removal(props.Disposable), !props.Disposable
	enc := awsdynamodb.TableEncryption_AWS_MANAGED
	if props.EncryptionKey != nil {
		enc = awsdynamodb.TableEncryption_CUSTOMER_MANAGED
	}
	t.Table = awsdynamodb.NewTable(c, jsii.String("Table"), &awsdynamodb.TableProps{
		TableName:    props.TableName,
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String(dynamoschema.AttrPartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:      &awsdynamodb.Attribute{Name: jsii.String(dynamoschema.AttrSortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		Encryption:         enc,
		EncryptionKey:      props.EncryptionKey,
		DeletionProtection: jsii.Bool(protect),
		RemovalPolicy:      removal,
	})
	return t
}
