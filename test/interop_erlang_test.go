// interop_erlang_test.go runs the suite matrix and a bulk echo against
// Erlang/OTP's own ssl application (testdata/erl_peer.escript), both
// directions.
package test

import (
	"bufio"
	"bytes"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

func erlScript(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs("testdata/erl_peer.escript")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func allSuiteNames() string {
	var n []string
	for _, s := range suites() {
		n = append(n, s.OpenSSLName)
	}
	return strings.Join(n, ":")
}

var erlListening = regexp.MustCompile(`listening (\d+)\n`)

// erlServer starts the Erlang echo server offering every suite, with both
// an ECDSA and an RSA certificate.
func erlServer(t testing.TB, p *pki, verify string) (*proc, int) {
	t.Helper()
	bin := needPeer(t, "escript")
	pr := startProc(t, bin, []string{erlScript(t), "server", p.ECDSA.CertFile, p.ECDSA.KeyFile,
		p.RSA.CertFile, p.RSA.KeyFile, p.CAFile, verify, allSuiteNames()}, procOpts{})
	m := pr.waitFor(t, erlListening, peerReady)
	port, _ := strconv.Atoi(m[1])
	return pr, port
}

// erlClient runs the Erlang client for jobs ("port/suite") and returns its
// result line per suite name.
func erlClient(t testing.TB, p *pki, data []byte, jobs []string) map[string]string {
	t.Helper()
	bin := needPeer(t, "escript")
	args := append([]string{erlScript(t), "client", p.CAFile, "-", "-", writeFile(t, "payload", data)}, jobs...)
	pr := startProc(t, bin, args, procOpts{})
	if err := pr.wait(t, 3*ioTimeout); err != nil {
		t.Fatalf("Erlang client: %v\n%s", err, pr.tail())
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(pr.Stdout()))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && (f[0] == "ok" || f[0] == "fail") {
			out[f[1]] = sc.Text()
		}
	}
	if !strings.Contains(string(pr.Stdout()), "done\n") {
		t.Fatalf("Erlang client did not finish\n%s", pr.tail())
	}
	return out
}

// ourClientToErlang echoes data through the Erlang server with suite s
// and checks both sides' view of the session.
func ourClientToErlang(t *testing.T, app *ssl.App, srv *proc, port int, p *pki, s *handshake.Suite, data []byte) {
	sock, err := dial(app, port, clientOpts(p, s))
	if err != nil {
		t.Fatalf("Connect: %v (%s)\n%s", err, ssl.FormatError(err), srv.tail())
	}
	checkInfo(t, sock, s)
	echoThrough(t, sock, data)
	if err := sock.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	srv.waitFor(t, regexp.MustCompile(`accepted tlsv1\.2 `+regexp.QuoteMeta(s.OpenSSLName)+`\n`), ioTimeout)
}

// checkErlResult checks the Erlang client's line for suite s.
func checkErlResult(t testing.TB, lines map[string]string, s *handshake.Suite, data []byte) {
	t.Helper()
	want := "ok " + s.OpenSSLName + " tlsv1.2 " + s.OpenSSLName + " " + strings.ToUpper(sum(data))
	if got := lines[s.OpenSSLName]; got != want {
		t.Errorf("Erlang client: %q, want %q", got, want)
	}
}

// ourServersForAll starts our echo servers for every suite: one with the
// ECDSA leaf, one with the RSA leaf. It returns the jobs for erlClient and
// the outcome channels by key kind.
func ourServersForAll(t testing.TB, app *ssl.App, p *pki, only []*handshake.Suite) ([]string, <-chan served, <-chan served) {
	t.Helper()
	ecPort, ecRes := ourServer(t, app, serverOpts(p.ECDSA, nil), 0)
	rsaPort, rsaRes := ourServer(t, app, serverOpts(p.RSA, nil), 0)
	var jobs []string
	for _, s := range only {
		port := rsaPort
		if isECDSA(s) {
			port = ecPort
		}
		jobs = append(jobs, strconv.Itoa(port)+"/"+s.OpenSSLName)
	}
	return jobs, ecRes, rsaRes
}

func TestInteropErlang(t *testing.T) {
	t.Parallel()
	needPeer(t, "escript")
	p := testPKI(t)
	app := startApp(t)
	data := payload(matrixSize, false, 30)

	// Their client: one Erlang run goes through the whole matrix.
	jobs, ecRes, rsaRes := ourServersForAll(t, app, p, suites())
	lines := erlClient(t, p, data, jobs)
	seen := map[uint16]served{}
	for range suites() {
		var r served
		select {
		case r = <-ecRes:
		case r = <-rsaRes:
		}
		if r.err != nil || r.info.CipherSuite == nil {
			t.Errorf("our server: %v", r.err)
			continue
		}
		seen[r.info.CipherSuite.ID] = r
	}

	srv, port := erlServer(t, p, "none")
	for _, s := range suites() {
		t.Run(s.OpenSSLName, func(t *testing.T) {
			t.Run("our_client", func(t *testing.T) { ourClientToErlang(t, app, srv, port, p, s, data) })
			t.Run("their_client", func(t *testing.T) {
				checkErlResult(t, lines, s, data)
				r, ok := seen[s.ID]
				if !ok {
					t.Fatalf("our server saw no %s connection", s.OpenSSLName)
				}
				checkServed(t, r, s, int64(len(data)))
			})
		})
	}
}

func TestInteropErlangBulk(t *testing.T) {
	t.Parallel()
	needPeer(t, "escript")
	p := testPKI(t)
	app := startApp(t)
	data := payload(bigSize, false, 31)
	t.Run("our_client", func(t *testing.T) {
		srv, port := erlServer(t, p, "none")
		ourClientToErlang(t, app, srv, port, p, handshake.SuiteByOpenSSLName("ECDHE-RSA-AES128-GCM-SHA256"), data)
	})
	t.Run("their_client", func(t *testing.T) {
		s := handshake.SuiteByOpenSSLName("ECDHE-ECDSA-AES128-SHA256")
		jobs, ecRes, _ := ourServersForAll(t, app, p, []*handshake.Suite{s})
		checkErlResult(t, erlClient(t, p, data, jobs), s, data)
		checkServed(t, nextServed(t, ecRes), s, int64(len(data)))
	})
}
