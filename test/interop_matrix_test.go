// interop_matrix_test.go is the interop matrix of issue 3: every suite of
// handshake.AllSuites() at every version that allows it, against every
// installed peer that implements it (OpenSSL, GnuTLS, Erlang/OTP's ssl,
// crypto/tls), both directions, plus our own client against our own server.
// Each run is a handshake and a 16 KiB echo compared by SHA-256. Cells a
// peer cannot play are n/a with the reason. SSL_INTEROP_FULL=1 runs every
// cell; otherwise a subset covering, per peer, every key exchange, cipher,
// MAC and version once (and every key exchange × cipher pair once over all
// peers). SSL_INTEROP_WRITE=1 (implies full) writes docs/interop.md.
package test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// Peers and directions of the matrix.
const (
	mxOpenSSL = "OpenSSL"
	mxGnuTLS  = "GnuTLS"
	mxErlang  = "Erlang"
	mxGoTLS   = "crypto/tls"
	mxOurs    = "ours"

	mxOurClient = "our client" // the peer is the server
	mxOurServer = "our server" // the peer is the client
	mxBoth      = "ours↔ours"

	mxPass = "pass"
	mxFail = "FAIL"
	mxNA   = "n/a"
	mxSkip = "not run (subset)"

	mxDataSize = 16 << 10
)

// mxVersions are the manual's protocol versions that carry these suites.
var mxVersions = []ssl.Version{ssl.SSLv3, ssl.TLSv1, ssl.TLSv1_1, ssl.TLSv1_2}

// mxPeers are the real peers, in the order of the table's columns.
var mxPeers = []string{mxOpenSSL, mxGnuTLS, mxErlang, mxGoTLS}

// mxCell is one suite × version × peer × direction.
type mxCell struct {
	s      *handshake.Suite
	v      ssl.Version
	peer   string
	dir    string
	status string
	reason string // n/a or failure reason
	run    func(t *testing.T, c *mxCell) error
}

func (c *mxCell) name() string {
	return strings.NewReplacer("/", "_", " ", "_", "↔", "_").Replace(c.s.OpenSSLName + "/" + c.v.String() + "/" + c.peer + "/" + c.dir)
}

// ---- credentials ----

// mxPKI adds to the kex PKI (RSA root) an RSA leaf signed by that root
// (before TLS 1.2 Erlang wants the server certificate signed with the
// algorithm of its key), and an ECDSA root with a P-256 leaf allowing
// keyAgreement for ecdh_ecdsa (Erlang filters static ECDH suites on the key
// usage), and a DSA root with a DSA leaf (Erlang again, for dhe_dss before
// TLS 1.2). CABundle trusts the four roots.
type mxPKI struct {
	RSA      *leaf
	ECDH     *leaf
	DSA      *leaf
	CABundle string
}

var (
	mxPKIOnce sync.Once
	mxPKIVal  *mxPKI
	mxPKIErr  error
)

