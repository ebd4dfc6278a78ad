package deploy

// The computes, as cdk.json's defaultArch and '-c arch=' name them.
const (
	Lambda  = "lambda"
	Fargate = "fargate"
	EC2     = "ec2"
)

// Computes lists every compute, in the order 'arch=all' synthesizes them
// and estimates show them.
var Computes = []string{Lambda, Fargate, EC2}

// ComputeTitle is a compute's name for people.
func ComputeTitle(compute string) string {
	switch compute {
	case Lambda:
		return "Lambda"
	case Fargate:
		return "Fargate"
	case EC2:
		return "EC2"
	}
	return compute
}

// The stores a deployment keeps progress in, named as their URLs' schemes.
const (
	DynamoDB = "dynamodb"
	Postgres = "postgres"
)

// Stores lists the deployments' stores.
var Stores = []string{DynamoDB, Postgres}

// StoreTitle is a store's name for people.
func StoreTitle(store string) string {
	switch store {
	case DynamoDB:
		return "DynamoDB"
	case Postgres:
		return "PostgreSQL"
	}
	return store
}

// DefaultStore is the store a compute is deployed with: Lambda and Fargate
// share the DynamoDB table, EC2 runs beside PostgreSQL. "" for an unknown
// compute.
func DefaultStore(compute string) string {
	switch compute {
	case Lambda, Fargate:
		return DynamoDB
	case EC2:
		return Postgres
	}
	return ""
}

// OnlyStore is the build tags that leave every store's client out of a
// binary but store's (service/store/storeurl has a file per store behind
// them): a deployed binary links only the store it serves.
func OnlyStore(store string) []string {
	tags := []string{"nosqlite"}
	for _, s := range Stores {
		if s != store {
			tags = append(tags, "no"+s)
		}
	}
	return tags
}
