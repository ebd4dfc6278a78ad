package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
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

// writeConcurrency bounds the requests one write has in flight.
const writeConcurrency = 16

// maxBatchGet is DynamoDB's bound on the keys of one BatchGetItem.
const maxBatchGet = 100

// join writes a batch of several events (or a whole course) after one
// read of the head and of the lessons the batch touches, so that a batch
// that would pass the lesson limit is refused before anything is
// written. Then every register it changes is written as recordOne's are,
// many at once.
func (s *Store) join(ctx context.Context, k store.Key, b registers.Batch) error {
	ids := slices.Sorted(maps.Keys(b.Lessons))
	head, held, err := s.readTouched(ctx, k, ids)
	if err != nil {
		return err
	}
	reset := stringAttr(head, dynamoschema.AttrReset)
	res := b.Resolve(timeOf(reset))
	if res.Empty() {
		return nil
	}
	fresh := map[string]registers.ResolvedLesson{}
	for id, l := range res.Lessons {
		if held[id] == nil {
			fresh[id] = l
		}
	}
	live, err := numberAttr(head, dynamoschema.AttrLive)
	if err != nil {
		return err
	}
	if n := live + len(fresh); len(fresh) > 0 && n > progress.MaxLessonsPerCourse {
		return fmt.Errorf("%w: the course would hold %d distinct lessons, more than the limit of %d", progress.ErrTooManyLessons, n, progress.MaxLessonsPerCourse)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(writeConcurrency)
	if res.Last != "" || res.Count > 0 {
		g.Go(func() error { return s.updateHead(gctx, k, reset, res.Last, res.Count) })
	}
	if len(fresh) > 0 {
		g.Go(func() error { return s.createLessons(gctx, k, reset, fresh) })
	}
	for id, l := range res.Lessons {
		was := held[id]
		if was == nil {
			continue
		}
		if l.Position != "" && l.Position > stringAttr(was, dynamoschema.AttrPosition) {
			g.Go(func() error {
				ok, before, err := s.setPosition(gctx, k, id, l.Position)
				if err == nil && !ok && before == nil {
					return errStale // a reset removed the lesson meanwhile
				}
				return err
			})
		}
		if c := stringAttr(was, dynamoschema.AttrCompletion); l.Completion != "" && (c == "" || c <= reset || l.Completion < c) {
			g.Go(func() error {
				missing, err := s.complete(gctx, k, id, l.Completion, reset)
				if err == nil && missing {
					return errStale
				}
				return err
			})
		}
	}
	return g.Wait()
}

// readTouched reads, strongly consistent, the course's head and those of
// ids that it holds.
func (s *Store) readTouched(ctx context.Context, k store.Key, ids []string) (map[string]types.AttributeValue, map[string]map[string]types.AttributeValue, error) {
	keys := []map[string]types.AttributeValue{itemKey(k, headSK(k.CourseID))}
	for _, id := range ids {
		keys = append(keys, itemKey(k, lessonSK(k.CourseID, id)))
	}
	var head map[string]types.AttributeValue
	held := map[string]map[string]types.AttributeValue{}
	prefix := lessonsPrefix(k.CourseID)
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), maxBatchGet)]
		keys = keys[len(chunk):]
		for len(chunk) > 0 {
			out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems:           map[string]types.KeysAndAttributes{s.table: {Keys: chunk, ConsistentRead: aws.Bool(true)}},
				ReturnConsumedCapacity: s.capacity(),
			})
			if err != nil {
				return nil, nil, s.mapErr(err)
			}
			s.meter.addRead(out.ConsumedCapacity...)
			for _, it := range out.Responses[s.table] {
				if id, ok := strings.CutPrefix(sortKey(it), prefix); ok {
					held[id] = it
				} else {
					head = it
				}
			}
			// What DynamoDB did not get to this time, it gets next time.
			chunk = out.UnprocessedKeys[s.table].Keys
		}
	}
	return head, held, nil
}

// Reset clears the course at now, or at its newest event if later: the
// head first, conditioned on the head it read (a write in between starts
// it again), then every lesson the reset covers.
func (s *Store) Reset(ctx context.Context, k store.Key, now time.Time) error {
	return s.retrying(ctx, func() error {
		head, err := s.getHead(ctx, k)
		if err != nil {
			return err
		}
		r := max(registers.Time(now), stringAttr(head, dynamoschema.AttrReset))
		if last := stringAttr(head, dynamoschema.AttrLast); last != "" {
			r = max(r, strings.SplitN(last, " ", 2)[0])
		}
		e := newExpr()
		l := e.n(dynamoschema.AttrLast)
		cond := e.resetIs(stringAttr(head, dynamoschema.AttrReset)) + " AND "
		if last := stringAttr(head, dynamoschema.AttrLast); last == "" {
			cond += "attribute_not_exists(" + l + ")"
		} else {
			cond += l + " = " + e.v("l", str(last))
		}
		ok, _, err := s.update(ctx, itemKey(k, headSK(k.CourseID)), e,
			"SET "+e.n(dynamoschema.AttrReset)+" = "+e.v("new", str(r))+", "+e.n(dynamoschema.AttrLive)+" = "+e.v("zero", num(0))+", "+
				e.n(dynamoschema.AttrCompleted)+" = :zero REMOVE "+l+", "+e.n(dynamoschema.AttrCounts), cond, false)
		if err != nil {
			return err
		}
		if !ok {
			return errStale
		}
		return s.prune(ctx, k, r)
	})
}

