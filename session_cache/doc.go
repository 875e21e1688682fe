// Package sessioncache will hold the TLS session cache (session resumption): an interface users can plug their own into, as Erlang's ssl_session_cache_api allows, plus the default in-memory cache.
//
// Not built yet: TLS 1.2 full handshakes work without it (issue 2); the
// cache arrives with the issue that needs it (session resumption; issue 4
// for the PEM and CRL caches). The folder exists because the layout is fixed.
package sessioncache
