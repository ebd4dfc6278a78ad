package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamoschema"
	"github.com/progresskit/progresskit/service/store/registers"
)

// A one-event write never reads the course first (a batch of several reads
// the items it touches once: batch.go's join). Each register is updated on
// its own, conditionally ("only if greater", "only if earlier"), so a write
// costs the units of the items it touches whatever the course's size, and
// a failed condition usually means a newer value is already there.
//
// The reset time is the one fact some registers need: the earliest
// completion after a reset must win over one before it, and the counts of
// lessons held and completed (what a listing shows, and the 2,000-lesson
// limit) restart with it. The head's own registers are conditioned on it
// in the same item; a completion or a new lesson is a transaction with the
// head, conditioned on the reset time that the head's update returned.
// The position and last-event registers keep the greater value, so a
// late value from before a reset can never shadow one after it, and
// readers drop what the reset covers (registers.Assemble).
//
// Room for several regions: a later mode could keep each register once
// per region (the attribute name suffixed with the region, so that global
// tables replicate every copy and no region overwrites another's) and
// merge the copies on read, greatest or earliest as each register joins.
// The counts would then be kept per region as sets of lesson ids rather
// than numbers, since the same lesson completed in two regions is one.

// errStale means the reset time a write was conditioned on has changed:
// the write starts again with the new one. Everything it already wrote is
// a join, so writing it again is harmless.
var errStale = errors.New("the course was reset during the write")

func (s *Store) Record(ctx context.Context, k store.Key, events []progress.Event, ret store.Return) (*progress.Course, error) {
	b := registers.Group(events)
	var err error
	if len(events) == 1 {
		err = s.retrying(ctx, func() error { return s.recordOne(ctx, k, events[0], b) })
	} else {
		err = s.retrying(ctx, func() error { return s.join(ctx, k, b) })
	}
	if err != nil || ret == store.ReturnNothing {
		return nil, err
	}
	return s.Get(ctx, k)
}

func (s *Store) Merge(ctx context.Context, k store.Key, c *progress.Course) error {
	b := registers.FromCourse(c)
	return s.retrying(ctx, func() error {
		if !b.Reset.IsZero() {
			if err := s.resetTo(ctx, k, b.Reset); err != nil {
				return err
			}
		}
		return s.join(ctx, k, b)
	})
}

// retrying runs a write again, after a jittered backoff, while a reset
// keeps overtaking it; then it gives up with ErrUnavailable.
func (s *Store) retrying(ctx context.Context, write func() error) error {
	for attempt := 0; attempt < s.retry.Attempts; attempt++ {
		if attempt > 0 {
			if err := s.retry.Wait(ctx, attempt-1); err != nil {
				return s.mapErr(err)
			}
		}
		if err := write(); !errors.Is(err, errStale) {
			return err
		}
	}
	return fmt.Errorf("%w: the course kept being reset during %d attempts to write it", store.ErrUnavailable, s.retry.Attempts)
}

// expr builds one request's expression names and values.
type expr struct {
	names  map[string]string
	values map[string]types.AttributeValue
}

func newExpr() *expr {
	return &expr{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

// n names an attribute: n("r") is "#r".
func (e *expr) n(attr string) string { e.names["#"+attr] = attr; return "#" + attr }

// v is a value's placeholder.
func (e *expr) v(name string, val types.AttributeValue) string {
	e.values[":"+name] = val
	return ":" + name
}

func num(n int) types.AttributeValue { return &types.AttributeValueMemberN{Value: strconv.Itoa(n)} }

func (e *expr) vals() map[string]types.AttributeValue {
	if len(e.values) == 0 {
		return nil
	}
	return e.values
}

// resetIs is a condition that the head's reset time is still r ("":
// never reset).
func (e *expr) resetIs(r string) string {
	if r == "" {
		return "attribute_not_exists(" + e.n(dynamoschema.AttrReset) + ")"
	}
	return e.n(dynamoschema.AttrReset) + " = " + e.v("r", str(r))
}

// resetBefore is a condition that the head's reset time is before t.
func (e *expr) resetBefore(t string) string {
	return "(attribute_not_exists(" + e.n(dynamoschema.AttrReset) + ") OR " + e.n(dynamoschema.AttrReset) + " < " + e.v("t", str(t)) + ")"
}

// update is one conditional UpdateItem; on a failed condition it returns
// ok false and the item as it was (nil when absent), at no read cost.
func (s *Store) update(ctx context.Context, key map[string]types.AttributeValue, e *expr, set, cond string, returnNew bool) (ok bool, item map[string]types.AttributeValue, err error) {
	in := &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key, UpdateExpression: aws.String(set),
		ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.vals(),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              s.capacity(),
	}
	if cond != "" {
		in.ConditionExpression = aws.String(cond)
	}
	if returnNew {
		in.ReturnValues = types.ReturnValueAllNew
	}
	out, err := s.db.UpdateItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		s.meter.failedWrite()
		return false, failed.Item, nil
	}
	if err != nil {
		return false, nil, s.mapErr(err)
	}
	if out.ConsumedCapacity != nil {
		s.meter.addWrite(*out.ConsumedCapacity)
	}
	return true, out.Attributes, nil
}

