package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// ingress admits the hook's own public address to the test listener while
// it probes. Two EC2 calls are all it makes, so it signs them itself
// rather than link the EC2 client, which would triple the function's
// size and build time.
type ingress struct {
	group, checkIP, endpoint, region string
	port                             int
	creds                            aws.CredentialsProvider
	http                             *http.Client
}

// ec2APIVersion is the EC2 Query API's current version.
const ec2APIVersion = "2016-11-15"

// ruleDescription marks the rule as the hook's, for whoever finds it.
const ruleDescription = "progress probe hook, removed when the probe ends"

func newIngress(cfg aws.Config, group string, port int, checkIP, endpoint string, client *http.Client) *ingress {
	if endpoint == "" {
		endpoint = "https://ec2." + cfg.Region + ".amazonaws.com"
		if strings.HasPrefix(cfg.Region, "cn-") {
			endpoint += ".cn"
		}
	}
	return &ingress{group: group, port: port, checkIP: checkIP, endpoint: endpoint, region: cfg.Region, creds: cfg.Credentials, http: client}
}

// egressIP is the address this function's requests leave from, as the
// load balancer will see it.
func (g *ingress) egressIP(ctx context.Context) (netip.Addr, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.checkIP, nil)
	if err != nil {
		return netip.Addr{}, err
	}
	res, err := g.http.Do(req)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("own public address: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 256))
	ip, err := netip.ParseAddr(strings.TrimSpace(string(body)))
	if res.StatusCode != http.StatusOK || err != nil || !ip.Is4() {
		return netip.Addr{}, fmt.Errorf("own public address: %s answered %d %q", g.checkIP, res.StatusCode, body)
	}
	return ip, nil
}

// open admits ip on the test port; a rule already there (a retried
// invocation) is fine.
func (g *ingress) open(ctx context.Context, ip netip.Addr) error {
	code, err := g.call(ctx, "AuthorizeSecurityGroupIngress", ip)
	if code == "InvalidPermission.Duplicate" {
		return nil
	}
	return err
}

// close revokes what open added; a rule already gone is fine.
func (g *ingress) close(ctx context.Context, ip netip.Addr) error {
	code, err := g.call(ctx, "RevokeSecurityGroupIngress", ip)
	if code == "InvalidPermission.NotFound" {
		return nil
	}
	return err
}

// call makes one signed EC2 Query API request about ip's rule on the test
// port, and returns EC2's error code with the error.
func (g *ingress) call(ctx context.Context, action string, ip netip.Addr) (string, error) {
	form := url.Values{
		"Action":                                 {action},
		"Version":                                {ec2APIVersion},
		"GroupId":                                {g.group},
		"IpPermissions.1.IpProtocol":             {"tcp"},
		"IpPermissions.1.FromPort":               {strconv.Itoa(g.port)},
		"IpPermissions.1.ToPort":                 {strconv.Itoa(g.port)},
		"IpPermissions.1.IpRanges.1.CidrIp":      {ip.String() + "/32"},
		"IpPermissions.1.IpRanges.1.Description": {ruleDescription},
	}
	if action == "RevokeSecurityGroupIngress" {
		// A revoke matches on the rule alone.
		form.Del("IpPermissions.1.IpRanges.1.Description")
	}
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.endpoint+"/", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	creds, err := g.creds.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: credentials: %w", action, err)
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ec2", g.region, time.Now()); err != nil {
		return "", fmt.Errorf("%s: sign: %w", action, err)
	}
	res, err := g.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", action, err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode == http.StatusOK {
		return "", nil
	}
	var e struct {
		Errors []struct{ Code, Message string } `xml:"Errors>Error"`
	}
	if xml.Unmarshal(answer, &e) == nil && len(e.Errors) > 0 {
		return e.Errors[0].Code, fmt.Errorf("%s on %s: %s: %s", action, g.group, e.Errors[0].Code, e.Errors[0].Message)
	}
	return "", fmt.Errorf("%s on %s: %d %s", action, g.group, res.StatusCode, answer)
}
