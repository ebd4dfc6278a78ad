// Package assets locates the service binaries that 'make cdk-assets' builds
// (arm64, static, stripped) for the constructs to deploy; synthesis never
// needs Docker or a Go toolchain of its own.
package assets

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

// Directories under the repository root, as the Makefile writes them.
const (
	LambdaDir = "build/lambda" // holds bootstrap, for provided.al2023
	ServerDir = "build/server" // holds progress, for EC2 and the container
)

// Root finds the repository root (the directory holding go.mod) from the
// working directory up; the CDK CLI and go test both run below it.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: run synthesis inside the progresskit repository")
		}
		dir = parent
	}
}

// Path returns an asset directory, checking that 'make cdk-assets' built it.
func Path(dir, file string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, dir)
	if _, err := os.Stat(filepath.Join(p, file)); err != nil {
		return "", fmt.Errorf("%s/%s is missing: run 'make cdk-assets' (or 'make synth') first", dir, file)
	}
	return p, nil
}

// LambdaCode is the Lambda bootstrap asset.
func LambdaCode() (awslambda.Code, error) {
	p, err := Path(LambdaDir, "bootstrap")
	if err != nil {
		return nil, err
	}
	return awslambda.Code_FromAsset(&p, nil), nil
}
