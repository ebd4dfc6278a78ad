package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/api/routes"
)

// TestRoutesMatchOpenAPI keeps the written contract and the route table,
// which the server and API Gateway both serve, in step: every route and
// method is documented, and nothing else is, and a route is public exactly
// where the document drops the bearer token (security: []).
func TestRoutesMatchOpenAPI(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{} // operation → public
	for path, item := range doc.Paths {
		for method, node := range item {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			var op struct {
				Security *[]any `yaml:"security"`
			}
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			documented[strings.ToUpper(method)+" "+path] = op.Security != nil && len(*op.Security) == 0
		}
	}
	served := map[string]bool{}
	for _, rt := range routes.All {
		served[rt.Method+" "+rt.Pattern] = rt.Public
	}
	for k, public := range served {
		if documented[k] != public {
			t.Errorf("%s: public %v in the route table, %v in openapi.yaml", k, public, documented[k])
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

// The server serves every route of the table as the table says: a public
// route answers without a token, a protected one asks for it (401), and
// neither is an unknown route or method.
func TestServerServesTheRouteTable(t *testing.T) {
	f := newFixture(t)
	for _, rt := range routes.All {
		path := strings.NewReplacer("{userId}", "ada", "{courseId}", "c1").Replace(rt.Pattern)
		r := f.do(rt.Method, path, "", "", nil)
		if rt.Public && r.status != http.StatusOK || !rt.Public && r.status != http.StatusUnauthorized {
			t.Errorf("%s %s without a token: %d %s", rt.Method, path, r.status, r.body)
		}
	}
}
