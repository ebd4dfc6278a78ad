// Package deploy names what progresskit deploys: each architecture is a
// compute (Lambda, Fargate, EC2) and a store (DynamoDB, PostgreSQL). The
// CDK app's settings and stacks, the constructs, the cost model and the
// store URLs all read these names, so each is spelt once.
//
// It imports only the standard library, so a construct that names an
// architecture or a store links none of the service's libraries.
package deploy
