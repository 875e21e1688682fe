// peers_test.go holds the interop harness: finding peer programs, running
// them as child processes with readiness lines, our own echo server and
// client on top of the public API, payloads and their checks.
package test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/handshake"
)

// Sizes and time limits of the interop tests.
const (
	matrixSize = 64 << 10 // per-suite payload
	bigSize    = 10 << 20 // one bulk transfer per peer
	hsTimeout  = 20 * time.Second
	ioTimeout  = 60 * time.Second
	peerReady  = 30 * time.Second
)

// needPeer returns the path of a peer program, skipping the test when it
// is missing unless SSL_REQUIRE_PEERS=1 (CI), which makes that a failure.
func needPeer(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("SSL_REQUIRE_PEERS") == "1" {
			t.Fatalf("peer %s not installed (SSL_REQUIRE_PEERS=1): %v", name, err)
		}
		t.Skipf("peer %s not installed: %v", name, err)
	}
	return p
}

// suites returns every suite the library implements, for the matrix.
// suites are the suites of the base matrix: rsa and ECDHE key exchanges.
// The other key exchanges (DHE, static/anonymous ECDH, PSK, SRP) need their
// own credentials and are tested in interop_kex_test.go; the legacy
// ciphers (RC4, DES, 3DES), which OpenSSL 3 lacks, in interop_versions_test.go.
func suites() []*handshake.Suite {
	var out []*handshake.Suite
	for _, s := range handshake.AllSuites() {
		if s.Legacy() {
			continue
		}
		switch s.KeyExchange {
		case handshake.KXRSA, handshake.KXECDHERSA, handshake.KXECDHEECDSA:
			out = append(out, s)
		}
	}
	return out
}

func isECDSA(s *handshake.Suite) bool { return s.KeyExchange == handshake.KXECDHEECDSA }

// startApp starts the ssl application for one test.
func startApp(t testing.TB) *ssl.App {
	t.Helper()
	app, err := ssl.Start()
	if err != nil {
		t.Fatalf("ssl.Start: %v", err)
	}
	t.Cleanup(app.Stop)
	return app
}

// payload returns n deterministic pseudo-random bytes. Text payloads are
// base64 lines (no NUL, newline-terminated), which line-oriented echo
// servers such as gnutls-serv --echo pass through unchanged.
func payload(n int, text bool, seed uint64) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 42}))
	if !text {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	var buf bytes.Buffer
	raw := make([]byte, 57) // 76 base64 chars per line
	for buf.Len() < n {
		for i := range raw {
			raw[i] = byte(r.Uint32())
		}
		line := base64.StdEncoding.EncodeToString(raw) + "\n"
		if rem := n - buf.Len(); rem < len(line) {
			line = line[:rem-1] + "\n"
			if rem == 1 {
				line = "\n"
			}
		}
		buf.WriteString(line)
	}
	return buf.Bytes()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// writeFile writes b to a fresh file in t.TempDir.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// ---- child processes ----

// proc is a running peer program with its output captured.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	mu     sync.Mutex
	out    bytes.Buffer // stdout
	errOut bytes.Buffer // stderr (unless discarded)
	notify chan struct{}
	done   chan struct{}
	err    error // Wait's result, valid after done
}

type procWriter struct {
	p   *proc
	buf *bytes.Buffer
	max int // keep at most this many bytes; 0: all
}

func (w procWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	keep := b
	if w.max > 0 {
		keep = b[:min(len(b), max(0, w.max-w.buf.Len()))]
	}
	w.buf.Write(keep)
	w.p.mu.Unlock()
	select {
	case w.p.notify <- struct{}{}:
	default:
	}
	return len(b), nil
}

// procOpts tune startProc.
type procOpts struct {
	stdin     io.Reader // fixed stdin; nil: a pipe kept open (p.stdin)
	stderrMax int       // keep only the first stderrMax bytes of stderr; 0: all
	dir       string
}

// startProc runs bin with args; the process (and its process group) is
// killed in t.Cleanup if still running.
func startProc(t testing.TB, bin string, args []string, o procOpts) *proc {
	t.Helper()
	p := &proc{name: filepath.Base(bin), notify: make(chan struct{}, 1), done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = o.dir
	// Its own process group, so Cleanup can kill what it spawns too; and
	// killed with us if the test binary dies before Cleanup runs.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p.cmd.Stdout = procWriter{p, &p.out, 0}
	p.cmd.Stderr = procWriter{p, &p.errOut, o.stderrMax}
	if o.stdin != nil {
		p.cmd.Stdin = o.stdin
	} else {
		w, err := p.cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		p.stdin = w
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
		select {
		case p.notify <- struct{}{}:
		default:
		}
	}()
	t.Cleanup(func() {
		if p.stdin != nil {
			p.stdin.Close()
		}
		select {
		case <-p.done:
		default:
			// Our own child's process group, by its id.
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	})
	return p
}

// Stdout returns a copy of what the process wrote to stdout so far.
func (p *proc) Stdout() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.out.Bytes())
}

