// Package crlcache is the CRL cache behind the manual's crl_check and
// crl_cache options (Erlang's ssl_crl_cache_api and ssl_crl_cache).
//
// Cache is the interface an external cache implements, the Go form of
// {crl_cache, {Module, {DbHandle, Args}}}: Lookup, Select and Fresh are
// ssl_crl_cache_api's lookup/3, select/2 and fresh_crl/2. Internal is the
// default cache: an in-memory store the user fills (Insert, InsertURL,
// Delete…), read under a sync.RWMutex with no actor round trip, which, with
// the {http, Timeout} argument (HTTP option or WithHTTP), fetches CRLs from
// the certificates' distribution points and keeps them until their
// nextUpdate. Source turns any Cache into the per-certificate lookup the
// path validator calls.
//
// The cache only finds CRLs; whether one applies, is current and is
// properly signed is decided by the validator (RFC 5280 §6.3).
package crlcache
