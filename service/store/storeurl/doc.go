// Package storeurl opens a store.Store from the URL an operator passes with
// --store. Each store's driver is a file of its own behind a build tag
// (nosqlite, nopostgres, nodynamodb), so a deployed binary built for one
// store links only that store's client: the CLI links them all.
package storeurl
