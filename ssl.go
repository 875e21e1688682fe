// Package ssl is Erlang/OTP's ssl application in Go: TLS connections as
// supervised actor state machines that deliver {ssl, Socket, Data},
// {ssl_closed, Socket} and {ssl_error, Socket, Reason} to an owner actor.
//
// Start the application with Start (or StartOn inside an existing actor
// system), then Connect, or Listen + TransportAccept + Handshake.
package ssl

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"strconv"
	"sync"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/actor"
	"github.com/erlang-ssl-go/ssl/connection"
	crlcache "github.com/erlang-ssl-go/ssl/crl_cache"
	"github.com/erlang-ssl-go/ssl/handshake"
	pemcache "github.com/erlang-ssl-go/ssl/pem_cache"
	"github.com/erlang-ssl-go/ssl/record"
)

// AppVersion is the application version reported by Versions.
const AppVersion = "0.1.0"

// Socket is sslsocket(): see connection.Socket for its methods (Send,
// Recv, Close, Shutdown, Setopts, Getopts, ControllingProcess, Peername,
// Sockname, Peercert, ConnectionInformation).
type Socket = connection.Socket

// Owner messages.
type (
	// Data is {ssl, Socket, Data}.
	Data = connection.Data
	// Closed is {ssl_closed, Socket}.
	Closed = connection.Closed
	// Error is {ssl_error, Socket, Reason}.
	Error = connection.Error
	// Passive is {ssl_passive, Socket}.
	Passive = connection.Passive
)

// ConnectionInfo is connection_information/1's answer.
type ConnectionInfo = connection.Info

// SockOption is one option for Socket.Setopts.
type SockOption = connection.SockOption

// ShutdownHow is read | write | read_write.
type ShutdownHow = connection.ShutdownHow

// Shutdown directions.
const (
	ShutdownRead      = connection.ShutdownRead
	ShutdownWrite     = connection.ShutdownWrite
	ShutdownReadWrite = connection.ShutdownReadWrite
)

// Errors callers branch on.
var (
	ErrClosed   = connection.ErrClosed
	ErrTimeout  = connection.ErrTimeout
	ErrNotOwner = connection.ErrNotOwner
)

// AlertError is a TLS alert that ended a connection ({tls_alert, ...}).
type AlertError = record.AlertError

// BadCertError is a path-validation failure ({bad_cert, Reason}).
type BadCertError = handshake.BadCertError

// Setopts option constructors.

// Active sets {active, ...}.
func Active(a ActiveMode) SockOption {
	return SockOption{Name: "active", Apply: func(s *connection.SockOpts) error {
		if a.Kind == connection.ActiveUnset {
			return optErr("active", "unset")
		}
		s.Active = a
		return nil
	}}
}

// SetMode sets {mode, ...}.
func SetMode(m Mode) SockOption {
	return SockOption{Name: "mode", Apply: func(s *connection.SockOpts) error {
		if m != Binary && m != List {
			return optErr("mode", "must be binary or list")
		}
		s.Mode = m
		return nil
	}}
}

// SetPacket sets {packet, ...}.
func SetPacket(p Packet) SockOption {
	return SockOption{Name: "packet", Apply: func(s *connection.SockOpts) error {
		switch p {
		case PacketRaw, Packet1, Packet2, Packet4, PacketLine:
			s.Packet = p
			return nil
		}
		return optErr("packet", "must be raw, 0, 1, 2, 4 or line")
	}}
}

// SetHeader sets {header, N}.
func SetHeader(n int) SockOption {
	return SockOption{Name: "header", Apply: func(s *connection.SockOpts) error {
		if n < 0 {
			return optErr("header", "must be >= 0")
		}
		s.Header = n
		return nil
	}}
}

// App is a started ssl application: its supervision tree, the connections
// under it and the PEM cache they share.
type App struct {
	sys     *actor.System
	pems    pemcache.Cache
	ownPems *pemcache.FileCache // the default cache, whose checker Stop ends
	crl     *crlcache.Internal  // the default crl_cache (ssl_crl_cache, internal)
	// versions is the protocol_version application environment: the
	// versions option of every connection that does not give its own.
	versions []Version
}

// defaults fills in what o leaves to the application environment.
func (a *App) defaults(o Options) *Options {
	if len(o.Versions) == 0 && len(a.versions) > 0 {
		o.Versions = a.versions
	}
	return &o
}

