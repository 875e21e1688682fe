// Options: the manual's socket and ssl options as typed Go values, and
// their validation into a connection.Config (before any I/O).
package ssl

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/connection"
	"github.com/erlang-ssl-go/ssl/handshake"
	pemcache "github.com/erlang-ssl-go/ssl/pem_cache"
	"github.com/erlang-ssl-go/ssl/record"
)

// Version is a protocol() of the manual.
type Version = record.Version

// Protocol versions, with the manual's names in comments.
const (
	SSLv3   = record.VersionSSL30 // sslv3
	TLSv1   = record.VersionTLS10 // tlsv1
	TLSv1_1 = record.VersionTLS11 // 'tlsv1.1'
	TLSv1_2 = record.VersionTLS12 // 'tlsv1.2'
)

// CipherSuite is a ciphersuite() of the manual; Suite.ErlangTuple gives
// {key_exchange, cipher, hash, prf}.
type CipherSuite = *handshake.Suite

// ActiveMode is {active, true | false | once | N}; the zero value means
// "not given" (then: true with an Owner, false without).
type ActiveMode = connection.Active

// Active modes.
var (
	ActiveTrue  = ActiveMode{Kind: connection.ActiveTrueKind}
	ActiveFalse = ActiveMode{Kind: connection.ActiveFalseKind}
	ActiveOnce  = ActiveMode{Kind: connection.ActiveOnceKind}
)

// ActiveN is {active, N}: deliver N messages, then send Passive.
func ActiveN(n int) ActiveMode { return ActiveMode{Kind: connection.ActiveNKind, N: n} }

// Mode is {mode, binary | list}.
type Mode = connection.Mode

// Modes.
const (
	Binary = connection.ModeBinary
	List   = connection.ModeList
)

// Packet is {packet, raw | 0 | 1 | 2 | 4 | line}.
type Packet = connection.Packet

// Packet types.
const (
	PacketRaw  = connection.PacketRaw
	Packet1    = connection.Packet1
	Packet2    = connection.Packet2
	Packet4    = connection.Packet4
	PacketLine = connection.PacketLine
)

// Verify is verify_type().
type Verify int

// Verify modes. VerifyDefault picks verify_peer for clients (modern OTP's
// default; the manual's is verify_none) and verify_none for servers.
const (
	VerifyDefault Verify = iota
	VerifyNone
	VerifyPeer
)

// VerifyFun is the manual's verify_fun.
type VerifyFun = handshake.VerifyFun

// Key is {key, {Type, DER}}: Type is RSAPrivateKey, ECPrivateKey,
// DSAPrivateKey or PrivateKeyInfo.
type Key struct {
	Type string
	DER  []byte
}

