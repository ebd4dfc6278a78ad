package review

import "slices"

// StatefulTypes are the resource types that hold data a replacement or a
// deletion loses: the progress table, the database and the user pool.
// Replacing or removing one fails a review unless it is allowed.
var StatefulTypes = []string{
	"AWS::DynamoDB::Table",
	"AWS::DynamoDB::GlobalTable",
	"AWS::RDS::DBInstance",
	"AWS::RDS::DBCluster",
	"AWS::Cognito::UserPool",
}

// Stateful reports whether resources of type hold data.
func Stateful(resourceType string) bool { return slices.Contains(StatefulTypes, resourceType) }
