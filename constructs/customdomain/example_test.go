package customdomain_test

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/customdomain"
)

// A variant reports its custom URL when it has a domain, else its own.
func ExampleProps_URL() {
	own := jsii.String("https://abc123.execute-api.eu-west-2.amazonaws.com")
	fmt.Println(*customdomain.Props{}.URL(own))
	fmt.Println(*customdomain.Props{DomainName: "progress.example.com"}.URL(own))
	// Output:
	// https://abc123.execute-api.eu-west-2.amazonaws.com
	// https://progress.example.com
}
