package dynamostore

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/progresskit/progresskit/service/progress"
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
	return New(db, o.Table), nil
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

func key(k store.Key) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		dynamoschema.AttrPartitionKey: &types.AttributeValueMemberS{Value: dynamoschema.PartitionPrefix + k.UserID},
		dynamoschema.AttrSortKey:      &types.AttributeValueMemberS{Value: dynamoschema.SortPrefix + k.CourseID},
	}
}

func (s *Store) Get(ctx context.Context, k store.Key) (*progress.Course, error) {
	c, _, err := s.read(ctx, k)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, store.ErrNotFound
	}
	return c, nil
}

// read returns the course and its version, or nil and version 0.
func (s *Store) read(ctx context.Context, k store.Key) (*progress.Course, int64, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                &s.table,
		Key:                      key(k),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#d, #v"),
		ExpressionAttributeNames: map[string]string{"#d": dynamoschema.AttrDoc, "#v": dynamoschema.AttrVersion},
	})
	if err != nil {
		return nil, 0, s.mapErr(err)
	}
	if out.Item == nil {
		return nil, 0, nil
	}
	doc, ok := out.Item[dynamoschema.AttrDoc].(*types.AttributeValueMemberB)
	ver, vok := out.Item[dynamoschema.AttrVersion].(*types.AttributeValueMemberN)
	if !ok || !vok {
		return nil, 0, fmt.Errorf("dynamodb item %s/%s lacks %s or %s", k.UserID, k.CourseID, dynamoschema.AttrDoc, dynamoschema.AttrVersion)
	}
	v, err := strconv.ParseInt(ver.Value, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("dynamodb item %s/%s: bad version %q", k.UserID, k.CourseID, ver.Value)
	}
	c, err := decodeDoc(k, doc.Value)
	return c, v, err
}

func (s *Store) Update(ctx context.Context, k store.Key, fn store.UpdateFunc) (*progress.Course, error) {
	for attempt := 0; attempt < s.retry.Attempts; attempt++ {
		if attempt > 0 {
			// Another writer got there first: back off with jitter and merge
			// again on top of what it wrote.
			if err := s.retry.Wait(ctx, attempt-1); err != nil {
				return nil, s.mapErr(err)
			}
		}
		c, ver, err := s.read(ctx, k)
		if err != nil {
			return nil, err
		}
		if c == nil {
			c = progress.NewCourse(k.UserID, k.CourseID)
		}
		if err := fn(c); err != nil {
			return nil, err
		}
		err = s.put(ctx, k, c, ver)
		var conflict *types.ConditionalCheckFailedException
		if !errors.As(err, &conflict) {
			if err != nil {
				return nil, err
			}
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: %d conflicting writes in a row on %s/%s", store.ErrUnavailable, s.retry.Attempts, k.UserID, k.CourseID)
}

// put writes c if the item is still at version ver (0: absent).
func (s *Store) put(ctx context.Context, k store.Key, c *progress.Course, ver int64) error {
	rec, err := store.Encode(c)
	if err != nil {
		return err
	}
	doc, err := gzipBytes(rec.Doc)
	if err != nil {
		return err
	}
	if len(doc) > dynamoschema.MaxDocBytes {
		return fmt.Errorf("%w: %d bytes compressed, over %d", store.ErrTooLarge, len(doc), dynamoschema.MaxDocBytes)
	}
	item := key(k)
	item[dynamoschema.AttrDoc] = &types.AttributeValueMemberB{Value: doc}
	item[dynamoschema.AttrSummary] = &types.AttributeValueMemberS{Value: string(rec.Summary)}
	item[dynamoschema.AttrLessons] = &types.AttributeValueMemberN{Value: strconv.Itoa(rec.Lessons)}
	item[dynamoschema.AttrVersion] = &types.AttributeValueMemberN{Value: strconv.FormatInt(ver+1, 10)}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: item, ExpressionAttributeNames: map[string]string{}}
	if ver == 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(#pk)")
		in.ExpressionAttributeNames["#pk"] = dynamoschema.AttrPartitionKey
	} else {
		in.ConditionExpression = aws.String("#v = :v")
		in.ExpressionAttributeNames["#v"] = dynamoschema.AttrVersion
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.FormatInt(ver, 10)}}
	}
	_, err = s.db.PutItem(ctx, in)
	var conflict *types.ConditionalCheckFailedException
	if errors.As(err, &conflict) {
		return err
	}
	return s.mapErr(err)
}

