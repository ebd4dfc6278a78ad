package api

import "testing"

func TestDuplicateKey(t *testing.T) {
	for doc, want := range map[string]string{
		`{"a":1,"b":2}`:                         "",
		`{"a":1,"a":2}`:                         "a",
		`{"events":[{"id":"x","id":"y"}]}`:      "id",
		`{"a":{"b":1},"c":{"b":2}}`:             "",
		`{"a":[{"k":1},{"k":2}],"b":"a"}`:       "",
		`{"a":{"x":{"y":1}},"a":2}`:             "a",
		`{"events":[],"events":[]}`:             "events",
		`not json`:                              "",
		`{"s":"a","t":{"s":"b"},"u":["s","s"]}`: "",
	} {
		if got := duplicateKey([]byte(doc)); got != want {
			t.Errorf("%s: %q, want %q", doc, got, want)
		}
	}
}
