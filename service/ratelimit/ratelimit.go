// Package ratelimit answers "may this request go to the store now?" with
// token buckets (golang.org/x/time/rate): one for the whole server and one
// per learner, so one noisy client cannot starve the others and the store
// is never sent more than the operator allows. A refusal says how long to
// wait, for the 429's Retry-After.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are requests per second and bursts; a zero rate is no limit.
type Limits struct {
	Global, GlobalBurst   int
	PerUser, PerUserBurst int
}

// Defaults of the server's flags: no global limit (the operator sizes it
// to the store), and a per-learner limit far above what an app sends.
const (
	DefaultPerUser      = 50
	DefaultPerUserBurst = 100
	idleAfter           = 10 * time.Minute
	sweepEvery          = 4096 // Allow calls between sweeps of idle learners
)

// Limiter applies Limits.
type Limiter struct {
	l      Limits
	global *rate.Limiter
	mu     sync.Mutex
	users  map[string]*userBucket
	calls  int
	now    func() time.Time
}

type userBucket struct {
	lim  *rate.Limiter
	last time.Time
}

// New returns a Limiter, or nil when l limits nothing.
func New(l Limits) *Limiter {
	if l.Global <= 0 && l.PerUser <= 0 {
		return nil
	}
	lim := &Limiter{l: l, users: map[string]*userBucket{}, now: time.Now}
	if l.Global > 0 {
		lim.global = rate.NewLimiter(rate.Limit(l.Global), max(l.GlobalBurst, 1))
	}
	return lim
}

// Allow takes a token from the global bucket and from user's (when user
// is not empty). It returns 0 when the request may go on, else how long
// to wait; a refused request takes no token.
func (lim *Limiter) Allow(user string) time.Duration {
	if lim == nil {
		return 0
	}
	now := lim.now()
	var buckets []*rate.Limiter
	if lim.global != nil {
		buckets = append(buckets, lim.global)
	}
	if user != "" && lim.l.PerUser > 0 {
		buckets = append(buckets, lim.user(user, now))
	}
	var wait time.Duration
	var taken []*rate.Reservation
	for _, b := range buckets {
		r := b.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 || !r.OK() {
			r.CancelAt(now)
			wait = max(wait, d, time.Second/time.Duration(max(1, int(b.Limit()))))
			continue
		}
		taken = append(taken, r)
	}
	if wait > 0 {
		for _, r := range taken {
			r.CancelAt(now)
		}
	}
	return wait
}

func (lim *Limiter) user(id string, now time.Time) *rate.Limiter {
	lim.mu.Lock()
	defer lim.mu.Unlock()
	lim.calls++
	if lim.calls%sweepEvery == 0 {
		for k, b := range lim.users {
			if now.Sub(b.last) > idleAfter {
				delete(lim.users, k)
			}
		}
	}
	b, ok := lim.users[id]
	if !ok {
		b = &userBucket{lim: rate.NewLimiter(rate.Limit(lim.l.PerUser), max(lim.l.PerUserBurst, 1))}
		lim.users[id] = b
	}
	b.last = now
	return b.lim
}
