package ec2service_test

import (
	"strings"
	"testing"

	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
)

func TestNetworkDatabaseAndIdentityAreRequired(t *testing.T) {
	msg := cdktest.Panic(func() { ec2service.New(cdktest.Stack(), "P", &ec2service.Props{}) })
	if !strings.Contains(msg, "ec2service P: Network is required") {
		t.Errorf("panic %q", msg)
	}
}
