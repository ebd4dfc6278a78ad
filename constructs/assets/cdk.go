package assets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecrassets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/service/container"
)

// localBuild is the CDK's local bundler for one binary: the CDK calls it
// when a stack that uses the asset is synthesized, so 'cdk deploy' of one
// stack builds only what that stack deploys.
type localBuild struct {
	binary Binary
	goarch string
}

var _ awscdk.ILocalBundling = (*localBuild)(nil)

// TryBundle builds into outputDir. On failure it says why and returns
// false; the CDK then reports that it cannot bundle.
func (l *localBuild) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	if err := l.binary.Build(l.goarch, filepath.Join(*outputDir, l.binary.Name)); err != nil {
		fmt.Fprintln(os.Stderr, "progresskit:", err)
		return jsii.Bool(false)
	}
	return jsii.Bool(true)
}

// bundled is the asset options of binary, built locally and hashed by
// output. The image is never pulled: it is named only because the CDK
// requires one for when a local build is not possible.
func bundled(binary Binary, output awscdk.BundlingOutput) (*string, *awss3assets.AssetOptions) {
	dir, err := ModuleDir()
	if err != nil {
		panic(err.Error())
	}
	return jsii.String(dir), &awss3assets.AssetOptions{
		AssetHashType: awscdk.AssetHashType_OUTPUT,
		Bundling: &awscdk.BundlingOptions{
			Image: awscdk.DockerImage_FromRegistry(jsii.String("progresskit-builds-locally-with-go")),
			// The CDK reuses a bundle of the same source and options within
			// an app and sees nothing inside the local bundler, so the build
			// is spelt out here: without it every store's stack would get
			// the first one's binary.
			Command:     jsii.Strings("go", "build", "-tags", strings.Join(binary.Tags, ","), "-o", "/asset-output/"+binary.Name, binary.Package),
			Environment: &map[string]*string{"GOOS": jsii.String("linux"), "GOARCH": jsii.String(DeployArch)},
			Local:       &localBuild{binary: binary, goarch: DeployArch},
			OutputType:  output,
		},
	}
}

// LambdaCode is the arm64 bootstrap for store as Lambda code: a zip
// holding one executable named bootstrap.
func LambdaCode(store string) awslambda.Code {
	path, opts := bundled(Bootstrap(store), awscdk.BundlingOutput_NOT_ARCHIVED)
	return awslambda.Code_FromAsset(path, opts)
}

// ProbeHookCode is the arm64 pre-traffic probe hook as Lambda code: a zip
// holding one executable named bootstrap.
func ProbeHookCode() awslambda.Code {
	path, opts := bundled(ProbeHook(), awscdk.BundlingOutput_NOT_ARCHIVED)
	return awslambda.Code_FromAsset(path, opts)
}

// ServerBinary is the arm64 server for store as a single S3 object (not
// zipped), for instances to download and run.
func ServerBinary(scope constructs.Construct, id, store string) awss3assets.Asset {
	path, opts := bundled(Server(store), awscdk.BundlingOutput_SINGLE_FILE)
	return awss3assets.NewAsset(scope, jsii.String(id), &awss3assets.AssetProps{
		Path: path, AssetHashType: opts.AssetHashType, Bundling: opts.Bundling,
	})
}

// ContainerImage is the arm64 image of the server for store, built from
// service/container's Dockerfile. Its context is written under the app's
// output directory at synthesis; the image is built only when it is
// deployed.
func ContainerImage(scope constructs.Construct, store string) awsecs.ContainerImage {
	dir := filepath.Join(*awscdk.Stage_Of(scope).Outdir(), ".progresskit", "container-"+store+"-"+DeployArch)
	arches := []string{DeployArch}
	if !*awscdk.Stack_Of(scope).BundlingRequired() {
		// 'cdk deploy' of another stack: this image is not deployed, so
		// the binary is not worth building; the Dockerfile alone keeps the
		// asset well formed.
		arches = nil
	}
	if err := WriteContainerContext(dir, store, arches...); err != nil {
		panic(err.Error())
	}
	return awsecs.ContainerImage_FromAsset(jsii.String(dir), &awsecs.AssetImageProps{Platform: awsecrassets.Platform_LINUX_ARM64()})
}

// WriteContainerContext writes the image's build context into dir, afresh:
// the Dockerfile and the server for store for each goarch. The image needs
// nothing else (TLS roots are in the binary).
func WriteContainerContext(dir, store string, goarches ...string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(container.Dockerfile), 0o644); err != nil {
		return err
	}
	for _, arch := range goarches {
		if err := Server(store).Build(arch, filepath.Join(dir, container.BinaryName(arch))); err != nil {
			return err
		}
	}
	return nil
}
