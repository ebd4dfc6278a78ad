// Package hookenv names the environment of the pre-traffic probe hook
// (service/cmd/probehook) and the users it signs in: the fargateservice
// construct sets the one and grants the other, so both read the names
// here and cannot drift apart. It imports nothing, so the construct links
// none of the hook.
package hookenv

// The hook's environment, set by the fargateservice construct.
const (
	// URL is the base URL of the load balancer's test listener, at the
	// load balancer's own name, such as
	// http://progress-alb.us-east-1.elb.amazonaws.com:8443: during a
	// blue/green deployment ECS routes it to the new (green) tasks before
	// any production traffic reaches them.
	URL = "PROGRESS_PROBE_URL"
	// TLSServerName is the name an https URL's certificate is verified
	// against (and sent as SNI): the custom domain, which need not resolve
	// to the load balancer yet for the probe to reach it.
	// default: URL's host
	TLSServerName = "PROGRESS_PROBE_TLS_SERVER_NAME"
	// UserPoolID is the Cognito user pool whose tokens the API accepts;
	// the hook signs its probe users in there.
	UserPoolID = "PROGRESS_PROBE_USER_POOL_ID"
	// ClientID is the pool's probe app client, whose only sign-in flow is
	// the IAM-authorized admin one.
	ClientID = "PROGRESS_PROBE_CLIENT_ID"
	// SecurityGroupID is the load balancer's security group. The test
	// listener admits nobody by default; the hook admits its own public
	// address (/32) on the test port while it probes, and removes the
	// rule when it ends. Empty: the test listener is reachable without
	// (the tests' local server).
	SecurityGroupID = "PROGRESS_PROBE_SECURITY_GROUP_ID"
	// CheckIPURL answers the caller's public IPv4 address in plain text.
	// default: DefaultCheckIPURL (the tests point it at a local stand-in)
	CheckIPURL = "PROGRESS_PROBE_CHECKIP_URL"
)

// The hook's environment as the Lambda variant's pre-traffic hook, set by
// the lambdaservice construct. With FunctionVersion set the hook answers
// CodeDeploy instead of ECS, and needs none of the above.
const (
	// FunctionVersion is the ARN of the function version CodeDeploy is
	// about to shift the live alias to. The hook invokes that version
	// directly, with API Gateway's request events, before it takes any
	// traffic.
	FunctionVersion = "PROGRESS_PROBE_FUNCTION_VERSION"
	// Audience is an app client id the function accepts (its
	// PROGRESS_AUDIENCE): the claims the hook hands the version name it, as
	// API Gateway's JWT authorizer would after verifying a token of that
	// client.
	Audience = "PROGRESS_PROBE_AUDIENCE"
)

// DefaultCheckIPURL is AWS's own what-is-my-address service.
const DefaultCheckIPURL = "https://checkip.amazonaws.com"

// The probe users, one a learner and one in the progress-admin group. They
// are email-shaped so a pool whose usernames are email addresses accepts
// them; the .invalid domain never receives mail (RFC 2606), and the hook
// suppresses Cognito's invitation anyway.
const (
	LearnerUsername = "progress-probe-learner@progresskit.invalid"
	AdminUsername   = "progress-probe-admin@progresskit.invalid"
)
