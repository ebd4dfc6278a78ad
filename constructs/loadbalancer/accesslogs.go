package loadbalancer

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/regioninfo"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// logAccess sends the load balancer's access logs to bucket under prefix.
// Logs are written by the region's Elastic Load Balancing account, which
// the bucket policy must name, or in regions opened since August 2022 by
// its log delivery service. In a stack with a region the CDK names the
// right one; a stack without one (the CDK's default, environment-agnostic)
// learns it at deployment, from a mapping of the CDK's regional facts.
func logAccess(scope constructs.Construct, alb elbv2.ApplicationLoadBalancer, bucket awss3.Bucket, prefix string) {
	stack := awscdk.Stack_Of(scope)
	if !*awscdk.Token_IsUnresolved(stack.Region()) {
		alb.LogAccessLogs(bucket, jsii.String(prefix))
		return
	}
	const none = "none"
	accounts := map[string]*map[string]any{}
	for _, region := range *regioninfo.RegionInfo_Regions() {
		account := region.Elbv2Account()
		if account == nil {
			account = jsii.String(none)
		}
		accounts[*region.Name()] = &map[string]any{"account": *account}
	}
	mapping := awscdk.NewCfnMapping(scope, jsii.String("ElbLogAccounts"), &awscdk.CfnMappingProps{Mapping: &accounts})
	account := mapping.FindInMap(stack.Region(), jsii.String("account"), nil)
	byAccount := awscdk.NewCfnCondition(scope, jsii.String("ElbLogsByAccount"), &awscdk.CfnConditionProps{
		Expression: awscdk.Fn_ConditionNot(awscdk.Fn_ConditionEquals(account, jsii.String(none))),
	})
	// Where the region has no such account the statement names this
	// account itself, which changes nothing, and the service delivers.
	logsArn := awscdk.Fn_Join(jsii.String(""), &[]*string{bucket.BucketArn(), jsii.String("/" + prefix + "/AWSLogs/"), stack.Account(), jsii.String("/*")})
	elbAccount := awscdk.Fn_ConditionIf(byAccount.LogicalId(), account, stack.Account()).ToString()
	put := func(p awsiam.IPrincipal) {
		bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("s3:PutObject"), Resources: &[]*string{logsArn}, Principals: &[]awsiam.IPrincipal{p},
		}))
	}
	put(awsiam.NewArnPrincipal(awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), stack.Partition(), jsii.String(":iam::"), elbAccount, jsii.String(":root")})))
	put(awsiam.NewServicePrincipal(jsii.String("logdelivery.elasticloadbalancing.amazonaws.com"), nil))
	alb.SetAttribute(jsii.String("access_logs.s3.enabled"), jsii.String("true"))
	alb.SetAttribute(jsii.String("access_logs.s3.bucket"), bucket.BucketName())
	alb.SetAttribute(jsii.String("access_logs.s3.prefix"), jsii.String(prefix))
	// The load balancer checks that it may write when it is created.
	alb.Node().AddDependency(bucket.Policy())
}
