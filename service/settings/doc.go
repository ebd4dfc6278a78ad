// Package settings is the one definition of how the progress server is
// configured at run time: the names of its flags and their environment
// twins, the auth modes, the admin group, the port and the health paths.
//
// The server's and the CLI's flags, the Lambda bootstrap and the CDK
// constructs all read it.
// It imports only the standard library, so a construct that names a
// setting does not link the service's JWT, SQL or store libraries.
package settings
