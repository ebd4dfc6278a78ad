package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/progresskit/progresskit/service/store/dynamoschema"
)

// tableActiveWait bounds how long Init waits for a new table.
const tableActiveWait = 2 * time.Minute

// Init creates the table with exactly the CDK construct's key schema when it
// does not exist, on-demand, and waits until it is active. In AWS the CDK
// Data stack owns the table; this is for local servers and first runs.
func (s *Store) Init(ctx context.Context) error {
	_, err := s.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
	var missing *types.ResourceNotFoundException
	if err == nil {
		return nil
	}
	if !errors.As(err, &missing) {
		return s.mapErr(err)
	}
	_, err = s.db.CreateTable(ctx, CreateTableInput(s.table))
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", s.table, s.mapErr(err))
	}
	w := dynamodb.NewTableExistsWaiter(s.db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	return w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: &s.table}, tableActiveWait)
}

// CreateTableInput is the table's definition: the same key schema the CDK
// construct declares.
func CreateTableInput(table string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(dynamoschema.AttrPartitionKey), AttributeType: types.ScalarAttributeType(dynamoschema.KeyAttributeType)},
			{AttributeName: aws.String(dynamoschema.AttrSortKey), AttributeType: types.ScalarAttributeType(dynamoschema.KeyAttributeType)},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(dynamoschema.AttrPartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(dynamoschema.AttrSortKey), KeyType: types.KeyTypeRange},
		},
		SSESpecification: &types.SSESpecification{Enabled: aws.Bool(true)},
	}
}
