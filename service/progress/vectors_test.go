package progress

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var updateVectors = flag.Bool("update", false, "rewrite the want of each merge vector from the Go merge")

// vectorsFile is shared with the TypeScript client's tests, so the two
// merges are checked against the same cases and cannot drift apart.
var vectorsFile = filepath.Join("testdata", "merge-vectors.json")

type vectorStep struct {
	Events []EventInput `json:"events,omitempty"`
	Reset  string       `json:"reset,omitempty"`
}

type vectorCase struct {
	Name  string          `json:"name"`
	Steps []vectorStep    `json:"steps"`
	Want  json.RawMessage `json:"want"`
}

type vectors struct {
	Description string       `json:"description"`
	UserID      string       `json:"userId"`
	CourseID    string       `json:"courseId"`
	Cases       []vectorCase `json:"cases"`
}

// run applies the case's steps as the API does: each batch validated
// (against a server clock after every event, so skew never refuses one),
// then applied; each reset at its time.
func (v *vectors) run(c vectorCase) (*Course, error) {
	course := NewCourse(v.UserID, v.CourseID)
	for i, step := range c.Steps {
		if step.Reset != "" {
			at, err := time.Parse(time.RFC3339Nano, step.Reset)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", i, err)
			}
			course.Reset(at)
			continue
		}
		var batch []Event
		for j, in := range step.Events {
			e, err := in.Validate(fmt.Sprintf("steps[%d].events[%d]", i, j), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				return nil, err
			}
			batch = append(batch, e)
		}
		if err := course.ApplyBatch(batch); err != nil {
			return nil, fmt.Errorf("step %d: %w", i, err)
		}
	}
	return course, nil
}

func TestMergeVectors(t *testing.T) {
	data, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) < 10 {
		t.Fatalf("only %d vectors", len(v.Cases))
	}
	for i, c := range v.Cases {
		course, err := v.run(c)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		got, err := json.Marshal(course.View())
		if err != nil {
			t.Fatal(err)
		}
		if *updateVectors {
			v.Cases[i].Want = got
			continue
		}
		var gotAny, wantAny any
		json.Unmarshal(got, &gotAny)
		if err := json.Unmarshal(c.Want, &wantAny); err != nil || wantAny == nil {
			t.Fatalf("%s: no want (go test -run Vectors -update): %v", c.Name, err)
		}
		if !reflect.DeepEqual(gotAny, wantAny) {
			t.Errorf("%s:\nwant %s\n got %s", c.Name, c.Want, got)
		}
	}
	if *updateVectors {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorsFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
