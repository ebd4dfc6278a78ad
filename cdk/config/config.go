package config

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/progresskit/progresskit/service/cost"
	"github.com/progresskit/progresskit/service/deploy"
)

// Context keys the app reads (-c env=prod -c arch=fargate).
const (
	ContextEnv          = "env"
	ContextArch         = "arch"
	ContextStore        = "store"
	ContextEnvironments = "progresskit:environments"
	ContextPreview      = "progresskit:preview"
	DefaultEnv          = "dev"
)

// StackPrefix begins every stack's name: Progress-<env>-<part>.
const StackPrefix = "Progress-"

// ArchAll, as -c arch, synthesizes every compute (deploy.Computes).
const ArchAll = "all"

// lambdaDeployments are the traffic shifts lambdaDeployment may name:
// CodeDeploy's predefined Lambda configurations, as the CDK names them,
// each with the configuration's own name, which the stacks import it by.
// Config holds names only, so the operator's CLI, which reads config,
// links none of the CDK.
var lambdaDeployments = []struct{ name, codeDeploy string }{
	{"ALL_AT_ONCE", "CodeDeployDefault.LambdaAllAtOnce"},
	{"CANARY_10PERCENT_5MINUTES", "CodeDeployDefault.LambdaCanary10Percent5Minutes"},
	{"CANARY_10PERCENT_10MINUTES", "CodeDeployDefault.LambdaCanary10Percent10Minutes"},
	{"CANARY_10PERCENT_15MINUTES", "CodeDeployDefault.LambdaCanary10Percent15Minutes"},
	{"CANARY_10PERCENT_30MINUTES", "CodeDeployDefault.LambdaCanary10Percent30Minutes"},
	{"LINEAR_10PERCENT_EVERY_1MINUTE", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"},
	{"LINEAR_10PERCENT_EVERY_2MINUTES", "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes"},
	{"LINEAR_10PERCENT_EVERY_3MINUTES", "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes"},
	{"LINEAR_10PERCENT_EVERY_10MINUTES", "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes"},
}

// LambdaDeployments lists the values lambdaDeployment may take.
func LambdaDeployments() []string {
	out := make([]string, len(lambdaDeployments))
	for i, d := range lambdaDeployments {
		out[i] = d.name
	}
	return out
}

// CodeDeployConfigName is the CodeDeploy configuration a lambdaDeployment
// value names ("" for none).
func CodeDeployConfigName(lambdaDeployment string) string {
	for _, d := range lambdaDeployments {
		if d.name == lambdaDeployment {
			return d.codeDeploy
		}
	}
	return ""
}

// The values fargateDeployment may take: ECS's rolling update, or its
// native blue/green with a test listener, a bake time and a pre-traffic
// probe. They are the fargateservice construct's Deployment values; config
// holds names only, so the operator's CLI links none of the CDK.
const (
	FargateRolling   = "rolling"
	FargateBlueGreen = "blue-green"
)

// FargateDeployments lists the values fargateDeployment may take.
func FargateDeployments() []string { return []string{FargateRolling, FargateBlueGreen} }

// EC2InstanceTypes are the types sizing.ec2InstanceType may name: the cost
// catalogue's Graviton (arm64) types, since the server binary is arm64.
func EC2InstanceTypes() []string { return cost.Catalogue().Arm64EC2Types() }

// RDSInstanceClasses are the classes sizing.rdsInstanceClass may name:
// those the cost catalogue describes.
func RDSInstanceClasses() []string { return cost.Catalogue().RDSClassNames() }

// Settings are one environment's settings in cdk.json.
type Settings struct {
	// Account and Region pin the stacks; an empty account keeps them
	// environment-agnostic (the CLI's credentials decide at deploy time).
	Account     string `json:"account"`
	Region      string `json:"region"`
	DefaultArch string `json:"defaultArch"`
	// DefaultStore is the store every arch runs on without '-c store=';
	// empty: each arch's own (deploy.DefaultStore).
	DefaultStore string `json:"defaultStore,omitempty"`
	// Production keeps stateful resources on delete, with deletion
	// protection, PITR and Multi-AZ; otherwise they may be destroyed.
	Production bool   `json:"production"`
	AlarmEmail string `json:"alarmEmail"`
	// DomainName serves the API at this name with CertificateArn (ACM, in
	// Region); HostedZoneID, optional, adds the Route 53 alias record.
	DomainName       string `json:"domainName"`
	CertificateArn   string `json:"certificateArn"`
	HostedZoneID     string `json:"hostedZoneId,omitempty"`
	LogRetentionDays int    `json:"logRetentionDays"`
	// LambdaDeployment is how CodeDeploy shifts traffic to a new Lambda
	// version: one of LambdaDeployments().
	LambdaDeployment string `json:"lambdaDeployment"`
	// FargateDeployment is how ECS replaces the Fargate variant's tasks:
	// one of FargateDeployments(), or empty for the env's default
	// (FargateDeploymentStrategy).
	FargateDeployment string `json:"fargateDeployment,omitempty"`
	// GitHubRepository ("owner/name"), when set, adds the Ci stack: a role
	// that the repository's workflow, in the GitHub environment named like
	// this env, assumes through OIDC to deploy.
	GitHubRepository string `json:"githubRepository,omitempty"`
	// GitHubOIDCProviderARN is the account's existing GitHub OIDC provider
	// (one per account); empty creates one.
	GitHubOIDCProviderARN string `json:"githubOidcProviderArn,omitempty"`
	// Sizing and Traffic are defined where the cost model, which prices
	// them, reads them.
	Sizing  cost.Sizing  `json:"sizing"`
	Traffic cost.Traffic `json:"traffic"`
}

// Selection is what one synthesis builds.
type Selection struct {
	Env    string
	Arches []string
	// Stores is the store each of Arches runs on.
	Stores   map[string]string
	Settings Settings
	// Preview is set for a pull request's env (pr-N), derived from the
	// preview template's env.
	Preview bool
	// PreviewTemplate is cdk.json's preview template; nil without one.
	PreviewTemplate *Preview
}

// StoresUsed are the stores the selection's arches run on, in
// deploy.Stores order: the data stacks to build.
func (s Selection) StoresUsed() []string {
	var out []string
	for _, st := range deploy.Stores {
		for _, a := range s.Arches {
			if s.Stores[a] == st {
				out = append(out, st)
				break
			}
		}
	}
	return out
}

// Select resolves the env, arch and store context values against the
// environments defined in cdk.json (raw is the context value of
// ContextEnvironments). The store is the flag's, else the env's
// defaultStore, else each arch's own.
func Select(env, arch, store string, raw any, opts ...Option) (Selection, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	envs, err := parseEnvironments(raw)
	if err != nil {
		return Selection{}, err
	}
	tmpl, err := parsePreviewOf(o.preview, envs)
	if err != nil {
		return Selection{}, err
	}
	if env == "" {
		env = DefaultEnv
	}
	s, ok := envs[env]
	preview := false
	if !ok && IsPreviewEnv(env) {
		if tmpl == nil {
			return Selection{}, fmt.Errorf("env %s is a pull request's preview, but cdk.json has no %q: add {\"from\": ENV} to derive previews from ENV", env, ContextPreview)
		}
		s, ok, preview = envs[tmpl.From].forPreview(), true, true
	}
	if !ok {
		return Selection{}, fmt.Errorf("unknown env %q: valid values are %s (defined under %q in cdk.json), or pr-N with %q", env, strings.Join(sortedKeys(envs), ", "), ContextEnvironments, ContextPreview)
	}
	if arch == "" {
		arch = s.DefaultArch
	}
	sel := Selection{Env: env, Settings: s, Preview: preview, PreviewTemplate: tmpl}
	switch {
	case arch == ArchAll:
		sel.Arches = slices.Clone(deploy.Computes)
	case slices.Contains(deploy.Computes, arch):
		sel.Arches = []string{arch}
	default:
		return Selection{}, fmt.Errorf("unknown arch %q: valid values are %s, %s", arch, strings.Join(deploy.Computes, ", "), ArchAll)
	}
	if store != "" && !slices.Contains(deploy.Stores, store) {
		return Selection{}, fmt.Errorf("unknown store %q: valid values are %s (every arch runs on either)", store, strings.Join(deploy.Stores, ", "))
	}
	if store == "" {
		store = s.DefaultStore
	}
	sel.Stores = map[string]string{}
	for _, a := range sel.Arches {
		sel.Stores[a] = cmp.Or(store, deploy.DefaultStore(a))
	}
	return sel, nil
}

// contextJSON is a context value as JSON. The CLI passes every -c value
// as a string, so a value given as '-c progresskit:environments=JSON'
// (make lint-iac's test-only settings) arrives as JSON text, and cdk.json's
// as decoded JSON.
func contextJSON(raw any) ([]byte, error) {
	if text, ok := raw.(string); ok {
		return []byte(text), nil
	}
	return json.Marshal(raw)
}

func parseEnvironments(raw any) (map[string]Settings, error) {
	if raw == nil {
		return nil, fmt.Errorf("cdk.json context has no %q: define at least one environment", ContextEnvironments)
	}
	b, err := contextJSON(raw)
	if err != nil {
		return nil, err
	}
	var byName map[string]json.RawMessage
	if err := json.Unmarshal(b, &byName); err != nil {
		return nil, fmt.Errorf("%s must be an object of environments: %w", ContextEnvironments, err)
	}
	envs := map[string]Settings{}
	var errs []error
	for name, body := range byName {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		var s Settings
		if err := dec.Decode(&s); err != nil {
			errs = append(errs, fmt.Errorf("env %s: %w", name, err))
			continue
		}
		if err := s.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("env %s: %w", name, err))
			continue
		}
		envs[name] = s
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, errors.Join(errs...)
	}
	return envs, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// logRetentions are the retention periods CloudWatch Logs accepts, in
