package ec2service

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/systemd"
)

// userData installs the server, its settings and the systemd unit, and
// starts it. Commands are found on PATH (aws, systemctl, curl, cfn-signal),
// which is how the test runs the rendered script with stand-ins.
func userData(c constructs.Construct, binary awss3assets.Asset, idp *identity.Identity, storeURL *string) awsec2.UserData {
	line := func(name string, value ...*string) []*string {
		return append(append([]*string{jsii.String(name + "=")}, value...), jsii.String("\n"))
	}
	lines := slices.Concat(
		line(settings.Addr.Env, jsii.String(fmt.Sprintf("0.0.0.0:%d", settings.Port))),
		line(settings.Store.Env, storeURL),
		line(settings.Auth.Env, jsii.String(settings.AuthJWKS)),
		line(settings.JWKSURL.Env, idp.JwksURL()),
		line(settings.Issuer.Env, idp.Issuer),
		line(settings.Audience.Env, awscdk.Fn_Join(jsii.String(","), &idp.Audiences)),
		line("AWS_REGION", awscdk.Stack_Of(c).Region()),
	)
	env := awscdk.Fn_Join(jsii.String(""), &lines)

	ud := awsec2.UserData_ForLinux(nil)
	ud.AddCommands(
		jsii.String("set -euo pipefail"),
		// cfn-signal lives in /opt/aws/bin on Amazon Linux.
		jsii.String(`export PATH="$PATH:/opt/aws/bin"`),
		jsii.String("command -v cfn-signal >/dev/null || dnf install -y -q aws-cfn-bootstrap"),
	)
	ud.AddS3DownloadCommand(&awsec2.S3DownloadOptions{Bucket: binary.Bucket(), BucketKey: binary.S3ObjectKey(), LocalFile: jsii.String(systemd.BinaryPath)})
	ud.AddCommands(
		jsii.String("chmod 0755 "+systemd.BinaryPath),
		jsii.String("install -d -m 0755 "+filepath.Dir(systemd.EnvFilePath)),
		awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("cat > " + systemd.EnvFilePath + " <<'PROGRESS_ENV'\n"), env, jsii.String("PROGRESS_ENV")}),
		jsii.String("chmod 0644 "+systemd.EnvFilePath),
		jsii.String("cat > "+systemd.UnitPath+" <<'PROGRESS_UNIT'\n"+systemd.Unit+"PROGRESS_UNIT"),
		jsii.String("systemctl daemon-reload"),
		jsii.String("systemctl enable --now "+filepath.Base(systemd.UnitPath)),
	)
	return ud
}

// signalWhenReady ends the script by waiting until the server's own
// readiness endpoint answers 200, and signals the group with the script's
// exit status: success only then, failure when any step failed, the unit
// failed, or the server was not ready within ReadyTimeoutSeconds.
func signalWhenReady(ud awsec2.UserData, group awsautoscaling.AutoScalingGroup) {
	stack := awscdk.Stack_Of(group)
	logicalID := stack.GetLogicalId(group.Node().DefaultChild().(awscdk.CfnElement))
	ud.AddOnExitCommands(awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("cfn-signal --stack "), stack.StackName(), jsii.String(" --resource "), logicalID,
		jsii.String(" --region "), stack.Region(), jsii.String(` --exit-code "$exitCode" || echo 'progress: could not signal CloudFormation' >&2`),
	}))
	unit := filepath.Base(systemd.UnitPath)
	ud.AddCommands(jsii.String(fmt.Sprintf(`port=$(sed -n 's/^%s=.*:\([0-9]*\)$/\1/p' %s)
deadline=$((SECONDS + %d))
until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${port}%s"; do
  if systemctl is-failed --quiet %s; then
    echo "progress: %s failed to start" >&2
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "progress: %s did not answer 200 within %d s" >&2
    exit 1
  fi
  sleep 2
done`, settings.Addr.Env, systemd.EnvFilePath, ReadyTimeoutSeconds, settings.ReadyPath, unit, unit, settings.ReadyPath, ReadyTimeoutSeconds)))
}
