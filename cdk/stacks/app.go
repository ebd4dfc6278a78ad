package stacks

import (
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs"
	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/store"
	"github.com/progresskit/progresskit/service/deploy"
)

// Built is what Build created, for tests and the cost estimate.
type Built struct {
	Selection config.Selection
	Arches    []string // the architectures synthesized
	Identity  *IdentityStack
	Data      *DataStack
	Lambda    *LambdaStack
	Fargate   *FargateStack
	RDS       *RDSStack
	EC2       *EC2Stack
	CI        *CIStack // nil unless githubRepository is set
}

// StackName is the name of one of an environment's stacks.
func StackName(env, part string) string { return config.StackPrefix + env + "-" + part }

// Build reads the env and arch context of app and adds the stacks they
// select, with the cdk-nag checks applied. A construct's refusal of its
// props (a *constructs.PropsError) comes back as the error, not a panic.
func Build(app awscdk.App) (b *Built, err error) {
	defer func() {
		if r := recover(); r != nil {
			refusal, ok := r.(*constructs.PropsError)
			if !ok {
				panic(r)
			}
			b, err = nil, refusal
		}
	}()
	ctx := func(k string) string {
		v, _ := app.Node().TryGetContext(jsii.String(k)).(string)
		return v
	}
	sel, err := config.Select(ctx(config.ContextEnv), ctx(config.ContextArch), ctx(config.ContextStore),
		app.Node().TryGetContext(jsii.String(config.ContextEnvironments)),
		config.WithPreview(app.Node().TryGetContext(jsii.String(config.ContextPreview))))
	if err != nil {
		return nil, err
	}
	arches := sel.Arches
	s := sel.Settings
	env := &awscdk.Environment{Region: jsii.String(s.Region)}
	if s.Account != "" {
		env.Account = jsii.String(s.Account)
	}
	tags := &map[string]*string{"project": jsii.String("progresskit"), "environment": jsii.String(sel.Env)}
	if sel.Preview {
		(*tags)["preview"] = jsii.String("true")
	}
	stackProps := func(part, description string) awscdk.StackProps {
		return awscdk.StackProps{
			Env:         env,
			StackName:   jsii.String(StackName(sel.Env, part)),
			Description: jsii.String("progresskit " + sel.Env + ": " + description),
			Tags:        tags,
		}
	}
	b = &Built{Selection: sel, Arches: arches}
	b.Identity = NewIdentityStack(app, StackName(sel.Env, "Identity"), &IdentityStackProps{
		StackProps: stackProps("Identity", "user pool and app clients"), Settings: s,
	})
	// The data stacks stand apart from compute and do not depend on which
	// compute uses them: switching compute never touches data.
	used := sel.StoresUsed()
	if slices.Contains(used, deploy.DynamoDB) {
		b.Data = NewDataStack(app, StackName(sel.Env, "Data"), &DataStackProps{
			StackProps: stackProps("Data", "progress table (DynamoDB)"), Settings: s,
		})
	}
	if slices.Contains(used, deploy.Postgres) {
		b.RDS = NewRDSStack(app, StackName(sel.Env, "Rds"), &RDSStackProps{
			StackProps: stackProps("Rds", "VPC and PostgreSQL"), Settings: s,
		})
	}
	// on is an arch's store, and the database's network for compute that
	// must run beside it.
	on := func(compute string) (store.Store, *network.Network, string) {
		if sel.Stores[compute] == deploy.Postgres {
			return b.RDS.Database, b.RDS.Network, " on " + deploy.StoreTitle(deploy.Postgres)
		}
		return b.Data.Table, nil, " on " + deploy.StoreTitle(deploy.DynamoDB)
	}
	if slices.Contains(arches, deploy.Lambda) {
		st, _, desc := on(deploy.Lambda)
		b.Lambda = NewLambdaStack(app, StackName(sel.Env, "Lambda"), &LambdaStackProps{
			StackProps: stackProps("Lambda", "HTTP API + Lambda"+desc), Settings: s,
			Store: st, Identity: b.Identity.Identity,
		})
	}
	if slices.Contains(arches, deploy.Fargate) {
		st, net, desc := on(deploy.Fargate)
		b.Fargate = NewFargateStack(app, StackName(sel.Env, "Fargate"), &FargateStackProps{
			StackProps: stackProps("Fargate", "ALB + Fargate"+desc), Settings: s,
			Store: st, Network: net, Identity: b.Identity.Identity,
		})
	}
	if slices.Contains(arches, deploy.EC2) {
		st, net, desc := on(deploy.EC2)
		b.EC2 = NewEC2Stack(app, StackName(sel.Env, "Ec2"), &EC2StackProps{
			StackProps: stackProps("Ec2", "ALB + EC2 Auto Scaling group"+desc), Settings: s,
			Store: st, Network: net, Identity: b.Identity.Identity,
		})
	}
	if s.GitHubRepository != "" {
		b.CI = NewCIStack(app, StackName(sel.Env, "Ci"), &CIStackProps{
			StackProps: stackProps("Ci", "GitHub Actions OIDC deploy role"), Env: sel.Env, Settings: s,
			Previews: sel.PreviewTemplate != nil && sel.PreviewTemplate.From == sel.Env,
		})
	}
	compliance.Check(app)
	return b, nil
}