// recordOne is a one-event write: the heartbeat of a playing lesson is a
// position to a lesson the course already holds, which costs two
// conditional updates sent at once (the head's last event and lesson
// count, the lesson's position) and one round trip. A completion or a new
// lesson then needs a transaction with the head.
func (s *Store) recordOne(ctx context.Context, k store.Key, ev progress.Event, b registers.Batch) error {
	t := registers.Time(ev.OccurredAt)
	lesson := b.Lessons[ev.LessonID]
	var (
		headOK, lessonOK bool
		head, before     map[string]types.AttributeValue
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		e := newExpr()
		set := "SET " + e.n(dynamoschema.AttrLast) + " = " + e.v("l", str(b.Last))
		if ev.LessonCount > 0 {
			set += " ADD " + e.n(dynamoschema.AttrCounts) + " " + e.v("ns", &types.AttributeValueMemberNS{Value: []string{strconv.Itoa(ev.LessonCount)}})
		}
		// Only under the limit: a 2,001st lesson must change nothing.
		cond := e.resetBefore(t) + " AND (attribute_not_exists(" + e.n(dynamoschema.AttrLast) + ") OR " + e.n(dynamoschema.AttrLast) + " < :l)" +
			" AND (attribute_not_exists(" + e.n(dynamoschema.AttrLive) + ") OR " + e.n(dynamoschema.AttrLive) + " < " + e.v("max", num(progress.MaxLessonsPerCourse)) + ")"
		var err error
		headOK, head, err = s.update(gctx, itemKey(k, headSK(k.CourseID)), e, set, cond, true)
		return err
	})
	if lesson.Position != "" {
		g.Go(func() error {
			var err error
			lessonOK, before, err = s.setPosition(gctx, k, ev.LessonID, lesson.Position)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	reset := stringAttr(head, dynamoschema.AttrReset)
	if reset != "" && t <= reset {
		return nil // a late event from before the reset: nothing to keep
	}
	exists := lessonOK || before != nil
	if lesson.Position == "" || exists {
		// A completion, or (when the position alone did not tell) the
		// lesson's existence, comes from the completion's transaction.
		if ev.Type == progress.TypeComplete {
			missing, err := s.complete(ctx, k, ev.LessonID, t, reset)
			if err != nil {
				return err
			}
			exists = !missing
		}
	}
	if !exists {
		res := b.Resolve(timeOf(reset))
		return s.createLessons(ctx, k, reset, map[string]registers.ResolvedLesson{ev.LessonID: res.Lessons[ev.LessonID]})
	}
	if headOK {
		return nil
	}
	if live, _ := numberAttr(head, dynamoschema.AttrLive); live >= progress.MaxLessonsPerCourse {
		// A full course, and the lesson is one it holds: the head's update
		// held back only for a new lesson goes now.
		return s.updateHead(ctx, k, reset, b.Last, ev.LessonCount)
	}
	// The head's last event is newer; a count still counts.
	return s.updateHead(ctx, k, reset, "", ev.LessonCount)
}

// timeOf decodes a stored reset time, "" being none.
func timeOf(reset string) time.Time {
	if reset == "" {
		return time.Time{}
	}
	t, _ := registers.ParseTime(reset)
	return t
}

// setPosition raises a lesson's position to key if the lesson is held and
// its position is older. It returns whether it wrote, and the lesson as it
// was when it did not (nil: not held).
func (s *Store) setPosition(ctx context.Context, k store.Key, lessonID, key string) (bool, map[string]types.AttributeValue, error) {
	e := newExpr()
	p := e.n(dynamoschema.AttrPosition)
	return s.update(ctx, itemKey(k, lessonSK(k.CourseID, lessonID)), e,
		"SET "+p+" = "+e.v("p", str(key)),
		"attribute_exists("+e.n(dynamoschema.AttrSortKey)+") AND (attribute_not_exists("+p+") OR "+p+" < :p)", false)
}

// updateHead joins the last event and a count into the head, conditioned
// on the reset time the write saw: one update for both, and a second for
// the count alone only when the head's last event is newer.
func (s *Store) updateHead(ctx context.Context, k store.Key, reset, last string, count int) error {
	counts := func(e *expr) string {
		return " ADD " + e.n(dynamoschema.AttrCounts) + " " + e.v("ns", &types.AttributeValueMemberNS{Value: []string{strconv.Itoa(count)}})
	}
	if last != "" {
		e := newExpr()
		l := e.n(dynamoschema.AttrLast)
		set := "SET " + l + " = " + e.v("l", str(last))
		if count > 0 {
			set += counts(e)
		}
		ok, was, err := s.update(ctx, itemKey(k, headSK(k.CourseID)), e, set,
			e.resetIs(reset)+" AND (attribute_not_exists("+l+") OR "+l+" < :l)", false)
		switch {
		case err != nil:
			return err
		case ok:
			return nil
		case stringAttr(was, dynamoschema.AttrReset) != reset:
			return errStale
		}
	}
	if count == 0 {
		return nil
	}
	e := newExpr()
	ok, _, err := s.update(ctx, itemKey(k, headSK(k.CourseID)), e, strings.TrimPrefix(counts(e), " "), e.resetIs(reset), false)
	if err == nil && !ok {
		return errStale
	}
	return err
}

func (s *Store) getHead(ctx context.Context, k store.Key) (map[string]types.AttributeValue, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: itemKey(k, headSK(k.CourseID)), ConsistentRead: aws.Bool(true),
		ReturnConsumedCapacity: s.capacity(),
	})
	if err != nil {
		return nil, s.mapErr(err)
	}
	if out.ConsumedCapacity != nil {
		s.meter.addRead(*out.ConsumedCapacity)
	}
	return out.Item, nil
}

