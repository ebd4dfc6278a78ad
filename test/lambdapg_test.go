package test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/cdk/stacks"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/settings"
)

// lambdaTemplateEnv synthesizes env's Lambda stack on store, as 'cdk
// deploy -c env=ENV -c arch=lambda -c store=STORE' would, and returns the
// function's environment with CloudFormation's references rendered as
// placeholders (renderCfn), and the stack's region.
func lambdaTemplateEnv(t *testing.T, env, store string) (map[string]string, string) {
	t.Helper()
	raw, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Context map[string]any }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc.Context[config.ContextEnv], doc.Context[config.ContextArch], doc.Context[config.ContextStore] = env, deploy.Lambda, store
	b, err := stacks.Build(awscdk.NewApp(&awscdk.AppProps{Context: &doc.Context}))
	if err != nil {
		t.Fatal(err)
	}
	region := b.Selection.Settings.Region
	tpl := assertions.Template_FromStack(b.Lambda.Stack, nil)
	for _, fn := range *tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil) {
		p := (*fn)["Properties"].(map[string]any)
		if p["Description"] != lambdaservice.Description {
			continue
		}
		vars := p["Environment"].(map[string]any)["Variables"].(map[string]any)
		out := map[string]string{}
		for k, v := range vars {
			out[k] = renderCfn(t, v, region, *b.Lambda.Stack.StackName())
		}
		return out, region
	}
	t.Fatal("no function runs bootstrap")
	return nil, ""
}

// TestLambdaOnPostgresThroughRDSProxy runs the real PostgreSQL bootstrap
// under the Lambda runtime harness with the environment its template gives
// it, in front of a stand-in for RDS Proxy (TLS required, IAM tokens
// checked against the function's credentials) before the test PostgreSQL
// server, and passes the smoke scenarios. Only what a deployment decides
// is substituted: the proxy's endpoint and the user pool's client id (the
// harness stands in for API Gateway's JWT authorizer).
func TestLambdaOnPostgresThroughRDSProxy(t *testing.T) {
	vars, region := lambdaTemplateEnv(t, "prod", deploy.Postgres)
	creds := aws.Credentials{AccessKeyID: "AKIDPROGRESSFUNCTION", SecretAccessKey: "function-role-secret", SessionToken: "function-session"}
	proxy := startRDSProxy(t, testenv.PostgresDB(t), creds, region)

	storeURL := vars[settings.Store.Env]
	if !strings.HasPrefix(storeURL, "postgres-iam://") || !strings.Contains(storeURL, "?region="+region) {
		t.Fatalf("the template's store URL %q", storeURL)
	}
	endpoint := strings.SplitN(strings.SplitN(strings.TrimPrefix(storeURL, "postgres-iam://"), "@", 2)[1], "/", 2)[0]
	if !strings.HasPrefix(endpoint, "getatt-") || !strings.Contains(endpoint, "Proxy") || !strings.HasSuffix(endpoint, "-Endpoint:5432") {
		t.Fatalf("the store URL does not name the proxy's endpoint: %q", endpoint)
	}
	vars[settings.Store.Env] = strings.Replace(storeURL, endpoint, proxy.Endpoint, 1)
	vars[settings.Audience.Env] = auth.DevAudience
	env := []string{"AWS_REGION=" + region, "AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + creds.SessionToken, "SSL_CERT_FILE=" + proxy.CAFile}
	for k, v := range vars {
		if strings.Contains(v, "getatt-") || strings.Contains(v, "ref-") || strings.Contains(v, "import-") {
			t.Fatalf("%s=%s needs a deployment's value this test does not give", k, v)
		}
		env = append(env, k+"="+v)
	}

	rt := newRuntimeAPI(t)
	startBootstrapBin(t, bootstrapPGBin, rt, env...)
	tok, admin := devTokens(t, "lambda-pg-learner")
	runProbe(t, probe.Target{BaseURL: "https://api.example.com", Client: &http.Client{Transport: &apiGateway{rt: rt, key: devKey}}, Token: tok, AdminToken: admin})
	if proxy.Authenticated.Load() == 0 {
		t.Error("no connection came through the proxy with an IAM token")
	}
}
