package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/systemd"
)

// ec2UserData synthesizes the prod EC2 stack from cdk.json and renders its
// launch template's user data, with CloudFormation's references replaced
// by placeholders (the test substitutes what it needs afterwards).
func ec2UserData(t *testing.T) (script, stackName, logicalID string) {
	t.Helper()
	raw, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Context map[string]any }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc.Context[config.ContextEnv], doc.Context[config.ContextArch] = "prod", deploy.EC2
	b, err := stacks.Build(awscdk.NewApp(&awscdk.AppProps{Context: &doc.Context}))
	if err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(b.EC2.Stack, nil)
	var groupID string
	for id := range *tpl.FindResources(jsii.String("AWS::AutoScaling::AutoScalingGroup"), nil) {
		groupID = id
	}
	for _, lt := range *tpl.FindResources(jsii.String("AWS::EC2::LaunchTemplate"), nil) {
		data := (*lt)["Properties"].(map[string]any)["LaunchTemplateData"].(map[string]any)
		script = renderCfn(t, data["UserData"].(map[string]any)["Fn::Base64"], b.Selection.Settings.Region, *b.EC2.Stack.StackName())
		return script, *b.EC2.Stack.StackName(), groupID
	}
	t.Fatal("no launch template")
	return
}

// renderCfn evaluates the intrinsic functions a user data script uses.
func renderCfn(t *testing.T, v any, region, stackName string) string {
	pseudo := map[string]string{"AWS::Region": region, "AWS::StackName": stackName, "AWS::AccountId": "123456789012", "AWS::URLSuffix": "amazonaws.com", "AWS::Partition": "aws"}
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		for fn, arg := range x {
			switch fn {
			case "Ref":
				if p, ok := pseudo[arg.(string)]; ok {
					return p
				}
				return "ref-" + arg.(string)
			case "Fn::ImportValue":
				return "import-" + renderCfn(t, arg, region, stackName)
			case "Fn::GetAtt":
				a := arg.([]any)
				return fmt.Sprintf("getatt-%v-%v", a[0], a[1])
			case "Fn::Join":
				a := arg.([]any)
				var parts []string
				for _, p := range a[1].([]any) {
					parts = append(parts, renderCfn(t, p, region, stackName))
				}
				return strings.Join(parts, a[0].(string))
			case "Fn::Sub":
				return regexp.MustCompile(`\$\{([^}]+)\}`).ReplaceAllStringFunc(arg.(string), func(m string) string {
					return renderCfn(t, map[string]any{"Ref": m[2 : len(m)-1]}, region, stackName)
				})
			}
		}
	}
	t.Fatalf("cannot render %v", v)
	return ""
}

// standIns are aws, systemctl and cfn-signal for the script's PATH: the
// first copies the server binary built here, the second runs the unit's
// ExecStart with its EnvironmentFile, the third records its arguments and
// whether /readyz answered 200 at the moment of the signal.
const standIns = `
-- aws
#!/bin/bash
[ "$1 $2" = "s3 cp" ] || { echo "aws stand-in: $*" >&2; exit 2; }
cp "$PROGRESS_TEST_BINARY" "$4"
-- systemctl
#!/bin/bash
state="$PROGRESS_TEST_STATE"
case "$1" in
daemon-reload) ;;
enable)
  unit="$PROGRESS_TEST_UNIT_DIR/$3"
  cmd=$(sed -n 's/^ExecStart=//p' "$unit")
  envfile=$(sed -n 's/^EnvironmentFile=//p' "$unit")
  ( while IFS= read -r line; do [ -n "$line" ] && export "$line"; done < "$envfile"; exec $cmd ) >>"$state/server.log" 2>&1 &
  echo $! >"$state/server.pid" ;;
is-failed)
  ! kill -0 "$(cat "$state/server.pid")" 2>/dev/null ;;
*) echo "systemctl stand-in: $*" >&2; exit 2 ;;
esac
-- cfn-signal
#!/bin/bash
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$PROGRESS_TEST_READY_URL" || true)
echo "$* readyz=$code" >>"$PROGRESS_TEST_STATE/signals"
`

type userDataRun struct {
	exitCode int
	signals  string
	output   string
	logs     string
}