func matrixPKI(t testing.TB) *mxPKI {
	t.Helper()
	k := kexTestPKI(t)
	p := testPKI(t)
	bin := needPeer(t, "openssl")
	mxPKIOnce.Do(func() {
		run := func(args ...string) error {
			cmd := exec.Command(bin, args...)
			cmd.Dir = k.Dir
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return nil
		}
		ext := filepath.Join(k.Dir, "mxext.cnf")
		if mxPKIErr = os.WriteFile(ext, []byte("subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"), 0o600); mxPKIErr != nil {
			return
		}
		ecext := filepath.Join(k.Dir, "mxecext.cnf")
		if mxPKIErr = os.WriteFile(ecext, []byte("subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth\n"), 0o600); mxPKIErr != nil {
			return
		}
		for _, args := range [][]string{
			{"req", "-newkey", "rsa:2048", "-nodes", "-keyout", "mxrsa.key", "-out", "mxrsa.csr", "-subj", "/CN=localhost"},
			{"x509", "-req", "-in", "mxrsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "mxrsa.pem", "-days", "2", "-sha256", "-extfile", ext},
			{"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "mxecca.key", "-out", "mxecca.pem", "-days", "2", "-subj", "/CN=matrix test ECDSA root"},
			{"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "mxecdh.key", "-out", "mxecdh.csr", "-subj", "/CN=localhost"},
			{"x509", "-req", "-in", "mxecdh.csr", "-CA", "mxecca.pem", "-CAkey", "mxecca.key", "-CAcreateserial", "-out", "mxecdh.pem", "-days", "2", "-sha256", "-extfile", ecext},
			{"req", "-x509", "-newkey", "dsa:dsap.pem", "-nodes", "-keyout", "mxdsaca.key", "-out", "mxdsaca.pem", "-days", "2", "-sha256", "-subj", "/CN=matrix test DSA root"},
			{"req", "-newkey", "dsa:dsap.pem", "-nodes", "-keyout", "mxdsa.key", "-out", "mxdsa.csr", "-subj", "/CN=localhost"},
			{"x509", "-req", "-in", "mxdsa.csr", "-CA", "mxdsaca.pem", "-CAkey", "mxdsaca.key", "-CAcreateserial", "-out", "mxdsa.pem", "-days", "2", "-sha256", "-extfile", ext},
		} {
			if mxPKIErr = run(args...); mxPKIErr != nil {
				return
			}
		}
		var bundle []byte
		for _, f := range []string{p.CAFile, k.CAFile, filepath.Join(k.Dir, "mxecca.pem"), filepath.Join(k.Dir, "mxdsaca.pem")} {
			b, err := os.ReadFile(f)
			if err != nil {
				mxPKIErr = err
				return
			}
			bundle = append(bundle, b...)
		}
		m := &mxPKI{RSA: &leaf{CertFile: filepath.Join(k.Dir, "mxrsa.pem"), KeyFile: filepath.Join(k.Dir, "mxrsa.key")},
			ECDH:     &leaf{CertFile: filepath.Join(k.Dir, "mxecdh.pem"), KeyFile: filepath.Join(k.Dir, "mxecdh.key")},
			DSA:      &leaf{CertFile: filepath.Join(k.Dir, "mxdsa.pem"), KeyFile: filepath.Join(k.Dir, "mxdsa.key")},
			CABundle: filepath.Join(k.Dir, "mxbundle.pem")}
		if mxPKIErr = os.WriteFile(m.CABundle, bundle, 0o600); mxPKIErr == nil {
			mxPKIVal = m
		}
	})
	if mxPKIErr != nil {
		t.Fatalf("matrix PKI: %v", mxPKIErr)
	}
	return mxPKIVal
}

// mxLeaf is the server certificate for s at v (nil: the key exchange has
// none).
func mxLeaf(t testing.TB, s *handshake.Suite, v ssl.Version) *leaf {
	switch s.KeyExchange {
	case handshake.KXECDHEECDSA:
		return testPKI(t).ECDSA
	case handshake.KXECDHECDSA:
		return matrixPKI(t).ECDH
	case handshake.KXECDHRSA:
		return kexTestPKI(t).ECRSA
	case handshake.KXDHEDSS, handshake.KXSRPDSS:
		// Before TLS 1.2 OTP's server wants a DSA-signed DSA certificate;
		// at TLS 1.2 OTP's client crashes (function_clause in
		// ssl_handshake) on a dsa-with-SHA256 certificate signature, so
		// the RSA-signed one there.
		if v < ssl.TLSv1_2 {
			return matrixPKI(t).DSA
		}
		return kexTestPKI(t).DSA
	case handshake.KXRSA, handshake.KXDHERSA, handshake.KXECDHERSA, handshake.KXRSAPSK, handshake.KXSRPRSA:
		return matrixPKI(t).RSA
	}
	return nil
}

func mxClientOpts(t testing.TB, s *handshake.Suite, v ssl.Version) ssl.Options {
	o := kexClientOpts(s, matrixPKI(t).CABundle)
	o.Versions = []ssl.Version{v}
	return o
}

func mxServerOpts(t testing.TB, s *handshake.Suite, v ssl.Version) ssl.Options {
	o := ssl.Options{
		Versions:      []ssl.Version{v},
		CipherString:  s.OpenSSLName,
		UserLookupFun: kexLookup,
		PSKIdentity:   "hint",
	}
	if l := mxLeaf(t, s, v); l != nil {
		l.Options(&o)
	}
	return o
}

// ---- our side, returning errors instead of failing the test ----

func mxCheckInfo(info ssl.ConnectionInfo, s *handshake.Suite, v ssl.Version) error {
	if info.Protocol != v || info.CipherSuite == nil || info.CipherSuite.ID != s.ID {
		return fmt.Errorf("negotiated %v %v, want %v %s", info.Protocol, info.CipherSuite, v, s.OpenSSLName)
	}
	return nil
}

// mxDial connects our client and checks the negotiated version and suite.
func mxDial(app *ssl.App, port int, o ssl.Options, s *handshake.Suite, v ssl.Version) (*ssl.Socket, error) {
	sock, err := dial(app, port, o)
	if err != nil {
		return nil, fmt.Errorf("our client: %s", ssl.FormatError(err))
	}
	info, err := sock.ConnectionInformation()
	if err == nil {
		err = mxCheckInfo(info, s, v)
	}
	if err != nil {
		sock.Close()
		return nil, fmt.Errorf("our client: %w", err)
	}
	return sock, nil
}

// mxEcho sends data while reading its echo and compares SHA-256.
func mxEcho(sock *ssl.Socket, data []byte) error {
	sendErr := make(chan error, 1)
	go func() { sendErr <- sock.Send(data) }()
	got := make([]byte, 0, len(data))
	for len(got) < len(data) {
		b, err := sock.Recv(0, ioTimeout)
		if err != nil {
			return fmt.Errorf("our client: recv after %d of %d bytes: %s", len(got), len(data), ssl.FormatError(err))
		}
		got = append(got, b...)
	}
	if err := <-sendErr; err != nil {
		return fmt.Errorf("our client: send: %s", ssl.FormatError(err))
	}
	if sum(got) != sum(data) {
		return fmt.Errorf("echo sha256 %s, want %s", sum(got), sum(data))
	}
	return nil
}

// mxServed waits for our server's report and checks it.
func mxServed(ch <-chan served, s *handshake.Suite, v ssl.Version, n int64) error {
	select {
	case r := <-ch:
		if r.err != nil {
			return fmt.Errorf("our server: %s", ssl.FormatError(r.err))
		}
		if err := mxCheckInfo(r.info, s, v); err != nil {
			return fmt.Errorf("our server: %w", err)
		}
		if n >= 0 && r.n != n {
			return fmt.Errorf("our server echoed %d bytes, want %d", r.n, n)
		}
		return nil
	case <-time.After(ioTimeout):
		return errors.New("our server reported no connection")
	}
}

func mxWait(p *proc, timeout time.Duration) error {
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("%s exited: %v", p.name, p.err)
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("%s did not exit within %v", p.name, timeout)
	}
}

// mxWithTail adds a peer's output to an error, for the test log only.
func mxWithTail(err error, p *proc) error {
	if err == nil || p == nil {
		return err
	}
	return &tailErr{err, p.tail()}
}

type tailErr struct {
	err  error
	tail string
}

func (e *tailErr) Error() string { return e.err.Error() }
func (e *tailErr) Unwrap() error { return e.err }

// ---- ours ↔ ours ----

func mxRunOurs(app *ssl.App) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, false, 90)
		port, res := ourServer(t, app, mxServerOpts(t, c.s, c.v), 0)
		sock, err := mxDial(app, port, mxClientOpts(t, c.s, c.v), c.s, c.v)
		if err != nil {
			return err
		}
		err = mxEcho(sock, data)
		sock.Close()
		if err != nil {
			return err
		}
		return mxServed(res, c.s, c.v, int64(len(data)))
	}
}

// ---- OpenSSL ----

var mxOpenSSLFlag = map[ssl.Version]string{ssl.TLSv1: "-tls1", ssl.TLSv1_1: "-tls1_1", ssl.TLSv1_2: "-tls1_2"}

// mxOpenSSLSuites lists the suite IDs `openssl ciphers -s` offers per version.
func mxOpenSSLSuites(bin string) (map[ssl.Version]map[uint16]bool, error) {
	out := map[ssl.Version]map[uint16]bool{}
	for v, flag := range mxOpenSSLFlag {
		b, err := exec.Command(bin, "ciphers", "-s", "-psk", "-srp", flag, "-V", "ALL:COMPLEMENTOFALL:@SECLEVEL=0").Output()
		if err != nil {
			return nil, fmt.Errorf("openssl ciphers: %v", err)
		}
		out[v] = map[uint16]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || !strings.HasPrefix(f[0], "0x") {
				continue
			}
			var hi, lo uint16
			if _, err := fmt.Sscanf(f[0], "0x%02X,0x%02X", &hi, &lo); err == nil {
				out[v][hi<<8|lo] = true
			}
		}
	}
	return out, nil
}