// transact runs items as one transaction. On a cancellation it returns
// the reasons, one per item, with the item as it was where its condition
// failed.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) ([]types.CancellationReason, error) {
	out, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items, ReturnConsumedCapacity: s.capacity()})
	var cancelled *types.TransactionCanceledException
	if errors.As(err, &cancelled) {
		for _, r := range cancelled.CancellationReasons {
			if c := aws.ToString(r.Code); c != "None" && c != "ConditionalCheckFailed" && c != "" {
				return nil, s.mapErr(fmt.Errorf("%w: transaction cancelled: %s", store.ErrUnavailable, c))
			}
		}
		return cancelled.CancellationReasons, nil
	}
	if err != nil {
		return nil, s.mapErr(err)
	}
	s.meter.addWrite(out.ConsumedCapacity...)
	return nil, nil
}

func failed(reasons []types.CancellationReason, i int) bool {
	return i < len(reasons) && aws.ToString(reasons[i].Code) == "ConditionalCheckFailed"
}

func (s *Store) headUpdate(k store.Key, e *expr, set, cond string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: itemKey(k, headSK(k.CourseID)), UpdateExpression: aws.String(set), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.vals(),
	}}
}

// complete records a completion at t of a lesson the course holds, as a
// transaction with the head at reset time reset: the lesson's first
// completion since the reset counts in the head's completed lessons; an
// earlier one than the lesson has replaces it. It reports a lesson the
// course does not hold (missing), which the caller creates.
func (s *Store) complete(ctx context.Context, k store.Key, lessonID, t, reset string) (missing bool, err error) {
	lessonKey := itemKey(k, lessonSK(k.CourseID, lessonID))
	first := func() ([]types.CancellationReason, error) {
		he := newExpr()
		le := newExpr()
		c := le.n(dynamoschema.AttrCompletion)
		cond := "attribute_exists(" + le.n(dynamoschema.AttrSortKey) + ") AND (attribute_not_exists(" + c + ")"
		if reset != "" {
			cond += " OR " + c + " <= " + le.v("r", str(reset))
		}
		return s.transact(ctx, []types.TransactWriteItem{
			s.headUpdate(k, he, "ADD "+he.n(dynamoschema.AttrCompleted)+" "+he.v("one", num(1)), he.resetIs(reset)),
			{Update: &types.Update{
				TableName: &s.table, Key: lessonKey, UpdateExpression: aws.String("SET " + c + " = " + le.v("t", str(t))),
				ConditionExpression: aws.String(cond + ")"), ExpressionAttributeNames: le.names, ExpressionAttributeValues: le.vals(),
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
			}},
		})
	}
	reasons, err := first()
	if err != nil || reasons == nil {
		return false, err
	}
	if failed(reasons, 0) {
		return false, errStale
	}
	was := reasons[1].Item
	if was == nil {
		return true, nil
	}
	if stringAttr(was, dynamoschema.AttrCompletion) <= t {
		return false, nil // completed earlier since the reset
	}
	// An earlier completion than the one held: replace it, the count
	// unchanged.
	he, le := newExpr(), newExpr()
	c := le.n(dynamoschema.AttrCompletion)
	cond := c + " > " + le.v("t", str(t))
	if reset != "" {
		cond += " AND " + c + " > " + le.v("r", str(reset))
	}
	reasons, err = s.transact(ctx, []types.TransactWriteItem{
		{ConditionCheck: &types.ConditionCheck{
			TableName: &s.table, Key: itemKey(k, headSK(k.CourseID)), ConditionExpression: aws.String(he.resetIs(reset)),
			ExpressionAttributeNames: he.names, ExpressionAttributeValues: he.vals(),
		}},
		{Update: &types.Update{
			TableName: &s.table, Key: lessonKey, UpdateExpression: aws.String("SET " + c + " = :t"),
			ConditionExpression: aws.String(cond), ExpressionAttributeNames: le.names, ExpressionAttributeValues: le.vals(),
		}},
	})
	switch {
	case err != nil:
		return false, err
	case failed(reasons, 0):
		return false, errStale
	case failed(reasons, 1):
		return false, errStale // the lesson changed meanwhile: look again
	}
	return false, nil
}

