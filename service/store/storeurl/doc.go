// Package storeurl opens a store.Store from the URL an operator passes with
// --store. It links every store driver; binaries that need only one (the
// Lambda bootstrap) import that store's package directly instead.
package storeurl
