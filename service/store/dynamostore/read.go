package dynamostore

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamoschema"
	"github.com/progresskit/progresskit/service/store/registers"
)

// courseItems is what the table holds of one course: its head, its
// lessons, and its document in the earlier layout, each maybe absent.
type courseItems struct {
	head    map[string]types.AttributeValue
	doc     map[string]types.AttributeValue
	lessons []map[string]types.AttributeValue
}

func (ci *courseItems) empty() bool { return ci.head == nil && ci.doc == nil }

// Get is two Queries at once, both strongly consistent: the course's head
// and its document of the earlier layout, which are neighbours, and its
// lessons.
func (s *Store) Get(ctx context.Context, k store.Key) (*progress.Course, error) {
	var ci courseItems
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		items, err := s.query(gctx, k, docSK(k.CourseID), headSK(k.CourseID), nil)
		for _, it := range items {
			if sortKey(it) == headSK(k.CourseID) {
				ci.head = it
			} else {
				ci.doc = it
			}
		}
		return err
	})
	g.Go(func() error {
		var err error
		ci.lessons, err = s.query(gctx, k, lessonsPrefix(k.CourseID), dynamoschema.PrefixEnd(lessonsPrefix(k.CourseID)), nil)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if ci.empty() {
		return nil, store.ErrNotFound
	}
	if ci.head != nil && s.countsDrifted(k, &ci) {
		// A write that raced a reset can leave the head's counts off by
		// one; the lessons just read tell, and recount reads again in
		// order before it corrects them.
		if err := s.recount(ctx, k); err != nil {
			return nil, err
		}
	}
	return assemble(k, &ci)
}

// countsDrifted reports whether the head's counts differ from its lessons.
func (s *Store) countsDrifted(k store.Key, ci *courseItems) bool {
	c, err := assemble(k, &courseItems{head: ci.head, lessons: ci.lessons})
	if err != nil {
		return false
	}
	live, _ := numberAttr(ci.head, dynamoschema.AttrLive)
	done, _ := numberAttr(ci.head, dynamoschema.AttrCompleted)
	return live != len(c.Lessons) || done != c.Summary().CompletedCount
}

// query reads every item of k's partition with a sort key from lo to hi,
// both included, strongly consistent, page after page.
func (s *Store) query(ctx context.Context, k store.Key, lo, hi string, projection *string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
		ExpressionAttributeNames: map[string]string{
			"#pk": dynamoschema.AttrPartitionKey, "#sk": dynamoschema.AttrSortKey,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": pk(k), ":lo": str(lo), ":hi": str(hi)},
		ConsistentRead:            aws.Bool(true),
		ProjectionExpression:      projection,
		ReturnConsumedCapacity:    s.capacity(),
	}
	var out []map[string]types.AttributeValue
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.mapErr(err)
		}
		if page.ConsumedCapacity != nil {
			s.meter.addRead(*page.ConsumedCapacity)
		}
		out = append(out, page.Items...)
	}
	return out, nil
}

func sortKey(it map[string]types.AttributeValue) string {
	return stringAttr(it, dynamoschema.AttrSortKey)
}
func partitionKey(it map[string]types.AttributeValue) string {
	return stringAttr(it, dynamoschema.AttrPartitionKey)
}

