// Package cdktest holds what the constructs' tests and examples share:
// a stack to build in, a template's resources as plain maps, and the
// recovery of the panics with which CDK assertions and propcheck fail.
package cdktest

import (
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// Region of Stack. The constructs need none: in a stack without a region
// the load balancer finds its region's log-delivery account at deployment,
// from a region map (loadbalancer's tests build both). Tests build in one
// because the app's stacks have one (cdk.json's region), so that they
// synthesize as the app does.
const Region = "eu-west-2"

// Stack is an empty stack in a new app, in Region.
func Stack() awscdk.Stack {
	app := awscdk.NewApp(nil)
	return awscdk.NewStack(app, jsii.String("Test"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String(Region)},
	})
}

// Resource is one resource of a template.
type Resource struct {
	DeletionPolicy string
	Properties     map[string]any
}

// Resources of type typ in stack's template, by logical id.
func Resources(stack awscdk.Stack, typ string) map[string]Resource {
	tpl := assertions.Template_FromStack(stack, nil)
	out := map[string]Resource{}
	for id, r := range *tpl.FindResources(jsii.String(typ), nil) {
		res := Resource{}
		res.DeletionPolicy, _ = (*r)["DeletionPolicy"].(string)
		res.Properties, _ = (*r)["Properties"].(map[string]any)
		out[id] = res
	}
	return out
}

// Only is the one resource of type typ; it panics unless there is exactly
// one, which an Example's output or a test's recover reports.
func Only(stack awscdk.Stack, typ string) Resource {
	all := Resources(stack, typ)
	if len(all) != 1 {
		panic(fmt.Sprintf("%d %s, want 1", len(all), typ))
	}
	for _, r := range all {
		return r
	}
	return Resource{}
}

// Panic runs fn and returns what it panicked with, or "" if it did not.
func Panic(fn func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	fn()
	return ""
}

// Main runs a package's tests and examples, then closes the jsii runtime
// once: a test binary's TestMain is 'cdktest.Main(m)'.
func Main(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}
