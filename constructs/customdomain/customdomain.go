// Package customdomain serves a variant at the team's own domain name: the
// props every variant takes for it, their checks, the Route 53 alias record
// and the URL the stack reports.
package customdomain

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/propcheck"
)

// Props put a variant on a domain name.
type Props struct {
	// DomainName the API is served at, such as progress.example.com.
	// Needs Certificate.
	// default: none (the API Gateway's or load balancer's own name)
	DomainName string
	// Certificate is an ACM certificate for DomainName in the stack's
	// region. Load-balanced variants serve HTTPS with it even without a
	// DomainName.
	// default: none (the Lambda variant uses API Gateway's certificate; the
	// load-balanced variants serve HTTP)
	Certificate awscertificatemanager.ICertificate
	// HostedZone gets an alias record from DomainName to the variant.
	// Needs DomainName.
	// default: none (point DNS at the variant yourself)
	HostedZone awsroute53.IHostedZone
}

// Check panics on props that cannot work together.
func (p Props) Check(owner propcheck.Owner) {
	domain := propcheck.P("Domain.DomainName", p.DomainName != "")
	owner.Needs(domain, propcheck.P("Domain.Certificate", p.Certificate != nil))
	owner.Needs(propcheck.P("Domain.HostedZone", p.HostedZone != nil), domain)
}

// Alias adds the A record from DomainName to target when a zone is given.
func (p Props) Alias(scope constructs.Construct, target awsroute53.RecordTarget) {
	if p.HostedZone == nil {
		return
	}
	awsroute53.NewARecord(scope, jsii.String("AliasRecord"), &awsroute53.ARecordProps{
		Zone: p.HostedZone,
		// A trailing dot makes the name absolute, so a zone imported by id
		// alone (without its name) works.
		RecordName: jsii.String(p.DomainName + "."),
		Target:     target,
	})
}

// URL is https://DomainName, or fallback without a domain.
func (p Props) URL(fallback *string) *string {
	if p.DomainName == "" {
		return fallback
	}
	return jsii.String("https://" + p.DomainName)
}
