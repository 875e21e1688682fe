// Package pemcache is the PEM file cache shared by all connections of an
// ssl App (Erlang's ssl_pem_cache): certfile, keyfile and cacertfile are
// read and decoded once, then served to every Connect/Listen/Handshake from
// memory.
//
// Reads never go through an actor or a lock held across I/O: FileCache keeps
// its entries in a sync.Map, so a hit is one map load. Concurrent misses on
// the same file decode it once (the first caller decodes, the others wait
// for that entry).
//
// Invalidation, as OTP does it, is periodic: a single checker goroutine
// (FileCache.Start / FileCache.Stop, run by the App) stats every cached file
// each CheckInterval (DefaultCheckInterval, two minutes, as OTP's
// ssl_pem_cache) and drops entries whose modification time, size or inode
// changed or whose file vanished; the next Get reads the file again.
// There is deliberately no check on access: a stat per connection set-up
// would put a syscall on the hot path that the cache exists to avoid, and
// OTP does not do it either. Clear (ssl:clear_pem_cache/0) drops everything
// at once, for callers that cannot wait for the next check.
//
// Cache is the interface, so users can plug in their own (the counterpart of
// OTP's replaceable cache modules).
package pemcache
