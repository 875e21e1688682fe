// hostname.go holds the server identity check (RFC 6125 §6, RFC 2818 §3.1)
// behind the {bad_cert, hostname_check_failed} reason.
package handshake

import (
	"crypto/x509"
	"net"
	"strings"
)

// MatchHostname reports whether cert is valid for host. An IP literal
// (optionally in brackets) must equal one of the iPAddress names; a DNS name
// is matched against the dNSName names with MatchDNSName, and against the
// subject common names only when the certificate has no subjectAltName at
// all (RFC 6125 §6.4.4). Host names must be ASCII (IDNs as A-labels).
func MatchHostname(cert *x509.Certificate, host string) bool {
	if cert == nil {
		return false
	}
	h := host
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	if ip := net.ParseIP(h); ip != nil {
		// RFC 6125 §6.2.1: no wildcards, no common name for IP addresses.
		for _, a := range cert.IPAddresses {
			if a.Equal(ip) {
				return true
			}
		}
		return false
	}
	if hasExt(cert, oidExtSAN) {
		for _, p := range cert.DNSNames {
			if MatchDNSName(p, h) {
				return true
			}
		}
		return false
	}
	for _, atv := range cert.Subject.Names {
		if !atv.Type.Equal(oidCN) {
			continue
		}
		if s, ok := atv.Value.(string); ok && MatchDNSName(s, h) {
			return true
		}
	}
	return false
}

// MatchDNSName matches one presented DNS identifier (pattern) against the
// reference host (RFC 6125 §6.4): ASCII case-insensitive, one trailing dot
// ignored; a wildcard is allowed only as the whole left-most label, stands
// for exactly one non-empty label, and needs at least two labels after it.
func MatchDNSName(pattern, host string) bool {
	pattern = strings.TrimSuffix(pattern, ".")
	host = strings.TrimSuffix(host, ".")
	if !validHostname(host, false) || !validHostname(pattern, true) {
		return false
	}
	pattern = asciiLower(pattern)
	host = asciiLower(host)
	if !strings.HasPrefix(pattern, "*.") {
		return pattern == host
	}
	rest := pattern[1:] // ".example.com"
	if strings.Count(rest, ".") < 2 {
		return false // "*.com" would cover a whole top-level domain
	}
	i := strings.IndexByte(host, '.')
	return i > 0 && host[i:] == rest
}

// validHostname checks the syntax of a DNS name: ASCII letters, digits,
// '-' and '_' in non-empty labels of at most 63 octets. With wildcard, the
// left-most label may be exactly "*"; '*' is refused anywhere else.
func validHostname(s string, wildcard bool) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		if label == "*" && wildcard && i == 0 {
			continue
		}
		for j := 0; j < len(label); j++ {
			c := label[j]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			default:
				return false
			}
		}
	}
	return true
}

// looksLikeHostname reports whether a common name could be used as a DNS
// identifier by the fallback in MatchHostname.
func looksLikeHostname(s string) bool {
	return validHostname(strings.TrimSuffix(s, "."), true)
}

// asciiLower lowercases ASCII letters only.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
