package test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	rdsauth "github.com/aws/aws-sdk-go-v2/feature/rds/auth"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/progresskit/progresskit/internal/testenv"
)

// rdsProxy stands in for RDS Proxy in front of the test PostgreSQL server,
// as the Lambda function meets it: TLS required, under a certificate for
// its endpoint; each client authenticated by an IAM token (the password)
// that must be signed by the function's credentials for this endpoint,
// region and database user; then the connection is handed to the database
// under the proxy's own credentials (here the test server's superuser, on
// the test's database).
type rdsProxy struct {
	// Endpoint is host:port as the function's store URL names it.
	Endpoint string
	// CAFile is the PEM of the authority that signed the proxy's
	// certificate, for the client's trust store (SSL_CERT_FILE).
	CAFile string
	// Authenticated counts the connections admitted with a valid token.
	Authenticated atomic.Int64

	t       *testing.T
	ln      net.Listener
	tls     *tls.Config
	creds   aws.Credentials
	region  string
	backend *url.URL
}

// startRDSProxy serves on a free loopback port, as localhost, in front of
// the database at backendURL, admitting tokens signed with creds in region.
func startRDSProxy(t *testing.T, backendURL string, creds aws.Credentials, region string) *rdsProxy {
	t.Helper()
	backend, err := url.Parse(backendURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &rdsProxy{
		Endpoint: fmt.Sprintf("localhost:%d", ln.Addr().(*net.TCPAddr).Port),
		t:        t, ln: ln, creds: creds, region: region, backend: backend,
	}
	p.tls, p.CAFile = serverTLS(t, "localhost")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return p
}

func (p *rdsProxy) serve(client net.Conn) {
	defer client.Close()
	fail := func(conn io.Writer, code, format string, args ...any) {
		p.t.Logf("rds proxy: "+format, args...)
		b := pgproto3.NewBackend(nil, conn)
		b.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: code, Message: fmt.Sprintf(format, args...)})
		b.Flush()
	}
	msg, err := pgproto3.NewBackend(client, client).ReceiveStartupMessage()
	if err != nil {
		return
	}
	if _, ok := msg.(*pgproto3.SSLRequest); !ok {
		fail(client, "28000", "this proxy requires TLS")
		return
	}
	if _, err := client.Write([]byte{'S'}); err != nil {
		return
	}
	conn := tls.Server(client, p.tls)
	if err := conn.Handshake(); err != nil {
		p.t.Logf("rds proxy: TLS handshake: %v", err)
		return
	}
	fe := pgproto3.NewBackend(conn, conn)
	msg, err = fe.ReceiveStartupMessage()
	startup, ok := msg.(*pgproto3.StartupMessage)
	if err != nil || !ok {
		fail(conn, "08P01", "expected a startup message, got %T (%v)", msg, err)
		return
	}
	fe.Send(&pgproto3.AuthenticationCleartextPassword{})
	if err := fe.Flush(); err != nil {
		return
	}
	fe.SetAuthType(pgproto3.AuthTypeCleartextPassword)
	msg, err = fe.Receive()
	pw, ok := msg.(*pgproto3.PasswordMessage)
	if err != nil || !ok {
		fail(conn, "08P01", "expected a password, got %T (%v)", msg, err)
		return
	}
	if err := p.checkToken(pw.Password, startup.Parameters["user"]); err != nil {
		fail(conn, "28P01", "IAM authentication failed for user %q: %v", startup.Parameters["user"], err)
		return
	}
	p.Authenticated.Add(1)

	db, err := net.Dial("tcp", p.backend.Host)
	if err != nil {
		fail(conn, "08006", "the database is unreachable: %v", err)
		return
	}
	defer db.Close()
	params := map[string]string{}
	for k, v := range startup.Parameters {
		params[k] = v
	}
	params["user"], params["database"] = p.backend.User.Username(), strings.TrimPrefix(p.backend.Path, "/")
	be := pgproto3.NewFrontend(db, db)
	be.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: params})
	if err := be.Flush(); err != nil {
		return
	}
	// The test server trusts its superuser: it answers AuthenticationOk,
	// which the client awaits after its password, and the rest is relayed.
	go io.Copy(db, conn)
	io.Copy(conn, db)
}

// checkToken verifies an RDS IAM authentication token: a SigV4-presigned
// "connect" request for this endpoint and user, signed by p.creds for
// rds-db in p.region, within its 15 minutes.
func (p *rdsProxy) checkToken(token, user string) error {
	u, err := url.Parse("https://" + token)
	if err != nil {
		return err
	}
	q := u.Query()
	if u.Host != p.Endpoint {
		return fmt.Errorf("signed for %s, not %s", u.Host, p.Endpoint)
	}
	if q.Get("Action") != "connect" || q.Get("DBUser") != user {
		return fmt.Errorf("action %q for user %q", q.Get("Action"), q.Get("DBUser"))
	}
	scope := strings.Split(q.Get("X-Amz-Credential"), "/")
	if len(scope) != 5 || scope[0] != p.creds.AccessKeyID || scope[2] != p.region || scope[3] != "rds-db" {
		return fmt.Errorf("credential scope %q", q.Get("X-Amz-Credential"))
	}
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return err
	}
	if age := time.Since(signed); age < -time.Minute || age > 15*time.Minute {
		return fmt.Errorf("signed %v ago", age)
	}
	// Sign the same request with the same time: the signatures must agree.
	req, err := http.NewRequest("GET", "https://"+p.Endpoint+"/?"+url.Values{
		"Action": {"connect"}, "DBUser": {user}, "X-Amz-Expires": {"900"},
	}.Encode(), nil)
	if err != nil {
		return err
	}
	const emptyPayload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	want, _, err := v4.NewSigner().PresignHTTP(context.Background(), p.creds, req, emptyPayload, "rds-db", p.region, signed)
	if err != nil {
		return err
	}
	wu, _ := url.Parse(want)
	if got, w := q.Get("X-Amz-Signature"), wu.Query().Get("X-Amz-Signature"); got == "" || got != w {
		return errors.New("the signature does not match the function's credentials")
	}
	return nil
}

// The stand-in refuses what RDS Proxy refuses: no TLS, and a token not
// signed by the function's credentials; it admits a good token.
func TestRDSProxyStandInChecksTokens(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKIDPROGRESSTEST", SecretAccessKey: "progress-test-secret"}
	p := startRDSProxy(t, testenv.PostgresDB(t), creds, "us-east-1")
	connect := func(sslmode string, c aws.Credentials) error {
		token, err := rdsauth.BuildAuthToken(context.Background(), p.Endpoint, "us-east-1", "progress", credentials.StaticCredentialsProvider{Value: c})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, (&url.URL{Scheme: "postgres", User: url.UserPassword("progress", token), Host: p.Endpoint, Path: "/progress",
			RawQuery: url.Values{"sslmode": {sslmode}, "sslrootcert": {p.CAFile}}.Encode()}).String())
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		var one int
		return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
	}
	if err := connect("disable", creds); err == nil || !strings.Contains(err.Error(), "requires TLS") {
		t.Errorf("without TLS: %v", err)
	}
	forged := creds
	forged.SecretAccessKey = "not-the-function's"
	if err := connect("verify-full", forged); err == nil || !strings.Contains(err.Error(), "IAM authentication failed") {
		t.Errorf("a forged token: %v", err)
	}
	if err := connect("verify-full", creds); err != nil {
		t.Errorf("a good token: %v", err)
	}
	if n := p.Authenticated.Load(); n != 1 {
		t.Errorf("%d connections admitted, want 1", n)
	}
}
