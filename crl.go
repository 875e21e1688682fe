// crl.go: the crl_check and crl_cache options' types and the App's default
// internal CRL cache (ssl_crl_cache with DbHandle internal).
package ssl

import (
	"github.com/erlang-ssl-go/ssl/connection"
	crlcache "github.com/erlang-ssl-go/ssl/crl_cache"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// CRLCheck is the crl_check option: false | true | peer | best_effort.
type CRLCheck = handshake.CRLCheck

// The crl_check values.
const (
	CRLCheckFalse      = handshake.CRLCheckOff        // false (the default): no CRL checking
	CRLCheckTrue       = handshake.CRLCheckAll        // true: every certificate of the path but the anchor
	CRLCheckPeer       = handshake.CRLCheckPeer       // peer: only the peer certificate
	CRLCheckBestEffort = handshake.CRLCheckBestEffort // best_effort: undetermined status accepted
)

// CRLCache is the crl_cache option's {Module, {DbHandle, Args}}: any
// implementation of crlcache.Cache.
type CRLCache = crlcache.Cache

// CRLCache returns the App's default internal CRL cache, used by every
// connection with crl_check on and no CRLCache option. Fill it with Insert
// or InsertURL; CRLCache().WithHTTP(timeout) is the {internal, [{http,
// Timeout}]} form (same store, fetching from distribution points) to pass
// as Options.CRLCache.
func (a *App) CRLCache() *crlcache.Internal { return a.crl }

// withCRLCache gives a resolved config the App's internal CRL cache when
// crl_check is on and no crl_cache was given.
func (a *App) withCRLCache(cfg *connection.Config, err error) (*connection.Config, error) {
	if err == nil && cfg.CRLCheck != CRLCheckFalse && cfg.CRLCache == nil {
		cfg.CRLCache = a.crl
	}
	return cfg, err
}

// resolveCRL checks crl_check and crl_cache into cfg.
func (o *Options) resolveCRL(cfg *connection.Config) error {
	switch o.CRLCheck {
	case CRLCheckFalse, CRLCheckTrue, CRLCheckPeer, CRLCheckBestEffort:
	default:
		return optErr("crl_check", "must be false, true, peer or best_effort, not %d", int(o.CRLCheck))
	}
	cfg.CRLCheck = o.CRLCheck
	cfg.CRLCache = o.CRLCache
	return nil
}
