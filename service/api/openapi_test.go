package api_test

import (
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/progresskit/progresskit/service/api"
)

// TestRoutesMatchOpenAPI keeps the document and the server in step: every
// registered route and method is documented, and nothing else is.
func TestRoutesMatchOpenAPI(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			if method != "parameters" && method != "summary" && method != "description" {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	served := map[string]bool{}
	for _, rt := range api.Routes() {
		for _, m := range rt.Methods {
			served[m+" "+rt.Pattern] = true
		}
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("served but not in openapi.yaml: %s", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("in openapi.yaml but not served: %s", k)
		}
	}
	if len(served) == 0 || !slices.Equal(keys(served), keys(documented)) {
		t.Errorf("served %v, documented %v", keys(served), keys(documented))
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
