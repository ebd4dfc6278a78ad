package lambdaservice_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
)

// Before the live alias moves, CodeDeploy runs the probe hook, which
// invokes the new version (and may invoke nothing else) with an audience
// the API accepts; SkipPreTrafficProbe leaves it out.
func TestCodeDeployProbesTheNewVersionFirst(t *testing.T) {
	stack := cdktest.Stack()
	svc := lambdaservice.New(stack, "Progress", required(stack))
	tpl := *assertions.Template_FromStack(stack, nil).ToJSON()
	res := tpl["Resources"].(map[string]any)
	id := func(c awscdk.CfnElement) string { return *stack.GetLogicalId(c) }
	hook := id(svc.ProbeHook.Node().DefaultChild().(awscdk.CfnElement))
	var version string // its id carries the code's hash, given at synthesis
	for v := range cdktest.Resources(stack, "AWS::Lambda::Version") {
		version = v
	}
	alias := res[id(svc.Alias.Node().DefaultChild().(awscdk.CfnElement))].(map[string]any)
	update, _ := json.Marshal(alias["UpdatePolicy"])
	if want := `"BeforeAllowTrafficHook":{"Ref":"` + hook + `"}`; !strings.Contains(string(update), want) {
		t.Errorf("the alias's update policy %s, want %s", update, want)
	}
	env := res[hook].(map[string]any)["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)
	if got, _ := json.Marshal(env[hookenv.FunctionVersion]); string(got) != `{"Ref":"`+version+`"}` {
		t.Errorf("%s = %s, want the new version %s", hookenv.FunctionVersion, got, version)
	}
	aud, _ := json.Marshal(env[hookenv.Audience])
	if !strings.Contains(string(aud), "Identity") {
		t.Errorf("%s = %s, want an app client of the identity", hookenv.Audience, aud)
	}
	var invokes []string
	for _, p := range cdktest.Resources(stack, "AWS::IAM::Policy") {
		roles, _ := json.Marshal(p.Properties["Roles"])
		if !strings.Contains(string(roles), "ProbeHook") {
			continue
		}
		for _, st := range p.Properties["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			s := st.(map[string]any)
			if actions, _ := json.Marshal(s["Action"]); strings.Contains(string(actions), "lambda:") {
				r, _ := json.Marshal(s["Resource"])
				invokes = append(invokes, string(actions)+" on "+string(r))
			}
		}
	}
	if len(invokes) != 1 || invokes[0] != `"lambda:InvokeFunction" on {"Ref":"`+version+`"}` {
		t.Errorf("the hook may %v; want lambda:InvokeFunction on the new version alone", invokes)
	}

	stack = cdktest.Stack()
	p := required(stack)
	p.SkipPreTrafficProbe = true
	svc = lambdaservice.New(stack, "Progress", p)
	if svc.ProbeHook != nil || len(cdktest.Resources(stack, "AWS::Lambda::Function")) != 1 {
		t.Error("SkipPreTrafficProbe still made a hook")
	}
	tpl = *assertions.Template_FromStack(stack, nil).ToJSON()
	if all, _ := json.Marshal(tpl); strings.Contains(string(all), "BeforeAllowTrafficHook") {
		t.Error("SkipPreTrafficProbe still names a BeforeAllowTraffic hook")
	}
}
