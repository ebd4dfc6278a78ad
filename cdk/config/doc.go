// Package config reads and validates the CDK app's context: which
// environment and architecture to synthesize, and each environment's
// settings from cdk.json. Every mistake stops synthesis with a message that
// lists what is valid; nothing falls back to a default silently.
package config
