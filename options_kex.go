// options_kex.go validates the key-exchange options of the manual: dh,
// dhfile, user_lookup_fun, psk_identity and srp_identity.
package ssl

import (
	"github.com/erlang-ssl-go/ssl/connection"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/pem_cache"
)

// UserLookupFun is user_lookup_fun: fun(psk, PSKIdentity, UserState) ->
// {ok, SharedSecret} | error and fun(srp, Username, UserState) ->
// {ok, {SRPParams, Salt, DerivedKey}} | error. For kind "psk" return the
// secret as []byte (the client is called with the server's hint, "" if
// none); for kind "srp" return an SRPUserInfo.
type UserLookupFun = connection.UserLookupFun

// SRPUserInfo is the SRP answer of a UserLookupFun: Params is the
// srp_param_type() ("srp_1024" .. "srp_8192"); DerivedKey is
// SRPDerivedKey(Salt, User, Password), from which the server computes the
// verifier (RFC 5054 §2.4).
type SRPUserInfo = connection.SRPUserInfo

// SRPIdentity is srp_identity: {Username, Password} (client).
type SRPIdentity struct {
	User     string
	Password string
}

// SRPDerivedKey computes the manual's DerivedKey:
// crypto:sha([Salt, crypto:sha([Username, <<$:>>, Password])]).
func SRPDerivedKey(salt []byte, user, password string) []byte {
	return handshake.SRPDerivedKey(salt, user, password)
}

// anySuiteWithoutCert reports whether a suite can run without a server
// certificate (anonymous, psk, dhe_psk, srp_anon).
func anySuiteWithoutCert(suites []*handshake.Suite) bool {
	for _, s := range suites {
		if !s.KeyExchange.NeedsCertificate() {
			return true
		}
	}
	return false
}

func (o *Options) resolveKex(cfg *connection.Config, role connection.Role, pems pemcache.Cache) error {
	server := role == connection.Server
	switch {
	case len(o.DH) > 0:
		if !server {
			return optErr("dh", "is a server option")
		}
		g, err := handshake.ParseDHParamsDER(o.DH)
		if err != nil {
			return optErr("dh", "%v", err)
		}
		cfg.DHGroup = g
	case o.DHFile != "":
		if !server {
			return optErr("dhfile", "is a server option")
		}
		blocks, err := readPEM(pems, o.DHFile)
		if err != nil {
			return optErr("dhfile", "%v", err)
		}
		for _, b := range blocks {
			if b.Type == "DH PARAMETERS" {
				g, err := handshake.ParseDHParamsDER(b.Bytes)
				if err != nil {
					return optErr("dhfile", "%v", err)
				}
				cfg.DHGroup = g
				break
			}
		}
		if cfg.DHGroup == nil {
			return optErr("dhfile", "no DH PARAMETERS in %s", o.DHFile)
		}
	}
	if len(o.PSKIdentity) > handshake.MaxPSKLen {
		return optErr("psk_identity", "longer than %d bytes", handshake.MaxPSKLen)
	}
	cfg.UserLookupFun = o.UserLookupFun
	cfg.UserLookupState = o.UserLookupState
	cfg.PSKIdentity = o.PSKIdentity
	if o.SRPIdentity != nil {
		if server {
			return optErr("srp_identity", "is a client option")
		}
		if o.SRPIdentity.User == "" || len(o.SRPIdentity.User) > 255 {
			return optErr("srp_identity", "the user name must be 1..255 bytes")
		}
		cfg.SRPUser, cfg.SRPPassword = o.SRPIdentity.User, o.SRPIdentity.Password
	}
	if server {
		return nil
	}
	// A client offers PSK suites only with a lookup fun to find the secret,
	// and SRP suites only with an srp_identity.
	kept := cfg.Suites[:0:0]
	missing := ""
	for _, s := range cfg.Suites {
		switch {
		case s.KeyExchange.IsPSK() && o.UserLookupFun == nil:
			missing = "user_lookup_fun"
		case s.KeyExchange.IsSRP() && o.SRPIdentity == nil:
			missing = "srp_identity"
		default:
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return optErr(missing, "the PSK or SRP cipher suites need it")
	}
	cfg.Suites = kept
	return nil
}