func mxOpenSSLNA(s *handshake.Suite, v ssl.Version, have map[ssl.Version]map[uint16]bool) string {
	switch {
	case v == ssl.SSLv3:
		return "OpenSSL 3.0 has no SSL 3.0"
	case s.KeyExchange.IsSRP():
		return "OpenSSL 3.0 SRP is broken: s_server finds no user in an `openssl srp` verifier file and s_client crashes, even against each other"
	case s.KeyExchange == handshake.KXECDHECDSA || s.KeyExchange == handshake.KXECDHRSA:
		return "OpenSSL 1.1.0+ removed static ECDH suites"
	case s.Legacy():
		return "not in this OpenSSL 3.0 build (no RC4, DES or 3DES in `openssl ciphers`)"
	case !have[v][s.ID]:
		return "not offered by `openssl ciphers -s " + mxOpenSSLFlag[v] + "`"
	}
	return ""
}

func mxOpenSSLServerArgs(t testing.TB, s *handshake.Suite, v ssl.Version) []string {
	var a []string
	if l := mxLeaf(t, s, v); l != nil {
		a = append(a, "-cert", l.CertFile, "-key", l.KeyFile)
	} else {
		a = append(a, "-nocert")
	}
	if s.KeyExchange.IsPSK() {
		a = append(a, "-psk", kexPSKHex, "-psk_identity", kexPSKIdentity, "-psk_hint", "hint")
	}
	return a
}

func mxOpenSSLClientArgs(t testing.TB, s *handshake.Suite, v ssl.Version) []string {
	var a []string
	if mxLeaf(t, s, v) != nil {
		a = append(a, "-CAfile", matrixPKI(t).CABundle, "-verify_return_error", "-verify_hostname", "localhost")
	}
	if s.KeyExchange.IsPSK() {
		a = append(a, "-psk", kexPSKHex, "-psk_identity", kexPSKIdentity)
	}
	return a
}

// mxOpenSSLOurClient: s_server prints what it receives; our client sends
// the payload and closes; s_server's output must hold it intact.
func mxOpenSSLOurClient(app *ssl.App, bin string) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, true, 91)
		args := append([]string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1", mxOpenSSLFlag[c.v],
			"-cipher", c.s.OpenSSLName + ":@SECLEVEL=0"}, mxOpenSSLServerArgs(t, c.s, c.v)...)
		srv := startProc(t, bin, args, procOpts{})
		m, err := srv.awaitMatch(acceptRe, peerReady)
		if err != nil {
			return mxWithTail(fmt.Errorf("s_server did not start: %v", err), srv)
		}
		port, _ := strconv.Atoi(m[1])
		sock, err := mxDial(app, port, mxClientOpts(t, c.s, c.v), c.s, c.v)
		if err != nil {
			return mxWithTail(err, srv)
		}
		err = sock.Send(data)
		sock.Close()
		if err != nil {
			return fmt.Errorf("our client: send: %s", ssl.FormatError(err))
		}
		if err := mxWait(srv, ioTimeout); err != nil {
			return mxWithTail(err, srv)
		}
		out := srv.Stdout()
		if !bytes.Contains(out, []byte("CIPHER is "+c.s.OpenSSLName+"\n")) {
			return mxWithTail(fmt.Errorf("s_server did not report CIPHER is %s", c.s.OpenSSLName), srv)
		}
		if i := bytes.Index(out, data); i < 0 || sum(out[i:i+len(data)]) != sum(data) {
			return mxWithTail(fmt.Errorf("s_server did not receive the %d bytes (sha256 %s)", len(data), sum(data)), srv)
		}
		return nil
	}
}

// mxOpenSSLOurServer: s_client sends the payload, our server echoes it and
// closes; s_client's output must equal it.
func mxOpenSSLOurServer(app *ssl.App, bin string) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, false, 92)
		port, res := ourServer(t, app, mxServerOpts(t, c.s, c.v), int64(len(data)))
		args := append([]string{"s_client", "-connect", "127.0.0.1:" + itoa(port), mxOpenSSLFlag[c.v],
			"-cipher", c.s.OpenSSLName + ":@SECLEVEL=0", "-servername", "localhost", "-brief", "-ign_eof"}, mxOpenSSLClientArgs(t, c.s, c.v)...)
		cl := startProc(t, bin, args, procOpts{stdin: openFile(t, writeFile(t, "in", data))})
		if err := mxWait(cl, ioTimeout); err != nil {
			return mxWithTail(err, cl)
		}
		if err := mxServed(res, c.s, c.v, int64(len(data))); err != nil {
			return mxWithTail(err, cl)
		}
		if !strings.Contains(string(cl.Stderr()), "Ciphersuite: "+c.s.OpenSSLName+"\n") {
			return mxWithTail(fmt.Errorf("s_client did not report %s", c.s.OpenSSLName), cl)
		}
		if got := cl.Stdout(); sum(got) != sum(data) {
			return fmt.Errorf("s_client received %d bytes sha256 %s, want sha256 %s", len(got), sum(got), sum(data))
		}
		return nil
	}
}

// ---- GnuTLS ----

var mxGnuTLSVersion = map[ssl.Version]string{ssl.TLSv1: "TLS1.0", ssl.TLSv1_1: "TLS1.1", ssl.TLSv1_2: "TLS1.2"}

// mxGnuTLSSuites lists `gnutls-cli -l`'s suites with the lowest version.
func mxGnuTLSSuites(cli string) (map[uint16]ssl.Version, error) {
	b, err := exec.Command(cli, "-l").Output()
	if err != nil {
		return nil, fmt.Errorf("gnutls-cli -l: %v", err)
	}
	re := regexp.MustCompile(`(?m)^TLS_\S+\s+0x([0-9a-f]{2}), 0x([0-9a-f]{2})\s+(TLS1\.[0-2])\s*$`)
	out := map[uint16]ssl.Version{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		hi, _ := strconv.ParseUint(m[1], 16, 8)
		lo, _ := strconv.ParseUint(m[2], 16, 8)
		for v, name := range mxGnuTLSVersion {
			if name == m[3] {
				out[uint16(hi<<8|lo)] = v
			}
		}
	}
	return out, nil
}

func mxGnuTLSNA(s *handshake.Suite, v ssl.Version, dir string, have map[uint16]ssl.Version) string {
	switch {
	case v == ssl.SSLv3:
		return "GnuTLS 3.7 has no SSL 3.0"
	case s.KeyExchange == handshake.KXECDHECDSA || s.KeyExchange == handshake.KXECDHRSA:
		return "GnuTLS has no static ECDH suites"
	case s.Cipher == handshake.DESCBC:
		return "GnuTLS has no single-DES suites"
	}
	minV, ok := have[s.ID]
	if !ok || v < minV {
		return "not in `gnutls-cli -l` at " + mxGnuTLSVersion[v]
	}
	if dir == mxOurServer && s.KeyExchange == handshake.KXDHEPSK {
		return "gnutls-cli 3.7.9 segfaults on DHE-PSK, even against gnutls-serv"
	}
	return ""
}

