// cache_test.go tests the internal CRL cache, its HTTP fetching against a
// local server, distribution point parsing and Source.
package crlcache

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var testNow = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

// ca is a test CA with its key.
type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t testing.TB, cn string) *ca {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: testNow.Add(-time.Hour * 24), NotAfter: testNow.Add(time.Hour * 24 * 365),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &ca{c, key}
}

// leaf issues a leaf with the given distribution point URLs.
func (a *ca) leaf(t testing.TB, serial int64, urls ...string) *x509.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "leaf"},
		NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(time.Hour * 24),
		CRLDistributionPoints: urls,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// crl issues a CRL valid from thisUpdate for validFor.
func (a *ca) crl(t testing.TB, number int64, thisUpdate time.Time, validFor time.Duration, serials ...int64) *x509.RevocationList {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(number), ThisUpdate: thisUpdate, NextUpdate: thisUpdate.Add(validFor)}
	for _, s := range serials {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: big.NewInt(s), RevocationTime: thisUpdate})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, a.cert, a.key)
	if err != nil {
		t.Fatal(err)
	}
	rl, _ := x509.ParseRevocationList(der)
	return rl
}

func TestInsertSelectDelete(t *testing.T) {
	a, b := newCA(t, "A"), newCA(t, "B")
	c := New()
	crlA := a.crl(t, 1, testNow, time.Hour)
	pemA := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crlA.Raw})
	if err := c.Insert(pemA); err != nil {
		t.Fatal(err)
	}
	if err := c.Insert(crlA.Raw); err != nil { // same CRL as DER: no duplicate
		t.Fatal(err)
	}
	if err := c.Insert(b.crl(t, 1, testNow, time.Hour).Raw); err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 {
		t.Fatalf("len %d", c.Len())
	}
	got, err := c.Select(a.cert.RawSubject)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Raw, crlA.Raw) {
		t.Fatalf("select %v %v", got, err)
	}
	c.DeleteIssuer(a.cert.RawSubject)
	if got, _ := c.Select(a.cert.RawSubject); len(got) != 0 {
		t.Fatal("not deleted")
	}
	if err := c.Insert([]byte("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")); err == nil {
		t.Fatal("bad PEM accepted")
	}
	if err := c.Insert([]byte{1, 2, 3}); err == nil {
		t.Fatal("garbage accepted")
	}
	// InsertURL answers Lookup for that URL, without HTTP.
	if err := c.InsertURL("http://crl.example/a.crl", crlA.Raw); err != nil {
		t.Fatal(err)
	}
	dp := DistributionPoint{URLs: []string{"http://crl.example/a.crl"}}
	if got, err := c.Lookup(dp, a.cert); err != nil || len(got) != 1 {
		t.Fatalf("lookup %v %v", got, err)
	}
	c.DeleteURL("http://crl.example/a.crl")
	if _, err := c.Lookup(dp, a.cert); !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("lookup after delete: %v", err)
	}
}

// crlServer serves one CRL per path and counts requests.
type crlServer struct {
	mu    sync.Mutex
	crls  map[string][]byte
	hits  atomic.Int32
	delay time.Duration
	srv   *httptest.Server
}