// StartOptions tune Start beyond its defaults (the ssl application
// environment of OTP).
type StartOptions struct {
	// Logger receives protoactor's logging; nil silences it.
	Logger *slog.Logger
	// PemCache replaces the default PEM cache (shared by every
	// connection for certfile, keyfile and cacertfile). The App does not
	// start or stop a cache given here.
	PemCache pemcache.Cache
	// PemCheckInterval is how often the default PEM cache looks for
	// changed files (OTP's ssl_pem_cache_clean); 0 means
	// pemcache.DefaultCheckInterval (two minutes), negative never.
	PemCheckInterval time.Duration
	// ProtocolVersions is the protocol_version application environment:
	// the versions of every connection whose Options.Versions is empty.
	// Empty means TLS 1.2 only; SSL 3.0 is used only when named here or in
	// Options.Versions.
	ProtocolVersions []Version
}

// Start starts the ssl application in a new actor system. protoactor's own
// logging is silenced unless logger is given.
func Start(logger ...*slog.Logger) (*App, error) {
	var o StartOptions
	if len(logger) > 0 {
		o.Logger = logger[0]
	}
	return StartWith(o)
}

// StartWith starts the ssl application in a new actor system with o.
func StartWith(o StartOptions) (*App, error) {
	if len(o.ProtocolVersions) > 0 {
		if _, err := checkVersions("protocol_version", o.ProtocolVersions); err != nil {
			return nil, err
		}
	}
	sys, err := actor.Start(actor.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	return newApp(sys, o), nil
}

// StartOn starts the ssl application inside an existing actor system.
func StartOn(as *pa.ActorSystem) (*App, error) {
	sys, err := actor.StartOn(as)
	if err != nil {
		return nil, err
	}
	return newApp(sys, StartOptions{}), nil
}

func newApp(sys *actor.System, o StartOptions) *App {
	a := &App{sys: sys, pems: o.PemCache, crl: crlcache.New()}
	a.versions = append([]Version(nil), o.ProtocolVersions...)
	if a.pems == nil {
		a.ownPems = pemcache.New(pemcache.Options{CheckInterval: o.PemCheckInterval})
		a.ownPems.Start()
		a.pems = a.ownPems
	}
	return a
}

// Stop stops the application: every connection is closed and the PEM
// cache's checker ends.
func (a *App) Stop() {
	a.sys.Stop()
	if a.ownPems != nil {
		a.ownPems.Stop()
	}
}

// ClearPemCache drops every cached PEM file (ssl:clear_pem_cache/0): the
// next connection reads certfile, keyfile and cacertfile again.
func (a *App) ClearPemCache() { a.pems.Clear() }

// PemCache returns the App's PEM cache (the default *pemcache.FileCache
// unless StartOptions.PemCache replaced it).
func (a *App) PemCache() pemcache.Cache { return a.pems }

// System returns the actor system the application runs in.
func (a *App) System() *pa.ActorSystem { return a.sys.ActorSystem() }

// Root returns the actor system's root context (to spawn owners).
func (a *App) Root() *pa.RootContext { return a.sys.Root() }

// Live is the number of live connection actors (for leak checks).
func (a *App) Live() int { return a.sys.Live() }

// NewChannelOwner returns an owner PID that forwards every message it gets
// to a channel, for callers outside any actor; stop it when done.
func (a *App) NewChannelOwner(buffer int) (*pa.PID, <-chan any, func()) {
	return actor.NewChannelOwner(a.sys, buffer)
}

// Connect opens a TLS connection to host:port (ssl:connect/4). Timeout 0
// means infinity; it covers the TCP connect and the handshake.
func (a *App) Connect(host string, port int, opts Options, timeout time.Duration) (*Socket, error) {
	cfg, err := a.withCRLCache(a.defaults(opts).resolve(connection.Client, host, a.pems))
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: timeout}
	start := time.Now()
	raw, err := d.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	if timeout > 0 {
		timeout -= time.Since(start)
		if timeout <= 0 {
			raw.Close()
			return nil, ErrTimeout
		}
	}
	return connection.Start(a.sys, raw, cfg, timeout)
}

// ConnectConn upgrades a connected transport to TLS as the client
// (ssl:connect/3 on a gen_tcp socket). Without ServerNameIndication no SNI
// is sent and no host name is checked.
func (a *App) ConnectConn(raw net.Conn, opts Options, timeout time.Duration) (*Socket, error) {
	cfg, err := a.withCRLCache(a.defaults(opts).resolve(connection.Client, "", a.pems))
	if err != nil {
		return nil, err
	}
	return connection.Start(a.sys, raw, cfg, timeout)
}

