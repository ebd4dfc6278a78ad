package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/service/deploy"
)

// cli is the operator's tool built as the constructs build the server: what
// the deployed binary weighed when it was the whole CLI, so its ceiling.
var cli = assets.Binary{Package: "./service/cmd/progress", Name: "progress"}

// serverRows: the size of the server the EC2 instances and the image run
// (linux/arm64, stripped, built by constructs/assets) beside the CLI.
func serverRows(tmp string) ([]Row, error) {
	size := map[string]float64{}
	server := assets.Server(deploy.DynamoDB)
	for _, b := range []assets.Binary{server, cli} {
		out := filepath.Join(tmp, "size-"+assets.DeployArch, b.Name)
		if err := b.Build(assets.DeployArch, out); err != nil {
			return nil, err
		}
		st, err := os.Stat(out)
		if err != nil {
			return nil, err
		}
		size[b.Name] = float64(st.Size()) / (1 << 20)
	}
	return []Row{
		atMost(Row{Group: "server", Name: server.Name + " size (arm64, stripped, DynamoDB)", Ours: size[server.Name], Ceiling: size[cli.Name], Unit: "MiB",
			Note: fmt.Sprintf("ceiling: the %s CLI built the same way", cli.Name)}, 1),
	}, nil
}
