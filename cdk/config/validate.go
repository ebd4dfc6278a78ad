package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/progresskit/progresskit/service/cost"
	"github.com/progresskit/progresskit/service/deploy"
)

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)
	accountRE = regexp.MustCompile(`^\d{12}$`)
	emailRE   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	certRE    = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$`)
	repoRE    = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)
	oidcARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$`)
	zoneRE    = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	domainRE  = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
)

// Validate checks every setting and names each that is wrong.
func (s Settings) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
	}
	if s.Account != "" && !accountRE.MatchString(s.Account) {
		bad("account", "%q is not a 12-digit AWS account id (leave it empty for environment-agnostic stacks)", s.Account)
	}
	if !regionRE.MatchString(s.Region) {
		bad("region", "%q is not an AWS region such as us-east-1", s.Region)
	}
	if !slices.Contains(deploy.Computes, s.DefaultArch) {
		bad("defaultArch", "%q is not one of %s", s.DefaultArch, strings.Join(deploy.Computes, ", "))
	}
	if s.DefaultStore != "" && !slices.Contains(deploy.Stores, s.DefaultStore) {
		bad("defaultStore", "%q is not one of %s (or leave it out: each arch's own)", s.DefaultStore, strings.Join(deploy.Stores, ", "))
	}
	if s.AlarmEmail != "" && !emailRE.MatchString(s.AlarmEmail) {
		bad("alarmEmail", "%q is not an email address", s.AlarmEmail)
	}
	if s.CertificateArn != "" && !certRE.MatchString(s.CertificateArn) {
		bad("certificateArn", "%q is not an ACM certificate ARN", s.CertificateArn)
	}
	if s.DomainName != "" && !domainRE.MatchString(s.DomainName) {
		bad("domainName", "%q is not a lower-case domain name", s.DomainName)
	}
	if s.DomainName != "" && s.CertificateArn == "" {
		bad("domainName", "needs certificateArn for HTTPS")
	}
	if s.HostedZoneID != "" && !zoneRE.MatchString(s.HostedZoneID) {
		bad("hostedZoneId", "%q is not a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ", s.HostedZoneID)
	}
	if s.HostedZoneID != "" && s.DomainName == "" {
		bad("hostedZoneId", "needs domainName: the alias record is for that name")
	}
	if CodeDeployConfigName(s.LambdaDeployment) == "" {
		bad("lambdaDeployment", "%q is not one of %s", s.LambdaDeployment, strings.Join(LambdaDeployments(), ", "))
	}
	if s.FargateDeployment != "" && !slices.Contains(FargateDeployments(), s.FargateDeployment) {
		bad("fargateDeployment", "%q is not one of %s (or leave it out: %s in production, %s elsewhere)",
			s.FargateDeployment, strings.Join(FargateDeployments(), ", "), FargateBlueGreen, FargateRolling)
	}
	if s.GitHubRepository != "" && !repoRE.MatchString(s.GitHubRepository) {
		bad("githubRepository", "%q is not a GitHub repository such as my-org/learning-platform", s.GitHubRepository)
	}
	if s.GitHubOIDCProviderARN != "" && !oidcARNRE.MatchString(s.GitHubOIDCProviderARN) {
		bad("githubOidcProviderArn", "%q is not the ARN of a token.actions.githubusercontent.com OIDC provider", s.GitHubOIDCProviderARN)
	}
	if s.GitHubOIDCProviderARN != "" && s.GitHubRepository == "" {
		bad("githubOidcProviderArn", "needs githubRepository: the provider is for its deploy role")
	}
	if _, ok := logRetentions[s.LogRetentionDays]; !ok {
		bad("logRetentionDays", "%d is not a CloudWatch Logs retention; valid: %v", s.LogRetentionDays, LogRetentionDays())
	}
	z := s.Sizing
	inRange := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			bad("sizing."+field, "%d is outside %d to %d", v, lo, hi)
		}
	}
	inRange("lambdaMemoryMB", z.LambdaMemoryMB, 128, 10240)
	inRange("lambdaTimeoutSeconds", z.LambdaTimeoutSecs, 1, 29) // HTTP API integrations time out at 30 s
	inRange("throttleRatePerSecond", z.ThrottleRatePerSec, 1, 10000)
	inRange("throttleBurst", z.ThrottleBurst, 1, 5000)
	validFargate := map[int][2]int{256: {512, 2048}, 512: {1024, 4096}, 1024: {2048, 8192}, 2048: {4096, 16384}, 4096: {8192, 30720}}
	if r, ok := validFargate[z.FargateCPU]; !ok {
		bad("sizing.fargateCpu", "%d is not a Fargate CPU size; valid: 256, 512, 1024, 2048, 4096", z.FargateCPU)
	} else if z.FargateMemoryMiB < r[0] || z.FargateMemoryMiB > r[1] || z.FargateMemoryMiB%1024 != 0 && z.FargateMemoryMiB != 512 {
		bad("sizing.fargateMemoryMiB", "%d does not fit %d CPU units (%d to %d MiB)", z.FargateMemoryMiB, z.FargateCPU, r[0], r[1])
	}
	inRange("fargateMinTasks", z.FargateMinTasks, 1, 100)
	inRange("fargateMaxTasks", z.FargateMaxTasks, max(z.FargateMinTasks, 1), 100)
	if types := EC2InstanceTypes(); !slices.Contains(types, z.EC2InstanceType) {
		bad("sizing.ec2InstanceType", "%q is not a Graviton (arm64) instance type progresskit prices; nearest: %s", z.EC2InstanceType,
			strings.Join(cost.Nearest(z.EC2InstanceType, types), ", "))
	}
	inRange("ec2MinInstances", z.EC2MinInstances, 1, 50)
	inRange("ec2MaxInstances", z.EC2MaxInstances, max(z.EC2MinInstances, 1), 50)
	if classes := RDSInstanceClasses(); !slices.Contains(classes, z.RDSInstanceClass) {
		bad("sizing.rdsInstanceClass", "%q is not an RDS class progresskit prices; nearest: %s", z.RDSInstanceClass,
			strings.Join(cost.Nearest(z.RDSInstanceClass, classes), ", "))
	}
	inRange("rdsStorageGiB", z.RDSStorageGiB, 20, 65536)
	inRange("rdsBackupDays", z.RDSBackupDays, 1, 35)
	if s.Production && z.RDSBackupDays < 7 {
		bad("sizing.rdsBackupDays", "production keeps at least 7 days of backups, not %d", z.RDSBackupDays)
	}
	t := s.Traffic
	if t.MonthlyRequests < 0 || t.MonthlyRequests > 1e12 {
		bad("traffic.monthlyRequests", "%g is outside 0 to 1e12", t.MonthlyRequests)
	}
	if t.WriteRatio < 0 || t.WriteRatio > 1 {
		bad("traffic.writeRatio", "%g is outside 0 to 1", t.WriteRatio)
	}
	if t.AvgResponseBytes <= 0 || t.AvgResponseBytes > 6<<20 {
		bad("traffic.avgResponseBytes", "%g is outside 1 to 6 MiB", t.AvgResponseBytes)
	}
	if t.PeakToAverage < 1 || t.PeakToAverage > 1000 {
		bad("traffic.peakToAverage", "%g is outside 1 to 1000", t.PeakToAverage)
	}
	return errors.Join(errs...)
}
