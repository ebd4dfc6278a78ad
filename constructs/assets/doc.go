// Package assets builds what the constructs deploy, at synthesis, wherever
// the importing CDK app lives: the Lambda bootstrap, the server binary for
// EC2, the build context of the container image, and the Fargate
// variant's blue/green probe hook.
//
// It builds from the progresskit module that the app's go.mod resolves
// (its directory from 'go list -m'), inside that module's own directory, so
// the build uses progresskit's go.sum rather than the app's. The compiler
// is the Go toolchain the app runs under. Builds are reproducible
// (-trimpath, no VCS stamp, no build id), and every asset is hashed by its
// output, so a service that did not change makes no new asset.
//
// Synthesis never needs Docker. Deploying the Fargate variant builds the
// image from the context written here, which needs docker or podman
// (CDK_DOCKER=podman), as every CDK container image asset does.
package assets
