// Command hello is the floor the progress bootstrap is measured against:
// the smallest aws-lambda-go function, built with the same flags.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, json.RawMessage) (map[string]any, error) {
		return map[string]any{"statusCode": 200, "body": "hello"}, nil
	})
}
