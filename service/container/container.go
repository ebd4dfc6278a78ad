// Package container holds the Dockerfile of the progress server's image,
// embedded so that the Fargate construct and the container test build
// exactly this file.
package container

import _ "embed"

// Dockerfile builds the FROM scratch image.
//
//go:embed Dockerfile
var Dockerfile string

// User is the image's numeric non-root user (USER in the Dockerfile).
const User = "65532:65532"

// BinaryName is the server binary for goarch in the build context; the
// Dockerfile picks it by the platform's TARGETARCH.
func BinaryName(goarch string) string { return "progress-server-" + goarch }
