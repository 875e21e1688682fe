// Package pemcache will hold the PEM file cache shared by all connections, invalidated when files change and by ClearPemCache.
//
// Not built yet: TLS 1.2 full handshakes work without it (issue 2); the
// cache arrives with the issue that needs it (session resumption; issue 4
// for the PEM and CRL caches). The folder exists because the layout is fixed.
package pemcache
