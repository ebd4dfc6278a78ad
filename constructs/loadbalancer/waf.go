package loadbalancer

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// wafWindowSeconds is the window a WAF rate-based rule counts requests in.
const wafWindowSeconds = 300

// addRateLimitACL puts an AWS WAF web ACL in front of the balancer whose
// rule blocks a client IP address sending more than limit requests in
// five minutes (answered 429), before they reach the service.
func (lb *LoadBalancer) addRateLimitACL(c constructs.Construct, limit int) {
	visibility := func(name string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
		return &awswafv2.CfnWebACL_VisibilityConfigProperty{
			CloudWatchMetricsEnabled: jsii.Bool(true), MetricName: jsii.String(name), SampledRequestsEnabled: jsii.Bool(true),
		}
	}
	lb.WebACL = awswafv2.NewCfnWebACL(c, jsii.String("WebAcl"), &awswafv2.CfnWebACLProps{
		Scope:            jsii.String("REGIONAL"),
		Description:      jsii.String("progresskit: per-IP rate limit in front of the load balancer"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: &awswafv2.CfnWebACL_AllowActionProperty{}},
		VisibilityConfig: visibility("progress-web-acl"),
		Rules: &[]any{&awswafv2.CfnWebACL_RuleProperty{
			Name:     jsii.String("rate-per-ip"),
			Priority: jsii.Number(0),
			Action: &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{
				CustomResponse: &awswafv2.CfnWebACL_CustomResponseProperty{ResponseCode: jsii.Number(429)},
			}},
			Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
				AggregateKeyType: jsii.String("IP"), Limit: jsii.Number(float64(limit)), EvaluationWindowSec: jsii.Number(wafWindowSeconds),
			}},
			VisibilityConfig: visibility("progress-rate-per-ip"),
		}},
	})
	awswafv2.NewCfnWebACLAssociation(c, jsii.String("WebAclAssociation"), &awswafv2.CfnWebACLAssociationProps{
		ResourceArn: lb.Alb.LoadBalancerArn(), WebAclArn: lb.WebACL.AttrArn(),
	})
}