// resetTo joins a reset at r into the course, as Course.Join does: unlike
// Reset it does not move r to the course's newest event, so what is newer
// than r stays, and the counts are counted again.
func (s *Store) resetTo(ctx context.Context, k store.Key, at time.Time) error {
	r := registers.Time(at)
	e := newExpr()
	rn := e.n(dynamoschema.AttrReset)
	ok, _, err := s.update(ctx, itemKey(k, headSK(k.CourseID)), e, "SET "+rn+" = "+e.v("r", str(r)),
		"attribute_not_exists("+rn+") OR "+rn+" < :r", false)
	if err != nil || !ok {
		return err // an equal or later reset is already there
	}
	if err := s.prune(ctx, k, r); err != nil {
		return err
	}
	return s.recount(ctx, k)
}

// prune deletes the lessons whose every register a reset at r covers.
// One that holds something newer (a write that raced the reset) stays,
// and counts as held.
func (s *Store) prune(ctx context.Context, k store.Key, r string) error {
	lessons, err := s.query(ctx, k, lessonsPrefix(k.CourseID), dynamoschema.PrefixEnd(lessonsPrefix(k.CourseID)), nil)
	if err != nil {
		return err
	}
	cut := r + "!"
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(writeConcurrency)
	for _, it := range lessons {
		g.Go(func() error {
			e := newExpr()
			p, c := e.n(dynamoschema.AttrPosition), e.n(dynamoschema.AttrCompletion)
			out, err := s.db.DeleteItem(gctx, &dynamodb.DeleteItemInput{
				TableName: &s.table, Key: itemKey(k, sortKey(it)),
				ConditionExpression: aws.String("(attribute_not_exists(" + p + ") OR " + p + " < " + e.v("cut", str(cut)) + ") AND " +
					"(attribute_not_exists(" + c + ") OR " + c + " <= " + e.v("r", str(r)) + ")"),
				ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.vals(), ReturnConsumedCapacity: s.capacity(),
			})
			var kept *types.ConditionalCheckFailedException
			if errors.As(err, &kept) {
				he := newExpr()
				_, _, err = s.update(gctx, itemKey(k, headSK(k.CourseID)), he, "ADD "+he.n(dynamoschema.AttrLive)+" "+he.v("one", num(1)), he.resetIs(r), false)
				return err
			}
			if err != nil {
				return s.mapErr(err)
			}
			if out.ConsumedCapacity != nil {
				s.meter.addWrite(*out.ConsumedCapacity)
			}
			return nil
		})
	}
	return g.Wait()
}

// recount sets the head's counts of lessons held and completed to what
// its lessons hold, read after the head, and written only if the head has
// not changed since: a write that comes between is counted by its own
// transaction, and this tries again.
func (s *Store) recount(ctx context.Context, k store.Key) error {
	for attempt := 0; attempt < s.retry.Attempts; attempt++ {
		head, err := s.getHead(ctx, k)
		if err != nil || head == nil {
			return err
		}
		items, err := s.query(ctx, k, lessonsPrefix(k.CourseID), dynamoschema.PrefixEnd(lessonsPrefix(k.CourseID)), nil)
		if err != nil {
			return err
		}
		h, err := readHead(head)
		if err != nil {
			return err
		}
		c, err := assemble(k, &courseItems{head: head, lessons: items})
		if err != nil {
			return err
		}
		live, done := len(c.Lessons), c.Summary().CompletedCount
		e := newExpr()
		nl, cc := e.n(dynamoschema.AttrLive), e.n(dynamoschema.AttrCompleted)
		was := func(name, attr string) string {
			n, _ := numberAttr(head, attr)
			if _, ok := head[attr]; !ok {
				return "attribute_not_exists(" + name + ")"
			}
			return name + " = " + e.v("was"+attr, num(n))
		}
		ok, _, err := s.update(ctx, itemKey(k, headSK(k.CourseID)), e,
			"SET "+nl+" = "+e.v("nl", num(live))+", "+cc+" = "+e.v("cc", num(done)),
			e.resetIs(h.Reset)+" AND "+was(nl, dynamoschema.AttrLive)+" AND "+was(cc, dynamoschema.AttrCompleted), false)
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("%w: the course kept changing while its counts were taken", store.ErrUnavailable)
}