func newCRLServer(t *testing.T) *crlServer {
	s := &crlServer{crls: map[string][]byte{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if s.delay > 0 {
			time.Sleep(s.delay)
		}
		s.mu.Lock()
		body, ok := s.crls[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *crlServer) set(path string, der []byte) {
	s.mu.Lock()
	s.crls[path] = der
	s.mu.Unlock()
}

func TestHTTPFetch(t *testing.T) {
	a := newCA(t, "A")
	s := newCRLServer(t)
	url := s.srv.URL + "/a.crl"
	first := a.crl(t, 1, testNow.Add(-time.Minute), time.Hour, 42)
	s.set("/a.crl", first.Raw)
	now := testNow
	var nowMu sync.Mutex
	clock := func() time.Time { nowMu.Lock(); defer nowMu.Unlock(); return now }
	c := New(HTTP(2*time.Second), Clock(clock))
	leaf := a.leaf(t, 42, url)
	src := Source(c, clock)

	got, err := src(leaf, a.cert)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Raw, first.Raw) || s.hits.Load() != 1 {
		t.Fatalf("got %d CRLs, err %v, hits %d", len(got), err, s.hits.Load())
	}
	// Cached until nextUpdate: no second request.
	if got, _ := src(leaf, a.cert); len(got) != 1 || s.hits.Load() != 1 {
		t.Fatalf("refetched while fresh: hits %d", s.hits.Load())
	}
	// Past nextUpdate: fetched again, and the new CRL is served.
	second := a.crl(t, 2, testNow.Add(2*time.Hour), time.Hour)
	s.set("/a.crl", second.Raw)
	nowMu.Lock()
	now = testNow.Add(2*time.Hour + time.Minute)
	nowMu.Unlock()
	got, _ = src(leaf, a.cert)
	if len(got) != 1 || got[0].Number.Int64() != 2 || s.hits.Load() != 2 {
		t.Fatalf("after expiry: %d CRLs, hits %d", len(got), s.hits.Load())
	}

	// Without {http, _} nothing is fetched.
	plain := New(Clock(clock))
	if got, _ := Source(plain, clock)(leaf, a.cert); len(got) != 0 || s.hits.Load() != 2 {
		t.Fatalf("fetched without http: %d, hits %d", len(got), s.hits.Load())
	}
	// WithHTTP shares the store: what the fetching view got, the plain one sees.
	view := plain.WithHTTP(time.Second)
	if got, _ := Source(view, clock)(leaf, a.cert); len(got) != 1 {
		t.Fatal("view did not fetch")
	}
	if got, err := plain.Lookup(DistributionPoint{URLs: []string{url}}, a.cert); err != nil || len(got) != 1 {
		t.Fatalf("shared store: %v %v", got, err)
	}
}

func TestHTTPFetchFailures(t *testing.T) {
	a := newCA(t, "A")
	s := newCRLServer(t)
	big := bytes.Repeat([]byte{0x30}, 2048)
	s.set("/big.crl", big)
	s.set("/junk.crl", []byte("not a CRL"))
	s.set("/slow.crl", a.crl(t, 1, testNow, time.Hour).Raw)
	c := New(HTTP(200*time.Millisecond), MaxSize(1024), Clock(func() time.Time { return testNow }))
	for _, path := range []string{"/missing.crl", "/big.crl", "/junk.crl"} {
		if _, err := c.Lookup(DistributionPoint{URLs: []string{s.srv.URL + path}}, a.cert); !errors.Is(err, ErrNotAvailable) {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if _, err := c.get(s.srv.URL + "/big.crl"); err == nil {
		t.Fatal("oversized CRL accepted")
	}
	s.delay = time.Second
	start := time.Now()
	if _, err := c.get(s.srv.URL + "/slow.crl"); err == nil {
		t.Fatal("slow fetch did not time out")
	}
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Fatalf("timeout not honoured: %v", d)
	}
	// Only http:// is fetched.
	if c.fetchable("https://x/a.crl") || c.fetchable("ldap://x/a") || !c.fetchable("HTTP://x/a.crl") {
		t.Fatal("fetchable wrong")
	}
}

func TestConcurrentFetchShared(t *testing.T) {
	a := newCA(t, "A")
	s := newCRLServer(t)
	s.set("/a.crl", a.crl(t, 1, testNow, time.Hour).Raw)
	s.delay = 100 * time.Millisecond
	c := New(HTTP(2*time.Second), Clock(func() time.Time { return testNow }))
	dp := DistributionPoint{URLs: []string{s.srv.URL + "/a.crl"}}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := c.Lookup(dp, a.cert); err != nil || len(got) != 1 {
				t.Errorf("lookup %v %v", got, err)
			}
		}()
	}
	wg.Wait()
	if h := s.hits.Load(); h != 1 {
		t.Fatalf("hits %d, want 1", h)
	}
}

func TestDistributionPoints(t *testing.T) {
	a := newCA(t, "A")
	leaf := a.leaf(t, 5, "http://x/a.crl", "ldap://x/b")
	dps, err := DistributionPoints(leaf)
	// Go puts each URL in its own DistributionPoint.
	if err != nil || len(dps) != 2 || dps[0].URLs[0] != "http://x/a.crl" || dps[1].URLs[0] != "ldap://x/b" {
		t.Fatalf("%+v %v", dps, err)
	}
	if dps, err := DistributionPoints(a.cert); err != nil || dps != nil {
		t.Fatalf("none: %v %v", dps, err)
	}
	// Source with no DPs still finds the issuer's inserted CRLs.
	c := New()
	c.InsertCRLs(a.crl(t, 1, testNow, time.Hour))
	if got, err := Source(c, nil)(a.leaf(t, 6), a.cert); err != nil || len(got) != 1 {
		t.Fatalf("select fallback: %v %v", got, err)
	}
}

// FuzzDistributionPoints parses arbitrary cRLDistributionPoints values, as
// a peer's certificate may carry.
func FuzzDistributionPoints(f *testing.F) {
	a := newCA(f, "A")
	for _, e := range a.leaf(f, 5, "http://x/a.crl").Extensions {
		if e.Id.Equal(oidCRLDP) {
			f.Add(e.Value)
		}
	}
	f.Add([]byte{0x30, 0x06, 0x30, 0x04, 0xa0, 0x02, 0xa1, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &x509.Certificate{Extensions: []pkix.Extension{{Id: oidCRLDP, Value: data}}}
		dps, err := DistributionPoints(c)
		if err != nil && dps != nil {
			t.Fatal("points with an error")
		}
	})
}

// FuzzParseCRLs parses arbitrary fetched bodies.
func FuzzParseCRLs(f *testing.F) {
	a := newCA(f, "A")
	der := a.crl(f, 1, testNow, time.Hour, 3).Raw
	f.Add(der)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}))
	f.Fuzz(func(t *testing.T, data []byte) {
		crls, err := ParseCRLs(data)
		if err == nil && len(crls) == 0 {
			t.Fatal("no CRLs and no error")
		}
	})
}
