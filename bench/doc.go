// Command bench is 'make bench': each figure progresskit controls, beside a
// ceiling measured in the same run on the same machine, and their ratio.
// Ratios, not absolute numbers, are what the targets bound, because the
// machine is shared and noisy.
//
//   - the service over loopback HTTP on each store (writes, as heartbeats
//     acknowledged alone, and reads: throughput at a fixed concurrency,
//     p50/p99 at a quarter of the open-loop generator's own peak), beside
//     the same store driven directly from Go, and for PostgreSQL beside a
//     pgbench upsert; load comes from vegeta's library; and the DynamoDB
//     store's units per heartbeat and per view, beside the cost model's;
//   - the Lambda bootstrap's size, cold start (process start to the first
//     'next' of the Runtime API) and warm invoke, beside a hello-world
//     aws-lambda-go bootstrap built the same way;
//   - the size of the server the EC2 instances and the image run
//     (progress-server, linux/arm64, stripped, as constructs/assets builds
//     it), beside the progress CLI built the same way;
//   - synthesis of arch=all beside a single arch (wall time, peak memory).
//
// It prints a table and writes bench/results.json. It needs the servers
// test/with-servers.sh starts and the binaries the Makefile builds.
package main
