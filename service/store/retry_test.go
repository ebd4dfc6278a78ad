package store

import (
	"context"
	"testing"
	"time"
)

func TestRetryCeilingDoublesToItsMaximum(t *testing.T) {
	p := RetryPolicy{Attempts: 10, Base: 2 * time.Millisecond, Max: 100 * time.Millisecond}
	want := []time.Duration{2, 4, 8, 16, 32, 64, 100, 100}
	for i, w := range want {
		if got := p.Ceiling(i); got != w*time.Millisecond {
			t.Errorf("ceiling after attempt %d: %v, want %v", i, got, w*time.Millisecond)
		}
	}
	if got := p.Ceiling(1000); got != p.Max {
		t.Errorf("a large attempt number overflows the ceiling: %v", got)
	}
}

func TestRetryWaitStopsWithItsContext(t *testing.T) {
	p := RetryPolicy{Attempts: 2, Base: time.Hour, Max: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx, 0); err != context.Canceled {
		t.Fatalf("Wait on an ended context: %v", err)
	}
}

func TestRetryZeroPolicyIsTheDefault(t *testing.T) {
	if (RetryPolicy{}).OrDefault() != DefaultRetry {
		t.Fatal("the zero policy does not fall back to DefaultRetry")
	}
}