// ListenSocket is a listening TLS socket (ssl:listen/2).
type ListenSocket struct {
	app  *App
	ln   net.Listener
	opts Options

	mu     sync.Mutex
	cfg    *connection.Config // the resolved listen options, shared read-only
	cfgGen uint64             // PEM cache generation cfg was resolved at
}

// config returns the listen options resolved, re-resolving only when the
// PEM cache has dropped or reloaded files since (so certificate changes on
// disk still reach new connections, as in OTP).
func (l *ListenSocket) config() (*connection.Config, error) {
	gen, cacheable := pemGeneration(l.app.pems)
	l.mu.Lock()
	defer l.mu.Unlock()
	if cacheable && l.cfg != nil && gen == l.cfgGen {
		return l.cfg, nil
	}
	cfg, err := l.app.withCRLCache(l.app.defaults(l.opts).resolve(connection.Server, "", l.app.pems))
	if err != nil {
		return nil, err
	}
	if cacheable {
		l.cfg, l.cfgGen = cfg, gen
	}
	return cfg, nil
}

// pemGeneration counts the PEM cache's invalidations; a cache that cannot
// say (a user's own) makes every handshake resolve its options afresh.
func pemGeneration(c pemcache.Cache) (uint64, bool) {
	fc, ok := c.(*pemcache.FileCache)
	if !ok {
		return 0, false
	}
	st := fc.Stats()
	return uint64(st.Invalidations + st.Clears), true
}

// Listen opens a TCP listener on addr ("host:port"; port 0 picks one) whose
// accepted sockets inherit opts (ssl:listen/2). Options are checked now.
func (a *App) Listen(addr string, opts Options) (*ListenSocket, error) {
	ls := &ListenSocket{app: a, opts: opts}
	if _, err := ls.config(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	ls.ln = ln
	return ls, nil
}

// Addr is the listener's address.
func (l *ListenSocket) Addr() net.Addr { return l.ln.Addr() }

// Close stops listening.
func (l *ListenSocket) Close() error { return l.ln.Close() }

// PendingSocket is an accepted transport awaiting Handshake: no traffic can
// be sent or received on it before that (ssl:transport_accept/2).
type PendingSocket struct {
	ls  *ListenSocket
	raw net.Conn
}

// TransportAccept accepts one TCP connection (ssl:transport_accept/2).
// Timeout 0 means infinity.
func (l *ListenSocket) TransportAccept(timeout time.Duration) (*PendingSocket, error) {
	type deadliner interface{ SetDeadline(time.Time) error }
	if d, ok := l.ln.(deadliner); ok {
		var t time.Time
		if timeout > 0 {
			t = time.Now().Add(timeout)
		}
		_ = d.SetDeadline(t)
	}
	raw, err := l.ln.Accept()
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, ErrTimeout
		}
		return nil, err
	}
	return &PendingSocket{ls: l, raw: raw}, nil
}

// Close drops an accepted transport without a handshake.
func (p *PendingSocket) Close() error { return p.raw.Close() }

// Handshake runs the server handshake on an accepted socket (the manual's
// ssl_accept/3, ssl:handshake in modern OTP). extra, when given, adds to
// the listen options: every field it sets overrides the listen socket's.
func (a *App) Handshake(p *PendingSocket, extra *Options, timeout time.Duration) (*Socket, error) {
	var cfg *connection.Config
	var err error
	if extra != nil {
		merged := mergeOptions(p.ls.opts, *extra)
		cfg, err = a.withCRLCache(a.defaults(merged).resolve(connection.Server, "", a.pems))
	} else {
		cfg, err = p.ls.config()
	}
	if err != nil {
		p.raw.Close()
		return nil, err
	}
	return connection.Start(a.sys, p.raw, cfg, timeout)
}

// HandshakeConn upgrades a connected transport to TLS as the server.
func (a *App) HandshakeConn(raw net.Conn, opts Options, timeout time.Duration) (*Socket, error) {
	cfg, err := a.withCRLCache(a.defaults(opts).resolve(connection.Server, "", a.pems))
	if err != nil {
		return nil, err
	}
	return connection.Start(a.sys, raw, cfg, timeout)
}