// Options are the manual's options for Connect, Listen and Handshake.
// Field names trace to the manual's option names.
type Options struct {
	// Socket options.
	Owner  *pa.PID    // the controlling process; nil: passive use only
	Active ActiveMode // active
	Mode   Mode       // mode (default binary in Go; list fills Data.Text)
	Packet Packet     // packet
	Header int        // header

	// SSL options.
	Verify           Verify    // verify
	VerifyFun        VerifyFun // verify_fun (with VerifyFunState)
	VerifyFunState   any
	FailIfNoPeerCert bool     // fail_if_no_peer_cert (server)
	Depth            *int     // depth; nil = 10
	Cert             [][]byte // cert: DER, leaf first (overrides CertFile)
	CertFile         string   // certfile (PEM; a chain may follow the leaf)
	Key              *Key     // key (overrides KeyFile)
	KeyFile          string   // keyfile (defaults to CertFile)
	Password         string   // password
	CACerts          [][]byte // cacerts (overrides CACertFile)
	CACertFile       string   // cacertfile
	// PartialChain is partial_chain: it may name one certificate of the
	// peer's chain as the trust anchor.
	PartialChain func(chain [][]byte) ([]byte, bool)
	// CRLCheck is crl_check; CRLCache is crl_cache (nil: the App's
	// internal cache, App.CRLCache()).
	CRLCheck CRLCheck
	CRLCache CRLCache
	// CertProfile is the certificate profile path validation enforces on
	// top of RFC 5280 (no manual option: OTP has one fixed profile). The
	// default, ProfileAuto, is the web-PKI profile for a server checked
	// against the system trust store and RFC 5280 otherwise; ProfileRFC3280
	// accepts what RFC 3280-era CAs issued (non-critical policyConstraints).
	CertProfile CertProfile

	// Ciphers is the ciphers option as a list of suites: take them from
	// Suite("ecdhe_rsa", "aes_128_gcm", "aead", "sha256") (the manual's
	// tuple), handshake.SuiteByOpenSSLName or handshake.AllSuites.
	Ciphers []CipherSuite
	// CipherString is the ciphers option as text: OpenSSL names
	// ("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA"), IANA names or the
	// manual's tuples ("{rsa,aes_128_cbc,sha}"), separated by ':', ',' or
	// spaces. Give either Ciphers or CipherString. RC4, DES, 3DES, RSA key
	// exchange, anonymous, PSK and SRP suites are used only when named here.
	CipherString string
	// Versions is the versions option, in any order (the highest is
	// preferred); empty means the application's protocol_version
	// (StartOptions.ProtocolVersions), else TLS 1.2 only. SSLv3 is used
	// only when named.
	Versions         []Version
	HonorCipherOrder bool // honor_cipher_order (server)
	// Fallback is the client's fallback option: send TLS_FALLBACK_SCSV
	// (RFC 7507) so that a server that supports a higher version than
	// this connection offers refuses it (inappropriate_fallback). Only for
	// clients that retry with lower versions after a failure.
	Fallback bool
	// PaddingCheck is padding_check: nil or true checks every CBC padding
	// byte. false stops checking the padding bytes of TLS 1.0 records, for
	// legacy peers that send garbage there; it makes TLS 1.0 open to the
	// POODLE padding-oracle attack (CVE-2014-8730), so leave it alone
	// unless such a peer must be served. Other versions ignore it.
	PaddingCheck *bool

	ServerNameIndication string // server_name_indication (client)
	DisableSNI           bool   // server_name_indication = disable

	HibernateAfter time.Duration // hibernate_after; 0 = never

	// Key-exchange options (options_kex.go).
	DH              []byte        // dh: DER DHParameter (server; overrides DHFile)
	DHFile          string        // dhfile: PEM "DH PARAMETERS" (server)
	UserLookupFun   UserLookupFun // user_lookup_fun (PSK both sides, SRP server)
	UserLookupState any           // the user_lookup_fun's UserState
	PSKIdentity     string        // psk_identity: client identity, server hint
	SRPIdentity     *SRPIdentity  // srp_identity (client)
}

// Int returns a pointer to n, for Options.Depth.
func Int(n int) *int { return &n }

// OptionError is an invalid or conflicting option, reported before any I/O
// (Erlang's {error, {options, {Name, Value}}}).
type OptionError struct {
	Option string
	Reason string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("invalid option %s: %s", e.Option, e.Reason)
}

func optErr(name, format string, args ...any) error {
	return &OptionError{Option: name, Reason: fmt.Sprintf(format, args...)}
}

// DefaultDepth is the default of the depth option (modern OTP's; the
// manual's old default was 1).
const DefaultDepth = 10

