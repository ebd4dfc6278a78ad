package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/customdomain"
)

// This file turns cdk.json's settings into the props more than one stack
// passes to its constructs, so no stack's file holds another's helpers.

// domain imports the env's certificate and hosted zone, where it names them.
func domain(scope constructs.Construct, s config.Settings) customdomain.Props {
	d := customdomain.Props{DomainName: s.DomainName}
	if s.CertificateArn != "" {
		d.Certificate = awscertificatemanager.Certificate_FromCertificateArn(scope, jsii.String("Certificate"), jsii.String(s.CertificateArn))
	}
	if s.HostedZoneID != "" {
		d.HostedZone = awsroute53.HostedZone_FromHostedZoneId(scope, jsii.String("HostedZone"), jsii.String(s.HostedZoneID))
	}
	return d
}

// Retention is the CDK's enum for cdk.json's validated days: the enum's
// values are its names, which config keeps.
func Retention(days int) awslogs.RetentionDays {
	return awslogs.RetentionDays(config.LogRetentionName(days))
}
