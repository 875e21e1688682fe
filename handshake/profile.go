// profile.go holds the certificate profile checks ValidatePath adds to the
// RFC 5280 §6 algorithm: the RFC 5280 §4 MUSTs a relying party can check
// (key identifiers, serial numbers, extension criticality, name syntax),
// the trust anchor's own soundness, bounded name-constraint work, and the
// CA/Browser Forum (web PKI) rules applied under ProfileWebPKI.
package handshake

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // only to recognise (and refuse) DSA keys
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Profile selects the certificate profile ValidatePath enforces on top of
// RFC 5280 path validation.
type Profile int

// The profiles.
const (
	// ProfileAuto is ProfileWebPKI when the peer is a server checked
	// against the system trust store (Role ServerAuth with UseSystemRoots
	// and no Roots: the public web PKI, whose certificates the CA/Browser
	// Forum rules govern), and ProfileRFC5280 otherwise (a private PKI given
	// as cacerts, which need not follow the CA/B Forum's rules).
	ProfileAuto Profile = iota
	// ProfileRFC5280 checks RFC 5280 path validation plus the RFC 5280 §4
	// profile MUSTs (see docs/x509.md).
	ProfileRFC5280
	// ProfileWebPKI adds, for a ServerAuth peer, the CA/Browser Forum
	// Baseline Requirements rules listed in docs/x509.md.
	ProfileWebPKI
	// ProfileRFC3280 is ProfileRFC5280 for certificates issued under RFC
	// 3280, whose §4.2.1.12 let CAs mark policyConstraints non-critical
	// (RFC 5280 §4.2.1.11 made it a MUST). NIST PKITS v1.0.1 is written to
	// RFC 3280 and its valid policy paths (4.8–4.12) rely on this.
	ProfileRFC3280
)

// webPKI reports whether the web-PKI rules apply to this validation.
func (o *PathOptions) webPKI() bool {
	if o.Role != ServerAuth {
		return false
	}
	switch o.Profile {
	case ProfileWebPKI:
		return true
	case ProfileAuto:
		return o.UseSystemRoots && o.Roots == nil
	}
	return false
}

// maxConstraintComparisons bounds the name-constraint work on one path
// (names × constraints), as crypto/x509 does: a certificate with thousands
// of names under thousands of constraints is refused rather than checked.
const maxConstraintComparisons = 250000

// More extension OIDs (RFC 5280 §4.2).
var (
	oidExtAKI = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidExtBC  = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidExtEKU = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidExtPC  = asn1.ObjectIdentifier{2, 5, 29, 36}
)

// extOf returns c's extension id, if present.
func extOf(c *x509.Certificate, id asn1.ObjectIdentifier) (crit, ok bool) {
	for _, e := range c.Extensions {
		if e.Id.Equal(id) {
			return e.Critical, true
		}
	}
	return false, false
}

// checkAnchor checks that a trust anchor given as a certificate is itself
// a sound CA certificate (RFC 5280 §4.2.1.9, §4.2.1.3, §4.2.1.2, §4.2):
// critical basicConstraints with cA, keyCertSign when keyUsage is present,
// a subject key identifier and a subject, no unknown critical extension,
// critical and well-formed name constraints. It reports whether to go on.
func (v *validator) checkAnchor(a *x509.Certificate) bool {
	crit, ok := extOf(a, oidExtBC)
	if !ok || !crit || !a.BasicConstraintsValid || !a.IsCA {
		if !v.bad(a, MissingBasicConstraint) {
			return false
		}
	}
	if hasExt(a, oidExtKU) && a.KeyUsage&x509.KeyUsageCertSign == 0 {
		if !v.bad(a, InvalidKeyUsage) {
			return false
		}
	}
	// A trust anchor that is not self-issued (a cross-signed CA trusted
	// directly) still needs its authority key identifier (§4.2.1.1).
	selfIssued := nameEqual(a.RawIssuer, a.RawSubject)
	if len(a.SubjectKeyId) == 0 || emptyName(a.RawSubject) || (!selfIssued && len(a.AuthorityKeyId) == 0) {
		if !v.bad(a, InvalidIssuer) {
			return false
		}
	}
	for _, ext := range a.Extensions {
		if ext.Critical && !handledExt(ext.Id) {
			if !v.bad(a, UnknownCriticalExtension) {
				return false
			}
		}
		if ext.Id.Equal(oidExtNC) {
			// RFC 5280 §4.2.1.10 makes the extension critical; the CA/B
			// Forum allows it non-critical.
			if _, err := parseNameConstraints(ext.Value); err != nil || (!ext.Critical && !v.opts.webPKI()) {
				if !v.bad(a, NameNotPermitted) {
					return false
				}
			}
		}
	}
	if v.opts.webPKI() && !v.checkWebPKIAnchor(a) {
		return false
	}
	return true
}