func mxGnuTLSPriority(s *handshake.Suite, v ssl.Version) string {
	kx, c, m := gnutlsNames(s)
	if kx == "" {
		kx = gnutlsKX(s.KeyExchange)
	}
	switch s.Cipher {
	case handshake.RC4128:
		c = "ARCFOUR-128"
	case handshake.TripleDESEDECBC:
		c = "3DES-CBC"
	}
	if s.MAC == handshake.MACMD5 {
		m = "MD5"
	}
	p := "NORMAL:-VERS-ALL:+VERS-" + mxGnuTLSVersion[v] + ":-CIPHER-ALL:+" + c + ":-MAC-ALL:+" + m + ":-KX-ALL:+" + kx + ":%VERIFY_ALLOW_SIGN_WITH_SHA1"
	if s.KeyExchange == handshake.KXDHEDSS || s.KeyExchange == handshake.KXSRPDSS {
		p += ":+SIGN-DSA-SHA256:+SIGN-DSA-SHA1"
	}
	return p
}

type mxGnuTLSCreds struct{ psk, srp, srpConf string }

func mxGnuTLSOurClient(app *ssl.App, serv, stdbuf string, cr mxGnuTLSCreds) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, true, 93) // gnutls-serv --echo is line based
		args := []string{"-oL", serv, "--port", "0", "--echo", "--crlf", "--priority", mxGnuTLSPriority(c.s, c.v),
			"--pskpasswd", cr.psk, "--pskhint", "hint", "--srppasswd", cr.srp, "--srppasswdconf", cr.srpConf}
		if l := mxLeaf(t, c.s, c.v); l != nil {
			args = append(args, "--x509certfile", l.CertFile, "--x509keyfile", l.KeyFile)
		}
		srv := startProc(t, stdbuf, args, procOpts{stderrMax: 64 << 10})
		if _, err := srv.awaitMatch(gnutlsListening, peerReady); err != nil {
			return mxWithTail(fmt.Errorf("gnutls-serv did not start: %v", err), srv)
		}
		port := listenPort(t, srv.cmd.Process.Pid)
		sock, err := mxDial(app, port, mxClientOpts(t, c.s, c.v), c.s, c.v)
		if err != nil {
			return mxWithTail(err, srv)
		}
		err = mxEcho(sock, data)
		sock.Close()
		if err != nil {
			return mxWithTail(err, srv)
		}
		// gnutls-serv may print the session after the echo is back.
		if _, err := srv.awaitMatch(regexp.MustCompile(`- Version: `+regexp.QuoteMeta(mxGnuTLSVersion[c.v])+`\n`), 10*time.Second); err != nil {
			return mxWithTail(fmt.Errorf("gnutls-serv did not report %s", mxGnuTLSVersion[c.v]), srv)
		}
		return nil
	}
}

func mxGnuTLSOurServer(app *ssl.App, cli string) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, true, 94)
		port, res := ourServer(t, app, mxServerOpts(t, c.s, c.v), int64(len(data)))
		args := []string{"--priority", mxGnuTLSPriority(c.s, c.v), "--port", itoa(port),
			"--pskusername", kexPSKIdentity, "--pskkey", kexPSKHex,
			"--srpusername", kexSRPUser, "--srppasswd", kexSRPPassword}
		if mxLeaf(t, c.s, c.v) != nil {
			args = append(args, "--x509cafile", matrixPKI(t).CABundle, "--sni-hostname", "localhost", "--verify-hostname", "localhost")
		}
		cl := startProc(t, cli, append(args, "127.0.0.1"), procOpts{})
		go func() { _, _ = cl.stdin.Write(data) }()
		if err := mxWait(cl, ioTimeout); err != nil {
			return mxWithTail(err, cl)
		}
		if err := mxServed(res, c.s, c.v, int64(len(data))); err != nil {
			return mxWithTail(err, cl)
		}
		out := string(cl.Stdout())
		i := strings.Index(out, gnutlsCliMark)
		if i < 0 {
			return mxWithTail(errors.New("gnutls-cli never reached client mode"), cl)
		}
		if !strings.Contains(out[:i], "- Description: ("+mxGnuTLSVersion[c.v]+"-") {
			return mxWithTail(fmt.Errorf("gnutls-cli did not describe a %s session", mxGnuTLSVersion[c.v]), cl)
		}
		got := strings.TrimSuffix(out[i+len(gnutlsCliMark):], gnutlsCliClosed)
		if sum([]byte(got)) != sum(data) {
			return fmt.Errorf("gnutls-cli received %d bytes sha256 %s, want sha256 %s", len(got), sum([]byte(got)), sum(data))
		}
		return nil
	}
}

// ---- Erlang/OTP ----

func mxErlScript(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs("testdata/erl_matrix.escript")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mxErlangSuites lists the suites OTP offers per version
// (ssl:cipher_suites(all|anonymous, V)).
func mxErlangSuites(bin, script string) (map[ssl.Version]map[uint16]bool, error) {
	b, err := exec.Command(bin, script, "list").Output()
	if err != nil {
		return nil, fmt.Errorf("erl_matrix.escript list: %v", err)
	}
	names := map[string]ssl.Version{"tlsv1": ssl.TLSv1, "tlsv1.1": ssl.TLSv1_1, "tlsv1.2": ssl.TLSv1_2}
	out := map[ssl.Version]map[uint16]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		v, ok := names[f[0]]
		if !ok {
			continue
		}
		out[v] = map[uint16]bool{}
		for _, h := range f[1:] {
			if id, err := strconv.ParseUint(h, 16, 16); err == nil {
				out[v][uint16(id)] = true
			}
		}
	}
	if len(out) != 3 {
		return nil, fmt.Errorf("erl_matrix.escript list: %q", b)
	}
	return out, nil
}

