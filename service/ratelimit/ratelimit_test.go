package ratelimit

import (
	"testing"
	"time"
)

func TestPerUserBucketsAreSeparate(t *testing.T) {
	now := time.Unix(1000, 0)
	lim := New(Limits{PerUser: 2, PerUserBurst: 3})
	lim.now = func() time.Time { return now }
	for i := range 3 {
		if d := lim.Allow("ada"); d != 0 {
			t.Fatalf("request %d of the burst refused (wait %v)", i, d)
		}
	}
	d := lim.Allow("ada")
	if d <= 0 || d > time.Second {
		t.Fatalf("the 4th request: wait %v, want a refusal of at most 1 s at 2/s", d)
	}
	if lim.Allow("grace") != 0 {
		t.Fatal("another learner was refused because of ada")
	}
	now = now.Add(500 * time.Millisecond) // one token back at 2/s
	if lim.Allow("ada") != 0 {
		t.Fatal("a refill was not granted")
	}
}

func TestGlobalBucketAndRefusalsTakeNoToken(t *testing.T) {
	now := time.Unix(1000, 0)
	lim := New(Limits{Global: 1, GlobalBurst: 2, PerUser: 100, PerUserBurst: 100})
	lim.now = func() time.Time { return now }
	if lim.Allow("a") != 0 || lim.Allow("b") != 0 {
		t.Fatal("burst refused")
	}
	for range 5 {
		if lim.Allow("c") == 0 {
			t.Fatal("over the global limit and allowed")
		}
	}
	now = now.Add(time.Second)
	if lim.Allow("c") != 0 {
		t.Fatal("refused requests took tokens: nothing left after a second")
	}
}

func TestNoLimitsIsNil(t *testing.T) {
	if New(Limits{}) != nil {
		t.Fatal("an empty Limits built a limiter")
	}
	var lim *Limiter
	if lim.Allow("x") != 0 {
		t.Fatal("a nil limiter refused")
	}
}
