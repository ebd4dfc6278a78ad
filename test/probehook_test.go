package test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/settings"
)

// ecsHookEvent is a lifecycle event as ECS sends it to a hook.
const ecsHookEvent = `{"executionDetails":{"testTrafficWeights":{},"productionTrafficWeights":{},` +
	`"serviceArn":"arn:aws:ecs:us-east-1:123456789012:service/progress/Progress-prod-Fargate-Service",` +
	`"targetServiceRevisionArn":"arn:aws:ecs:us-east-1:123456789012:service-revision/progress/Progress-prod-Fargate-Service/4183792851"},` +
	`"executionId":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111","lifecycleStage":"POST_TEST_TRAFFIC_SHIFT",` +
	`"resourceArn":"arn:aws:ecs:us-east-1:123456789012:service-deployment/progress/Progress-prod-Fargate-Service/EXAMPLE"}`

// TestProbeHook runs the real pre-traffic hook binary, built as the
// Fargate construct builds it, over the Lambda runtime protocol: it signs
// its probe users in to a stand-in Cognito (tokens from a local issuer
// that the server trusts), probes the "test listener", and answers ECS.
func TestProbeHook(t *testing.T) {
	bin := buildProbeHook(t)
	iss := testenv.NewIssuer(t, "127.0.0.1:0")
	dir := t.TempDir()
	srv := startDeployed(t, dir, nil, "--auth", settings.AuthJWKS, "--jwks-url", iss.JWKSURL, "--issuer", iss.Issuer,
		"--audience", iss.Audience, "--store", "sqlite://"+filepath.Join(dir, "p.db"))

	t.Run("passes on a healthy server", func(t *testing.T) {
		pool := newCognito(t, iss)
		hook := startHook(t, bin, pool, srv.URL)
		for run := 1; run <= 2; run++ { // the second finds the users there
			if status := invokeHook(t, hook); status != "SUCCEEDED" {
				t.Fatalf("run %d: hookStatus %q, want SUCCEEDED", run, status)
			}
			pool.checkAfterRun(t, 2)
		}
		if p := pool.passwords[hookenv.LearnerUsername]; len(p) != 2 || p[0] == p[1] {
			t.Errorf("the learner's passwords over two runs: %d, want two different ones", len(p))
		}
	})

	t.Run("fails on a server that answers 500", func(t *testing.T) {
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"error":{"code":"internal","message":"internal error"}}`)
		}))
		t.Cleanup(broken.Close)
		pool := newCognito(t, iss)
		hook := startHook(t, bin, pool, broken.URL)
		if status := invokeHook(t, hook); status != "FAILED" {
			t.Fatalf("hookStatus %q, want FAILED", status)
		}
		hook.failedBecause(t, fmt.Sprintf("%d of %d scenarios failed: health and readiness", len(probe.Names()), len(probe.Names())))
		pool.checkAfterRun(t, 2)
	})

	t.Run("fails when the probe users cannot sign in", func(t *testing.T) {
		pool := newCognito(t, iss)
		pool.challenge = "SOFTWARE_TOKEN_MFA"
		hook := startHook(t, bin, pool, srv.URL)
		if status := invokeHook(t, hook); status != "FAILED" {
			t.Fatalf("hookStatus %q, want FAILED", status)
		}
		hook.failedBecause(t, "the pool asks for SOFTWARE_TOKEN_MFA")
		pool.checkAfterRun(t, 1) // the learner, first, stops the run
	})

	// Over HTTPS the hook reaches the balancer by its own name and verifies
	// the certificate as the custom domain's, which it names alone.
	t.Run("verifies the certificate as the domain's", func(t *testing.T) {
		listener, roots := tlsListener(t, srv.URL, "progress.example.com")
		pool := newCognito(t, iss)
		hook := startHook(t, bin, pool, listener.URL, "SSL_CERT_FILE="+roots, hookenv.TLSServerName+"=progress.example.com")
		if status := invokeHook(t, hook); status != "SUCCEEDED" {
			t.Fatalf("hookStatus %q, want SUCCEEDED", status)
		}
		unnamed := startHook(t, bin, newCognito(t, iss), listener.URL, "SSL_CERT_FILE="+roots)
		if status := invokeHook(t, unnamed); status != "FAILED" {
			t.Fatalf("without the domain's name: hookStatus %q, want FAILED", status)
		}
		unnamed.failedBecause(t, "tls: failed to verify certificate")
	})

	// The test listener admits nobody until the hook adds a rule for its
	// own address, and nobody once it has revoked it: a stand-in for the
	// security group drops connections from outside the rule.
	t.Run("admits its own address while it probes", func(t *testing.T) {
		sg := newSecurityGroup(t, srv.URL)
		pool := newCognito(t, iss)
		hook := startHook(t, bin, pool, sg.listener.URL,
			hookenv.SecurityGroupID+"="+sg.id, "AWS_ENDPOINT_URL_EC2="+sg.ec2.URL, hookenv.CheckIPURL+"="+sg.checkIP.URL)
		if status := invokeHook(t, hook); status != "SUCCEEDED" {
			t.Fatalf("hookStatus %q, want SUCCEEDED", status)
		}
		pool.checkAfterRun(t, 2)
		sg.mu.Lock()
		defer sg.mu.Unlock()
		port := sg.listener.Listener.Addr().(*net.TCPAddr).Port
		want := []string{
			fmt.Sprintf("AuthorizeSecurityGroupIngress %s tcp %d-%d 203.0.113.9/32", sg.id, port, port),
			fmt.Sprintf("RevokeSecurityGroupIngress %s tcp %d-%d 203.0.113.9/32", sg.id, port, port),
		}
		if !slices.Equal(sg.calls, want) {
			t.Errorf("EC2 calls %q, want %q", sg.calls, want)
		}
		if sg.admitted == 0 || sg.dropped == 0 {
			t.Errorf("%d requests admitted, %d dropped before the rule applied: want some of each", sg.admitted, sg.dropped)
		}
	})
}

// buildProbeHook builds the hook as the constructs do.
func buildProbeHook(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "probehook")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-tags", strings.Join(assets.ProbeHook().Tags, ","), "-o", bin, "../service/cmd/probehook")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the hook: %v\n%s", err, out)
	}
	return bin
}

func startHook(t *testing.T, bin string, pool *cognito, probeURL string, env ...string) *lambdaProcess {
	t.Helper()
	return startLambda(t, bin, newRuntimeAPI(t), append([]string{
		hookenv.URL + "=" + probeURL, hookenv.UserPoolID + "=" + pool.id, hookenv.ClientID + "=" + pool.clientID,
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=" + pool.srv.URL}, env...)...)
}

// failedBecause checks the hook logged why it failed. Its stderr reaches
// the log through a pipe, so the line may arrive just after the answer.
func (h *lambdaProcess) failedBecause(t *testing.T, want string) {
	t.Helper()
	var rec struct{ Level, Msg, Error string }
	found := h.waitForLog(10*time.Second, func(line string) bool {
		return json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "the probe failed: the deployment rolls back"
	})
	if !found {
		t.Errorf("the hook logged no reason for failing")
	} else if !strings.Contains(rec.Error, want) {
		t.Errorf("the hook failed because %q, want %q", rec.Error, want)
	}
}

// invokeHook sends the hook ECS's event and returns its hookStatus.
func invokeHook(t *testing.T, h *lambdaProcess) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	res, err := h.rt.Invoke(ctx, []byte(ecsHookEvent))
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("the hook failed instead of answering a hookStatus: %s", res.Body)
	}
	var out map[string]any
	if err := json.Unmarshal(res.Body, &out); err != nil {
		t.Fatalf("answer %s: %v", res.Body, err)
	}
	if len(out) != 1 {
		t.Errorf("answer %s: want hookStatus alone", res.Body)
	}
	status, _ := out["hookStatus"].(string)
	return status
}

// cognito stands in for the Cognito user pool API (JSON 1.1 over HTTP) as
// far as the hook uses it, and issues access tokens from the local issuer
// the server trusts, as the pool would for the probe app client.
type cognito struct {
	srv       *httptest.Server
	id        string
	clientID  string
	challenge string // an auth challenge instead of tokens (a pool requiring MFA)
	mu        sync.Mutex
	users     map[string]*poolUser
	passwords map[string][]string
}

type poolUser struct {
	sub, password      string
	enabled, admin     bool
	signedOutAfterAuth bool
	authenticated      bool
}

func newCognito(t *testing.T, iss *testenv.Issuer) *cognito {
	c := &cognito{id: "us-east-1_Probe1234", clientID: iss.Audience, users: map[string]*poolUser{}, passwords: map[string][]string{}}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
		var in struct {
			UserPoolId, Username, GroupName, Password, ClientId, AuthFlow, MessageAction string
			Permanent                                                                    bool
			AuthParameters                                                               map[string]string
		}
		json.NewDecoder(r.Body).Decode(&in)
		if op == "AdminInitiateAuth" {
			in.Username = in.AuthParameters["USERNAME"]
		}
		fail := func(kind, msg string) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"__type": kind, "message": msg})
		}
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			fail("MissingAuthenticationTokenException", "unsigned request")
			return
		}
		if in.UserPoolId != c.id {
			fail("ResourceNotFoundException", "no pool "+in.UserPoolId)
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		u := c.users[in.Username]
		if u == nil && op != "AdminCreateUser" {
			fail("UserNotFoundException", "User does not exist.")
			return
		}
		var out any = map[string]any{}
		switch op {
		case "AdminCreateUser":
			if u != nil {
				fail("UsernameExistsException", "User account already exists")
				return
			}
			if in.MessageAction != "SUPPRESS" {
				t.Errorf("%s created with MessageAction %q: an invitation would be sent", in.Username, in.MessageAction)
			}
			c.users[in.Username] = &poolUser{sub: fmt.Sprintf("probe-sub-%d", len(c.users)+1), enabled: true}
		case "AdminEnableUser":
			u.enabled = true
		case "AdminDisableUser":
			u.enabled = false
		case "AdminAddUserToGroup":
			if in.GroupName != settings.AdminGroup {
				t.Errorf("%s added to group %q", in.Username, in.GroupName)
			}
			u.admin = true
		case "AdminSetUserPassword":
			if !in.Permanent {
				t.Errorf("%s's password is temporary: sign-in would meet NEW_PASSWORD_REQUIRED", in.Username)
			}
			u.password = in.Password
			c.passwords[in.Username] = append(c.passwords[in.Username], in.Password)
		case "AdminInitiateAuth":
			if in.ClientId != c.clientID || in.AuthFlow != "ADMIN_USER_PASSWORD_AUTH" {
				fail("InvalidParameterException", "client "+in.ClientId+" flow "+in.AuthFlow)
				return
			}
			if !u.enabled || u.password == "" || in.AuthParameters["PASSWORD"] != u.password {
				fail("NotAuthorizedException", "Incorrect username or password.")
				return
			}
			u.authenticated, u.signedOutAfterAuth = true, false
			if c.challenge != "" {
				out = map[string]any{"ChallengeName": c.challenge, "Session": "s", "ChallengeParameters": map[string]string{}}
				break
			}
			out = map[string]any{"ChallengeParameters": map[string]string{}, "AuthenticationResult": map[string]any{
				"AccessToken": iss.Token(t, u.sub, u.admin), "ExpiresIn": 300, "TokenType": "Bearer",
			}}
		case "AdminUserGlobalSignOut":
			u.signedOutAfterAuth = true
		default:
			fail("InvalidActionException", "the stand-in does not serve "+op)
			t.Errorf("the hook called %s", op)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// checkAfterRun: the probe users the run got to create exist, only the
// admin in the admin group, and are signed out and disabled again.
func (c *cognito) checkAfterRun(t *testing.T, created int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.users) != created {
		t.Fatalf("%d users, want %d: %v", len(c.users), created, c.users)
	}
	for name, admin := range map[string]bool{hookenv.LearnerUsername: false, hookenv.AdminUsername: true} {
		u := c.users[name]
		switch {
		case u == nil:
		case u.admin != admin:
			t.Errorf("%s in the admin group: %v", name, u.admin)
		case u.enabled:
			t.Errorf("%s is left enabled", name)
		case u.authenticated && !u.signedOutAfterAuth:
			t.Errorf("%s is not signed out after the probe", name)
		}
	}
}

// securityGroup stands in for the load balancer's security group, the EC2
// API that edits it, and checkip.amazonaws.com: the listener drops every
// connection until a rule admits the hook's address on its port, applied
// a second after the call, as EC2 takes a moment to.
type securityGroup struct {
	id                     string
	listener, ec2, checkIP *httptest.Server
	mu                     sync.Mutex
	calls                  []string
	open                   bool
	admitted, dropped      int
}

func newSecurityGroup(t *testing.T, backend string) *securityGroup {
	target, _ := url.Parse(backend)
	sg := &securityGroup{id: "sg-0123456789abcdef0"}
	proxy := httputil.NewSingleHostReverseProxy(target)
	sg.listener = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sg.mu.Lock()
		open := sg.open
		if open {
			sg.admitted++
		} else {
			sg.dropped++
		}
		sg.mu.Unlock()
		if !open {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(sg.listener.Close)
	sg.checkIP = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "203.0.113.9\n") }))
	t.Cleanup(sg.checkIP.Close)
	sg.ec2 = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f := r.PostForm
		if !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/ec2/aws4_request") {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `<Response><Errors><Error><Code>AuthFailure</Code><Message>unsigned</Message></Error></Errors></Response>`)
			return
		}
		call := fmt.Sprintf("%s %s %s %s-%s %s", f.Get("Action"), f.Get("GroupId"), f.Get("IpPermissions.1.IpProtocol"),
			f.Get("IpPermissions.1.FromPort"), f.Get("IpPermissions.1.ToPort"), f.Get("IpPermissions.1.IpRanges.1.CidrIp"))
		sg.mu.Lock()
		sg.calls = append(sg.calls, call)
		sg.mu.Unlock()
		switch f.Get("Action") {
		case "AuthorizeSecurityGroupIngress":
			time.AfterFunc(time.Second, func() { sg.mu.Lock(); sg.open = true; sg.mu.Unlock() })
		case "RevokeSecurityGroupIngress":
			sg.mu.Lock()
			sg.open = false
			sg.mu.Unlock()
		}
		fmt.Fprintf(w, `<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><return>true</return></%sResponse>`, f.Get("Action"), f.Get("Action"))
	}))
	t.Cleanup(sg.ec2.Close)
	return sg
}

// tlsListener serves HTTPS in front of backend with a certificate for name
// alone, and returns it with the file of roots that trust it.
func tlsListener(t *testing.T, backend, name string) (*httptest.Server, string) {
	t.Helper()
	cfg, roots := serverTLS(t, name)
	target, _ := url.Parse(backend)
	l := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(target))
	l.TLS = cfg
	l.StartTLS()
	t.Cleanup(l.Close)
	return l, roots
}
