// Package defaults holds how every construct fills in what a caller left
// out, so that "zero means the safe default" reads the same everywhere.
package defaults

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

// LogRetention is the retention of logs when a caller names none.
const LogRetention = awslogs.RetentionDays_ONE_MONTH

// Int returns v, or def when v is zero.
func Int(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Removal keeps a resource when its stack is deleted, unless the caller
// marked it disposable (development environments).
func Removal(disposable bool) awscdk.RemovalPolicy {
	if disposable {
		return awscdk.RemovalPolicy_DESTROY
	}
	return awscdk.RemovalPolicy_RETAIN
}

// Retention returns r, or LogRetention when r is unset.
func Retention(r awslogs.RetentionDays) awslogs.RetentionDays {
	if r == "" {
		return LogRetention
	}
	return r
}
