package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamoschema"
)

// tableActiveWait bounds how long Init waits for a new table.
const tableActiveWait = 2 * time.Minute

// Init creates the table with exactly the CDK construct's key schema when it
// does not exist, on-demand, and waits until it is active; then it moves
// every course still in the earlier layout (one document per course) into
// the registers (Upgrade). In AWS the CDK Data stack owns the table; this
// is for local servers, first runs and upgrades.
func (s *Store) Init(ctx context.Context) error {
	_, err := s.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		if err := s.createTable(ctx); err != nil {
			return err
		}
	} else if err != nil {
		return s.mapErr(err)
	}
	_, err = s.Upgrade(ctx)
	return err
}

func (s *Store) createTable(ctx context.Context) error {
	_, err := s.db.CreateTable(ctx, CreateTableInput(s.table))
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", s.table, s.mapErr(err))
	}
	w := dynamodb.NewTableExistsWaiter(s.db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	return w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: &s.table}, tableActiveWait)
}

// Upgrade merges every course document of the earlier layout into the
// registers and deletes it, unless the earlier release wrote it again
// meanwhile (it is then merged the next time). Until then, reads join the
// document with the registers, so nothing either release wrote is lost.
// Run it once the earlier release has stopped: courses it wrote alone are
// listed from their documents' summaries until they are upgraded.
func (s *Store) Upgrade(ctx context.Context) (int, error) {
	e := newExpr()
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{
		TableName:                &s.table,
		ConsistentRead:           aws.Bool(true),
		FilterExpression:         aws.String("attribute_exists(" + e.n(dynamoschema.AttrDoc) + ")"),
		ExpressionAttributeNames: e.names,
		ReturnConsumedCapacity:   s.capacity(),
	})
	folded := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return folded, s.mapErr(err)
		}
		for _, it := range page.Items {
			if err := s.fold(ctx, it); err != nil {
				return folded, err
			}
			folded++
		}
	}
	return folded, nil
}

// fold merges one document and deletes it if it is still the same version.
func (s *Store) fold(ctx context.Context, it map[string]types.AttributeValue) error {
	k := store.Key{
		UserID:   strings.TrimPrefix(partitionKey(it), dynamoschema.PartitionPrefix),
		CourseID: strings.TrimPrefix(sortKey(it), dynamoschema.SortPrefix),
	}
	c, err := decodeDoc(k, it)
	if err != nil {
		return err
	}
	if err := s.Merge(ctx, k, c); err != nil {
		return fmt.Errorf("upgrade %s/%s: %w", k.UserID, k.CourseID, err)
	}
	e := newExpr()
	v := e.n(dynamoschema.AttrVersion)
	cond := "attribute_not_exists(" + v + ")"
	if ver, ok := it[dynamoschema.AttrVersion]; ok {
		cond = v + " = " + e.v("v", ver)
	}
	_, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: itemKey(k, docSK(k.CourseID)), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.vals(),
	})
	var rewritten *types.ConditionalCheckFailedException
	if errors.As(err, &rewritten) {
		return nil
	}
	return s.mapErr(err)
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
