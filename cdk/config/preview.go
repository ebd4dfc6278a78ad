package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A pull request's preview environment is named pr-N; its settings are a
// template env's (cdk.json's "progresskit:preview": {"from": "dev"}),
// made disposable and stripped of what only one env may own.
const (
	PreviewPrefix = "pr-"
	// PreviewGitHubEnvironment is the GitHub environment whose jobs deploy
	// and destroy previews, the only ones the preview role trusts.
	PreviewGitHubEnvironment = "preview"
	// DefaultPreviewMaxAgeHours is how long a preview lives without
	// maxAgeHours: the scheduled clean-up destroys it after that.
	DefaultPreviewMaxAgeHours = 72
)

var (
	previewRE      = regexp.MustCompile(`^` + PreviewPrefix + `[1-9][0-9]{0,8}$`)
	previewStackRE = regexp.MustCompile(`^` + regexp.QuoteMeta(StackPrefix) + `(` + PreviewPrefix + `[1-9][0-9]{0,8})-[A-Za-z0-9]+$`)
)

// IsPreviewEnv reports whether env names a pull request's preview.
func IsPreviewEnv(env string) bool { return previewRE.MatchString(env) }

// PreviewEnv is the env of pull request number n.
func PreviewEnv(n int) string { return PreviewPrefix + strconv.Itoa(n) }

// Preview is cdk.json's preview template.
type Preview struct {
	// From is the env whose settings (account, region, sizes, arch and
	// store) a preview takes.
	From string `json:"from"`
	// MaxAgeHours is how long a preview may live before the scheduled
	// clean-up destroys it; 0 is DefaultPreviewMaxAgeHours.
	MaxAgeHours int `json:"maxAgeHours,omitempty"`
}

// MaxAge is how long a preview may live.
func (p Preview) MaxAge() time.Duration {
	h := p.MaxAgeHours
	if h == 0 {
		h = DefaultPreviewMaxAgeHours
	}
	return time.Duration(h) * time.Hour
}

// Option changes what Select accepts.
type Option func(*options)

type options struct{ preview any }

// WithPreview lets Select derive pr-N envs from raw, the context value of
// ContextPreview (nil: previews are off).
func WithPreview(raw any) Option { return func(o *options) { o.preview = raw } }

// ParsePreview reads the context value of ContextPreview; nil when absent.
func ParsePreview(raw any) (*Preview, error) {
	if raw == nil {
		return nil, nil
	}
	b, err := contextJSON(raw)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Preview
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", ContextPreview, err)
	}
	if p.MaxAgeHours < 0 || p.MaxAgeHours > 24*90 {
		return nil, fmt.Errorf("%s: maxAgeHours %d is outside 0 to %d", ContextPreview, p.MaxAgeHours, 24*90)
	}
	return &p, nil
}

// parsePreviewOf reads the preview template and checks its env exists.
func parsePreviewOf(raw any, envs map[string]Settings) (*Preview, error) {
	p, err := ParsePreview(raw)
	if err != nil || p == nil {
		return p, err
	}
	if _, ok := envs[p.From]; !ok {
		return nil, fmt.Errorf("%s: from %q is not an env; valid values are %s", ContextPreview, p.From, strings.Join(sortedKeys(envs), ", "))
	}
	return p, nil
}

// forPreview is s for a pull request: everything disposable, and nothing
// that one env alone may own (a domain, the deploy pipeline's roles) or
// that would page anyone.
func (s Settings) forPreview() Settings {
	s.Production = false
	s.DomainName, s.CertificateArn, s.HostedZoneID = "", "", ""
	s.GitHubRepository, s.GitHubOIDCProviderARN = "", ""
	s.AlarmEmail = ""
	return s
}

// DeployedStack is a CloudFormation stack as 'aws cloudformation
// describe-stacks' lists it.
type DeployedStack struct {
	StackName    string
	CreationTime time.Time
}

// ExpiredPreviews are the preview envs among stacks whose oldest stack was
// created more than maxAge before now, in order: the ones the scheduled
// clean-up destroys.
func ExpiredPreviews(stacks []DeployedStack, maxAge time.Duration, now time.Time) []string {
	oldest := map[string]time.Time{}
	for _, st := range stacks {
		m := previewStackRE.FindStringSubmatch(st.StackName)
		if m == nil {
			continue
		}
		if t, seen := oldest[m[1]]; !seen || st.CreationTime.Before(t) {
			oldest[m[1]] = st.CreationTime
		}
	}
	var out []string
	for env, created := range oldest {
		if now.Sub(created) > maxAge {
			out = append(out, env)
		}
	}
	sort.Strings(out)
	return out
}
