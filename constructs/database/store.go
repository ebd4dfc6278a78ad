package database

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/propcheck"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/store"
	"github.com/progresskit/progresskit/service/deploy"
)

var (
	_ store.Store     = (*Database)(nil)
	_ store.Monitored = (*Database)(nil)
)

// Kind is PostgreSQL.
func (d *Database) Kind() string { return deploy.Postgres }

// Vpc is where the database runs: compute joins it there.
func (d *Database) Vpc() awsec2.IVpc { return d.vpc }

// Connect admits compute to the database. A server connects with the
// generated credentials it reads from Secrets Manager (postgres-secret://).
// Pooled compute (Lambda) connects through an RDS Proxy created in scope,
// with IAM authentication (postgres-iam://): a token its role signs, so
// the function needs neither the secret nor a way to reach Secrets Manager.
// Every rule that admits compute lives in scope, with the compute, so the
// database's stack never refers to it.
func (d *Database) Connect(scope constructs.Construct, c store.Compute) *string {
	if c.SecurityGroup == nil {
		propcheck.For("database", *d.Node().Id()).Refuse("compute must run in the database's VPC with a security group to be admitted")
	}
	region := awscdk.Stack_Of(scope).Region()
	if !c.Pooled {
		d.admit(scope, "Instances", c.SecurityGroup)
		d.Secret.GrantRead(c.Role, nil)
		return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("postgres-secret://"), d.Secret.SecretArn()})
	}
	proxySG := awsec2.NewSecurityGroup(scope, jsii.String("ProxySg"), &awsec2.SecurityGroupProps{
		Vpc: d.vpc, Description: jsii.String("progress database proxy: the function in, the database out"), AllowAllOutbound: jsii.Bool(true),
	})
	proxySG.AddIngressRule(c.SecurityGroup, awsec2.Port_Tcp(jsii.Number(Port)), jsii.String("the progress function"), nil)
	proxy := awsrds.NewDatabaseProxy(scope, jsii.String("Proxy"), &awsrds.DatabaseProxyProps{
		ProxyTarget:    awsrds.ProxyTarget_FromInstance(d.viewFrom(scope)),
		Secrets:        &[]awssecretsmanager.ISecret{d.Secret},
		Vpc:            d.vpc,
		VpcSubnets:     &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		SecurityGroups: &[]awsec2.ISecurityGroup{proxySG},
		IamAuth:        jsii.Bool(true),
		RequireTLS:     jsii.Bool(true),
	})
	d.admit(scope, "Proxy", proxySG)
	proxy.GrantConnect(c.Role, jsii.String(Username))
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("postgres-iam://" + Username + "@"), proxy.Endpoint(), jsii.String(fmt.Sprintf(":%d/%s?region=", Port, DatabaseName)), region,
	})
}

// viewFrom is the instance as compute's scope sees it, with its security
// groups immutable: a proxy target opens the instance's groups to the
// proxy, and a rule added to the database's own group would make the
// database's stack refer to compute's. admit declares the rule in scope
// instead. The engine names PostgreSQL's family, all a proxy needs.
func (d *Database) viewFrom(scope constructs.Construct) awsrds.IDatabaseInstance {
	var groups []awsec2.ISecurityGroup
	for i, sg := range *d.Instance.Connections().SecurityGroups() {
		groups = append(groups, awsec2.SecurityGroup_FromSecurityGroupId(scope, jsii.String(fmt.Sprintf("DatabaseSg%d", i)), sg.SecurityGroupId(),
			&awsec2.SecurityGroupImportOptions{Mutable: jsii.Bool(false)}))
	}
	return awsrds.DatabaseInstance_FromDatabaseInstanceAttributes(scope, jsii.String("DatabaseInstance"), &awsrds.DatabaseInstanceAttributes{
		InstanceIdentifier:      d.Instance.InstanceIdentifier(),
		InstanceEndpointAddress: d.Instance.DbInstanceEndpointAddress(),
		Port:                    jsii.Number(Port),
		SecurityGroups:          &groups,
		Engine:                  awsrds.DatabaseInstanceEngine_POSTGRES(),
	})
}

// admit lets from reach the database's port, with a rule declared in
// scope.
func (d *Database) admit(scope constructs.Construct, name string, from awsec2.ISecurityGroup) {
	for i, sg := range *d.Instance.Connections().SecurityGroups() {
		awsec2.NewCfnSecurityGroupIngress(scope, jsii.String(fmt.Sprintf("DatabaseFrom%s%d", name, i)), &awsec2.CfnSecurityGroupIngressProps{
			GroupId: sg.SecurityGroupId(), SourceSecurityGroupId: from.SecurityGroupId(), IpProtocol: jsii.String("tcp"),
			FromPort: jsii.Number(Port), ToPort: jsii.Number(Port), Description: jsii.String("progress " + strings.ToLower(name)),
		})
	}
}

// Alarms are the database's own: CPU, connections, free storage.
func (d *Database) Alarms(scope constructs.Construct, obs *observability.Observability, th observability.Thresholds) []awscloudwatch.Alarm {
	five := observability.PagePeriod()
	avg := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Average")}
	return []awscloudwatch.Alarm{
		obs.Alarm(scope, "DatabaseCpu", fmt.Sprintf("Database CPU at %g%% or more", th.DatabaseCPUPercent), d.Instance.MetricCPUUtilization(avg), th.DatabaseCPUPercent),
		obs.Alarm(scope, "DatabaseConnections", fmt.Sprintf("%g or more database connections", th.DatabaseConnections), d.Instance.MetricDatabaseConnections(avg), th.DatabaseConnections),
		obs.Alarm(scope, "DatabaseLowStorage", fmt.Sprintf("Database free storage at or below %g GiB", th.DatabaseFreeStorageGiB),
			awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
				Expression: jsii.String("-free"), Period: five,
				UsingMetrics: &map[string]awscloudwatch.IMetric{"free": d.Instance.MetricFreeStorageSpace(avg)},
			}), -th.DatabaseFreeStorageGiB*(1<<30)),
	}
}
