package container

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/progresskit/progresskit/service/settings"
)

// The Dockerfile cannot import Go constants, so this keeps its facts equal
// to the ones the constructs read.
func TestDockerfileAgreesWithSettings(t *testing.T) {
	for what, pattern := range map[string]string{
		"user":   `(?m)^USER ` + regexp.QuoteMeta(User) + `$`,
		"port":   fmt.Sprintf(`(?m)^EXPOSE %d$`, settings.Port),
		"addr":   fmt.Sprintf(`(?m)^ENV %s=0\.0\.0\.0:%d$`, settings.Addr.Env, settings.Port),
		"binary": `(?m)^COPY ` + regexp.QuoteMeta(BinaryName("${TARGETARCH}")) + ` /progress-server$`,
		"entry":  `(?m)^ENTRYPOINT \["/progress-server"\]$`,
	} {
		if !regexp.MustCompile(pattern).MatchString(Dockerfile) {
			t.Errorf("the Dockerfile's %s does not match %s", what, pattern)
		}
	}
}
