package constructs

// PropsError is a construct's refusal of its props: a required prop left
// out, two props that contradict each other, or a value it cannot deploy
// safely. A CDK constructor has no other way to fail, so the construct
// panics at synthesis with a *PropsError naming itself and the props; an
// app recovers it to stop with that message rather than a stack trace
// (cdk/stacks.Build returns it as its error). Any other panic is a bug.
type PropsError struct{ Message string }

func (e *PropsError) Error() string { return e.Message }