func stringAttr(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func numberAttr(it map[string]types.AttributeValue, name string) (int, error) {
	v, ok := it[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil {
		return 0, fmt.Errorf("%w: %s = %q", registers.ErrCorrupt, name, v.Value)
	}
	return n, nil
}

// greatestCount is the head's lesson count: the greatest reported.
func greatestCount(it map[string]types.AttributeValue) (int, error) {
	ns, ok := it[dynamoschema.AttrCounts].(*types.AttributeValueMemberNS)
	if !ok {
		return 0, nil
	}
	most := 0
	for _, v := range ns.Value {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%w: %s holds %q", registers.ErrCorrupt, dynamoschema.AttrCounts, v)
		}
		most = max(most, n)
	}
	return most, nil
}

func readHead(it map[string]types.AttributeValue) (registers.Head, error) {
	n, err := greatestCount(it)
	return registers.Head{Reset: stringAttr(it, dynamoschema.AttrReset), Last: stringAttr(it, dynamoschema.AttrLast), LessonCount: n}, err
}

// assemble is the course ci holds: the registers, joined with a document
// of the earlier layout where one is still there.
func assemble(k store.Key, ci *courseItems) (*progress.Course, error) {
	h, err := readHead(ci.head)
	if err != nil {
		return nil, err
	}
	prefix := lessonsPrefix(k.CourseID)
	lessons := make([]registers.Lesson, 0, len(ci.lessons))
	for _, it := range ci.lessons {
		lessons = append(lessons, registers.Lesson{
			ID:         strings.TrimPrefix(sortKey(it), prefix),
			Position:   stringAttr(it, dynamoschema.AttrPosition),
			Completion: stringAttr(it, dynamoschema.AttrCompletion),
		})
	}
	c, err := registers.Assemble(k.UserID, k.CourseID, h, lessons)
	if err != nil || ci.doc == nil {
		return c, err
	}
	old, err := decodeDoc(k, ci.doc)
	if err != nil {
		return nil, err
	}
	c.Join(old)
	return c, nil
}

// decodeDoc reads a course document of the earlier layout (gzip JSON).
func decodeDoc(k store.Key, it map[string]types.AttributeValue) (*progress.Course, error) {
	doc, ok := it[dynamoschema.AttrDoc].(*types.AttributeValueMemberB)
	if !ok {
		return nil, fmt.Errorf("dynamodb item %s/%s lacks %s", k.UserID, k.CourseID, dynamoschema.AttrDoc)
	}
	r, err := gzip.NewReader(bytes.NewReader(doc.Value))
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

// List is one Query over the learner's COURSE# keys, where each course's
// head sits beside its document of the earlier layout, if any, and no
// lesson is read. A course with a head is listed from the head's counts;
// one the earlier release alone wrote, from its document's summary.
func (s *Store) List(ctx context.Context, userID, after string, limit int) ([]progress.Summary, error) {
	k := store.Key{UserID: userID}
	lo := dynamoschema.SortPrefix
	if after != "" {
		// Past after's head; BETWEEN includes it, so it is skipped below.
		lo = headSK(after)
	}
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
		ProjectionExpression:   aws.String("#sk, #cc, #ns, #l, #nl, #sum, #n"),
		ExpressionAttributeNames: map[string]string{
			"#pk": dynamoschema.AttrPartitionKey, "#sk": dynamoschema.AttrSortKey, "#cc": dynamoschema.AttrCompleted,
			"#ns": dynamoschema.AttrCounts, "#l": dynamoschema.AttrLast, "#nl": dynamoschema.AttrLive,
			"#sum": dynamoschema.AttrSummary, "#n": dynamoschema.AttrLessons,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": pk(k), ":lo": str(lo), ":hi": str(dynamoschema.PrefixEnd(dynamoschema.SortPrefix)),
		},
		ReturnConsumedCapacity: s.capacity(),
	}
	out := []progress.Summary{}
	// A course's two items are neighbours; the head, when there is one,
	// comes second and decides.
	var pending *progress.Summary
	pendingID := ""
	flush := func() {
		if pending != nil {
			out = append(out, *pending)
		}
		pending, pendingID = nil, ""
	}
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() && len(out) < limit {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.mapErr(err)
		}
		if page.ConsumedCapacity != nil {
			s.meter.addRead(*page.ConsumedCapacity)
		}
		for _, it := range page.Items {
			sk := strings.TrimPrefix(sortKey(it), dynamoschema.SortPrefix)
			courseID, isHead := strings.CutSuffix(sk, dynamoschema.HeadSuffix)
			if courseID <= after && after != "" {
				continue
			}
			if courseID != pendingID {
				flush()
				if len(out) == limit {
					break
				}
			}
			pendingID = courseID
			sum, listed, err := summaryOf(userID, courseID, isHead, it)
			if err != nil {
				return nil, err
			}
			if isHead || pending == nil {
				pending = nil
				if listed {
					pending = &sum
				}
			}
		}
	}
	if len(out) < limit {
		flush()
	}
	return out, nil
}

