// hostname_test.go tests the RFC 6125 identity check.
package handshake

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"strings"
	"testing"
)

func TestMatchDNSName(t *testing.T) {
	cases := []struct {
		pattern, host string
		want          bool
	}{
		{"www.example.com", "www.example.com", true},
		{"WWW.Example.COM", "www.example.com", true},
		{"www.example.com", "WWW.EXAMPLE.COM.", true},
		{"www.example.com.", "www.example.com", true},
		{"www.example.com", "example.com", false},
		{"*.example.com", "www.example.com", true},
		{"*.example.com", "WWW.example.com", true},
		{"*.example.com", "example.com", false},       // not the bare domain
		{"*.example.com", "a.b.example.com", false},   // not across dots
		{"*.example.com", ".example.com", false},      // empty label
		{"*.com", "example.com", false},               // too broad
		{"w*.example.com", "www.example.com", false},  // partial wildcard
		{"*w.example.com", "www.example.com", false},  // partial wildcard
		{"www.*.com", "www.example.com", false},       // wildcard not left-most
		{"*.*.example.com", "a.b.example.com", false}, // two wildcards
		{"*.example.com", "*.example.com", false},     // host must not be a pattern
		{"xn--bcher-kva.example", "xn--bcher-kva.example", true},
		{"*.example.org", "xn--bcher-kva.example.org", true},
		{"xn--*.example.org", "xn--bcher-kva.example.org", false},
		{"bücher.example", "bücher.example", false}, // U-labels are refused
		{"", "", false},
		{"example..com", "example..com", false},
		{"a_b.example.com", "A_B.example.com", true},
	}
	for _, tc := range cases {
		if got := MatchDNSName(tc.pattern, tc.host); got != tc.want {
			t.Errorf("MatchDNSName(%q, %q) = %v, want %v", tc.pattern, tc.host, got, tc.want)
		}
	}
}

// sanCert builds a certificate value (unsigned: only names matter here).
func sanCert(cn string, dns []string, ips []net.IP, withSANExt bool) *x509.Certificate {
	c := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: dns, IPAddresses: ips}
	c.Subject.Names = []pkix.AttributeTypeAndValue{{Type: oidCN, Value: cn}}
	if withSANExt {
		c.Extensions = []pkix.Extension{{Id: oidExtSAN}}
	}
	return c
}

func TestMatchHostname(t *testing.T) {
	v4 := net.ParseIP("192.0.2.7")
	v6 := net.ParseIP("2001:db8::1")
	cases := []struct {
		name string
		cert *x509.Certificate
		host string
		want bool
	}{
		{"san dns", sanCert("ignored.example", []string{"a.example", "*.b.example"}, nil, true), "x.b.example", true},
		{"san dns miss", sanCert("x.b.example", []string{"a.example"}, nil, true), "x.b.example", false},
		{"cn ignored with san", sanCert("www.example.com", nil, []net.IP{v4}, true), "www.example.com", false},
		{"cn fallback without san", sanCert("www.example.com", nil, nil, false), "www.example.com", true},
		{"cn wildcard fallback", sanCert("*.example.com", nil, nil, false), "www.example.com", true},
		{"cn fallback miss", sanCert("www.example.com", nil, nil, false), "mail.example.com", false},
		{"ipv4", sanCert("", nil, []net.IP{v4}, true), "192.0.2.7", true},
		{"ipv4 miss", sanCert("", nil, []net.IP{v4}, true), "192.0.2.8", false},
		{"ipv4 as dns name", sanCert("", []string{"192.0.2.7"}, nil, true), "192.0.2.7", false},
		{"ipv4 cn not used", sanCert("192.0.2.7", nil, nil, false), "192.0.2.7", false},
		{"ipv6", sanCert("", nil, []net.IP{v6}, true), "2001:db8:0::1", true},
		{"ipv6 brackets", sanCert("", nil, []net.IP{v6}, true), "[2001:db8::1]", true},
		{"ipv6 miss", sanCert("", nil, []net.IP{v4}, true), "::1", false},
		{"v4-mapped equals v4", sanCert("", nil, []net.IP{v4.To4()}, true), "::ffff:192.0.2.7", true},
		{"nil cert", nil, "x", false},
	}
	for _, tc := range cases {
		if got := MatchHostname(tc.cert, tc.host); got != tc.want {
			t.Errorf("%s: MatchHostname(%q) = %v, want %v", tc.name, tc.host, got, tc.want)
		}
	}
}

// FuzzHostname checks that matching never panics and obeys its invariants:
// case does not matter, and a match without a wildcard is an equality.
func FuzzHostname(f *testing.F) {
	f.Add("*.example.com", "www.example.com")
	f.Add("www.example.com", "WWW.EXAMPLE.COM.")
	f.Add("*", "a")
	f.Add("192.0.2.1", "[::1]")
	f.Add("xn--*.x.y", "xn--a.x.y")
	f.Fuzz(func(t *testing.T, pattern, host string) {
		got := MatchDNSName(pattern, host)
		if got != MatchDNSName(strings.ToUpper(pattern), asciiLower(host)) && isASCII(pattern) {
			t.Fatalf("case changed the answer for %q %q", pattern, host)
		}
		if got && !strings.Contains(pattern, "*") &&
			!strings.EqualFold(strings.TrimSuffix(pattern, "."), strings.TrimSuffix(host, ".")) {
			t.Fatalf("%q matched %q", pattern, host)
		}
		if got && strings.Count(strings.TrimSuffix(pattern, "."), ".") != strings.Count(strings.TrimSuffix(host, "."), ".") {
			t.Fatalf("%q matched %q across labels", pattern, host)
		}
		MatchHostname(sanCert(pattern, []string{pattern}, nil, len(pattern)%2 == 0), host)
	})
}

// isASCII reports whether s is all ASCII (ToUpper may change non-ASCII).
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