// checkProfile runs the RFC 5280 §4 profile checks on a certificate below
// the anchor (last: the peer certificate). It reports whether to go on.
func (v *validator) checkProfile(c *x509.Certificate, last, selfIssued bool) bool {
	check := func(ok bool, reason BadCertReason) bool { return ok || v.bad(c, reason) }
	// §4.1.2.2: a positive serial number of at most 20 octets.
	if !check(serialOK(c), InvalidIssuer) {
		return false
	}
	// §4.2.1.1: the authority key identifier is how the issuer is found;
	// only a self-issued certificate may omit it.
	if !check(selfIssued || len(c.AuthorityKeyId) > 0, InvalidIssuer) {
		return false
	}
	if !last {
		// §4.2.1.2, §4.1.2.6: a CA has a subject key identifier and a subject.
		if !check(len(c.SubjectKeyId) > 0 && !emptyName(c.RawSubject), InvalidIssuer) {
			return false
		}
	}
	// §4.2.1.12: extKeyUsage lists at least one purpose.
	if hasExt(c, oidExtEKU) && !check(len(c.ExtKeyUsage)+len(c.UnknownExtKeyUsage) > 0, InvalidExtKeyUsage) {
		return false
	}
	// §4.2.1.10: name constraints only in CA certificates, critical (the
	// CA/B Forum allows them non-critical).
	if crit, ok := extOf(c, oidExtNC); ok {
		if !check((crit || v.opts.webPKI()) && c.IsCA && !last, NameNotPermitted) {
			return false
		}
	}
	// §4.2.1.11: conforming CAs MUST mark policyConstraints critical (a
	// validator that skipped it would silently drop the constraint). RFC
	// 3280 allowed it non-critical, hence ProfileRFC3280.
	if crit, ok := extOf(c, oidExtPC); ok && !crit && v.opts.Profile != ProfileRFC3280 {
		if !check(false, PolicyRequirementNotMet) {
			return false
		}
	}
	if !last {
		return true
	}
	// §4.2.1.6: an empty subject needs a critical subjectAltName.
	if emptyName(c.RawSubject) {
		if crit, ok := extOf(c, oidExtSAN); !check(ok && crit, NameNotPermitted) {
			return false
		}
	}
	// §4.2.1.6: dNSNames in preferred name syntax (a wildcard left-most
	// label aside), rfc822Names as addr-spec.
	for _, d := range c.DNSNames {
		if !check(sanDNSOK(d), NameNotPermitted) {
			return false
		}
	}
	for _, e := range c.EmailAddresses {
		if !check(emailOK(e), NameNotPermitted) {
			return false
		}
	}
	// The key usage the caller needs of the peer key (e.g. digitalSignature
	// for an ECDHE key exchange), when the certificate restricts it.
	if need := v.opts.LeafKeyUsage; need != 0 && hasExt(c, oidExtKU) && !check(c.KeyUsage&need == need, InvalidKeyUsage) {
		return false
	}
	if v.opts.webPKI() && !v.checkWebPKILeaf(c) {
		return false
	}
	return true
}

// emptyName reports whether a DER Name is the empty SEQUENCE.
func emptyName(der []byte) bool {
	s := cryptobyte.String(der)
	var seq cryptobyte.String
	return s.ReadASN1(&seq, cbasn1.SEQUENCE) && seq.Empty()
}

