package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
)

func selection(t *testing.T, env, arch string) config.Selection {
	t.Helper()
	b, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Context map[string]any }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	sel, err := config.Select(env, arch, doc.Context[config.ContextEnvironments])
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// Synthesis prints the estimate of what it built: one column per arch.
func TestPrintEstimate(t *testing.T) {
	var one, all bytes.Buffer
	sel := selection(t, "prod", "fargate")
	if err := printEstimate(&one, &stacks.Built{Selection: sel, Arches: sel.Arches}); err != nil {
		t.Fatal(err)
	}
	header := strings.Fields(strings.Split(strings.SplitN(one.String(), ":\n", 2)[1], "\n")[0])
	if len(header) != 2 || header[1] != "fargate" || !strings.Contains(one.String(), "50M requests/month") {
		t.Fatalf("arch=fargate estimate:\n%s", one.String())
	}
	sel = selection(t, "prod", "all")
	if err := printEstimate(&all, &stacks.Built{Selection: sel, Arches: sel.Arches}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lambda", "fargate", "ec2", "total", "load balancer"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("arch=all estimate lacks %q:\n%s", want, all.String())
		}
	}
}
