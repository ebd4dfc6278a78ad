package dynamostore

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
