// Package cost estimates what each progresskit architecture, a compute on
// a store, costs per month at a given traffic, from a dated price table
// per region (prices.json); finds where they cross; and says when a read
// cache in front of a store would pay for itself.
//
// The model counts what the code does: the DynamoDB store reads the item
// (strongly consistent) before each conditional write, and reads it
// strongly consistent on GET; request units scale with the item's size
// (1 KB per write unit, 4 KB per read unit, half a unit for an eventually
// consistent read). Fixed costs run 730 hours a month.
package cost
