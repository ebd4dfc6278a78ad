// Package store defines the Store interface the progress service keeps its
// state behind, and the errors every implementation maps its failures to.
//
// Implementations live in sub-packages (sqlitestore, pgstore, dynamostore)
// so that a binary links only the drivers it uses; storeurl opens any of
// them from a URL; storetest is the contract suite they all pass.
package store
