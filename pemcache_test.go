// pemcache_test.go tests the App's PEM cache wiring: certfile, keyfile and
// cacertfile decoded once and shared, changes picked up by the checker,
// ClearPemCache, concurrent resolves, the checker's end at App.Stop, and
// the password/keyfile/key option errors.
package ssl

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl/connection"
	"github.com/erlang-ssl-go/ssl/handshake"
	pemcache "github.com/erlang-ssl-go/ssl/pem_cache"
)

// pemFiles writes a fresh self-signed ECDSA certificate and key to
// dir/name.crt and dir/name.key and returns their paths and the chain.
func pemFiles(t *testing.T, dir, name string) (crt, key string, c *handshake.CertChain) {
	t.Helper()
	c, err := handshake.SelfSigned([]string{"localhost"}, "", rand.Reader, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	crt = filepath.Join(dir, name+".crt")
	key = filepath.Join(dir, name+".key")
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER[0]}))
	writeFile(t, key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	return crt, key, c
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// touchFuture moves path's mtime ahead so a rewrite is seen even on file
// systems with coarse timestamps.
func touchFuture(t *testing.T, path string, d time.Duration) {
	t.Helper()
	ts := time.Now().Add(d)
	if err := os.Chtimes(path, ts, ts); err != nil {
		t.Fatal(err)
	}
}

func optionName(err error) string {
	var oe *OptionError
	if errors.As(err, &oe) {
		return oe.Option
	}
	return ""
}

func fileCache(t *testing.T, a *App) *pemcache.FileCache {
	t.Helper()
	fc, ok := a.PemCache().(*pemcache.FileCache)
	if !ok {
		t.Fatalf("PemCache is %T", a.PemCache())
	}
	return fc
}

func TestPemCacheDecodeOnce(t *testing.T) {
	app, err := StartWith(StartOptions{PemCheckInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	dir := t.TempDir()
	crt, key, _ := pemFiles(t, dir, "srv")
	opts := Options{CertFile: crt, KeyFile: key, CACertFile: crt}
	for i := 0; i < 5; i++ {
		if _, err := opts.resolve(connection.Server, "", app.pems); err != nil {
			t.Fatal(err)
		}
	}
	// certfile (also the cacertfile) and keyfile: two files, two decodes;
	// the other 3×5-2 reads are hits.
	if s := fileCache(t, app).Stats(); s.Decodes != 2 || s.Entries != 2 || s.Hits != 13 {
		t.Fatalf("stats %+v", s)
	}
	// Listen and Handshake resolve too; still no new decode.
	ls, err := app.Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	ls.Close()
	if s := fileCache(t, app).Stats(); s.Decodes != 2 {
		t.Fatalf("Listen decoded again: %+v", s)
	}
}

// A changed keyfile is picked up once the checker has run: here the new
// key does not match the certificate, so Listen starts failing.
func TestPemCacheCheckerPicksUpChange(t *testing.T) {
	app, err := StartWith(StartOptions{PemCheckInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	dir := t.TempDir()
	crt, key, _ := pemFiles(t, dir, "a")
	_, otherKey, _ := pemFiles(t, dir, "b")
	opts := Options{CertFile: crt, KeyFile: key}
	if _, err := opts.resolve(connection.Server, "", app.pems); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(otherKey)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, key, b)
	touchFuture(t, key, time.Hour)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := opts.resolve(connection.Server, "", app.pems)
		if err != nil {
			if optionName(err) != "keyfile" || !errors.Is(err, handshake.ErrKeyMismatch) && !strings.Contains(err.Error(), "does not match") {
				t.Fatalf("after change: %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the change was never picked up")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := fileCache(t, app).Stats(); s.Invalidations < 1 {
		t.Fatalf("stats %+v", s)
	}
}

// Without a periodic check, only ClearPemCache makes a change visible.
func TestClearPemCache(t *testing.T) {
	app, err := StartWith(StartOptions{PemCheckInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	dir := t.TempDir()
	crt, key, _ := pemFiles(t, dir, "a")
	_, otherKey, _ := pemFiles(t, dir, "b")
	opts := Options{CertFile: crt, KeyFile: key}
	ls, err := app.Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	ls.Close()
	b, _ := os.ReadFile(otherKey)
	writeFile(t, key, b)
	touchFuture(t, key, time.Hour)
	ls, err = app.Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("cached key not used: %v", err)
	}
	ls.Close()
	app.ClearPemCache()
	if _, err := app.Listen("127.0.0.1:0", opts); optionName(err) != "keyfile" {
		t.Fatalf("after ClearPemCache: %v", err)
	}
}

func TestPemCacheConcurrentResolves(t *testing.T) {
	app, err := StartWith(StartOptions{PemCheckInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	dir := t.TempDir()
	crt, key, _ := pemFiles(t, dir, "a")
	opts := Options{CertFile: crt, KeyFile: key, CACertFile: crt}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if _, err := opts.resolve(connection.Server, "", app.pems); err != nil {
					t.Error(err)
					return
				}
				if g == 0 && i%10 == 0 {
					app.ClearPemCache()
					touchFuture(t, key, time.Duration(i)*time.Second)
				}
			}
		}(g)
	}
	wg.Wait()
	if s := fileCache(t, app).Stats(); s.Decodes >= 8*50 {
		t.Fatalf("cache not used: %+v", s)
	}
}

// The checker goroutine ends with App.Stop.
func TestPemCacheCheckerStopsWithApp(t *testing.T) {
	base := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		app, err := StartWith(StartOptions{PemCheckInterval: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		crt, key, _ := pemFiles(t, dir, "a")
		if _, err := (&Options{CertFile: crt, KeyFile: key}).resolve(connection.Server, "", app.pems); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		app.Stop()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Stop, %d before\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A user-supplied cache is used and not stopped by the App.
type countingCache struct {
	mu     sync.Mutex
	gets   int
	clears int
}

func (c *countingCache) Get(path string) ([]*pem.Block, error) {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	return pemcache.DecodeFile(path)
}

func (c *countingCache) Clear() { c.mu.Lock(); c.clears++; c.mu.Unlock() }

func TestPluggedPemCache(t *testing.T) {
	cc := &countingCache{}
	app, err := StartWith(StartOptions{PemCache: cc})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	crt, key, _ := pemFiles(t, t.TempDir(), "a")
	if _, err := (&Options{CertFile: crt, KeyFile: key}).resolve(connection.Server, "", app.pems); err != nil {
		t.Fatal(err)
	}
	app.ClearPemCache()
	if cc.gets != 2 || cc.clears != 1 || app.PemCache() != pemcache.Cache(cc) {
		t.Fatalf("gets %d clears %d", cc.gets, cc.clears)
	}
}

// Option errors for encrypted and mismatched keys name the option.
func TestKeyOptionErrors(t *testing.T) {
	app, err := StartWith(StartOptions{PemCheckInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	dir := t.TempDir()
	crt, _, c := pemFiles(t, dir, "a")
	_, otherKey, other := pemFiles(t, dir, "b")
	//lint:ignore SA1019 the legacy form is what we test.
	der, _ := x509.MarshalECPrivateKey(c.Key.(*ecdsa.PrivateKey))
	blk, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte("pw"), x509.PEMCipherAES128) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(dir, "legacy.key")
	writeFile(t, legacy, pem.EncodeToMemory(blk))
	// Combined cert + encrypted key in the certfile (keyfile defaults to it).
	combined := filepath.Join(dir, "combined.pem")
	crtPEM, _ := os.ReadFile(crt)
	writeFile(t, combined, append(crtPEM, pem.EncodeToMemory(blk)...))

	otherDER, _ := x509.MarshalPKCS8PrivateKey(other.Key)
	for _, tc := range []struct {
		name string
		o    Options
		want string // option named; "" = success
	}{
		{"legacy, right password", Options{CertFile: crt, KeyFile: legacy, Password: "pw"}, ""},
		{"combined file", Options{CertFile: combined, Password: "pw"}, ""},
		{"no password", Options{CertFile: crt, KeyFile: legacy}, "password"},
		{"wrong password", Options{CertFile: crt, KeyFile: legacy, Password: "wrong"}, "password"},
		{"mismatched keyfile", Options{CertFile: crt, KeyFile: otherKey}, "keyfile"},
		{"mismatched key", Options{CertFile: crt, Key: &Key{Type: "PrivateKeyInfo", DER: otherDER}}, "key"},
		{"missing keyfile", Options{CertFile: crt, KeyFile: filepath.Join(dir, "nope")}, "keyfile"},
		{"missing cacertfile", Options{CertFile: crt, KeyFile: legacy, Password: "pw", CACertFile: filepath.Join(dir, "nope")}, "cacertfile"},
	} {
		ls, err := app.Listen("127.0.0.1:0", tc.o)
		if err == nil {
			ls.Close()
		}
		if got := optionName(err); got != tc.want {
			t.Errorf("%s: option %q, want %q (%v)", tc.name, got, tc.want, err)
		}
		if err != nil && strings.Contains(err.Error(), "wrong\"") {
			t.Errorf("%s: password leaked: %v", tc.name, err)
		}
	}
}

// A server whose key is encrypted PKCS#8 (PBES2, made by openssl) and read
// through the cache completes a handshake with a crypto/tls client.
func TestEncryptedKeyHandshake(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	app, err := StartWith(StartOptions{PemCheckInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	dir := t.TempDir()
	crt, key, c := pemFiles(t, dir, "srv")
	enc := filepath.Join(dir, "srv-enc.key")
	cmd := exec.Command(bin, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", key, "-out", enc, "-passout", "pass:hunter2")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	ls, err := app.Listen("127.0.0.1:0", Options{CertFile: crt, KeyFile: enc, Password: "hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	done := make(chan error, 1)
	go func() {
		p, err := ls.TransportAccept(5 * time.Second)
		if err != nil {
			done <- err
			return
		}
		s, err := app.Handshake(p, nil, 5*time.Second)
		if err != nil {
			done <- err
			return
		}
		done <- s.Close()
	}()
	pool := x509.NewCertPool()
	pool.AddCert(c.Leaf)
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ls.Addr().String(),
		&tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	st := conn.ConnectionState()
	conn.Close()
	if len(st.PeerCertificates) != 1 || !st.PeerCertificates[0].Equal(c.Leaf) {
		t.Fatal("wrong server certificate")
	}
	if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
		t.Fatalf("server: %v", err)
	}
	if s := fileCache(t, app).Stats(); s.Decodes != 2 {
		t.Fatalf("stats %+v", s)
	}
}
