package routes

import "testing"

// Each operation is listed once, so a server that attaches a handler to
// each serves each route once.
func TestEachOperationOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range All {
		key := rt.Method + " " + rt.Pattern
		if seen[key] {
			t.Errorf("%s listed twice", key)
		}
		seen[key] = true
		if rt.Method == "" || rt.Pattern == "" || rt.Pattern[0] != '/' {
			t.Errorf("malformed route %+v", rt)
		}
	}
}
