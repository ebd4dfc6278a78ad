package guardreport

import (
	"reflect"
	"testing"
)

// A failure names its rule, the control's words and the resources it
// found wanting; a malformed one is an error, not a pass.
func TestParse(t *testing.T) {
	report := []byte(`[{"name": "cdk.out/A.template.json", "not_compliant": [
	  {"Rule": {"name": "vpc_sg_open_only_to_authorized_ports_check", "checks": [{"Clause": {"Unary": {"context": "x",
	     "messages": {"custom_message": "\n    [CT.EC2.PR.3]: Require that any Amazon EC2 security group rule does not use 0.0.0.0/0\n    [FIX]: ...",
	     "error_message": null}, "check": {"Resolved": {"traversed_to": {"path": "/Resources/TaskSgB1/Properties/SecurityGroupIngress/0"}}}}}},
	     {"Clause": {"Unary": {"check": {"Resolved": {"traversed_to": {"path": "/Resources/ApiSgA2/Properties"}}}}}}]}}]},
	 {"name": "cdk.out/B.template.json", "not_compliant": []}]`)
	got, err := Parse(report)
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{{
		Template: "cdk.out/A.template.json", Rule: "vpc_sg_open_only_to_authorized_ports_check",
		Control:   "[CT.EC2.PR.3]: Require that any Amazon EC2 security group rule does not use 0.0.0.0/0",
		Resources: []string{"ApiSgA2", "TaskSgB1"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if _, err := Parse([]byte(`[{"name": "x", "not_compliant": [{"Rule": {}}]}]`)); err == nil {
		t.Error("a finding without a rule was accepted")
	}
	if _, err := Parse([]byte(`not json`)); err == nil {
		t.Error("a report that is not JSON was accepted")
	}
}
