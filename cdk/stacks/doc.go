// Package stacks builds the progresskit CDK app: which stacks an env and
// arch select, and what each holds. Stateful resources live apart from
// compute so that switching architecture never touches data:
//
//	Progress-<env>-Identity  the Cognito user pool (every arch)
//	Progress-<env>-Data      the DynamoDB table (lambda and fargate)
//	Progress-<env>-Rds       the PostgreSQL database (ec2)
//	Progress-<env>-Lambda, -Fargate, -Ec2  compute
package stacks