func mxErlangNA(s *handshake.Suite, v ssl.Version, dir string, have map[ssl.Version]map[uint16]bool) string {
	if v == ssl.SSLv3 {
		return "OTP 25 has no SSL 3.0"
	}
	if s.KeyExchange == handshake.KXRSAPSK && dir == mxOurClient && have[v][s.ID] {
		// ssl_handshake:key_exchange(server, _, {psk, Hint, HashSign, ...})
		// goes through enc_server_key_exchange, which signs with the RSA key.
		return "OTP 25's server signs the RSA-PSK ServerKeyExchange (RFC 4279 §2 defines it as the identity hint only); our client, like OpenSSL's, rejects the trailing signature with decode_error"
	}
	if !have[v][s.ID] {
		return "not in OTP 25's ssl:cipher_suites(all|anonymous, " + v.String() + ")"
	}
	if v < ssl.TLSv1_2 && !s.AEAD() && (s.MAC == handshake.MACSHA256 || s.MAC == handshake.MACSHA384) {
		// The PSK CBC suites with SHA-256/384 MACs (RFC 5487) below TLS 1.2:
		// OTP 25 disagrees on the keys with us and with OpenSSL alike
		// (bad_record_mac on the first encrypted record), while OpenSSL
		// and we interoperate in both directions with the version's PRF.
		return "OTP 25 fails RFC 5487 SHA-256/384 CBC suites below TLS 1.2 against us with bad_record_mac in both directions, while OpenSSL interoperates with us both ways; OTP fails the same way against OpenSSL's s_client (checked by hand: PSK-AES128-CBC-SHA256, tlsv1)"
	}
	return ""
}

func mxHex(id uint16) string { return fmt.Sprintf("%04x", id) }

var mxErlAccepted = regexp.MustCompile(`(accepted|fail) (.*)\n`)

func mxErlangOurClient(app *ssl.App, bin, script string) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, false, 95)
		cert, key := "-", "-"
		if l := mxLeaf(t, c.s, c.v); l != nil {
			cert, key = l.CertFile, l.KeyFile
		}
		srv := startProc(t, bin, []string{script, "server", c.v.String(), mxHex(c.s.ID), cert, key}, procOpts{})
		m, err := srv.awaitMatch(erlListening, peerReady)
		if err != nil {
			return mxWithTail(fmt.Errorf("Erlang server did not start: %v", err), srv)
		}
		port, _ := strconv.Atoi(m[1])
		sock, err := mxDial(app, port, mxClientOpts(t, c.s, c.v), c.s, c.v)
		if err != nil {
			if m, e := srv.awaitMatch(mxErlAccepted, 2*time.Second); e == nil && m[1] == "fail" {
				err = fmt.Errorf("%w; Erlang server: %s", err, m[2])
			}
			return mxWithTail(err, srv)
		}
		err = mxEcho(sock, data)
		sock.Close()
		if err != nil {
			return mxWithTail(err, srv)
		}
		want := "accepted " + c.v.String() + " " + mxHex(c.s.ID)
		if m, err := srv.awaitMatch(mxErlAccepted, ioTimeout); err != nil || m[0] != want+"\n" {
			return mxWithTail(fmt.Errorf("Erlang server: %q, want %q", m, want), srv)
		}
		return nil
	}
}

func mxErlangOurServer(app *ssl.App, bin, script string) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, false, 96)
		port, res := ourServer(t, app, mxServerOpts(t, c.s, c.v), 0)
		ca := "-"
		if mxLeaf(t, c.s, c.v) != nil {
			ca = matrixPKI(t).CABundle
		}
		cl := startProc(t, bin, []string{script, "client", itoa(port), c.v.String(), mxHex(c.s.ID), ca, writeFile(t, "payload", data)}, procOpts{})
		if err := mxWait(cl, ioTimeout); err != nil {
			return mxWithTail(err, cl)
		}
		line := strings.TrimSpace(string(cl.Stdout()))
		want := "ok " + c.v.String() + " " + mxHex(c.s.ID) + " " + strings.ToUpper(sum(data))
		if line != want {
			return mxWithTail(fmt.Errorf("Erlang client: %q, want %q", line, want), cl)
		}
		return mxServed(res, c.s, c.v, int64(len(data)))
	}
}

// ---- crypto/tls ----

var mxGoVersion = map[ssl.Version]uint16{ssl.TLSv1: tls.VersionTLS10, ssl.TLSv1_1: tls.VersionTLS11, ssl.TLSv1_2: tls.VersionTLS12}

func mxGoNA(s *handshake.Suite, v ssl.Version) string {
	if v == ssl.SSLv3 {
		return "crypto/tls has no SSL 3.0"
	}
	switch s.KeyExchange {
	case handshake.KXRSA, handshake.KXECDHERSA, handshake.KXECDHEECDSA:
	default:
		return "crypto/tls has no " + s.KeyExchange.String() + " key exchange"
	}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if cs.ID == s.ID {
			for _, gv := range cs.SupportedVersions {
				if gv == mxGoVersion[v] {
					return ""
				}
			}
			return "crypto/tls allows it only at other versions"
		}
	}
	return "not implemented by crypto/tls"
}

func mxGoCert(t testing.TB, s *handshake.Suite, v ssl.Version) (tls.Certificate, error) {
	l := mxLeaf(t, s, v)
	return tls.LoadX509KeyPair(l.CertFile, l.KeyFile)
}

func mxGoOurClient(app *ssl.App) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, false, 97)
		cert, err := mxGoCert(t, c.s, c.v)
		if err != nil {
			return err
		}
		gv := mxGoVersion[c.v]
		port, res := goServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, CipherSuites: []uint16{c.s.ID}, MinVersion: gv, MaxVersion: gv})
		sock, err := mxDial(app, port, mxClientOpts(t, c.s, c.v), c.s, c.v)
		if err != nil {
			select {
			case r := <-res:
				err = fmt.Errorf("%w; crypto/tls server: %v", err, r.err)
			case <-time.After(time.Second):
			}
			return err
		}
		err = mxEcho(sock, data)
		sock.Close()
		if err != nil {
			return err
		}
		select {
		case r := <-res:
			if r.state.Version != gv || r.state.CipherSuite != c.s.ID || r.n != int64(len(data)) {
				return fmt.Errorf("crypto/tls server saw %x %x, echoed %d (%v)", r.state.Version, r.state.CipherSuite, r.n, r.err)
			}
		case <-time.After(ioTimeout):
			return errors.New("crypto/tls server did not finish")
		}
		return nil
	}
}

