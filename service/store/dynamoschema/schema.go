// Package dynamoschema names the progress table's key schema and
// attributes: the one place both the DynamoDB store and the CDK table
// construct read them from, so the deployed table always fits the code.
// It imports nothing, so the CDK app does not link the AWS SDK.
package dynamoschema

// Key schema and attribute names of the progress table. The CDK table
// construct creates exactly this schema from these constants.
const (
	AttrPartitionKey = "pk"
	AttrSortKey      = "sk"
	AttrDoc          = "doc"
	AttrSummary      = "sum"
	AttrLessons      = "n"
	AttrVersion      = "v"

	// KeyType of both key attributes: DynamoDB's string type.
	KeyAttributeType = "S"

	PartitionPrefix = "USER#"
	SortPrefix      = "COURSE#"
)

// MaxDocBytes keeps an item clear of DynamoDB's 400 KB limit with room for
// the keys and summary.
const MaxDocBytes = 350 << 10
