package main

// The cost commands' flags, named once for their definitions and for the
// messages that name them. The server's flags are in service/settings.
const (
	flagEnv           = "env"
	flagCDKJSON       = "cdk-json"
	flagRegion        = "region"
	flagPricing       = "pricing"
	flagPrices        = "prices"
	flagFormat        = "format"
	flagRequests      = "requests"
	flagWriteRatio    = "write-ratio"
	flagResponseBytes = "response-bytes"
	flagPeak          = "peak"
	flagStoredGB      = "stored-gb"
	flagPlot          = "plot"
	flagArch          = "arch"
	flagStore         = "store"
	flagRDSClass      = "rds-class"
	flagLessons       = "lessons"
	flagRelational    = "relational"
)