// Stderr returns a copy of what the process wrote to stderr so far.
func (p *proc) Stderr() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.errOut.Bytes())
}

// tail is the end of the process's output, for failure messages.
func (p *proc) tail() string {
	cut := func(b []byte) string {
		if len(b) > 2000 {
			b = b[len(b)-2000:]
		}
		return strings.ToValidUTF8(string(b), "?")
	}
	return fmt.Sprintf("%s stdout: …%s\n%s stderr: …%s", p.name, cut(p.Stdout()), p.name, cut(p.Stderr()))
}

// waitFor waits until stdout or stderr matches re and returns the match of
// the first output that does.
func (p *proc) waitFor(t testing.TB, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	m, err := p.awaitMatch(re, timeout)
	if err != nil {
		t.Fatalf("%s: waiting for %q: %v\n%s", p.name, re, err, p.tail())
	}
	return m
}

func (p *proc) awaitMatch(re *regexp.Regexp, timeout time.Duration) ([]string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		m := re.FindSubmatch(p.out.Bytes())
		if m == nil {
			m = re.FindSubmatch(p.errOut.Bytes())
		}
		p.mu.Unlock()
		if m != nil {
			s := make([]string, len(m))
			for i := range m {
				s[i] = string(m[i])
			}
			return s, nil
		}
		select {
		case <-p.notify:
		case <-p.done:
			// One last look: output may have raced with the exit.
			select {
			case <-p.notify:
				continue
			default:
			}
			p.mu.Lock()
			m := re.Find(p.out.Bytes()) != nil || re.Find(p.errOut.Bytes()) != nil
			p.mu.Unlock()
			if m {
				continue
			}
			return nil, fmt.Errorf("process exited (%v)", p.err)
		case <-deadline.C:
			return nil, errors.New("timed out")
		}
	}
}

// wait waits for the process to exit and returns its exit error.
func (p *proc) wait(t testing.TB, timeout time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %v\n%s", p.name, timeout, p.tail())
		return nil
	}
}

// listenPort finds the TCP port a process listens on (IPv4) from /proc,
// for peers that take port 0 but do not print the port they got.
func listenPort(t testing.TB, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatalf("listenPort: %v", err)
	}
	inodes := map[string]bool{}
	for _, e := range ents {
		l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name()))
		if err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	tab, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Fatalf("listenPort: %v", err)
	}
	for _, line := range strings.Split(string(tab), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" || !inodes[f[9]] {
			continue
		}
		_, port, _ := strings.Cut(f[1], ":")
		n, err := strconv.ParseUint(port, 16, 16)
		if err == nil {
			return int(n)
		}
	}
	t.Fatalf("listenPort: no listening IPv4 socket for pid %d", pid)
	return 0
}

// ---- our side ----

// clientOpts are our client's options for a suite: verify_peer against the
// test CA, SNI localhost, TLS 1.2 only, the one suite.
func clientOpts(p *pki, s *handshake.Suite) ssl.Options {
	return ssl.Options{
		Verify:               ssl.VerifyPeer,
		CACertFile:           p.CAFile,
		ServerNameIndication: "localhost",
		Versions:             []ssl.Version{ssl.TLSv1_2},
		CipherString:         s.OpenSSLName,
	}
}

// serverOpts are our server's options: the leaf the suite needs, TLS 1.2,
// the one suite (or every suite when s is nil, for the given leaf).
func serverOpts(l *leaf, s *handshake.Suite) ssl.Options {
	o := ssl.Options{Versions: []ssl.Version{ssl.TLSv1_2}}
	l.Options(&o)
	if s != nil {
		o.CipherString = s.OpenSSLName
	} else {
		var names []string
		for _, s := range suites() {
			if isECDSA(s) == (l.Cert.PublicKeyAlgorithm.String() == "ECDSA") {
				names = append(names, s.OpenSSLName)
			}
		}
		o.CipherString = strings.Join(names, ":")
	}
	return o
}

