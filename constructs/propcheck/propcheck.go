// Package propcheck is how every construct refuses Props it cannot honour:
// a missing required prop, or two props that contradict each other. Both
// panic at synthesis with a message naming the construct and the props,
// because a CDK app has no other way to stop with an error from inside a
// constructor.
package propcheck

import "fmt"

// Owner names a construct in messages: "lambdaservice Service".
type Owner string

// For returns the Owner of the construct kind with the given id.
func For(kind, id string) Owner { return Owner(kind + " " + id) }

// Required panics unless every named prop is set.
func (o Owner) Required(props ...Prop) {
	for _, p := range props {
		if !p.Set {
			panic(fmt.Sprintf("%s: %s is required", o, p.Name))
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
			panic(fmt.Sprintf("%s: %s and %s conflict: give one or the other", o, a.Name, b.Name))
		}
	}
}

// Needs panics when a is set without b.
func (o Owner) Needs(a, b Prop) {
	if a.Set && !b.Set {
		panic(fmt.Sprintf("%s: %s needs %s", o, a.Name, b.Name))
	}
}

// Prop is one prop by name, and whether the caller set it.
type Prop struct {
	Name string
	Set  bool
}

// P is a Prop.
func P(name string, set bool) Prop { return Prop{Name: name, Set: set} }
