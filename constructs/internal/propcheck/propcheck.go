// Package propcheck is how every construct refuses Props it cannot honour:
// a missing required prop, two props that contradict each other, or a
// value the construct cannot deploy safely. Each panics at synthesis with
// a *constructs.PropsError naming the construct and the props, because a
// CDK app has no other way to stop with an error from inside a
// constructor. The checks are the constructs' own business; the error is
// public, so that an app can recover it and print it as a plain message.
package propcheck

import (
	"fmt"

	"github.com/progresskit/progresskit/constructs"
)

// Error is the refusal every check panics with.
type Error = constructs.PropsError

// Owner names a construct in messages: "lambdaservice Service".
type Owner string

// For returns the Owner of the construct kind with the given id.
func For(kind, id string) Owner { return Owner(kind + " " + id) }

// Refuse panics with an *Error: the construct's name, then the message.
func (o Owner) Refuse(format string, args ...any) {
	panic(&Error{Message: string(o) + ": " + fmt.Sprintf(format, args...)})
}

// Required panics unless every named prop is set.
func (o Owner) Required(props ...Prop) {
	for _, p := range props {
		if !p.Set {
			o.Refuse("%s is required", p.Name)
		}
	}
}

// Conflicts panics when a and any of others are both set.
func (o Owner) Conflicts(a Prop, others ...Prop) {
	if !a.Set {
		return
	}
	for _, b := range others {
		if b.Set {
			o.Refuse("%s and %s conflict: give one or the other", a.Name, b.Name)
		}
	}
}

// Needs panics when a is set without b.
func (o Owner) Needs(a, b Prop) {
	if a.Set && !b.Set {
		o.Refuse("%s needs %s", a.Name, b.Name)
	}
}

// Prop is one prop by name, and whether the caller set it.
type Prop struct {
	Name string
	Set  bool
}

// P is a Prop.
func P(name string, set bool) Prop { return Prop{Name: name, Set: set} }