// resolve validates o for role and builds the connection's Config. host is
// the name given to Connect (for SNI and the hostname check); certfile,
// keyfile and cacertfile are read through pems (the App's PEM cache; nil
// reads the files directly).
func (o *Options) resolve(role connection.Role, host string, pems pemcache.Cache) (*connection.Config, error) {
	cfg := &connection.Config{
		Role:             role,
		Curves:           handshake.DefaultCurves,
		Schemes:          handshake.DefaultSignatureSchemes,
		HonorCipherOrder: o.HonorCipherOrder,
		HibernateAfter:   o.HibernateAfter,
		FailIfNoPeerCert: o.FailIfNoPeerCert,
		PartialChain:     o.PartialChain,
		VerifyFun:        o.VerifyFun,
		VerifyState:      o.VerifyFunState,
	}
	if err := o.resolveSock(&cfg.Sock); err != nil {
		return nil, err
	}
	if err := o.resolveCRL(cfg); err != nil {
		return nil, err
	}
	switch o.CertProfile {
	case ProfileAuto, ProfileRFC5280, ProfileWebPKI, ProfileRFC3280:
		cfg.Profile = o.CertProfile
	default:
		return nil, optErr("cert_profile", "must be ProfileAuto, ProfileRFC5280, ProfileWebPKI or ProfileRFC3280")
	}
	// versions
	if len(o.Versions) == 0 {
		cfg.Versions = []Version{TLSv1_2}
	} else {
		vs, err := checkVersions("versions", o.Versions)
		if err != nil {
			return nil, err
		}
		cfg.Versions = vs
	}
	// fallback, padding_check
	if o.Fallback && role != connection.Client {
		return nil, optErr("fallback", "is a client option")
	}
	cfg.Fallback = o.Fallback
	cfg.NoPaddingCheck = o.PaddingCheck != nil && !*o.PaddingCheck
	// ciphers
	suites := o.Ciphers
	if o.CipherString != "" {
		if len(o.Ciphers) > 0 {
			return nil, optErr("ciphers", "give the suites either as a list or as a string, not both")
		}
		s, err := handshake.ParseCipherString(o.CipherString)
		if err != nil {
			return nil, optErr("ciphers", "%v", err)
		}
		suites = s
	}
	if len(suites) == 0 {
		// The default suites of every enabled version, in preference order.
		suites = defaultSuites()
	}
	for i, s := range suites {
		if s == nil {
			return nil, optErr("ciphers", "suite %d is unknown (nil; did ssl.Suite find no such suite?)", i+1)
		}
		for _, v := range cfg.Versions {
			if s.SupportsVersion(v) {
				cfg.Suites = append(cfg.Suites, s)
				break
			}
		}
	}
	if len(cfg.Suites) == 0 {
		return nil, optErr("ciphers", "no cipher suite usable with versions %v", cfg.Versions)
	}
	// verify
	switch o.Verify {
	case VerifyDefault:
		if role == connection.Client {
			cfg.Verify = connection.VerifyPeer
		}
	case VerifyNone:
	case VerifyPeer:
		cfg.Verify = connection.VerifyPeer
	default:
		return nil, optErr("verify", "must be verify_none or verify_peer")
	}
	if o.FailIfNoPeerCert {
		if role == connection.Client {
			return nil, optErr("fail_if_no_peer_cert", "is a server option")
		}
		if cfg.Verify != connection.VerifyPeer {
			return nil, optErr("fail_if_no_peer_cert", "needs verify_peer")
		}
	}
	cfg.Depth = DefaultDepth
	if o.Depth != nil {
		if *o.Depth < 0 {
			return nil, optErr("depth", "must be >= 0")
		}
		cfg.Depth = *o.Depth
	}
	// certificates
	if err := o.loadCertKey(cfg, pems); err != nil {
		return nil, err
	}
	if role == connection.Server && cfg.Chain == nil && !anySuiteWithoutCert(cfg.Suites) {
		return nil, optErr("certfile", "a server needs a certificate and key (cert/certfile and key/keyfile)")
	}
	if err := o.loadCAs(cfg, pems); err != nil {
		return nil, err
	}
	// SNI and hostname check
	if o.ServerNameIndication != "" && o.DisableSNI {
		return nil, optErr("server_name_indication", "a host name and disable are exclusive")
	}
	if role == connection.Client {
		if !o.DisableSNI {
			name := o.ServerNameIndication
			if name == "" && net.ParseIP(host) == nil {
				name = host
			}
			cfg.ServerName = strings.TrimSuffix(name, ".")
			cfg.VerifyHostname = cfg.ServerName
			if cfg.VerifyHostname == "" {
				cfg.VerifyHostname = host
			}
		}
	} else if o.ServerNameIndication != "" {
		return nil, optErr("server_name_indication", "is a client option")
	}
	if o.HibernateAfter < 0 {
		return nil, optErr("hibernate_after", "must be >= 0")
	}
	if err := o.resolveKex(cfg, role, pems); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (o *Options) resolveSock(s *connection.SockOpts) error {
	s.Owner = o.Owner
	s.Active = o.Active
	switch s.Active.Kind {
	case connection.ActiveUnset:
		if o.Owner != nil {
			s.Active = ActiveTrue
		} else {
			s.Active = ActiveFalse
		}
	case connection.ActiveNKind:
		if s.Active.N <= 0 {
			return optErr("active", "N must be > 0 at start (got %d)", s.Active.N)
		}
		fallthrough
	case connection.ActiveTrueKind, connection.ActiveOnceKind:
		if o.Owner == nil {
			return optErr("active", "active mode needs an owner (set Owner, or use ActiveFalse)")
		}
	case connection.ActiveFalseKind:
	default:
		return optErr("active", "unknown value")
	}
	switch o.Mode {
	case Binary, List:
		s.Mode = o.Mode
	default:
		return optErr("mode", "must be binary or list")
	}
	switch o.Packet {
	case PacketRaw, Packet1, Packet2, Packet4, PacketLine:
		s.Packet = o.Packet
	default:
		return optErr("packet", "must be raw, 0, 1, 2, 4 or line")
	}
	if o.Header < 0 {
		return optErr("header", "must be >= 0")
	}
	s.Header = o.Header
	return nil
}

// checkVersions validates a versions list (option name opt) and returns a
// sorted copy, highest first. SSL 3.0 is accepted because it was named.
func checkVersions(opt string, in []Version) ([]Version, error) {
	seen := map[Version]bool{}
	for _, v := range in {
		switch v {
		case SSLv3, TLSv1, TLSv1_1, TLSv1_2:
		default:
			return nil, optErr(opt, "unknown version %s", v)
		}
		if seen[v] {
			return nil, optErr(opt, "%s listed twice", v)
		}
		seen[v] = true
	}
	vs := append([]Version(nil), in...)
	sortVersions(vs)
	return vs, nil
}

func sortVersions(vs []Version) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j] > vs[j-1]; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// readPEM returns the decoded blocks of path from the PEM cache.
func readPEM(pems pemcache.Cache, path string) ([]*pem.Block, error) {
	if pems == nil {
		return pemcache.DecodeFile(path)
	}
	return pems.Get(path)
}

