// cache.go holds the Cache interface (ssl_crl_cache_api), distribution point
// parsing, Source (the validator's lookup) and the default Internal cache.
package crlcache

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ErrNotAvailable is lookup/3's not_available: the cache has no CRL for the
// distribution point.
var ErrNotAvailable = errors.New("crlcache: not available")

// DistributionPoint is one DistributionPoint of a certificate's
// cRLDistributionPoints extension (RFC 5280 §4.2.1.13), what a cache needs
// of it.
type DistributionPoint struct {
	// Raw is the DistributionPoint's DER.
	Raw []byte
	// URLs are the uniformResourceIdentifier names of its fullName.
	URLs []string
	// CRLIssuer holds the DER Names of its cRLIssuer directoryNames (an
	// indirect CRL's issuer); empty when the certificate's issuer issues it.
	CRLIssuer [][]byte
}

// Cache is a CRL store for crl_check (ssl_crl_cache_api). Implementations
// must be safe for concurrent use: every connection calls them.
type Cache interface {
	// Lookup returns the CRLs for one of the certificate's distribution
	// points; issuer is the certificate that issued it (lookup/3). It
	// returns ErrNotAvailable (or any error) when it has none.
	Lookup(dp DistributionPoint, issuer *x509.Certificate) ([]*x509.RevocationList, error)
	// Select returns the CRLs issued by the DER Name issuer (select/2),
	// used when the certificate names no distribution point or none
	// answered.
	Select(issuer []byte) ([]*x509.RevocationList, error)
	// Fresh is offered a CRL past its nextUpdate and may return a newer
	// one (fresh_crl/2); returning crl itself means "nothing newer".
	Fresh(dp DistributionPoint, crl *x509.RevocationList) (*x509.RevocationList, error)
}

// Limits on what a peer's certificate can make us do.
const (
	// MaxDistributionPoints is how many distribution points of one
	// certificate are looked up.
	MaxDistributionPoints = 8
	// DefaultMaxSize is the largest CRL fetched over HTTP (10 MiB).
	DefaultMaxSize = 10 << 20
	// maxFetched bounds the number of CRLs kept from HTTP fetches.
	maxFetched = 1024
)

var oidCRLDP = asn1.ObjectIdentifier{2, 5, 29, 31}

// errMalformed reports an undecodable cRLDistributionPoints extension.
var errMalformed = errors.New("crlcache: malformed cRLDistributionPoints")