// serialOK reports whether c's serial number is positive-or-negative
// non-zero and at most 20 octets (a leading zero octet aside), reading the
// DER since crypto/x509 keeps only the value.
func serialOK(c *x509.Certificate) bool {
	if c.SerialNumber == nil || c.SerialNumber.Sign() == 0 {
		return false
	}
	tbs := cryptobyte.String(c.RawTBSCertificate)
	var seq, serial cryptobyte.String
	if !tbs.ReadASN1(&seq, cbasn1.SEQUENCE) ||
		!seq.SkipOptionalASN1(cbasn1.Tag(0).ContextSpecific().Constructed()) ||
		!seq.ReadASN1(&serial, cbasn1.INTEGER) {
		return false
	}
	return len(serial) <= 20 || (len(serial) == 21 && serial[0] == 0)
}

// sanDNSOK checks a dNSName's syntax: letters, digits and hyphens in
// non-empty labels (RFC 1034 §3.5 as RFC 1123 §2.1 relaxes it), with an
// optional "*" as the whole left-most label.
func sanDNSOK(d string) bool {
	if strings.HasPrefix(d, "*.") {
		d = d[2:]
	}
	if d == "" || len(d) > 253 {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			ch := l[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	return true
}

// emailOK checks an rfc822Name: one '@' between a non-empty local part
// and a valid domain.
func emailOK(e string) bool {
	at := strings.IndexByte(e, '@')
	if at <= 0 || strings.Count(e, "@") != 1 {
		return false
	}
	return sanDNSOK(e[at+1:]) && !strings.HasPrefix(e[at+1:], "*.")
}

// dnsExcluded reports whether an excluded dNSName subtree catches name.
// A wildcard name is caught when any name it stands for could be
// (CVE-2025-61727): "*.example.com" falls to an exclusion of
// "bar.example.com".
func dnsExcluded(constraint, name string) bool {
	if dnsMatch(constraint, name) {
		return true
	}
	if !strings.HasPrefix(name, "*.") {
		return false
	}
	c := strings.ToLower(strings.Trim(constraint, "."))
	rest := strings.ToLower(strings.TrimSuffix(name[2:], "."))
	return strings.HasSuffix(c, "."+rest)
}

// ncCost is the number of name/constraint comparisons checking c against
// ncs takes.
func ncCost(c *x509.Certificate, ncs []*nameConstraints) int {
	names := len(c.DNSNames) + len(c.EmailAddresses) + len(c.URIs) + len(c.IPAddresses) + len(c.Subject.Names) + 1
	cons := 0
	for _, nc := range ncs {
		for _, st := range []*subtrees{&nc.permitted, &nc.excluded} {
			cons += len(st.dns) + len(st.email) + len(st.uri) + len(st.ips) + len(st.dirs)
		}
	}
	return names * cons
}

// checkWebPKIAnchor applies the CA/B Forum root rules (BR §7.1.2.1): an
// authority key identifier, if present, holds only the keyIdentifier and it
// equals the subject key identifier; no extKeyUsage; an acceptable key.
func (v *validator) checkWebPKIAnchor(a *x509.Certificate) bool {
	for _, ext := range a.Extensions {
		if ext.Id.Equal(oidExtAKI) && !akiOnlyKeyID(ext.Value, a.SubjectKeyId) {
			if !v.bad(a, InvalidIssuer) {
				return false
			}
		}
	}
	if hasExt(a, oidExtEKU) && !v.bad(a, InvalidExtKeyUsage) {
		return false
	}
	if !webPKIKeyOK(a) && !v.bad(a, InvalidKeyUsage) {
		return false
	}
	return true
}

// akiOnlyKeyID reports whether an authorityKeyIdentifier value holds just a
// keyIdentifier equal to ski.
func akiOnlyKeyID(der, ski []byte) bool {
	in := cryptobyte.String(der)
	var seq, kid cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&kid, cbasn1.Tag(0).ContextSpecific()) || !seq.Empty() {
		return false
	}
	return bytes.Equal(kid, ski)
}

// webPKIKeyOK: RSA keys of at least 2048 bits in whole octets, or ECDSA or
// Ed25519 keys; DSA is not allowed (BR §6.1.5).
func webPKIKeyOK(c *x509.Certificate) bool {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		n := k.N.BitLen()
		return n >= 2048 && n%8 == 0
	case *dsa.PublicKey:
		return false
	}
	return true
}