// runUserData runs script as the instance would, under a temporary root,
// with store as PROGRESS_STORE and the test issuer's JWKS.
func runUserData(t *testing.T, script, store string, iss *testenv.Issuer) userDataRun {
	t.Helper()
	root := t.TempDir()
	state, bin := filepath.Join(root, "state"), filepath.Join(root, "standins")
	for _, d := range []string{state, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, part := range strings.Split(standIns, "\n-- ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	// The instance's paths, moved under root; nothing else changes.
	envDir, unitDir := filepath.Dir(systemd.EnvFilePath), filepath.Dir(systemd.UnitPath)
	script = strings.NewReplacer(
		systemd.BinaryPath, root+systemd.BinaryPath,
		envDir+"/", root+envDir+"/", envDir+"\n", root+envDir+"\n",
		unitDir+"/", root+unitDir+"/",
	).Replace(script)
	for name, value := range map[string]string{
		settings.Addr.Env: addr, settings.Store.Env: store,
		settings.JWKSURL.Env: iss.JWKSURL, settings.Issuer.Env: iss.Issuer, settings.Audience.Env: iss.Audience,
	} {
		re := regexp.MustCompile(`(?m)^` + name + `=.*$`)
		if !re.MatchString(script) {
			t.Fatalf("the user data writes no %s", name)
		}
		script = re.ReplaceAllLiteralString(script, name+"="+value)
	}
	os.MkdirAll(filepath.Dir(root+systemd.BinaryPath), 0o755)
	os.MkdirAll(root+unitDir, 0o755)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(),
		"PATH="+bin+":"+os.Getenv("PATH"),
		"PROGRESS_TEST_BINARY="+serverBin, "PROGRESS_TEST_STATE="+state, "PROGRESS_TEST_UNIT_DIR="+root+unitDir,
		"PROGRESS_TEST_READY_URL=http://"+addr+settings.ReadyPath,
	)
	out, err := cmd.CombinedOutput()
	run := userDataRun{output: string(out)}
	if ee, ok := err.(*exec.ExitError); ok {
		run.exitCode = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("user data: %v\n%s", err, out)
	}
	if pid, err := os.ReadFile(filepath.Join(state, "server.pid")); err == nil {
		var p int
		fmt.Sscan(string(pid), &p)
		if proc, err := os.FindProcess(p); err == nil && p > 0 {
			proc.Kill()
			proc.Wait()
		}
	}
	signals, _ := os.ReadFile(filepath.Join(state, "signals"))
	logs, _ := os.ReadFile(filepath.Join(state, "server.log"))
	run.signals, run.logs = string(signals), string(logs)
	return run
}

// The instance start-up script, as synthesized, run against the real
// server on PostgreSQL: CloudFormation hears success only once /readyz
// answers 200, and failure when the server cannot start.
func TestEc2UserDataSignalsReadiness(t *testing.T) {
	script, stackName, groupID := ec2UserData(t)
	iss := testenv.NewIssuer(t, "127.0.0.1:0")
	want := fmt.Sprintf("--stack %s --resource %s ", stackName, groupID)

	t.Run("ready", func(t *testing.T) {
		run := runUserData(t, script, testenv.PostgresDB(t), iss)
		if run.exitCode != 0 {
			t.Fatalf("exit %d\n%s\nserver:\n%s", run.exitCode, run.output, run.logs)
		}
		lines := strings.Split(strings.TrimSpace(run.signals), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], want) || !strings.Contains(lines[0], "--exit-code 0") {
			t.Fatalf("signals %q, want one success signal for %s", run.signals, want)
		}
		if !strings.HasSuffix(lines[0], "readyz=200") {
			t.Errorf("success was signalled before /readyz answered 200: %q", lines[0])
		}
	})
	t.Run("bad store URL", func(t *testing.T) {
		run := runUserData(t, script, "postgres://nobody@127.0.0.1:1/none?connect_timeout=1", iss)
		if run.exitCode == 0 {
			t.Fatalf("the script succeeded with a server that cannot start\n%s", run.output)
		}
		lines := strings.Split(strings.TrimSpace(run.signals), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], want) || strings.Contains(lines[0], "--exit-code 0") {
			t.Fatalf("signals %q, want one failure signal for %s", run.signals, want)
		}
		if !strings.Contains(run.output, "failed to start") {
			t.Errorf("the script does not say why:\n%s", run.output)
		}
	})
}
