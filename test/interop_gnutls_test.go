// interop_gnutls_test.go runs the suite matrix and a bulk echo against
// GnuTLS's gnutls-serv --echo and gnutls-cli, both directions.
package test

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// gnutlsNames returns GnuTLS's names for the suite's key exchange, cipher
// and MAC, as used in priority strings and in its session descriptions.
func gnutlsNames(s *handshake.Suite) (kx, cipher, mac string) {
	switch s.KeyExchange {
	case handshake.KXECDHEECDSA:
		kx = "ECDHE-ECDSA"
	case handshake.KXECDHERSA:
		kx = "ECDHE-RSA"
	case handshake.KXRSA:
		kx = "RSA"
	}
	cipher = map[handshake.BulkCipher]string{
		handshake.AES128GCM: "AES-128-GCM", handshake.AES256GCM: "AES-256-GCM",
		handshake.ChaCha20Poly1305: "CHACHA20-POLY1305",
		handshake.AES128CBC:        "AES-128-CBC", handshake.AES256CBC: "AES-256-CBC",
	}[s.Cipher]
	mac = map[handshake.MACAlg]string{
		handshake.MACAEAD: "AEAD", handshake.MACSHA1: "SHA1",
		handshake.MACSHA256: "SHA256", handshake.MACSHA384: "SHA384",
	}[s.MAC]
	return
}

// gnutlsPriority pins TLS 1.2 and exactly the suite.
func gnutlsPriority(s *handshake.Suite) string {
	kx, c, m := gnutlsNames(s)
	return "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+" + c + ":-MAC-ALL:+" + m + ":-KX-ALL:+" + kx
}

var gnutlsListening = regexp.MustCompile(`listening on IPv4 0\.0\.0\.0 port 0\.\.\.done`)

// gnutlsServ starts gnutls-serv --echo for the suite on a port of the
// kernel's choosing (it cannot bind to one address: it listens on all).
func gnutlsServ(t testing.TB, p *pki, s *handshake.Suite, extra ...string) (*proc, int) {
	t.Helper()
	bin := needPeer(t, "gnutls-serv")
	// Its stdout is block-buffered on a pipe: line-buffer it so the
	// readiness line and session descriptions arrive when written.
	stdbuf := needPeer(t, "stdbuf")
	l := p.serverLeaf(s)
	args := append([]string{"-oL", bin, "--port", "0", "--echo", "--crlf", "--priority", gnutlsPriority(s),
		"--x509certfile", l.CertFile, "--x509keyfile", l.KeyFile}, extra...)
	// Its stderr logs every echoed line: keep only the start.
	pr := startProc(t, stdbuf, args, procOpts{stderrMax: 64 << 10})
	pr.waitFor(t, gnutlsListening, peerReady)
	return pr, listenPort(t, pr.cmd.Process.Pid)
}

// ourClientToGnutlsServ echoes data through gnutls-serv and checks the
// session gnutls-serv describes.
func ourClientToGnutlsServ(t *testing.T, app *ssl.App, p *pki, s *handshake.Suite, data []byte) {
	srv, port := gnutlsServ(t, p, s)
	sock, err := dial(app, port, clientOpts(p, s))
	if err != nil {
		t.Fatalf("Connect: %v\n%s", err, srv.tail())
	}
	checkInfo(t, sock, s)
	echoThrough(t, sock, data)
	if err := sock.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	kx, c, m := gnutlsNames(s)
	out := string(srv.Stdout())
	for _, want := range []string{"- Version: TLS1.2\n", "- Key Exchange: " + kx + "\n", "- Cipher: " + c + "\n", "- MAC: " + m + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("gnutls-serv did not report %q\n%s", want, srv.tail())
		}
	}
}

// gnutls-cli's stdout: the echoed data comes between these two.
const (
	gnutlsCliMark   = "- Simple Client Mode:\n\n"
	gnutlsCliClosed = "- Peer has closed the GnuTLS connection\n"
)

// gnutlsCliToOurServer runs gnutls-cli against our echo server, which
// closes after echoing len(data) bytes; gnutls-cli then exits.
func gnutlsCliToOurServer(t *testing.T, app *ssl.App, p *pki, s *handshake.Suite, data []byte) {
	bin := needPeer(t, "gnutls-cli")
	port, res := ourServer(t, app, serverOpts(p.serverLeaf(s), s), int64(len(data)))
	// stdin is a pipe left open: at EOF on stdin gnutls-cli closes at once,
	// possibly before the echo is back.
	cl := startProc(t, bin, []string{"--priority", gnutlsPriority(s), "--x509cafile", p.CAFile,
		"--sni-hostname", "localhost", "--verify-hostname", "localhost",
		"--port", strconv.Itoa(port), "127.0.0.1"}, procOpts{})
	go func() { _, _ = cl.stdin.Write(data) }()
	if err := cl.wait(t, ioTimeout); err != nil {
		t.Fatalf("gnutls-cli: %v\n%s", err, cl.tail())
	}
	checkServed(t, nextServed(t, res), s, int64(len(data)))
	out := cl.Stdout()
	_, c, _ := gnutlsNames(s)
	desc := regexp.MustCompile(`- Description: \(TLS1\.2-X\.509\)-.*\(` + regexp.QuoteMeta(c) + `\)`)
	if !desc.Match(out) || !bytes.Contains(out, []byte("- Status: The certificate is trusted.")) {
		t.Errorf("gnutls-cli did not describe a trusted TLS1.2 %s session\n%s", c, cl.tail())
	}
	i := bytes.Index(out, []byte(gnutlsCliMark))
	if i < 0 {
		t.Fatalf("gnutls-cli never reached client mode\n%s", cl.tail())
	}
	got, closed := bytes.CutSuffix(out[i+len(gnutlsCliMark):], []byte(gnutlsCliClosed))
	if !closed {
		t.Errorf("gnutls-cli did not see our close_notify\n%s", cl.tail())
	}
	if !bytes.Equal(got, data) {
		t.Errorf("gnutls-cli received %d bytes sha256 %s, want %d bytes sha256 %s", len(got), sum(got), len(data), sum(data))
	}
}

func TestInteropGnuTLS(t *testing.T) {
	t.Parallel()
	needPeer(t, "gnutls-serv")
	needPeer(t, "gnutls-cli")
	p := testPKI(t)
	app := startApp(t)
	text := payload(matrixSize, true, 20) // gnutls-serv --echo is line based
	bin := payload(matrixSize, false, 21)
	for _, s := range suites() {
		t.Run(s.OpenSSLName, func(t *testing.T) {
			t.Run("our_client", func(t *testing.T) { ourClientToGnutlsServ(t, app, p, s, text) })
			t.Run("their_client", func(t *testing.T) { gnutlsCliToOurServer(t, app, p, s, bin) })
		})
	}
}

func TestInteropGnuTLSBulk(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	app := startApp(t)
	t.Run("our_client", func(t *testing.T) {
		ourClientToGnutlsServ(t, app, p, handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES256-SHA384"), payload(bigSize, true, 22))
	})
	t.Run("their_client", func(t *testing.T) {
		gnutlsCliToOurServer(t, app, p, handshake.SuiteByOpenSSLName("AES128-GCM-SHA256"), payload(bigSize, false, 23))
	})
}