// days, each with its name in the CDK's awslogs.RetentionDays, which the
// stacks convert it by; config holds the names only, so it links none of
// the CDK.
var logRetentions = map[int]string{
	1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH",
	60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
	365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
	1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
	3653: "TEN_YEARS",
}

// LogRetentionDays lists the retention periods a setting may name.
func LogRetentionDays() []int { return slices.Sorted(maps.Keys(logRetentions)) }

// LogRetentionName is the CDK's name (awslogs.RetentionDays) of a
// retention of days ("" for none).
func LogRetentionName(days int) string { return logRetentions[days] }

// What the stacks deploy beyond cdk.json's sizing follows other settings.
// The stacks and the cost estimate both read these, so the two never
// disagree about what is deployed.

// FargateSpot prefers Spot capacity for Fargate tasks outside production.
func (s Settings) FargateSpot() bool { return !s.Production }

// FargateDeploymentStrategy is fargateDeployment, or without it blue/green
// in production (a new version meets a probe and a bake time before it
// keeps production traffic) and rolling elsewhere (faster, and one
// fewer Lambda function and probe client).
func (s Settings) FargateDeploymentStrategy() string {
	if s.FargateDeployment != "" {
		return s.FargateDeployment
	}
	if s.Production {
		return FargateBlueGreen
	}
	return FargateRolling
}

// MultiAZ keeps a standby database in a second zone in production.
func (s Settings) MultiAZ() bool { return s.Production }

// NATGateways is none: services run in public subnets behind security
// groups that admit only the load balancer, which saves the gateways'
// hourly price.
func (s Settings) NATGateways() int { return 0 }

// CostInputs is what the cost model prices for this environment. StoredGB
// is not a setting: storedGB is what the operator expects to hold.
func (s Settings) CostInputs(storedGB float64) (cost.Traffic, cost.Deployment) {
	return s.Traffic, cost.Deployment{
		Sizing:      s.Sizing,
		LambdaAvgMs: cost.DefaultLambdaMs,
		FargateSpot: s.FargateSpot(),
		MultiAZ:     s.MultiAZ(),
		StoredGB:    storedGB,
		NATGateways: s.NATGateways(),
	}
}