func mxGoOurServer(app *ssl.App) func(t *testing.T, c *mxCell) error {
	return func(t *testing.T, c *mxCell) error {
		data := payload(mxDataSize, false, 98)
		port, res := ourServer(t, app, mxServerOpts(t, c.s, c.v), 0)
		pool := x509.NewCertPool()
		b, err := os.ReadFile(matrixPKI(t).CABundle)
		if err != nil {
			return err
		}
		pool.AppendCertsFromPEM(b)
		gv := mxGoVersion[c.v]
		cfg := &tls.Config{RootCAs: pool, ServerName: "localhost", CipherSuites: []uint16{c.s.ID}, MinVersion: gv, MaxVersion: gv}
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: hsTimeout}, "tcp", net.JoinHostPort("127.0.0.1", itoa(port)), cfg)
		if err != nil {
			return fmt.Errorf("crypto/tls client: %v", err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(ioTimeout))
		if st := conn.ConnectionState(); st.Version != gv || st.CipherSuite != c.s.ID {
			return fmt.Errorf("crypto/tls client negotiated %x %x", st.Version, st.CipherSuite)
		}
		sendErr := make(chan error, 1)
		go func() { _, err := conn.Write(data); sendErr <- err }()
		got := make([]byte, len(data))
		if _, err := io.ReadFull(conn, got); err != nil {
			return fmt.Errorf("crypto/tls client read: %v", err)
		}
		if err := <-sendErr; err != nil {
			return fmt.Errorf("crypto/tls client write: %v", err)
		}
		if sum(got) != sum(data) {
			return fmt.Errorf("crypto/tls client: echo sha256 %s, want %s", sum(got), sum(data))
		}
		conn.Close()
		return mxServed(res, c.s, c.v, int64(len(data)))
	}
}

// ---- building the matrix ----

// mxPeerSet is what is installed and what each peer offers.
type mxPeerSet struct {
	missing  map[string]string // peer → why it cannot run at all
	openssl  map[ssl.Version]map[uint16]bool
	gnutls   map[uint16]ssl.Version
	erlang   map[ssl.Version]map[uint16]bool
	versions map[string]string // peer → version banner
	runners  map[string]map[string]func(t *testing.T, c *mxCell) error
}

func mxLook(t *testing.T, app *ssl.App) *mxPeerSet {
	ps := &mxPeerSet{missing: map[string]string{}, versions: map[string]string{}, runners: map[string]map[string]func(*testing.T, *mxCell) error{}}
	look := func(name string) string {
		p, err := exec.LookPath(name)
		if err != nil {
			if os.Getenv("SSL_REQUIRE_PEERS") == "1" {
				t.Fatalf("peer %s not installed (SSL_REQUIRE_PEERS=1)", name)
			}
			return ""
		}
		return p
	}
	banner := func(bin string, args ...string) string {
		b, _ := exec.Command(bin, args...).Output()
		line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		return line
	}
	if bin := look("openssl"); bin == "" {
		ps.missing[mxOpenSSL] = "openssl not installed"
	} else if have, err := mxOpenSSLSuites(bin); err != nil {
		t.Fatal(err)
	} else {
		ps.openssl = have
		ps.versions[mxOpenSSL] = banner(bin, "version")
		ps.runners[mxOpenSSL] = map[string]func(*testing.T, *mxCell) error{
			mxOurClient: mxOpenSSLOurClient(app, bin), mxOurServer: mxOpenSSLOurServer(app, bin)}
	}
	serv, cli, stdbuf := look("gnutls-serv"), look("gnutls-cli"), look("stdbuf")
	if serv == "" || cli == "" || stdbuf == "" || look("srptool") == "" {
		ps.missing[mxGnuTLS] = "gnutls-bin not installed"
	} else if have, err := mxGnuTLSSuites(cli); err != nil {
		t.Fatal(err)
	} else {
		psk, srp, srpConf := gnutlsCreds(t)
		ps.gnutls = have
		ps.versions[mxGnuTLS] = banner(cli, "--version")
		ps.runners[mxGnuTLS] = map[string]func(*testing.T, *mxCell) error{
			mxOurClient: mxGnuTLSOurClient(app, serv, stdbuf, mxGnuTLSCreds{psk, srp, srpConf}), mxOurServer: mxGnuTLSOurServer(app, cli)}
	}
	if bin := look("escript"); bin == "" {
		ps.missing[mxErlang] = "Erlang/OTP not installed"
	} else if have, err := mxErlangSuites(bin, mxErlScript(t)); err != nil {
		t.Fatal(err)
	} else {
		ps.erlang = have
		erl := look("erl")
		if b, err := exec.Command(erl, "-noshell", "-eval", `application:load(ssl), {ok, V} = application:get_key(ssl, vsn), io:format("~s ssl-~s~n", [erlang:system_info(otp_release), V]), halt().`).Output(); err == nil {
			ps.versions[mxErlang] = "Erlang/OTP " + strings.TrimSpace(string(b))
		}
		script := mxErlScript(t)
		ps.runners[mxErlang] = map[string]func(*testing.T, *mxCell) error{
			mxOurClient: mxErlangOurClient(app, bin, script), mxOurServer: mxErlangOurServer(app, bin, script)}
	}
	ps.versions[mxGoTLS] = "crypto/tls of " + runtime.Version()
	ps.runners[mxGoTLS] = map[string]func(*testing.T, *mxCell) error{mxOurClient: mxGoOurClient(app), mxOurServer: mxGoOurServer(app)}
	ps.runners[mxOurs] = map[string]func(*testing.T, *mxCell) error{mxBoth: mxRunOurs(app)}
	return ps
}

// na is the reason peer cannot play s at v in dir, "" when it can.
func (ps *mxPeerSet) na(peer string, s *handshake.Suite, v ssl.Version, dir string) string {
	if why, ok := ps.missing[peer]; ok {
		return why
	}
	switch peer {
	case mxOpenSSL:
		return mxOpenSSLNA(s, v, ps.openssl)
	case mxGnuTLS:
		return mxGnuTLSNA(s, v, dir, ps.gnutls)
	case mxErlang:
		return mxErlangNA(s, v, dir, ps.erlang)
	case mxGoTLS:
		return mxGoNA(s, v)
	}
	return ""
}

// mxBuild lists every cell: each (suite, version) of the manual gets one
// row per real peer and direction, and one ours↔ours row.
func mxBuild(ps *mxPeerSet) []*mxCell {
	var cells []*mxCell
	for _, s := range handshake.AllSuites() {
		for _, v := range mxVersions {
			if !s.SupportsVersion(v) {
				continue
			}
			for _, p := range mxPeers {
				for _, d := range []string{mxOurClient, mxOurServer} {
					c := &mxCell{s: s, v: v, peer: p, dir: d}
					if c.reason = ps.na(p, s, v, d); c.reason != "" {
						c.status = mxNA
					} else {
						c.run = ps.runners[p][d]
					}
					cells = append(cells, c)
				}
			}
			cells = append(cells, &mxCell{s: s, v: v, peer: mxOurs, dir: mxBoth, run: ps.runners[mxOurs][mxBoth]})
		}
	}
	return cells
}

