package assets_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/service/deploy"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// Two stores' servers in one app are two binaries: the CDK's bundle cache
// must not hand the second stack the first one's.
func TestEachStoresBinaryIsItsOwnAsset(t *testing.T) {
	app := awscdk.NewApp(nil)
	hashes := map[string]string{}
	for _, store := range deploy.Stores {
		stack := awscdk.NewStack(app, jsii.String("On"+store), nil)
		hashes[store] = *assets.ServerBinary(stack, "Binary", store).AssetHash()
	}
	if hashes[deploy.DynamoDB] == hashes[deploy.Postgres] {
		t.Errorf("both stores' servers are asset %s", hashes[deploy.DynamoDB])
	}
}
