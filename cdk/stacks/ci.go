package stacks

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/deployrole"
)

// CIStackProps configure the deploy pipeline's stack.
type CIStackProps struct {
	awscdk.StackProps
	Env      string
	Settings config.Settings
	// Previews adds the role that deploys pull requests' previews, for
	// the env previews are derived from.
	Previews bool
}

// CIStack holds the roles the GitHub workflow assumes for this env.
type CIStack struct {
	awscdk.Stack
	Roles *deployrole.DeployRole
}

// NewCIStack trusts Settings.GitHubRepository's jobs in the GitHub
// environment named like the env to deploy, and its pull requests to diff.
func NewCIStack(scope constructs.Construct, id string, props *CIStackProps) *CIStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	s := props.Settings
	var provider awsiam.IOidcProvider
	if s.GitHubOIDCProviderARN != "" {
		provider = awsiam.OidcProviderNative_FromOidcProviderArn(stack, jsii.String("GitHubProvider"), jsii.String(s.GitHubOIDCProviderARN))
	}
	previews := ""
	if props.Previews {
		previews = config.PreviewGitHubEnvironment
	}
	roles := deployrole.New(stack, "GitHub", &deployrole.Props{
		Repository: s.GitHubRepository, Environment: props.Env, ExistingProvider: provider, PullRequestDiff: true,
		PreviewEnvironment: previews,
	})
	awscdk.NewCfnOutput(stack, jsii.String("DeployRoleArn"), &awscdk.CfnOutputProps{
		Value: roles.Role.RoleArn(), Description: jsii.String("AWS_ROLE_ARN of GitHub environment " + props.Env),
	})
	awscdk.NewCfnOutput(stack, jsii.String("DiffRoleArn"), &awscdk.CfnOutputProps{
		Value: roles.DiffRole.RoleArn(), Description: jsii.String("AWS_DIFF_ROLE_ARN_" + strings.ToUpper(props.Env) + " of the repository"),
	})
	if roles.PreviewRole != nil {
		awscdk.NewCfnOutput(stack, jsii.String("PreviewRoleArn"), &awscdk.CfnOutputProps{
			Value: roles.PreviewRole.RoleArn(), Description: jsii.String("AWS_ROLE_ARN of GitHub environment " + config.PreviewGitHubEnvironment),
		})
	}
	return &CIStack{Stack: stack, Roles: roles}
}
