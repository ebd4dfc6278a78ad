package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
)

func selection(t *testing.T, env, arch, store string) config.Selection {
	t.Helper()
	b, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Context map[string]any }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	sel, err := config.Select(env, arch, store, doc.Context[config.ContextEnvironments])
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// Synthesis prints the estimate of what it built: one column per arch,
// headed by the arch and the store it was synthesized with.
func TestPrintEstimate(t *testing.T) {
	header := func(out string) (computes, stores []string) {
		lines := strings.Split(strings.SplitN(out, ":\n", 2)[1], "\n")
		return strings.Fields(lines[0]), strings.Fields(lines[1])
	}
	for _, c := range []struct{ arch, store, wantStore string }{
		{"fargate", "", "dynamodb"},
		{"fargate", "postgres", "postgres"},
		{"ec2", "dynamodb", "dynamodb"},
	} {
		var out bytes.Buffer
		sel := selection(t, "prod", c.arch, c.store)
		if err := printEstimate(&out, &stacks.Built{Selection: sel, Arches: sel.Arches}); err != nil {
			t.Fatal(err)
		}
		computes, stores := header(out.String())
		if len(computes) != 2 || computes[1] != c.arch || len(stores) != 1 || stores[0] != c.wantStore || !strings.Contains(out.String(), "50M requests/month") {
			t.Errorf("arch=%s store=%s estimate:\n%s", c.arch, c.store, out.String())
		}
	}
	// Fargate on PostgreSQL prices the database it was synthesized with,
	// and Lambda on it the proxy it reaches the database through.
	var pg bytes.Buffer
	sel := selection(t, "prod", "all", "postgres")
	if err := printEstimate(&pg, &stacks.Built{Selection: sel, Arches: sel.Arches}); err != nil {
		t.Fatal(err)
	}
	if computes, stores := header(pg.String()); strings.Join(computes[1:], " ") != "lambda fargate ec2" || strings.Join(stores, " ") != "postgres postgres postgres" {
		t.Errorf("arch=all store=postgres estimate:\n%s", pg.String())
	}
	for _, line := range strings.Split(pg.String(), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 || f[0] != "database" {
			continue
		}
		lambda, _ := strconv.ParseFloat(f[1], 64)
		fargate, _ := strconv.ParseFloat(f[2], 64)
		if lambda <= fargate {
			t.Errorf("Lambda's database line, $%s, is not Fargate's $%s and the proxy:\n%s", f[1], f[2], pg.String())
		}
	}
	var all bytes.Buffer
	sel = selection(t, "prod", "all", "")
	if err := printEstimate(&all, &stacks.Built{Selection: sel, Arches: sel.Arches}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lambda", "fargate", "ec2", "dynamodb", "postgres", "total", "load balancer"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("arch=all estimate lacks %q:\n%s", want, all.String())
		}
	}
}

// closeJsiiChild, set in a child's environment, makes the test binary start
// the jsii runtime, close it as main does, and exit.
const closeJsiiChild = "PROGRESSKIT_TEST_CLOSE_JSII"

func TestMain(m *testing.M) {
	if os.Getenv(closeJsiiChild) == "1" {
		// The smallest use of the runtime: it starts node, and Close ends it
		// the way every synthesis ends.
		constructs.NewConstruct(constructs.NewRootConstruct(jsii.String("")), jsii.String("C"))
		jsii.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Closing the jsii runtime prints nothing. Before jsii-runtime-go v1.142.0
// both jsii.Close and the runtime's own monitor goroutine waited for the
// node process; when both were blocked in waitid, the loser got ECHILD and
// the monitor reported "Runtime process exited abnormally: waitid: no child
// processes" after a clean synthesis, about one run in three. A race shows
// only some of the time, so the check is repeated in fresh processes: with
// one waiter there is no race and every run is silent.
func TestClosingJsiiPrintsNothing(t *testing.T) {
	for i := range 16 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), closeJsiiChild+"=1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, stderr.String())
		}
		if strings.Contains(stderr.String(), "exited abnormally") {
			t.Fatalf("run %d: closing the jsii runtime printed:\n%s", i+1, stderr.String())
		}
	}
}
