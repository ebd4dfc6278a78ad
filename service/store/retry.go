package store

import (
	"context"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how a store retries a write that lost a race to
// another writer. Retrying at once, many writers would collide again on
// the next attempt; backing off with jitter spreads them out, and the
// bound turns lasting contention into ErrUnavailable, which the API
// answers with 503 and Retry-After.
type RetryPolicy struct {
	// Attempts is the number of tries in all, the first included.
	Attempts int
	// Base is the ceiling of the first wait; each retry doubles it up to Max.
	Base, Max time.Duration
}

// DefaultRetry settles sixteen writers on one course well inside its
// bounds (the store contract's test) and gives up within about two
// seconds under lasting contention.
var DefaultRetry = RetryPolicy{Attempts: 40, Base: 2 * time.Millisecond, Max: 100 * time.Millisecond}

// Ceiling is the longest wait after the given failed attempt (0-based).
func (p RetryPolicy) Ceiling(attempt int) time.Duration {
	return min(p.Max, p.Base<<min(attempt, 20))
}

// Wait sleeps after failed attempt (0-based): half its ceiling plus a
// random share of the other half, so writers that collided spread out but
// none retries sooner than half the ceiling. It returns ctx's error if ctx
// ends first.
func (p RetryPolicy) Wait(ctx context.Context, attempt int) error {
	c := p.Ceiling(attempt)
	d := c/2 + rand.N(c/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// OrDefault returns p, or DefaultRetry where p is the zero value.
func (p RetryPolicy) OrDefault() RetryPolicy {
	if p.Attempts == 0 {
		return DefaultRetry
	}
	return p
}