// summaryOf is a course's list entry from its head or its document's
// summary, and whether the course holds any lesson.
func summaryOf(userID, courseID string, isHead bool, it map[string]types.AttributeValue) (progress.Summary, bool, error) {
	if !isHead {
		n, err := numberAttr(it, dynamoschema.AttrLessons)
		if err != nil || n == 0 {
			return progress.Summary{}, false, err
		}
		sum, err := store.DecodeSummary([]byte(stringAttr(it, dynamoschema.AttrSummary)))
		return sum, true, err
	}
	live, err := numberAttr(it, dynamoschema.AttrLive)
	if err != nil || live == 0 {
		return progress.Summary{}, false, err
	}
	completed, err := numberAttr(it, dynamoschema.AttrCompleted)
	if err != nil {
		return progress.Summary{}, false, err
	}
	count, err := greatestCount(it)
	if err != nil {
		return progress.Summary{}, false, err
	}
	last, err := registers.ParseLastKey(stringAttr(it, dynamoschema.AttrLast))
	if err != nil {
		return progress.Summary{}, false, fmt.Errorf("%w: %v", registers.ErrCorrupt, err)
	}
	return progress.SummaryOf(userID, courseID, completed, count, last), true, nil
}

// Scan reads the whole table, page by page. A learner's items are one
// item collection, which a Scan returns together; each learner's courses
// are assembled once all of that learner's items are in.
func (s *Store) Scan(ctx context.Context, fn func(*progress.Course) error) error {
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{
		TableName:              &s.table,
		ConsistentRead:         aws.Bool(true),
		Limit:                  aws.Int32(store.ScanPageSize),
		ReturnConsumedCapacity: s.capacity(),
	})
	user := ""
	courses := map[string]*courseItems{}
	emit := func() error {
		ids := make([]string, 0, len(courses))
		for id := range courses {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			ci := courses[id]
			if ci.empty() {
				continue // lessons whose head a reset raced; nothing to show
			}
			c, err := assemble(store.Key{UserID: user, CourseID: id}, ci)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		clear(courses)
		return nil
	}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s.mapErr(err)
		}
		if page.ConsumedCapacity != nil {
			s.meter.addRead(*page.ConsumedCapacity)
		}
		for _, it := range page.Items {
			u, ok := strings.CutPrefix(partitionKey(it), dynamoschema.PartitionPrefix)
			if !ok {
				continue
			}
			if u != user {
				if err := emit(); err != nil {
					return err
				}
				user = u
			}
			if err := collect(courses, it); err != nil {
				return err
			}
		}
	}
	return emit()
}

// collect files one item of a learner under its course.
func collect(courses map[string]*courseItems, it map[string]types.AttributeValue) error {
	sk := sortKey(it)
	of := func(id string) *courseItems {
		ci := courses[id]
		if ci == nil {
			ci = &courseItems{}
			courses[id] = ci
		}
		return ci
	}
	if rest, ok := strings.CutPrefix(sk, dynamoschema.LessonPrefix); ok {
		courseID, _, found := strings.Cut(rest, dynamoschema.HeadSuffix)
		if !found {
			return fmt.Errorf("%w: lesson key %q", registers.ErrCorrupt, sk)
		}
		ci := of(courseID)
		ci.lessons = append(ci.lessons, it)
		return nil
	}
	rest, ok := strings.CutPrefix(sk, dynamoschema.SortPrefix)
	if !ok {
		return errors.New("dynamodb scan: item of an unknown kind " + sk)
	}
	if courseID, isHead := strings.CutSuffix(rest, dynamoschema.HeadSuffix); isHead {
		of(courseID).head = it
	} else {
		of(rest).doc = it
	}
	return nil
}