// dial connects our client to 127.0.0.1:port.
func dial(app *ssl.App, port int, o ssl.Options) (*ssl.Socket, error) {
	return app.Connect("127.0.0.1", port, o, hsTimeout)
}

// checkInfo checks our side negotiated TLS 1.2 and suite s.
func checkInfo(t testing.TB, sock *ssl.Socket, s *handshake.Suite) {
	t.Helper()
	info, err := sock.ConnectionInformation()
	if err != nil {
		t.Fatalf("ConnectionInformation: %v", err)
	}
	if info.Protocol != ssl.TLSv1_2 {
		t.Errorf("protocol = %v, want tlsv1.2", info.Protocol)
	}
	if info.CipherSuite == nil || info.CipherSuite.ID != s.ID {
		t.Errorf("suite = %v, want %s", info.CipherSuite, s.OpenSSLName)
	}
}

// echoThrough sends data on sock while reading the same number of bytes
// back, and checks the SHA-256 of what came back.
func echoThrough(t testing.TB, sock *ssl.Socket, data []byte) {
	t.Helper()
	sendErr := make(chan error, 1)
	go func() {
		// A few large writes, so records and flow control get exercised.
		const chunk = 1 << 20
		for off := 0; off < len(data); off += chunk {
			end := min(off+chunk, len(data))
			if err := sock.Send(data[off:end]); err != nil {
				sendErr <- err
				return
			}
		}
		sendErr <- nil
	}()
	got := make([]byte, 0, len(data))
	for len(got) < len(data) {
		b, err := sock.Recv(0, ioTimeout)
		if err != nil {
			t.Fatalf("Recv after %d of %d bytes: %v", len(got), len(data), err)
		}
		got = append(got, b...)
	}
	if err := <-sendErr; err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(got) != len(data) || sum(got) != sum(data) {
		t.Fatalf("echo mismatch: sent %d bytes sha256 %s, got %d bytes sha256 %s", len(data), sum(data), len(got), sum(got))
	}
}

// served is what our server saw of one connection.
type served struct {
	info     ssl.ConnectionInfo
	peerCert []byte
	n        int64 // bytes echoed
	err      error // handshake or I/O error
}

// ourServer listens on 127.0.0.1:0 with o and echoes on every connection
// until the peer closes, or, with limit > 0, until limit bytes were echoed,
// then closes (for peers that only exit when the server does). Each
// connection's outcome is sent on the returned channel.
func ourServer(t testing.TB, app *ssl.App, o ssl.Options, limit int64) (int, <-chan served) {
	t.Helper()
	ls, err := app.Listen("127.0.0.1:0", o)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { ls.Close() })
	out := make(chan served, 256)
	go func() {
		for {
			pend, err := ls.TransportAccept(0)
			if err != nil {
				return
			}
			go func() {
				var r served
				defer func() { out <- r }()
				sock, err := app.Handshake(pend, nil, hsTimeout)
				if err != nil {
					r.err = fmt.Errorf("handshake: %w", err)
					return
				}
				defer sock.Close()
				r.info, _ = sock.ConnectionInformation()
				r.peerCert, _ = sock.Peercert()
				for limit <= 0 || r.n < limit {
					b, err := sock.Recv(0, ioTimeout)
					if err != nil {
						if !errors.Is(err, ssl.ErrClosed) || limit > 0 {
							r.err = fmt.Errorf("recv after %d bytes: %w", r.n, err)
						}
						return
					}
					if err := sock.Send(b); err != nil {
						r.err = fmt.Errorf("send: %w", err)
						return
					}
					r.n += int64(len(b))
				}
			}()
		}
	}()
	return ls.Addr().(*net.TCPAddr).Port, out
}

// nextServed waits for our server's report on one connection.
func nextServed(t testing.TB, ch <-chan served) served {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(ioTimeout):
		t.Fatal("our server reported no connection")
		return served{}
	}
}

// checkServed checks our server's report: no error, TLS 1.2 and suite s,
// and n bytes echoed when n >= 0.
func checkServed(t testing.TB, r served, s *handshake.Suite, n int64) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("our server: %v", r.err)
	}
	if r.info.Protocol != ssl.TLSv1_2 || r.info.CipherSuite == nil || r.info.CipherSuite.ID != s.ID {
		t.Errorf("our server negotiated %v %v, want tlsv1.2 %s", r.info.Protocol, r.info.CipherSuite, s.OpenSSLName)
	}
	if n >= 0 && r.n != n {
		t.Errorf("our server echoed %d bytes, want %d", r.n, n)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// openFile opens path for reading until the test ends.
func openFile(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