func (o *Options) loadCertKey(cfg *connection.Config, pems pemcache.Cache) error {
	var certs [][]byte
	switch {
	case len(o.Cert) > 0:
		for _, der := range o.Cert {
			if _, err := x509.ParseCertificate(der); err != nil {
				return optErr("cert", "not a DER certificate: %v", err)
			}
		}
		certs = o.Cert
	case o.CertFile != "":
		blocks, err := readPEM(pems, o.CertFile)
		if err != nil {
			return optErr("certfile", "%v", err)
		}
		certs, err = handshake.CertificatesFromBlocks(blocks)
		if err != nil || len(certs) == 0 {
			return optErr("certfile", "no certificate in %s", o.CertFile)
		}
	}
	var keyAny crypto.Signer
	switch {
	case o.Key != nil:
		k, err := handshake.ParsePrivateKeyDER(o.Key.Type, o.Key.DER)
		if err != nil {
			return optErr("key", "%v", err)
		}
		keyAny = k
	case o.KeyFile != "" || o.CertFile != "":
		name, path := "keyfile", o.KeyFile
		if path == "" {
			path = o.CertFile
		}
		blocks, err := readPEM(pems, path)
		if err != nil {
			return optErr(name, "%v", err)
		}
		k, err := handshake.ParsePrivateKeyBlocks(blocks, []byte(o.Password))
		if err != nil {
			if errors.Is(err, handshake.ErrKeyPasswordProtected) || errors.Is(err, handshake.ErrWrongPassword) {
				return optErr("password", "%v (keyfile %s)", err, path)
			}
			return optErr(name, "%v", err)
		}
		keyAny = k
	}
	if certs == nil && keyAny == nil {
		return nil
	}
	if certs == nil {
		return optErr("certfile", "a key was given without a certificate")
	}
	if keyAny == nil {
		return optErr("keyfile", "a certificate was given without a key")
	}
	chain, err := handshake.NewCertChain(certs, keyAny)
	if err != nil {
		if o.Key != nil {
			return optErr("key", "%v", err)
		}
		return optErr("keyfile", "%v", err)
	}
	cfg.Chain = chain
	return nil
}

func (o *Options) loadCAs(cfg *connection.Config, pems pemcache.Cache) error {
	var ders [][]byte
	switch {
	case len(o.CACerts) > 0:
		ders = o.CACerts
	case o.CACertFile != "":
		blocks, err := readPEM(pems, o.CACertFile)
		if err != nil {
			return optErr("cacertfile", "%v", err)
		}
		for _, blk := range blocks {
			if blk.Type == "CERTIFICATE" {
				ders = append(ders, blk.Bytes)
			}
		}
		if len(ders) == 0 {
			return optErr("cacertfile", "no certificate in %s", o.CACertFile)
		}
	}
	for _, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return optErr("cacerts", "not a DER certificate: %v", err)
		}
		cfg.Roots = append(cfg.Roots, c)
		cfg.CANames = append(cfg.CANames, c.RawSubject)
	}
	if cfg.Verify == connection.VerifyPeer && cfg.Roots == nil {
		if cfg.Role == connection.Server {
			return optErr("cacertfile", "verify_peer on a server needs cacerts or cacertfile")
		}
		roots, err := handshake.SystemRoots()
		if err != nil || len(roots) == 0 {
			return optErr("cacertfile", "verify_peer needs trusted CAs and no system trust store was found")
		}
		cfg.Roots = roots
	}
	return nil
}

// CertProfile selects the certificate profile of path validation.
type CertProfile = handshake.Profile

// Certificate profiles (docs/x509.md).
const (
	ProfileAuto    = handshake.ProfileAuto
	ProfileRFC5280 = handshake.ProfileRFC5280
	ProfileWebPKI  = handshake.ProfileWebPKI
	ProfileRFC3280 = handshake.ProfileRFC3280
)
