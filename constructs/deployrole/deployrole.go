// Package deployrole lets a GitHub Actions workflow deploy with no stored
// AWS keys: GitHub's OIDC provider (new, or the account's existing one) and
// a deploy role that only one repository's jobs in one GitHub environment
// can assume, and that may do nothing but assume the CDK bootstrap roles.
// Optionally a diff role, for pull requests, may assume only the CDK
// lookup role (read-only), so 'cdk diff' runs on a pull request but a pull
// request can never deploy.
package deployrole

import (
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/propcheck"
)

const (
	// GitHubIssuer is the host of GitHub Actions' OIDC tokens.
	GitHubIssuer = "token.actions.githubusercontent.com"
	// Audience is the aud claim aws-actions/configure-aws-credentials asks for.
	Audience = "sts.amazonaws.com"
	// DefaultQualifier is 'cdk bootstrap''s default qualifier.
	DefaultQualifier = "hnb659fds"
	// maxSession bounds a deploy job's credentials.
	maxSessionHours = 1
)

var repositoryRE = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)

// Props configure the roles. Repository and Environment are required.
type Props struct {
	// Repository is the GitHub repository, "owner/name".
	Repository string
	// Environment is the GitHub environment whose jobs may deploy; the
	// trust pins the token's subject to repo:owner/name:environment:NAME.
	// Protect it in GitHub (required reviewers) to gate deployments.
	Environment string
	// ExistingProvider is the account's GitHub OIDC provider; an account
	// has one per issuer, so the second environment in an account passes
	// the first one's.
	// default: a new provider for token.actions.githubusercontent.com
	ExistingProvider awsiam.IOidcProvider
	// PullRequestDiff adds DiffRole, which pull requests of Repository may
	// assume, allowed only the CDK lookup role.
	// default: false
	PullRequestDiff bool
	// PreviewEnvironment adds PreviewRole, which Repository's jobs in this
	// GitHub environment (and no others) may assume to deploy and destroy
	// pull requests' preview stacks. Forks' pull requests get no OIDC
	// token, so they never reach it.
	// default: none
	PreviewEnvironment string
	// Qualifier of the CDK bootstrap stack the roles may use.
	// default: hnb659fds
	Qualifier string
}

// DeployRole is what a workflow assumes.
type DeployRole struct {
	constructs.Construct
	Provider    awsiam.IOidcProvider
	Role        awsiam.Role
	DiffRole    awsiam.Role // nil without PullRequestDiff
	PreviewRole awsiam.Role // nil without PreviewEnvironment
}

// New creates the provider (unless given) and the roles.
func New(scope constructs.Construct, id string, props *Props) *DeployRole {
	if props == nil {
		props = &Props{}
	}
	check := propcheck.For("deployrole", id)
	check.Required(propcheck.P("Repository", props.Repository != ""), propcheck.P("Environment", props.Environment != ""))
	if !repositoryRE.MatchString(props.Repository) {
		check.Refuse("Repository %q is not owner/name", props.Repository)
	}
	if props.PreviewEnvironment == props.Environment {
		check.Refuse("PreviewEnvironment %q is Environment: previews must run in a GitHub environment of their own", props.PreviewEnvironment)
	}
	c := constructs.NewConstruct(scope, &id)
	d := &DeployRole{Construct: c, Provider: props.ExistingProvider}
	if d.Provider == nil {
		d.Provider = awsiam.NewOidcProviderNative(c, jsii.String("GitHubProvider"), &awsiam.OidcProviderNativeProps{
			Url: jsii.String("https://" + GitHubIssuer), ClientIds: jsii.Strings(Audience),
		})
	}
	qualifier := props.Qualifier
	if qualifier == "" {
		qualifier = DefaultQualifier
	}
	d.Role = d.role(c, "Role", Subject(props.Repository, "environment:"+props.Environment),
		"GitHub Actions deploys from "+props.Repository+" (environment "+props.Environment+")",
		bootstrapRoles(c, qualifier, "deploy", "file-publishing", "image-publishing", "lookup"))
	if props.PreviewEnvironment != "" {
		d.PreviewRole = d.role(c, "PreviewRole", Subject(props.Repository, "environment:"+props.PreviewEnvironment),
			"GitHub Actions deploys pull request previews from "+props.Repository+" (environment "+props.PreviewEnvironment+")",
			bootstrapRoles(c, qualifier, "deploy", "file-publishing", "image-publishing", "lookup"))
	}
	if props.PullRequestDiff {
		d.DiffRole = d.role(c, "DiffRole", Subject(props.Repository, "pull_request"),
			"GitHub Actions 'cdk diff' on pull requests of "+props.Repository, bootstrapRoles(c, qualifier, "lookup"))
	}
	return d
}

// Subject is the sub claim of a GitHub Actions token for a repository and
// a context such as environment:prod, ref:refs/heads/main or pull_request.
func Subject(repository, context string) string { return "repo:" + repository + ":" + context }

// role is trusted by tokens of exactly subject, and may assume only roles.
func (d *DeployRole) role(c constructs.Construct, id, subject, description string, roles []*string) awsiam.Role {
	r := awsiam.NewRole(c, jsii.String(id), &awsiam.RoleProps{
		Description: jsii.String(description),
		AssumedBy: awsiam.NewOpenIdConnectPrincipal(d.Provider, &map[string]interface{}{
			"StringEquals": map[string]interface{}{
				GitHubIssuer + ":aud": Audience,
				GitHubIssuer + ":sub": subject,
			},
		}),
		MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(maxSessionHours)),
	})
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("sts:AssumeRole"),
		Resources: &roles,
	}))
	return r
}

// bootstrapRoles are the ARNs of the CDK bootstrap roles of kinds in the
// stack's account and region.
func bootstrapRoles(scope constructs.Construct, qualifier string, kinds ...string) []*string {
	stack := awscdk.Stack_Of(scope)
	arns := make([]*string, len(kinds))
	for i, kind := range kinds {
		arns[i] = awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String("arn:"), stack.Partition(), jsii.String(":iam::"), stack.Account(),
			jsii.String(":role/cdk-" + qualifier + "-" + kind + "-role-"), stack.Account(), jsii.String("-"), stack.Region(),
		})
	}
	return arns
}
