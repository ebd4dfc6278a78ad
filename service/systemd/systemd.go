// Package systemd holds the hardened unit the EC2 variant runs the server
// under, embedded so the CDK construct writes exactly the tested file.
package systemd

import _ "embed"

// Unit is progress.service.
//
//go:embed progress.service
var Unit string

// Paths on the instance.
const (
	UnitPath    = "/etc/systemd/system/progress.service"
	EnvFilePath = "/etc/progress/progress.env"
	BinaryPath  = "/usr/local/bin/progress-server"
)