// maxTransactItems is DynamoDB's bound on one transaction.
const maxTransactItems = 100

// createLessons adds lessons the course does not hold yet, with the head's
// counts, in transactions conditioned on the reset time and on the limit
// of lessons, so a course never holds more than the limit.
func (s *Store) createLessons(ctx context.Context, k store.Key, reset string, lessons map[string]registers.ResolvedLesson) error {
	ids := make([]string, 0, len(lessons))
	for id := range lessons {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxTransactItems-1)]
		ids = ids[len(chunk):]
		done := 0
		items := []types.TransactWriteItem{{}}
		for _, id := range chunk {
			l := lessons[id]
			item := itemKey(k, lessonSK(k.CourseID, id))
			if l.Position != "" {
				item[dynamoschema.AttrPosition] = str(l.Position)
			}
			if l.Completion != "" {
				item[dynamoschema.AttrCompletion] = str(l.Completion)
				done++
			}
			e := newExpr()
			items = append(items, types.TransactWriteItem{Put: &types.Put{
				TableName: &s.table, Item: item, ExpressionAttributeNames: e.names,
				ConditionExpression: aws.String("attribute_not_exists(" + e.n(dynamoschema.AttrSortKey) + ")"),
			}})
		}
		e := newExpr()
		nl := e.n(dynamoschema.AttrLive)
		set := "ADD " + nl + " " + e.v("new", num(len(chunk)))
		if done > 0 {
			set += ", " + e.n(dynamoschema.AttrCompleted) + " " + e.v("done", num(done))
		}
		items[0] = s.headUpdate(k, e, set, e.resetIs(reset)+" AND (attribute_not_exists("+nl+") OR "+nl+" <= "+
			e.v("room", num(progress.MaxLessonsPerCourse-len(chunk)))+")")
		reasons, err := s.transact(ctx, items)
		if err != nil {
			return err
		}
		if reasons == nil {
			continue
		}
		if failed(reasons, 0) {
			head, err := s.getHead(ctx, k)
			if err != nil {
				return err
			}
			if stringAttr(head, dynamoschema.AttrReset) != reset {
				return errStale
			}
			live, _ := numberAttr(head, dynamoschema.AttrLive)
			return fmt.Errorf("%w: the course would hold %d distinct lessons, more than the limit of %d",
				progress.ErrTooManyLessons, live+len(lessons), progress.MaxLessonsPerCourse)
		}
		return errStale // another writer created one of these lessons: look again
	}
	return nil
}
