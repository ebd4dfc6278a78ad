package propcheck

import (
	"strings"
	"testing"
)

func panics(t *testing.T, fn func()) string {
	t.Helper()
	var msg string
	func() {
		defer func() {
			if e, ok := recover().(*Error); ok {
				msg = e.Error()
			}
		}()
		fn()
	}()
	return msg
}

func TestMessagesNameTheConstructAndBothProps(t *testing.T) {
	o := For("table", "Progress")
	msg := panics(t, func() { o.Conflicts(P("ExistingTable", true), P("TableName", false), P("EncryptionKey", true)) })
	for _, want := range []string{"table Progress", "ExistingTable", "EncryptionKey"} {
		if !strings.Contains(msg, want) {
			t.Errorf("conflict message %q does not name %s", msg, want)
		}
	}
	if msg := panics(t, func() { o.Required(P("Vpc", false)) }); !strings.Contains(msg, "Vpc is required") {
		t.Errorf("required: %q", msg)
	}
	if msg := panics(t, func() { o.Needs(P("HostedZone", true), P("DomainName", false)) }); !strings.Contains(msg, "HostedZone needs DomainName") {
		t.Errorf("needs: %q", msg)
	}
}

func TestNoPanicWhenConsistent(t *testing.T) {
	o := For("x", "y")
	for name, fn := range map[string]func(){
		"conflict unset": func() { o.Conflicts(P("A", false), P("B", true)) },
		"conflict alone": func() { o.Conflicts(P("A", true), P("B", false)) },
		"required":       func() { o.Required(P("A", true)) },
		"needs met":      func() { o.Needs(P("A", true), P("B", true)) },
		"needs unused":   func() { o.Needs(P("A", false), P("B", false)) },
	} {
		if msg := panics(t, fn); msg != "" {
			t.Errorf("%s panicked: %s", name, msg)
		}
	}
}
