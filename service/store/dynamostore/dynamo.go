package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamoschema"
)

// SDK retry bounds for throttling and transient errors.
const (
	sdkMaxAttempts = 4
	sdkMaxBackoff  = time.Second
)

// Store is the DynamoDB implementation of store.Store.
type Store struct {
	db    *dynamodb.Client
	table string
	retry store.RetryPolicy
	meter *Meter
}

// Meter adds up the capacity units the store's requests consume, as
// DynamoDB reports them (ReturnConsumedCapacity): what the cost model's
// units are checked against.
type Meter struct {
	read, write atomic.Int64 // thousandths of a unit
	failed      atomic.Int64
}

// Units returns the read and write units consumed so far.
func (m *Meter) Units() (read, write float64) {
	return float64(m.read.Load()) / 1000, float64(m.write.Load()) / 1000
}

// FailedWrites counts the conditional writes whose condition failed.
// DynamoDB charges each as a write of the item (one unit: every item of
// this store is under 1 KB), but its error reports no figure, so Units
// leaves them out.
func (m *Meter) FailedWrites() int { return int(m.failed.Load()) }

func (m *Meter) failedWrite() {
	if m != nil {
		m.failed.Add(1)
	}
}

// addRead and addWrite count CapacityUnits, the total DynamoDB reports
// for a request; the caller knows whether the request read or wrote. (A
// write whose condition fails is charged too, but its error carries no
// figure.) A nil Meter counts nothing.
func (m *Meter) addRead(cs ...types.ConsumedCapacity) {
	if m != nil {
		add(&m.read, cs)
	}
}

func (m *Meter) addWrite(cs ...types.ConsumedCapacity) {
	if m != nil {
		add(&m.write, cs)
	}
}

func add(to *atomic.Int64, cs []types.ConsumedCapacity) {
	for _, c := range cs {
		to.Add(int64(aws.ToFloat64(c.CapacityUnits)*1000 + 0.5))
	}
}

// capacity is the ReturnConsumedCapacity a request asks for.
func (s *Store) capacity() types.ReturnConsumedCapacity {
	if s.meter == nil {
		return types.ReturnConsumedCapacityNone
	}
	return types.ReturnConsumedCapacityTotal
}

// New uses an existing client.
func New(db *dynamodb.Client, table string) *Store {
	return &Store{db: db, table: table, retry: store.DefaultRetry}
}

// Options name a table and how to reach it.
type Options struct {
	Table    string
	Region   string // default: the SDK's chain (AWS_REGION, profile)
	Endpoint string // e.g. http://127.0.0.1:8000 for a local server
	// Meter, when set, counts the capacity units of every request.
	Meter *Meter
}

// ParseURL reads dynamodb://TABLE?region=R&endpoint=URL.
func ParseURL(raw string) (Options, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "dynamodb" || u.Host == "" {
		return Options{}, fmt.Errorf("dynamodb store URL must look like dynamodb://TABLE?region=us-east-1[&endpoint=http://127.0.0.1:8000]")
	}
	q := u.Query()
	for k := range q {
		if k != "region" && k != "endpoint" {
			return Options{}, fmt.Errorf("dynamodb store URL: unknown parameter %q (known: region, endpoint)", k)
		}
	}
	return Options{Table: u.Host, Region: q.Get("region"), Endpoint: q.Get("endpoint")}, nil
}

// Open builds a client from the default AWS SDK chain (which also honours
// AWS_ENDPOINT_URL_DYNAMODB) with bounded retries.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Table == "" {
		return nil, errors.New("dynamodb store: table name is empty")
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = sdkMaxAttempts
				so.MaxBackoff = sdkMaxBackoff
			})
		}),
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Endpoint != "" && isLocal(o.Endpoint) {
		// A local server accepts any signature; without this the SDK would
		// look for real credentials, down to the EC2 metadata service.
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
		if o.Region == "" {
			opts = append(opts, config.WithRegion("us-east-1"))
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("dynamodb store: %w", err)
	}
	db := dynamodb.NewFromConfig(cfg, func(do *dynamodb.Options) {
		if o.Endpoint != "" {
			do.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	s := New(db, o.Table)
	s.meter = o.Meter
	return s, nil
}

func isLocal(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	ip := net.ParseIP(h)
	return h == "localhost" || (ip != nil && ip.IsLoopback())
}

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func pk(k store.Key) types.AttributeValue { return str(dynamoschema.PartitionPrefix + k.UserID) }

func itemKey(k store.Key, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{dynamoschema.AttrPartitionKey: pk(k), dynamoschema.AttrSortKey: str(sk)}
}

// The sort keys of a course's items (dynamoschema).
func docSK(courseID string) string  { return dynamoschema.SortPrefix + courseID }
func headSK(courseID string) string { return docSK(courseID) + dynamoschema.HeadSuffix }
func lessonsPrefix(courseID string) string {
	return dynamoschema.LessonPrefix + courseID + dynamoschema.HeadSuffix
}
func lessonSK(courseID, lessonID string) string { return lessonsPrefix(courseID) + lessonID }

func (s *Store) Ping(ctx context.Context) error {
	_, err := s.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
	return s.mapErr(err)
}

func (s *Store) Close() error { return nil }

// mapErr turns what a client cannot fix by changing its request (endpoint
// down, table missing, throttling past the SDK's retries, server errors)
// into ErrUnavailable.
func (s *Store) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ResourceNotFoundException":
			return fmt.Errorf("%w: table %s does not exist (create it with 'progress store init' or the CDK Data stack): %v", store.ErrUnavailable, s.table, err)
		case "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException",
			"InternalServerError", "ServiceUnavailable", "LimitExceededException", "TransactionConflictException":
			return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
		}
		return err
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "retry quota exceeded") || strings.Contains(err.Error(), "exceeded maximum number of attempts") {
		return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	return err
}