// mxSubset keeps the cells of a representative subset runnable and marks
// the others not run: per real peer, the first cells that add a key
// exchange, cipher, MAC or version that peer has not yet covered
// (preferring cells the peer plays in both directions); over all peers,
// every key exchange × cipher pair once; and ours↔ours where no real peer
// can play the (suite, version).
func mxSubset(cells []*mxCell) {
	type key struct {
		id   uint16
		v    ssl.Version
		peer string
	}
	dirs := map[key]int{} // runnable directions per (suite, version, peer)
	runnable := map[[2]any]bool{}
	for _, c := range cells {
		if c.run != nil && c.peer != mxOurs {
			dirs[key{c.s.ID, c.v, c.peer}]++
			runnable[[2]any{c.s.ID, c.v}] = true
		}
	}
	picked := map[key]bool{}
	seen := map[string]bool{}
	consider := func(c *mxCell, feats []string) {
		for _, f := range feats {
			if !seen[f] {
				for _, f := range feats {
					seen[f] = true
				}
				picked[key{c.s.ID, c.v, c.peer}] = true
				return
			}
		}
	}
	// Cheapest peers first; TLS 1.2 first, so that older versions are
	// picked where they add something.
	order := []string{mxGoTLS, mxOpenSSL, mxGnuTLS, mxErlang}
	versions := []ssl.Version{ssl.TLSv1_2, ssl.TLSv1_1, ssl.TLSv1}
	for _, pass := range []string{"both", "one", "pair"} {
		for _, p := range order {
			for _, v := range versions {
				for _, c := range cells {
					k := key{c.s.ID, c.v, p}
					if c.peer != p || c.v != v || c.run == nil || dirs[k] == 0 || picked[k] {
						continue
					}
					switch pass {
					case "both", "one":
						if pass == "both" && dirs[k] < 2 {
							continue
						}
						consider(c, []string{p + "/kx/" + c.s.KeyExchange.String(), p + "/c/" + c.s.Cipher.String(),
							p + "/m/" + c.s.MAC.String(), p + "/v/" + c.v.String()})
					case "pair":
						consider(c, []string{"pair/" + c.s.KeyExchange.String() + "/" + c.s.Cipher.String()})
					}
				}
			}
		}
	}
	for _, c := range cells {
		if c.run == nil {
			continue
		}
		keep := picked[key{c.s.ID, c.v, c.peer}]
		if c.peer == mxOurs {
			keep = !runnable[[2]any{c.s.ID, c.v}]
		}
		if !keep {
			c.run, c.status = nil, mxSkip
		}
	}
}