// checkWebPKILeaf applies the CA/B Forum subscriber certificate rules (BR
// §7.1.2.7) that do not need outside data: a v3 certificate, cA false,
// an extKeyUsage that is not critical and names serverAuth but not
// anyExtendedKeyUsage, a subjectAltName that is not critical when the
// subject is not empty, an acceptable key. The common-name rule (BR
// §7.1.4.3, a copy of a SAN) is not applied: x509-limbo's own valid web-PKI
// cases break it, and the hostname check never reads the common name when
// SANs exist.
func (v *validator) checkWebPKILeaf(c *x509.Certificate) bool {
	check := func(ok bool, reason BadCertReason) bool { return ok || v.bad(c, reason) }
	if !check(c.Version == 3, InvalidKeyUsage) ||
		!check(!(c.BasicConstraintsValid && c.IsCA), InvalidKeyUsage) ||
		!check(webPKIKeyOK(c), InvalidKeyUsage) {
		return false
	}
	crit, ok := extOf(c, oidExtEKU)
	anyEKU := false
	for _, u := range c.ExtKeyUsage {
		anyEKU = anyEKU || u == x509.ExtKeyUsageAny
	}
	if !check(ok && !crit && !anyEKU, InvalidExtKeyUsage) {
		return false
	}
	crit, ok = extOf(c, oidExtSAN)
	if !check(ok && (!crit || emptyName(c.RawSubject)), NameNotPermitted) {
		return false
	}
	return true
}

// sanHasOtherForms reports whether c's subjectAltName holds a name form
// we do not process: otherName, x400Address, ediPartyName, registeredID.
func sanHasOtherForms(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidExtSAN) {
			continue
		}
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return true
		}
		for !seq.Empty() {
			var tag cbasn1.Tag
			var body cryptobyte.String
			if !seq.ReadAnyASN1(&body, &tag) {
				return true
			}
			switch tag & 0x1f {
			case 0, 3, 5, 8:
				return true
			}
		}
	}
	return false
}

// sha1Signed reports whether c is signed with SHA-1, whose collisions make
// certificate signatures forgeable (chosen-prefix collisions, 2020); such
// certificates are refused with invalid_signature, as crypto/x509.Verify
// does. (MD5 and MD2 signatures crypto/x509 refuses itself.)
func sha1Signed(c *x509.Certificate) bool {
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		return true
	}
	return false
}

// sanDirNames lists c's directoryName SANs as canonical RDNs; a SAN that
// does not parse yields an impossible name, so constraints refuse it.
func sanDirNames(c *x509.Certificate) [][]string {
	var out [][]string
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidExtSAN) {
			continue
		}
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return [][]string{{"\x00malformed"}}
		}
		for !seq.Empty() {
			var body cryptobyte.String
			var tag cbasn1.Tag
			if !seq.ReadAnyASN1(&body, &tag) {
				return append(out, []string{"\x00malformed"})
			}
			if tag == cbasn1.Tag(4).ContextSpecific().Constructed() {
				rdns, ok := canonName(body)
				if !ok {
					rdns = []string{"\x00malformed"}
				}
				out = append(out, rdns)
			}
		}
	}
	return out
}

// checkDSASig verifies a DSA certificate signature, which crypto/x509
// no longer does (PKITS still has DSA chains).
func checkDSASig(child, parent *x509.Certificate) bool {
	pub, ok := parent.PublicKey.(*dsa.PublicKey)
	if !ok {
		return false
	}
	var digest []byte
	switch child.SignatureAlgorithm {
	case x509.DSAWithSHA256:
		d := sha256.Sum256(child.RawTBSCertificate)
		digest = d[:]
	default:
		return false
	}
	return VerifyDSA(pub, digest, child.Signature)
}