// DistributionPoints parses cert's cRLDistributionPoints; none is not an
// error.
func DistributionPoints(cert *x509.Certificate) ([]DistributionPoint, error) {
	var ext []byte
	for _, e := range cert.Extensions {
		if e.Id.Equal(oidCRLDP) {
			ext = e.Value
		}
	}
	if ext == nil {
		return nil, nil
	}
	in := cryptobyte.String(ext)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errMalformed
	}
	var out []DistributionPoint
	for !seq.Empty() {
		var raw, dp, name, issuers cryptobyte.String
		var hasName, hasIssuer bool
		if !seq.ReadASN1Element(&raw, cbasn1.SEQUENCE) {
			return nil, errMalformed
		}
		p := DistributionPoint{Raw: bytes.Clone(raw)}
		if !raw.ReadASN1(&dp, cbasn1.SEQUENCE) ||
			!dp.ReadOptionalASN1(&name, &hasName, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
			!dp.SkipOptionalASN1(cbasn1.Tag(1).ContextSpecific()) ||
			!dp.ReadOptionalASN1(&issuers, &hasIssuer, cbasn1.Tag(2).ContextSpecific().Constructed()) ||
			!dp.Empty() {
			return nil, errMalformed
		}
		if hasName {
			var full cryptobyte.String
			var isFull bool
			if !name.ReadOptionalASN1(&full, &isFull, cbasn1.Tag(0).ContextSpecific().Constructed()) {
				return nil, errMalformed
			}
			for isFull && !full.Empty() {
				var v cryptobyte.String
				var tag cbasn1.Tag
				if !full.ReadAnyASN1(&v, &tag) {
					return nil, errMalformed
				}
				if tag == cbasn1.Tag(6).ContextSpecific() {
					p.URLs = append(p.URLs, string(v))
				}
			}
		}
		for hasIssuer && !issuers.Empty() {
			var v cryptobyte.String
			var tag cbasn1.Tag
			if !issuers.ReadAnyASN1(&v, &tag) {
				return nil, errMalformed
			}
			if tag == cbasn1.Tag(4).ContextSpecific().Constructed() {
				var n cryptobyte.String
				if !v.ReadASN1Element(&n, cbasn1.SEQUENCE) {
					return nil, errMalformed
				}
				p.CRLIssuer = append(p.CRLIssuer, bytes.Clone(n))
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// Source adapts c to the lookup the path validator calls for each
// certificate (handshake.CRLSource's signature), as OTP's ssl_crl does: the
// CRLs of each distribution point, a stale one offered to Fresh, then the
// CRLs Select finds for the certificate's issuer (and for a distribution
// point's cRLIssuer). now gives the time; nil means time.Now.
func Source(c Cache, now func() time.Time) func(cert, issuer *x509.Certificate) ([]*x509.RevocationList, error) {
	if now == nil {
		now = time.Now
	}
	return func(cert, issuer *x509.Certificate) ([]*x509.RevocationList, error) {
		var out []*x509.RevocationList
		seen := map[string]bool{}
		add := func(crls []*x509.RevocationList) {
			for _, rl := range crls {
				if rl != nil && !seen[string(rl.Raw)] {
					seen[string(rl.Raw)] = true
					out = append(out, rl)
				}
			}
		}
		dps, err := DistributionPoints(cert)
		if err != nil {
			return nil, err
		}
		if len(dps) > MaxDistributionPoints {
			dps = dps[:MaxDistributionPoints]
		}
		t := now()
		names := [][]byte{cert.RawIssuer}
		for _, dp := range dps {
			names = append(names, dp.CRLIssuer...)
			got, err := c.Lookup(dp, issuer)
			if err != nil {
				continue
			}
			crls := append([]*x509.RevocationList(nil), got...) // the cache's slice stays untouched
			for i, rl := range crls {
				if rl != nil && !rl.NextUpdate.IsZero() && t.After(rl.NextUpdate) {
					if f, err := c.Fresh(dp, rl); err == nil && f != nil {
						crls[i] = f
					}
				}
			}
			add(crls)
		}
		for _, n := range names {
			if crls, err := c.Select(n); err == nil {
				add(crls)
			}
		}
		return out, nil
	}
}

// Option configures New.
type Option func(*Internal)

// HTTP is the internal cache's {http, Timeout} argument: CRLs missing from
// the cache are fetched from http:// distribution points with this timeout.
func HTTP(timeout time.Duration) Option {
	return func(c *Internal) { c.timeout = timeout }
}

// MaxSize bounds the size of a fetched CRL (default DefaultMaxSize).
func MaxSize(n int64) Option { return func(c *Internal) { c.maxSize = n } }

// Clock injects the time used to decide that a cached CRL is stale.
func Clock(now func() time.Time) Option { return func(c *Internal) { c.now = now } }

// Client replaces the HTTP client (its Timeout is still set from HTTP).
func Client(h *http.Client) Option { return func(c *Internal) { c.client = h } }

// Internal is the default cache (ssl_crl_cache with DbHandle internal). Its
// store is shared by every copy WithHTTP makes.
type Internal struct {
	st      *store
	timeout time.Duration // 0: no HTTP fetching
	maxSize int64
	now     func() time.Time
	client  *http.Client
}

// store holds the CRLs: inserted ones by issuer and by URL, fetched ones by
// URL. Readers take the read lock only; no I/O happens under the lock.
type store struct {
	mu       sync.RWMutex
	byIssuer map[string][]*x509.RevocationList // user-inserted, by issuer DER
	byURL    map[string][]*x509.RevocationList // inserted with a URL, or fetched
	fetched  []string                          // fetched URLs, oldest first
	inflight map[string]*fetchCall
}

// fetchCall lets concurrent misses on one URL share a single fetch.
type fetchCall struct {
	done chan struct{}
	rl   *x509.RevocationList
	err  error
}

// New makes an empty internal cache.
func New(opts ...Option) *Internal {
	c := &Internal{
		st: &store{
			byIssuer: map[string][]*x509.RevocationList{},
			byURL:    map[string][]*x509.RevocationList{},
			inflight: map[string]*fetchCall{},
		},
		maxSize: DefaultMaxSize,
		now:     time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithHTTP returns a view of the same store that fetches over HTTP with
// timeout ({http, Timeout}); 0 turns fetching off.
func (c *Internal) WithHTTP(timeout time.Duration) *Internal {
	d := *c
	d.timeout = timeout
	return &d
}

// ParseCRLs decodes DER or PEM ("X509 CRL" blocks) CRLs.
func ParseCRLs(data []byte) ([]*x509.RevocationList, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")) {
		rl, err := x509.ParseRevocationList(data)
		if err != nil {
			return nil, err
		}
		return []*x509.RevocationList{rl}, nil
	}
	var out []*x509.RevocationList
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "X509 CRL" {
			continue
		}
		rl, err := x509.ParseRevocationList(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, rl)
	}
	if len(out) == 0 {
		return nil, errors.New("crlcache: no X509 CRL in PEM data")
	}
	return out, nil
}

// Insert adds CRLs (DER or PEM) found by their issuer (ssl_crl_cache:insert
// with {der, CRLs}). A CRL already held (same bytes) is not added twice.
func (c *Internal) Insert(data []byte) error {
	crls, err := ParseCRLs(data)
	if err != nil {
		return err
	}
	c.InsertCRLs(crls...)
	return nil
}

// InsertCRLs adds parsed CRLs, found by their issuer.
func (c *Internal) InsertCRLs(crls ...*x509.RevocationList) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	for _, rl := range crls {
		k := string(rl.RawIssuer)
		if !containsCRL(c.st.byIssuer[k], rl) {
			c.st.byIssuer[k] = append(c.st.byIssuer[k], rl)
		}
	}
}

// InsertURL stores CRLs (DER or PEM) as the answer for a distribution point
// URL (ssl_crl_cache:insert(URI, {der, CRLs})), replacing what it held.
func (c *Internal) InsertURL(url string, data []byte) error {
	crls, err := ParseCRLs(data)
	if err != nil {
		return err
	}
	c.st.mu.Lock()
	c.st.byURL[url] = crls
	c.st.mu.Unlock()
	return nil
}

// DeleteURL forgets a URL's CRLs (ssl_crl_cache:delete(URI)).
func (c *Internal) DeleteURL(url string) {
	c.st.mu.Lock()
	delete(c.st.byURL, url)
	c.st.mu.Unlock()
}

// DeleteIssuer forgets the inserted CRLs of the DER Name issuer
// (ssl_crl_cache:delete({der, CRLs}) deletes by their issuers).
func (c *Internal) DeleteIssuer(issuer []byte) {
	c.st.mu.Lock()
	delete(c.st.byIssuer, string(issuer))
	c.st.mu.Unlock()
}

// Clear empties the store.
func (c *Internal) Clear() {
	c.st.mu.Lock()
	c.st.byIssuer = map[string][]*x509.RevocationList{}
	c.st.byURL = map[string][]*x509.RevocationList{}
	c.st.fetched = nil
	c.st.mu.Unlock()
}

// Len is the number of CRLs held.
func (c *Internal) Len() int {
	c.st.mu.RLock()
	defer c.st.mu.RUnlock()
	n := 0
	for _, l := range c.st.byIssuer {
		n += len(l)
	}
	for _, l := range c.st.byURL {
		n += len(l)
	}
	return n
}

// containsCRL reports whether list holds rl's bytes.
func containsCRL(list []*x509.RevocationList, rl *x509.RevocationList) bool {
	for _, x := range list {
		if bytes.Equal(x.Raw, rl.Raw) {
			return true
		}
	}
	return false
}

// stale reports whether rl is past its nextUpdate.
func (c *Internal) stale(rl *x509.RevocationList) bool {
	return !rl.NextUpdate.IsZero() && c.now().After(rl.NextUpdate)
}

// Lookup implements Cache: the CRLs held for dp's URLs; with HTTP on, a
// URL with nothing current held is fetched.
func (c *Internal) Lookup(dp DistributionPoint, _ *x509.Certificate) ([]*x509.RevocationList, error) {
	var out []*x509.RevocationList
	for _, u := range dp.URLs {
		c.st.mu.RLock()
		held := c.st.byURL[u]
		c.st.mu.RUnlock()
		current := len(held) > 0
		for _, rl := range held {
			if c.stale(rl) {
				current = false
			}
		}
		if !current && c.fetchable(u) {
			if rl, err := c.fetch(u); err == nil {
				held = []*x509.RevocationList{rl}
			}
		}
		out = append(out, held...)
	}
	if len(out) == 0 {
		return nil, ErrNotAvailable
	}
	return out, nil
}

// Select implements Cache: the inserted CRLs of issuer.
func (c *Internal) Select(issuer []byte) ([]*x509.RevocationList, error) {
	c.st.mu.RLock()
	defer c.st.mu.RUnlock()
	return append([]*x509.RevocationList(nil), c.st.byIssuer[string(issuer)]...), nil
}

// Fresh implements Cache: with HTTP on, a stale CRL is fetched again from
// dp's first http URL; otherwise crl is returned as it is.
func (c *Internal) Fresh(dp DistributionPoint, crl *x509.RevocationList) (*x509.RevocationList, error) {
	for _, u := range dp.URLs {
		if c.fetchable(u) {
			return c.fetch(u)
		}
	}
	return crl, nil
}

// fetchable reports whether u may be fetched: HTTP on and an http URL, as
// OTP's internal cache only fetches http.
func (c *Internal) fetchable(u string) bool {
	return c.timeout > 0 && len(u) > 7 && strings.EqualFold(u[:7], "http://")
}

// fetch gets one CRL over HTTP, sharing the call with concurrent fetches
// of the same URL, and keeps it under the URL.
func (c *Internal) fetch(u string) (*x509.RevocationList, error) {
	st := c.st
	st.mu.Lock()
	if call, ok := st.inflight[u]; ok {
		st.mu.Unlock()
		<-call.done
		return call.rl, call.err
	}
	call := &fetchCall{done: make(chan struct{})}
	st.inflight[u] = call
	st.mu.Unlock()

	call.rl, call.err = c.get(u)

	st.mu.Lock()
	delete(st.inflight, u)
	if call.err == nil {
		if _, held := st.byURL[u]; !held {
			st.fetched = append(st.fetched, u)
			for len(st.fetched) > maxFetched {
				delete(st.byURL, st.fetched[0])
				st.fetched = st.fetched[1:]
			}
		}
		st.byURL[u] = []*x509.RevocationList{call.rl}
	}
	st.mu.Unlock()
	close(call.done)
	return call.rl, call.err
}

// get does the HTTP GET with the timeout and size limit.
func (c *Internal) get(u string) (*x509.RevocationList, error) {
	client := c.client
	if client == nil {
		client = &http.Client{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("crlcache: %s: HTTP status %d", u, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > c.maxSize {
		return nil, fmt.Errorf("crlcache: %s: CRL larger than %d bytes", u, c.maxSize)
	}
	crls, err := ParseCRLs(data)
	if err != nil {
		return nil, err
	}
	return crls[0], nil
}