// CipherSuites returns the suites (ssl:cipher_suites/1) as text: "erlang"
// (the default kind) lists the suites enabled by default in the manual's
// tuple form "{ecdhe_rsa,aes_128_gcm,aead,sha256}", "openssl" the same
// suites by their OpenSSL names, and "all" every implemented suite, in
// tuple form; the suites in "all" but not in "erlang" (RSA key exchange,
// RC4, DES, 3DES, anonymous, PSK, SRP) are used only when an explicit
// ciphers option names them.
func CipherSuites(kind ...string) ([]string, error) {
	k := "erlang"
	if len(kind) > 0 {
		k = kind[0]
	}
	var out []string
	switch k {
	case "erlang":
		for _, s := range defaultSuites() {
			out = append(out, s.ErlangName())
		}
	case "openssl":
		for _, s := range defaultSuites() {
			out = append(out, s.OpenSSLName)
		}
	case "all":
		for _, s := range handshake.AllSuites() {
			out = append(out, s.ErlangName())
		}
	default:
		return nil, fmt.Errorf("cipher_suites: unknown type %q (erlang | openssl | all)", k)
	}
	return out, nil
}

// defaultSuites are the suites enabled by default for any available version.
func defaultSuites() []*handshake.Suite {
	var out []*handshake.Suite
	for _, s := range handshake.AllSuites() {
		if s.Default {
			out = append(out, s)
		}
	}
	return out
}

// Suite returns the suite the manual names as the tuple {KeyExchange,
// Cipher, Hash} or {KeyExchange, Cipher, Hash, PRF}, for Options.Ciphers,
// e.g. ssl.Suite("ecdhe_rsa", "aes_128_gcm", "aead", "sha256"), or nil when
// no implemented suite has that name (Options then reports an OptionError).
func Suite(keyExchange, cipher, hash string, prf ...string) CipherSuite {
	return handshake.SuiteByErlang(keyExchange, cipher, hash, prf...)
}

// VersionsInfo is versions/0's answer.
type VersionsInfo struct {
	AppVsn    string
	Supported []Version // enabled by default
	Available []Version // all the application can do
}

// Versions returns version information (ssl:versions/0).
func Versions() VersionsInfo {
	return VersionsInfo{
		AppVsn:    AppVersion,
		Supported: []Version{TLSv1_2},
		Available: []Version{TLSv1_2, TLSv1_1, TLSv1, SSLv3},
	}
}

// FormatError presents an error returned by this package as text
// (ssl:format_error/1).
func FormatError(err error) string {
	if err == nil {
		return "ok"
	}
	var ae *record.AlertError
	if errors.As(err, &ae) && ae != nil {
		level := "Fatal"
		if ae.Level == record.LevelWarning {
			level = "Warning"
		}
		who := "generated"
		if ae.Remote {
			who = "received"
		}
		s := fmt.Sprintf("TLS %s alert: %s - %s", who, level, alertTitle(ae.Desc))
		if ae.Reason != "" {
			s += " (" + ae.Reason + ")"
		}
		return s
	}
	var bc *handshake.BadCertError
	if errors.As(err, &bc) && bc != nil {
		if bc.RevokedWhy != "" {
			return "bad certificate: " + string(bc.Reason) + " (" + bc.RevokedWhy + ")"
		}
		return "bad certificate: " + string(bc.Reason)
	}
	var oe *OptionError
	if errors.As(err, &oe) && oe != nil {
		return oe.Error()
	}
	switch {
	case errors.Is(err, ErrClosed):
		return "TLS connection is closed"
	case errors.Is(err, ErrTimeout), errors.Is(err, connection.ErrHandshakeTimeout):
		return "Timeout"
	case errors.Is(err, ErrNotOwner):
		return "Only the controlling process may do this"
	}
	return "Unexpected error: " + err.Error()
}

// alertTitle spells an alert as OTP's format_error does ("Handshake Failure").
func alertTitle(d record.AlertDescription) string {
	words := []byte(d.String())
	up := true
	for i, b := range words {
		if b == '_' {
			words[i] = ' '
			up = true
			continue
		}
		if up && b >= 'a' && b <= 'z' {
			words[i] = b - 32
		}
		up = false
	}
	return string(words)
}

// mergeOptions returns base with every field that extra sets (non-zero)
// taken from extra: the manual's "extra options" of ssl_accept/3.
func mergeOptions(base, extra Options) Options {
	b := reflect.ValueOf(&base).Elem()
	e := reflect.ValueOf(extra)
	for i := 0; i < e.NumField(); i++ {
		if f := e.Field(i); !f.IsZero() {
			b.Field(i).Set(f)
		}
	}
	return base
}