func (s *Store) List(ctx context.Context, userID, after string, limit int) ([]progress.Summary, error) {
	out := []progress.Summary{}
	var start map[string]types.AttributeValue
	for len(out) < limit {
		page, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:              &s.table,
			KeyConditionExpression: aws.String("#pk = :pk AND #sk > :after"),
			FilterExpression:       aws.String("#n > :zero"),
			ProjectionExpression:   aws.String("#sum"),
			ExpressionAttributeNames: map[string]string{
				"#pk": dynamoschema.AttrPartitionKey, "#sk": dynamoschema.AttrSortKey, "#n": dynamoschema.AttrLessons, "#sum": dynamoschema.AttrSummary,
			},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":    &types.AttributeValueMemberS{Value: dynamoschema.PartitionPrefix + userID},
				":after": &types.AttributeValueMemberS{Value: dynamoschema.SortPrefix + after},
				":zero":  &types.AttributeValueMemberN{Value: "0"},
			},
			// Limit counts items before the filter; asking for what is still
			// missing keeps pages small when few courses are reset.
			Limit:             aws.Int32(int32(limit - len(out))),
			ExclusiveStartKey: start,
		})
		if err != nil {
			return nil, s.mapErr(err)
		}
		for _, it := range page.Items {
			raw, ok := it[dynamoschema.AttrSummary].(*types.AttributeValueMemberS)
			if !ok {
				return nil, fmt.Errorf("dynamodb item of user %s lacks %s", userID, dynamoschema.AttrSummary)
			}
			sum, err := store.DecodeSummary([]byte(raw.Value))
			if err != nil {
				return nil, err
			}
			out = append(out, sum)
		}
		if page.LastEvaluatedKey == nil {
			break
		}
		start = page.LastEvaluatedKey
	}
	return out, nil
}

func (s *Store) Scan(ctx context.Context, fn func(*progress.Course) error) error {
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{
		TableName:                &s.table,
		ProjectionExpression:     aws.String("#pk, #sk, #d"),
		ExpressionAttributeNames: map[string]string{"#pk": dynamoschema.AttrPartitionKey, "#sk": dynamoschema.AttrSortKey, "#d": dynamoschema.AttrDoc},
		ConsistentRead:           aws.Bool(true),
		Limit:                    aws.Int32(store.ScanPageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s.mapErr(err)
		}
		for _, it := range page.Items {
			pk, _ := it[dynamoschema.AttrPartitionKey].(*types.AttributeValueMemberS)
			sk, _ := it[dynamoschema.AttrSortKey].(*types.AttributeValueMemberS)
			doc, _ := it[dynamoschema.AttrDoc].(*types.AttributeValueMemberB)
			if pk == nil || sk == nil || doc == nil {
				return errors.New("dynamodb scan: item without keys or doc")
			}
			k := store.Key{UserID: strings.TrimPrefix(pk.Value, dynamoschema.PartitionPrefix), CourseID: strings.TrimPrefix(sk.Value, dynamoschema.SortPrefix)}
			c, err := decodeDoc(k, doc.Value)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
	}
	return nil
}

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
			"InternalServerError", "ServiceUnavailable", "LimitExceededException":
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

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeDoc reads an item's gzip-compressed course document.
func decodeDoc(k store.Key, b []byte) (*progress.Course, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("dynamodb item %s/%s: doc is not gzip: %w", k.UserID, k.CourseID, err)
	}
	defer r.Close()
	raw, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("dynamodb item %s/%s: %w", k.UserID, k.CourseID, err)
	}
	return store.DecodeCourse(k, raw)
}
