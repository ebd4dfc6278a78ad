package test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	gomigrate "github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamoschema"
	"github.com/progresskit/progresskit/service/store/dynamostore"
	"github.com/progresskit/progresskit/service/store/pgstore"
	"github.com/progresskit/progresskit/service/store/storetest"
)

// Data written by the release before the registers (one document per
// course) survives the upgrade: read as it is, joined with what the new
// release writes on top, and folded into the registers, course for course.

const upgradeCourses = 60

// oldCourses are courses as the earlier release would hold them, with
// some reset, and a few events the new release writes on top of some.
func oldCourses() (old []*progress.Course, later map[store.Key][]progress.Event) {
	r := rand.New(rand.NewSource(21))
	later = map[store.Key][]progress.Event{}
	for i := range upgradeCourses {
		c := progress.NewCourse(fmt.Sprintf("learner-%02d", i%7), fmt.Sprintf("course-%03d", i))
		c.ApplyBatch(storetest.RandomEvents(r, 1+r.Intn(12)))
		if i%9 == 0 {
			c.Reset(time.Date(2026, 11, 22, 10, 0, 20, 0, time.UTC))
			c.ApplyBatch(storetest.RandomEvents(r, 4))
		}
		old = append(old, c)
		if i%4 == 0 {
			later[store.Key{UserID: c.UserID, CourseID: c.CourseID}] = storetest.RandomEvents(r, 1+r.Intn(3))
		}
	}
	return old, later
}

// wantAfter is each old course with what the new release wrote on top.
func wantAfter(old []*progress.Course, later map[store.Key][]progress.Event) map[store.Key]*progress.Course {
	want := map[store.Key]*progress.Course{}
	for _, c := range old {
		k := store.Key{UserID: c.UserID, CourseID: c.CourseID}
		w := c.Clone()
		w.ApplyBatch(later[k])
		want[k] = w
	}
	return want
}

// checkEvery compares every course and every listing with want.
func checkEvery(t *testing.T, s store.Store, want map[store.Key]*progress.Course, when string) {
	t.Helper()
	ctx := context.Background()
	perUser := map[string][]progress.Summary{}
	for k, w := range want {
		got, err := s.Get(ctx, k)
		if err != nil {
			t.Fatalf("%s: %v: %v", when, k, err)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(w)
		if !bytes.Equal(gb, wb) {
			t.Fatalf("%s: %v is\n%s\nwant\n%s", when, k, gb, wb)
		}
		if !w.Empty() {
			perUser[k.UserID] = append(perUser[k.UserID], w.Summary())
		}
	}
	for user, sums := range perUser {
		page, err := s.List(ctx, user, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]progress.Summary{}
		for _, p := range page {
			got[p.CourseID] = p
		}
		if len(page) != len(sums) {
			t.Fatalf("%s: %s lists %d courses, want %d", when, user, len(page), len(sums))
		}
		for _, w := range sums {
			gb, _ := json.Marshal(got[w.CourseID])
			wb, _ := json.Marshal(w)
			if !bytes.Equal(gb, wb) {
				t.Errorf("%s: %s's listing of %s is %s, want %s", when, user, w.CourseID, gb, wb)
			}
		}
	}
}

func TestDynamoDBUpgradeFromOneDocumentPerCourse(t *testing.T) {
	ctx := context.Background()
	u := testenv.DynamoTable(t)
	o, err := dynamostore.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	s := openURL(t, u)
	old, later := oldCourses()
	db := rawDynamo(t, o.Endpoint)
	for _, c := range old {
		putDocument(t, db, o.Table, c)
	}
	want := wantAfter(old, map[store.Key][]progress.Event{})
	checkEvery(t, s, want, "read as the earlier release wrote it")
	// The new release writes on top, before the upgrade (a rolling deploy).
	for k, events := range later {
		if _, err := s.Record(ctx, k, events, store.ReturnNothing); err != nil {
			t.Fatal(err)
		}
	}
	want = wantAfter(old, later)
	for k := range later {
		got, err := s.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want[k])
		if !bytes.Equal(gb, wb) {
			t.Fatalf("both layouts at once: %v is\n%s\nwant\n%s", k, gb, wb)
		}
	}
	st, err := dynamostore.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	folded, err := st.Upgrade(ctx)
	if err != nil || folded != upgradeCourses {
		t.Fatalf("upgrade folded %d of %d: %v", folded, upgradeCourses, err)
	}
	checkEvery(t, s, want, "after the upgrade")
	out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: &o.Table, FilterExpression: aws.String("attribute_exists(#d)"),
		ExpressionAttributeNames: map[string]string{"#d": dynamoschema.AttrDoc}})
	if err != nil || len(out.Items) != 0 {
		t.Fatalf("%d documents left after the upgrade (%v)", len(out.Items), err)
	}
	if again, err := st.Upgrade(ctx); err != nil || again != 0 {
		t.Fatalf("a second upgrade folded %d: %v", again, err)
	}
}

func rawDynamo(t *testing.T, endpoint string) *dynamodb.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

// putDocument writes c as the earlier release's store did: one item,
// the course gzip-compressed, its summary, its lesson count and a version.
func putDocument(t *testing.T, db *dynamodb.Client, table string, c *progress.Course) {
	t.Helper()
	rec, err := store.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	w.Write(rec.Doc)
	w.Close()
	_, err = db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &table, Item: map[string]types.AttributeValue{
		dynamoschema.AttrPartitionKey: &types.AttributeValueMemberS{Value: dynamoschema.PartitionPrefix + c.UserID},
		dynamoschema.AttrSortKey:      &types.AttributeValueMemberS{Value: dynamoschema.SortPrefix + c.CourseID},
		dynamoschema.AttrDoc:          &types.AttributeValueMemberB{Value: buf.Bytes()},
		dynamoschema.AttrSummary:      &types.AttributeValueMemberS{Value: string(rec.Summary)},
		dynamoschema.AttrLessons:      &types.AttributeValueMemberN{Value: strconv.Itoa(rec.Lessons)},
		dynamoschema.AttrVersion:      &types.AttributeValueMemberN{Value: "1"},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPostgresUpgradeFromOneDocumentPerCourse(t *testing.T) {
	ctx := context.Background()
	u := testenv.PostgresDB(t)
	// The schema as the earlier release left it: migrations 1 to 3.
	src, err := iofs.New(os.DirFS("../service/store/pgstore"), "migrations")
	if err != nil {
		t.Fatal(err)
	}
	m, err := gomigrate.NewWithSourceInstance("iofs", src, "pgx5://"+u[len("postgres://"):]+"&x-migrations-table="+pgstore.MigrationsTable)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Migrate(3); err != nil {
		t.Fatal(err)
	}
	m.Close()
	old, later := oldCourses()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, c := range old {
		rec, err := store.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `INSERT INTO progress_courses (user_id, course_id, doc, summary, lessons, version) VALUES ($1, $2, $3, $4, $5, 1)`,
			c.UserID, c.CourseID, rec.Doc, rec.Summary, rec.Lessons); err != nil {
			t.Fatal(err)
		}
	}
	// Opening the store brings the schema up, folding every document.
	s := openPG(t, u, pgstore.Options{})
	checkEvery(t, s, wantAfter(old, map[store.Key][]progress.Event{}), "after the upgrade")
	for k, events := range later {
		if _, err := s.Record(ctx, k, events, store.ReturnNothing); err != nil {
			t.Fatal(err)
		}
	}
	checkEvery(t, s, wantAfter(old, later), "written on top")
}