// TestInteropMatrix runs the matrix (see the file comment).
func TestInteropMatrix(t *testing.T) {
	t.Parallel()
	write := os.Getenv("SSL_INTEROP_WRITE") == "1"
	full := write || os.Getenv("SSL_INTEROP_FULL") == "1"
	app := startApp(t)
	matrixPKI(t)
	ps := mxLook(t, app)
	cells := mxBuild(ps)
	if !full {
		mxSubset(cells)
	}
	mxCheckRows(t, cells)

	start := time.Now()
	sem := make(chan struct{}, 2)
	t.Run("cells", func(t *testing.T) {
		for _, c := range cells {
			if c.run == nil {
				continue
			}
			t.Run(c.name(), func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				err := c.run(t, c)
				if err != nil {
					c.status = mxFail
					c.reason = strings.Join(strings.Fields(err.Error()), " ")
					var te *tailErr
					if errors.As(err, &te) {
						t.Errorf("%v\n%s", err, te.tail)
					} else {
						t.Error(err)
					}
					return
				}
				c.status = mxPass
			})
		}
	})
	elapsed := time.Since(start)

	counts := mxCount(cells)
	for _, p := range append(append([]string{}, mxPeers...), mxOurs) {
		n := counts[p]
		t.Logf("%-10s cells %4d  pass %4d  fail %3d  n/a %4d  not run %4d", p, n.total, n.pass, n.fail, n.na, n.skip)
	}
	t.Logf("matrix ran in %v (full=%v)", elapsed.Round(time.Second), full)
	if full {
		// Every (suite, version) passes against someone (unless -run
		// filtered all of its cells out).
		for _, g := range mxGroups(cells) {
			ok, ran := false, false
			for _, c := range g {
				ok = ok || c.status == mxPass
				ran = ran || c.status == mxPass || c.status == mxFail
			}
			if ran && !ok {
				t.Errorf("%s at %v passes against no peer and not against ourselves", g[0].s.OpenSSLName, g[0].v)
			}
		}
	}
	if write {
		path := filepath.Join("..", "docs", "interop.md")
		if err := os.WriteFile(path, []byte(mxDoc(cells, ps, elapsed)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// mxCheckRows fails when a (suite, version) of the manual lacks a row for
// some peer and direction, or has a cell neither runnable nor explained.
func mxCheckRows(t *testing.T, cells []*mxCell) {
	have := map[string]int{}
	for _, c := range cells {
		have[c.s.OpenSSLName+"|"+c.v.String()]++
		if c.run == nil && c.status == "" {
			t.Errorf("%s: neither runnable nor n/a", c.name())
		}
		if c.status == mxNA && c.reason == "" {
			t.Errorf("%s: n/a without a reason", c.name())
		}
	}
	want := 2*len(mxPeers) + 1
	n := 0
	for _, s := range handshake.AllSuites() {
		for _, v := range mxVersions {
			if !s.SupportsVersion(v) {
				continue
			}
			n++
			if got := have[s.OpenSSLName+"|"+v.String()]; got != want {
				t.Errorf("%s at %v: %d rows, want %d", s.OpenSSLName, v, got, want)
			}
		}
	}
	if len(cells) != n*want {
		t.Errorf("%d cells for %d (suite, version) pairs, want %d", len(cells), n, n*want)
	}
}

type mxCounts struct{ total, pass, fail, na, skip int }

func mxCount(cells []*mxCell) map[string]*mxCounts {
	out := map[string]*mxCounts{}
	for _, p := range append(append([]string{"all"}, mxPeers...), mxOurs) {
		out[p] = &mxCounts{}
	}
	for _, c := range cells {
		for _, n := range []*mxCounts{out[c.peer], out["all"]} {
			n.total++
			switch c.status {
			case mxPass:
				n.pass++
			case mxFail:
				n.fail++
			case mxNA:
				n.na++
			default:
				n.skip++
			}
		}
	}
	return out
}

// mxGroups groups the cells by (suite, version), in table order.
func mxGroups(cells []*mxCell) [][]*mxCell {
	var out [][]*mxCell
	for _, c := range cells {
		if n := len(out); n > 0 && out[n-1][0].s == c.s && out[n-1][0].v == c.v {
			out[n-1] = append(out[n-1], c)
			continue
		}
		out = append(out, []*mxCell{c})
	}
	return out
}

// mxKATs points to the known-answer tests that pin down s's primitives
// without a peer.
func mxKATs(s *handshake.Suite, v ssl.Version) string {
	var k []string
	switch s.Cipher {
	case handshake.AES128GCM, handshake.AES256GCM:
		k = append(k, "record TestGCMKnownAnswer")
	case handshake.ChaCha20Poly1305:
		k = append(k, "record TestChaChaKnownAnswer")
	case handshake.RC4128:
		k = append(k, "record TestRC4KnownAnswer")
	default:
		k = append(k, "record TestCBCKnownAnswer")
	}
	if v == ssl.SSLv3 {
		k = append(k, "record TestSSL3MACKnownAnswer", "record TestSSL3Padding", "handshake TestSSL3KeySchedule")
	} else {
		k = append(k, "handshake TestPRFVectors")
	}
	switch {
	case s.KeyExchange.IsSRP():
		k = append(k, "handshake TestSRPKnownAnswerAndRoundTrip")
	case s.KeyExchange == handshake.KXECDHECDSA || s.KeyExchange == handshake.KXECDHRSA:
		k = append(k, "handshake TestStaticECDH")
	case s.KeyExchange.IsFFDH():
		k = append(k, "handshake TestDHRoundTripAndChecks")
	}
	if s.KeyExchange == handshake.KXDHEDSS || s.KeyExchange == handshake.KXSRPDSS {
		k = append(k, "handshake TestDSASignaturesInHandshake")
	}
	k = append(k, "handshake TestNewCiphersEveryCipher")
	return strings.Join(k, ", ")
}

// mxDoc renders docs/interop.md.
func mxDoc(cells []*mxCell, ps *mxPeerSet, elapsed time.Duration) string {
	var b strings.Builder
	counts := mxCount(cells)
	groups := mxGroups(cells)
	b.WriteString("# Interop matrix\n\n")
	b.WriteString("Generated by `SSL_INTEROP_WRITE=1 go test ./test -run TestInteropMatrix` (test/interop_matrix_test.go); do not edit by hand.\n\n")
	b.WriteString("Every suite of `handshake.AllSuites()` (the manual's `ciphersuite()` values) at every version that allows it, ")
	b.WriteString("against every installed peer that implements it, in both directions: **our client** means the peer is the server, ")
	b.WriteString("**our server** means the peer is the client. Each cell is a full handshake with the one suite and version, checked on both sides, ")
	b.WriteString("then 16 KiB of data through the connection compared by SHA-256 (an echo, except towards `openssl s_server`, which prints what it receives). ")
	b.WriteString("**ours↔ours** is our client against our server. `n/a` cells give the reason the peer cannot play the cell.\n\n")
	b.WriteString("CI runs a subset (per peer every key exchange, cipher, MAC and version once, every key exchange × cipher pair once, ")
	b.WriteString("and ours↔ours where no peer can play); `SSL_INTEROP_FULL=1` runs every cell.\n\n")
	fmt.Fprintf(&b, "Peers: ")
	var vs []string
	for _, p := range mxPeers {
		if v, ok := ps.versions[p]; ok {
			vs = append(vs, p+" ("+v+")")
		} else {
			vs = append(vs, p+" ("+ps.missing[p]+")")
		}
	}
	b.WriteString(strings.Join(vs, "; ") + ".\n\n")

	b.WriteString("## Counts\n\n| peer | cells | pass | fail | n/a |\n|---|---:|---:|---:|---:|\n")
	for _, p := range append(append([]string{}, mxPeers...), mxOurs, "all") {
		n := counts[p]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", p, n.total, n.pass, n.fail, n.na)
	}
	peerPass := 0
	var lonely [][]*mxCell
	for _, g := range groups {
		real := false
		for _, c := range g {
			real = real || (c.peer != mxOurs && c.status == mxPass)
		}
		if real {
			peerPass++
		} else {
			lonely = append(lonely, g)
		}
	}
	fmt.Fprintf(&b, "\n%d (suite, version) pairs from %d suites; %d pass against at least one real peer, %d against our own other side only (listed below). Run time %v.\n\n",
		len(groups), len(handshake.AllSuites()), peerPass, len(lonely), elapsed.Round(time.Second))

	// Footnotes for reasons.
	notes := map[string]int{}
	var noteList []string
	note := func(r string) string {
		if _, ok := notes[r]; !ok {
			noteList = append(noteList, r)
			notes[r] = len(noteList)
		}
		return fmt.Sprintf("[^%d]", notes[r])
	}
	mark := func(c *mxCell) string {
		switch c.status {
		case mxPass:
			return "pass"
		case mxFail:
			return "**FAIL** " + note(c.reason)
		case mxNA:
			return "n/a " + note(c.reason)
		}
		return c.status
	}

	b.WriteString("## Matrix\n\n| suite | version |")
	for _, p := range mxPeers {
		fmt.Fprintf(&b, " %s our client | %s our server |", p, p)
	}
	b.WriteString(" ours↔ours |\n|---|---|")
	b.WriteString(strings.Repeat("---|", 2*len(mxPeers)+1) + "\n")
	for _, g := range groups {
		fmt.Fprintf(&b, "| %s | %s |", g[0].s.OpenSSLName, g[0].v)
		for _, c := range g {
			fmt.Fprintf(&b, " %s |", mark(c))
		}
		b.WriteString("\n")
	}

	b.WriteString("\n## Suites no installed peer can test\n\n")
	if len(lonely) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("No installed peer implements these (suite, version) pairs; each passes between our own client and server ")
		b.WriteString("(the ours↔ours column above; TestSSL3OwnSides adds client certificates at SSL 3.0), and its primitives have known-answer tests:\n\n")
		b.WriteString("| suite | version | ours↔ours | why no peer | known-answer tests |\n|---|---|---|---|---|\n")
		for _, g := range lonely {
			var why []string
			seenWhy := map[string]bool{}
			var ours *mxCell
			for _, c := range g {
				if c.peer == mxOurs {
					ours = c
				} else if c.reason != "" && !seenWhy[c.peer] {
					seenWhy[c.peer] = true
					why = append(why, c.peer+": "+c.reason)
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", g[0].s.OpenSSLName, g[0].v, mark(ours), strings.Join(why, "; "), mxKATs(g[0].s, g[0].v))
		}
	}

	b.WriteString("\n## Notes\n\n")
	idx := make([]int, len(noteList))
	for i := range idx {
		idx[i] = i
	}
	sort.Ints(idx)
	for _, i := range idx {
		fmt.Fprintf(&b, "[^%d]: %s\n", i+1, strings.ReplaceAll(noteList[i], "|", "\\|"))
	}
	return b.String()
}
