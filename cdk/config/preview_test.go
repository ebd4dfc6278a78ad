package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// pr-N takes the template env's settings, disposable and with nothing
// only one env may own; without a template, or for a name that is not
// pr-N, it is refused with what would be valid.
func TestPreviewEnvs(t *testing.T) {
	envs := repoEnvironments(t)
	preview := WithPreview(map[string]any{"from": "dev"})
	dev, err := Select("dev", "", "", envs)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := Select("pr-7", "", "", envs, preview)
	if err != nil {
		t.Fatal(err)
	}
	want := dev.Settings
	want.Production, want.AlarmEmail, want.DomainName, want.CertificateArn, want.HostedZoneID, want.GitHubRepository = false, "", "", "", "", ""
	if !sel.Preview || sel.Env != "pr-7" || !reflect.DeepEqual(sel.Settings, want) {
		t.Errorf("pr-7: %+v, want dev's settings made disposable", sel)
	}
	// From prod: still disposable, and prod's domain and pipeline stay prod's.
	b, _ := Select("pr-8", "", "", withProdDomain(t, envs), WithPreview(map[string]any{"from": "prod"}))
	if b.Settings.Production || b.Settings.DomainName != "" || b.Settings.GitHubRepository != "" || b.Settings.Region == "" {
		t.Errorf("pr-8 from prod: %+v", b.Settings)
	}
	for env, wantErr := range map[string]string{
		"pr-07": `unknown env "pr-07"`,
		"pr-x":  `unknown env "pr-x"`,
	} {
		if _, err := Select(env, "", "", envs, preview); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: %v", env, err)
		}
	}
	if _, err := Select("pr-7", "", "", envs); err == nil || !strings.Contains(err.Error(), ContextPreview) {
		t.Errorf("no template: %v", err)
	}
	if _, err := Select("dev", "", "", envs, WithPreview(map[string]any{"from": "qa"})); err == nil || !strings.Contains(err.Error(), `from "qa" is not an env; valid values are dev, prod`) {
		t.Errorf("a template from an unknown env: %v", err)
	}
	if _, err := Select("dev", "", "", envs, WithPreview(map[string]any{"from": "dev", "maxAge": 3})); err == nil || !strings.Contains(err.Error(), `unknown field "maxAge"`) {
		t.Errorf("a misspelt template field: %v", err)
	}
}

func withProdDomain(t *testing.T, envs map[string]any) map[string]any {
	t.Helper()
	prod := envs["prod"].(map[string]any)
	out := map[string]any{}
	for k, v := range envs {
		out[k] = v
	}
	p := map[string]any{}
	for k, v := range prod {
		p[k] = v
	}
	p["domainName"], p["certificateArn"], p["githubRepository"] = "progress.example.com", "arn:aws:acm:us-east-1:123456789012:certificate/abc", "example/learning"
	out["prod"] = p
	return out
}

// The clean-up destroys a preview when its oldest stack passes the age
// limit, and never touches a stack that is not a preview's.
func TestExpiredPreviews(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(-time.Duration(h) * time.Hour) }
	stacks := []DeployedStack{
		{"Progress-pr-7-Identity", at(80)}, {"Progress-pr-7-Lambda", at(2)}, // old: its first stack is 80 h old
		{"Progress-pr-12-Data", at(10)}, {"Progress-pr-12-Lambda", at(10)}, // young
		{"Progress-dev-Data", at(900)}, {"Progress-prod-Lambda", at(900)}, // not previews
		{"Progress-pr-0-Data", at(900)}, {"Other-pr-9-Data", at(900)}, {"Progress-pr-9", at(900)}, // not ours
		{"Progress-pr-31-Fargate", at(73)},
	}
	if got := ExpiredPreviews(stacks, 72*time.Hour, now); !reflect.DeepEqual(got, []string{"pr-31", "pr-7"}) {
		t.Errorf("expired %v, want pr-31 and pr-7", got)
	}
	if got := (Preview{}).MaxAge(); got != DefaultPreviewMaxAgeHours*time.Hour {
		t.Errorf("default max age %v", got)
	}
}
