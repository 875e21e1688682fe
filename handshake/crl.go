// crl.go holds certificate revocation checking with CRLs (RFC 5280 §6.3,
// the part OTP's public_key:pkix_crls_validate does) and the crl_check hook
// ValidatePath calls for each certificate on the path.
package handshake

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// CRLCheck is the manual's crl_check option.
type CRLCheck int

// The crl_check modes.
const (
	CRLCheckOff        CRLCheck = iota // false: no revocation checking
	CRLCheckAll                        // true: every certificate on the path but the anchor
	CRLCheckPeer                       // peer: only the peer certificate
	CRLCheckBestEffort                 // best_effort: like true, undetermined status accepted
)

// String gives the Erlang spelling.
func (m CRLCheck) String() string {
	switch m {
	case CRLCheckOff:
		return "false"
	case CRLCheckAll:
		return "true"
	case CRLCheckPeer:
		return "peer"
	case CRLCheckBestEffort:
		return "best_effort"
	}
	return fmt.Sprintf("crl_check(%d)", int(m))
}

// RevocationStatusUndetermined is OTP's {bad_cert, revocation_status_undetermined}:
// no usable CRL covered the certificate (RFC 5280 §6.3.3 ends with a
// reasons_mask short of all-reasons).
const RevocationStatusUndetermined BadCertReason = "revocation_status_undetermined"

// CRLSource is the cache lookup PathOptions.CRLs holds: the candidate CRLs
// for cert, issued (directly) by issuer. It may return CRLs that do not
// apply; CheckRevocation sorts them out.
type CRLSource func(cert, issuer *x509.Certificate) ([]*x509.RevocationList, error)

// RevocationStatus is the outcome of checking one certificate.
type RevocationStatus int

// Revocation statuses.
const (
	RevocationGood         RevocationStatus = iota // not revoked, for every reason
	RevocationRevoked                              // on an applicable CRL
	RevocationUndetermined                         // no complete coverage by usable CRLs
)

// String names the status.
func (s RevocationStatus) String() string {
	switch s {
	case RevocationGood:
		return "good"
	case RevocationRevoked:
		return "revoked"
	case RevocationUndetermined:
		return "undetermined"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Revocation is CheckRevocation's answer.
type Revocation struct {
	Status RevocationStatus
	// Reason is the CRLReason name (RFC 5280 §5.3.1, as OTP spells it:
	// "keyCompromise", …; "unspecified" without a reasonCode) when revoked.
	Reason string
	// Detail says, for an undetermined status, why no CRL could be used.
	Detail string
}

// CRLReasonName gives the RFC 5280 §5.3.1 name of a reasonCode.
func CRLReasonName(code int) string {
	switch code {
	case 0:
		return "unspecified"
	case 1:
		return "keyCompromise"
	case 2:
		return "cACompromise"
	case 3:
		return "affiliationChanged"
	case 4:
		return "superseded"
	case 5:
		return "cessationOfOperation"
	case 6:
		return "certificateHold"
	case 8:
		return "removeFromCRL"
	case 9:
		return "privilegeWithdrawn"
	case 10:
		return "aACompromise"
	}
	return "unspecified"
}

// CRLsFromDER parses CRLs given as DER or PEM ("X509 CRL" blocks); it is
// the helper test suites (PKITS, limbo) use to feed PathOptions.CRLs.
func CRLsFromDER(items [][]byte) ([]*x509.RevocationList, error) {
	var out []*x509.RevocationList
	for _, b := range items {
		if bytes.HasPrefix(bytes.TrimSpace(b), []byte("-----BEGIN")) {
			rest := b
			for {
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
			continue
		}
		rl, err := x509.ParseRevocationList(b)
		if err != nil {
			return nil, err
		}
		out = append(out, rl)
	}
	return out, nil
}

// StaticCRLs is a CRLSource that offers the same CRLs for every certificate.
func StaticCRLs(crls []*x509.RevocationList) CRLSource {
	return func(_, _ *x509.Certificate) ([]*x509.RevocationList, error) { return crls, nil }
}

// OIDs of the CRL and CRL entry extensions (RFC 5280 §5.2, §5.3).
var (
	oidCRLNumber      = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidDeltaCRL       = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidIDP            = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidCertIssuer     = asn1.ObjectIdentifier{2, 5, 29, 29}
	oidCRLDP          = asn1.ObjectIdentifier{2, 5, 29, 31}
	oidAKI            = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidIssuerAltName  = asn1.ObjectIdentifier{2, 5, 29, 18}
	oidFreshestCRL    = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidReasonCode     = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidHoldInstr      = asn1.ObjectIdentifier{2, 5, 29, 23}
	oidInvalidityDate = asn1.ObjectIdentifier{2, 5, 29, 24}
)

// reasons is a ReasonFlags bit mask (RFC 5280 §4.2.1.13): bit i is flag i.
type reasons uint16

// allReasons is every reason but "unused" (bit 0).
const allReasons reasons = 0x1fe

// generalName is one GeneralName: its tag and contents; for a
// directoryName the contents are the Name's DER.
type generalName struct {
	tag cbasn1.Tag
	val []byte
}

// tagDirName is GeneralName's directoryName [4] (explicit, so constructed).
var tagDirName = cbasn1.Tag(4).ContextSpecific().Constructed()

// equal compares two names; directory names as RFC 5280 §7.1 says.
func (g generalName) equal(o generalName) bool {
	if g.tag != o.tag {
		return false
	}
	if g.tag == tagDirName {
		return nameEqual(g.val, o.val)
	}
	return bytes.Equal(g.val, o.val)
}

// anyNameEqual reports whether a and b share a name.
func anyNameEqual(a, b []generalName) bool {
	for _, x := range a {
		for _, y := range b {
			if x.equal(y) {
				return true
			}
		}
	}
	return false
}

// dirName wraps a DER Name as a directoryName.
func dirName(name []byte) generalName { return generalName{tag: tagDirName, val: name} }

// distPoint is one DistributionPoint of a certificate's cRLDistributionPoints.
type distPoint struct {
	names     []generalName // distributionPoint, resolved to full names
	hasName   bool
	reasons   reasons
	crlIssuer []generalName
	synthetic bool // the certificate has no CRL DP: the issuer's own CRLs
}

// errMalformed is returned for undecodable CRL or certificate extensions.
var errMalformed = errors.New("handshake: malformed CRL extension")

// readGeneralNames parses the contents of a GeneralNames SEQUENCE.
func readGeneralNames(s cryptobyte.String) ([]generalName, error) {
	var out []generalName
	for !s.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadAnyASN1(&v, &tag) {
			return nil, errMalformed
		}
		if tag == tagDirName {
			var name cryptobyte.String
			if !v.ReadASN1Element(&name, cbasn1.SEQUENCE) || !v.Empty() {
				return nil, errMalformed
			}
			v = name
		}
		out = append(out, generalName{tag: tag, val: []byte(v)})
	}
	return out, nil
}

// readDPName parses a DistributionPointName (the contents of its [0]
// wrapper); a nameRelativeToCRLIssuer is appended to crlIssuer (RFC 5280
// §4.2.1.13).
func readDPName(s cryptobyte.String, crlIssuer []byte) ([]generalName, error) {
	var v cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1Element(&v, &tag) || !s.Empty() {
		return nil, errMalformed
	}
	switch tag {
	case cbasn1.Tag(0).ContextSpecific().Constructed():
		var inner cryptobyte.String
		if !v.ReadASN1(&inner, tag) {
			return nil, errMalformed
		}
		return readGeneralNames(inner)
	case cbasn1.Tag(1).ContextSpecific().Constructed():
		// The RDN is a SET: retag it and append it to the issuer's RDNs.
		var rdn cryptobyte.String
		if !v.ReadASN1(&rdn, tag) {
			return nil, errMalformed
		}
		issuer := cryptobyte.String(crlIssuer)
		var rdns cryptobyte.String
		if !issuer.ReadASN1(&rdns, cbasn1.SEQUENCE) {
			return nil, errMalformed
		}
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(rdns)
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(rdn) })
		})
		name, err := b.Bytes()
		if err != nil {
			return nil, errMalformed
		}
		return []generalName{dirName(name)}, nil
	}
	return nil, errMalformed
}

// readReasons parses the contents of an implicitly tagged ReasonFlags.
func readReasons(s cryptobyte.String) (reasons, error) {
	if len(s) == 0 || s[0] > 7 || (len(s) == 1 && s[0] != 0) {
		return 0, errMalformed
	}
	var r reasons
	for i, b := range s[1:] {
		for bit := 0; bit < 8; bit++ {
			if b&(0x80>>bit) != 0 && i*8+bit < 16 {
				r |= 1 << (i*8 + bit)
			}
		}
	}
	return r, nil
}

// certDistPoints parses c's cRLDistributionPoints, or gives the synthetic
// point (issuer's own CRLs, every reason) when it has none.
func certDistPoints(c *x509.Certificate) ([]distPoint, error) {
	var ext []byte
	for _, e := range c.Extensions {
		if e.Id.Equal(oidCRLDP) {
			ext = e.Value
		}
	}
	if ext == nil {
		return []distPoint{{reasons: allReasons, crlIssuer: []generalName{dirName(c.RawIssuer)}, synthetic: true}}, nil
	}
	in := cryptobyte.String(ext)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errMalformed
	}
	var out []distPoint
	for !seq.Empty() {
		var dp, name, rs, issuers cryptobyte.String
		var hasName, hasReasons, hasIssuer bool
		if !seq.ReadASN1(&dp, cbasn1.SEQUENCE) ||
			!dp.ReadOptionalASN1(&name, &hasName, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
			!dp.ReadOptionalASN1(&rs, &hasReasons, cbasn1.Tag(1).ContextSpecific()) ||
			!dp.ReadOptionalASN1(&issuers, &hasIssuer, cbasn1.Tag(2).ContextSpecific().Constructed()) ||
			!dp.Empty() {
			return nil, errMalformed
		}
		p := distPoint{reasons: allReasons, hasName: hasName}
		var err error
		if hasIssuer {
			if p.crlIssuer, err = readGeneralNames(issuers); err != nil {
				return nil, err
			}
		}
		if hasName {
			// A relative name is relative to the CRL issuer: the
			// cRLIssuer's directory name if given, else the cert's issuer.
			base := c.RawIssuer
			for _, g := range p.crlIssuer {
				if g.tag == tagDirName {
					base = g.val
					break
				}
			}
			if p.names, err = readDPName(name, base); err != nil {
				return nil, err
			}
		}
		if hasReasons {
			if p.reasons, err = readReasons(rs); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, errMalformed
	}
	return out, nil
}

// idp is a CRL's issuingDistributionPoint (RFC 5280 §5.2.5).
type idp struct {
	present            bool
	raw                []byte
	names              []generalName
	hasName            bool
	onlyUser, onlyCA   bool
	onlyAttr, indirect bool
	reasons            reasons
}

// parseIDP reads the CRL's IDP, if any.
func parseIDP(rl *x509.RevocationList) (idp, error) {
	out := idp{reasons: allReasons}
	for _, e := range rl.Extensions {
		if !e.Id.Equal(oidIDP) {
			continue
		}
		if out.present {
			return out, errMalformed // two IDPs
		}
		out.present, out.raw = true, e.Value
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return out, errMalformed
		}
		var name, rs cryptobyte.String
		var hasReasons bool
		if !seq.ReadOptionalASN1(&name, &out.hasName, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
			!readImplicitBool(&seq, 1, &out.onlyUser) ||
			!readImplicitBool(&seq, 2, &out.onlyCA) ||
			!seq.ReadOptionalASN1(&rs, &hasReasons, cbasn1.Tag(3).ContextSpecific()) ||
			!readImplicitBool(&seq, 4, &out.indirect) ||
			!readImplicitBool(&seq, 5, &out.onlyAttr) ||
			!seq.Empty() {
			return out, errMalformed
		}
		var err error
		if out.hasName {
			if out.names, err = readDPName(name, rl.RawIssuer); err != nil {
				return out, err
			}
		}
		if hasReasons {
			if out.reasons, err = readReasons(rs); err != nil {
				return out, err
			}
		}
		// At most one of the "only" flags may be set (RFC 5280 §5.2.5).
		n := 0
		for _, f := range []bool{out.onlyUser, out.onlyCA, out.onlyAttr} {
			if f {
				n++
			}
		}
		if n > 1 {
			return out, errMalformed
		}
	}
	return out, nil
}

// readImplicitBool reads an optional [tag] IMPLICIT BOOLEAN DEFAULT FALSE.
func readImplicitBool(s *cryptobyte.String, tag int, out *bool) bool {
	var v cryptobyte.String
	var present bool
	if !s.ReadOptionalASN1(&v, &present, cbasn1.Tag(tag).ContextSpecific()) {
		return false
	}
	if !present {
		return true
	}
	if len(v) != 1 || (v[0] != 0 && v[0] != 0xff) {
		return false
	}
	*out = v[0] == 0xff
	return true
}

// crlInfo is a CRL with the extensions we need parsed, and whether it may be
// used at all.
type crlInfo struct {
	rl       *x509.RevocationList
	idp      idp
	delta    bool
	base     *big.Int // deltaCRLIndicator's BaseCRLNumber
	problem  string   // non-empty: unusable, and why
	sigKnown bool
	sigOK    bool
}

// inspect checks what can be checked of a CRL without the certificate: its
// extensions (unknown critical ones make it unusable, RFC 5280 §5.2) and
// its entries' critical extensions (§5.3), and its dates.
func inspect(rl *x509.RevocationList, now time.Time) *crlInfo {
	ci := &crlInfo{rl: rl}
	var err error
	if ci.idp, err = parseIDP(rl); err != nil {
		ci.problem = "malformed issuingDistributionPoint"
		return ci
	}
	for _, e := range rl.Extensions {
		switch {
		case e.Id.Equal(oidDeltaCRL):
			ci.delta = true
			ci.base = new(big.Int)
			v := cryptobyte.String(e.Value)
			if !v.ReadASN1Integer(ci.base) || !v.Empty() || ci.base.Sign() < 0 {
				ci.problem = "malformed deltaCRLIndicator"
				return ci
			}
		case e.Id.Equal(oidIDP), e.Id.Equal(oidCRLNumber), e.Id.Equal(oidAKI),
			e.Id.Equal(oidIssuerAltName), e.Id.Equal(oidFreshestCRL), e.Id.Equal(oidAIA):
		default:
			if e.Critical {
				ci.problem = "unknown critical CRL extension " + e.Id.String()
				return ci
			}
		}
	}
	// RFC 5280 §5.2.3: every CRL carries a non-critical cRLNumber (conforming
	// CRL issuers MUST include it, MUST mark it non-critical). A CRL without
	// one cannot be ordered against others or paired with delta CRLs, so
	// it is not used.
	switch num := crlExt(rl, oidCRLNumber); {
	case num == nil || rl.Number == nil:
		ci.problem = "CRL without cRLNumber"
		return ci
	case num.Critical:
		ci.problem = "critical cRLNumber"
		return ci
	}
	for i := range rl.RevokedCertificateEntries {
		for _, e := range rl.RevokedCertificateEntries[i].Extensions {
			switch {
			case e.Id.Equal(oidReasonCode), e.Id.Equal(oidHoldInstr),
				e.Id.Equal(oidInvalidityDate), e.Id.Equal(oidCertIssuer):
			default:
				if e.Critical {
					ci.problem = "unknown critical CRL entry extension " + e.Id.String()
					return ci
				}
			}
		}
	}
	if now.Before(rl.ThisUpdate) {
		ci.problem = "CRL not yet valid"
	} else if !rl.NextUpdate.IsZero() && now.After(rl.NextUpdate) {
		ci.problem = "CRL expired"
	}
	return ci
}

// crlExt finds a CRL extension by OID.
func crlExt(rl *x509.RevocationList, id asn1.ObjectIdentifier) *pkix.Extension {
	for i := range rl.Extensions {
		if rl.Extensions[i].Id.Equal(id) {
			return &rl.Extensions[i]
		}
	}
	return nil
}

// signedBy verifies the CRL's signature with issuer's key (RFC 5280 §6.3.3
// (f), (g)); a keyUsage without cRLSign disqualifies the key.
func (ci *crlInfo) signedBy(issuer *x509.Certificate) bool {
	if ci.sigKnown {
		return ci.sigOK
	}
	ci.sigKnown = true
	if hasExt(issuer, oidExtKU) && issuer.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return false
	}
	ci.sigOK = issuer.CheckSignature(ci.rl.SignatureAlgorithm, ci.rl.RawTBSRevocationList, ci.rl.Signature) == nil
	return ci.sigOK
}

// signedByAlt verifies the CRL's signature with another candidate key than
// the certificate issuer's (not cached: signedBy caches the issuer's).
func (ci *crlInfo) signedByAlt(c *x509.Certificate) bool {
	if hasExt(c, oidExtKU) && c.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return false
	}
	return c.CheckSignature(ci.rl.SignatureAlgorithm, ci.rl.RawTBSRevocationList, ci.rl.Signature) == nil
}

// entryStatus finds cert on the CRL. Entries of an indirect CRL belong to
// the CRL issuer until a certificateIssuer extension names another issuer
// (RFC 5280 §5.3.3). It returns the reason code and whether it is listed.
func (ci *crlInfo) entryStatus(cert *x509.Certificate) (int, bool) {
	entryIssuer := []generalName{dirName(ci.rl.RawIssuer)}
	certIssuer := []generalName{dirName(cert.RawIssuer)}
	for i := range ci.rl.RevokedCertificateEntries {
		e := &ci.rl.RevokedCertificateEntries[i]
		if ci.idp.indirect {
			for _, x := range e.Extensions {
				if x.Id.Equal(oidCertIssuer) {
					var seq cryptobyte.String
					in := cryptobyte.String(x.Value)
					names, err := []generalName(nil), errMalformed
					if in.ReadASN1(&seq, cbasn1.SEQUENCE) && in.Empty() {
						names, err = readGeneralNames(seq)
					}
					if err != nil {
						// Cannot tell whose entries follow: treat
						// as listed, the safe side.
						return 0, e.SerialNumber != nil && e.SerialNumber.Cmp(cert.SerialNumber) == 0
					}
					entryIssuer = names
				}
			}
		}
		if e.SerialNumber == nil || e.SerialNumber.Cmp(cert.SerialNumber) != 0 {
			continue
		}
		if !anyNameEqual(entryIssuer, certIssuer) {
			continue
		}
		return e.ReasonCode, true
	}
	return 0, false
}

// inScope runs RFC 5280 §6.3.3 (b) for a complete CRL and a distribution
// point of cert: the issuer and the IDP's scope.
func inScope(ci *crlInfo, cert *x509.Certificate, dp distPoint) bool {
	crlIssuer := dirName(ci.rl.RawIssuer)
	if !dp.synthetic && len(dp.crlIssuer) > 0 {
		// (b)(1): an indirect CRL named by the DP.
		if !anyNameEqual([]generalName{crlIssuer}, dp.crlIssuer) || !ci.idp.indirect {
			return false
		}
	} else if !nameEqual(ci.rl.RawIssuer, cert.RawIssuer) {
		return false
	}
	if !ci.idp.present {
		return true
	}
	// (b)(2)(i): the IDP's name must match the DP's (or its cRLIssuer).
	if ci.idp.hasName {
		switch {
		case dp.hasName:
			if !anyNameEqual(ci.idp.names, dp.names) {
				return false
			}
		case len(dp.crlIssuer) > 0:
			if !anyNameEqual(ci.idp.names, dp.crlIssuer) {
				return false
			}
		default:
			return false
		}
	}
	isCA := cert.BasicConstraintsValid && cert.IsCA
	if ci.idp.onlyUser && isCA || ci.idp.onlyCA && !isCA || ci.idp.onlyAttr {
		return false
	}
	return true
}

// CheckRevocation runs RFC 5280 §6.3.3 for cert, issued by issuer, against
// the given CRLs at time now. Complete CRLs must be issued by cert's issuer
// and signed by issuer's key (or, for an indirect CRL named by a
// distribution point, by a key among the CRLs' issuers that we also hold:
// not supported, so such CRLs leave the status undetermined). Delta CRLs
// are applied over a matching complete CRL.
func CheckRevocation(cert, issuer *x509.Certificate, crls []*x509.RevocationList, now time.Time) Revocation {
	return checkRevocation(cert, issuer, crls, now, nil)
}

// crlSigners returns the certificates, other than the certificate's issuer,
// whose keys may sign a CRL issued under the given name (RFC 5280 §6.3.3
// (f): a CRL issuer's certificate validated to the same trust anchor).
type crlSigners func(name []byte) []*x509.Certificate

// checkRevocation is CheckRevocation with more candidate CRL signing keys:
// a CA may sign its CRLs with a separate key (PKITS 4.4.19) or, across a key
// rollover, with its other key (PKITS 4.5).
func checkRevocation(cert, issuer *x509.Certificate, crls []*x509.RevocationList, now time.Time, signers crlSigners) Revocation {
	dps, err := certDistPoints(cert)
	if err != nil {
		return Revocation{Status: RevocationUndetermined, Detail: "malformed cRLDistributionPoints"}
	}
	infos := make([]*crlInfo, 0, len(crls))
	for _, rl := range crls {
		if rl != nil {
			infos = append(infos, inspect(rl, now))
		}
	}
	detail := "no CRL for the certificate's issuer"
	var mask reasons
	for _, dp := range dps {
		for _, ci := range infos {
			if mask == allReasons {
				break
			}
			if ci.delta {
				continue
			}
			if !inScope(ci, cert, dp) {
				continue
			}
			if ci.problem != "" {
				detail = ci.problem
				continue
			}
			// (c), (d): this CRL must add reasons not yet covered.
			interim := ci.idp.reasons & dp.reasons
			if interim&^mask == 0 {
				continue
			}
			// (f), (g): only direct CRLs, signed by the issuer's key.
			signer := issuer
			if !nameEqual(ci.rl.RawIssuer, issuer.RawSubject) || !ci.signedBy(issuer) {
				signer = nil
				if signers != nil && nameEqual(ci.rl.RawIssuer, cert.RawIssuer) {
					for _, alt := range signers(ci.rl.RawIssuer) {
						if ci.signedByAlt(alt) {
							signer = alt
							break
						}
					}
				}
				if signer == nil {
					detail = "CRL signature not verified by the issuer"
					continue
				}
			}
			code, listed := -1, false
			// (h): a delta CRL over this one wins.
			if d := findDelta(infos, ci, signer); d != nil {
				if c, ok := d.entryStatus(cert); ok {
					code, listed = c, true
				}
			}
			// (i): else the complete CRL.
			if !listed {
				code, listed = ci.entryStatus(cert)
			}
			// (j): removeFromCRL means not revoked.
			if listed && code != 8 {
				return Revocation{Status: RevocationRevoked, Reason: CRLReasonName(code)}
			}
			mask |= interim
		}
		if mask == allReasons {
			return Revocation{Status: RevocationGood}
		}
	}
	if mask != 0 {
		detail = "CRLs do not cover every revocation reason"
	}
	return Revocation{Status: RevocationUndetermined, Detail: detail}
}

// findDelta picks a usable delta CRL for the complete CRL base (RFC 5280
// §5.2.4, §6.3.3 (c)(1)): the same issuer and scope, its BaseCRLNumber no
// greater than base's cRLNumber, a higher number of its own, current and
// signed by the issuer. The newest one wins.
func findDelta(infos []*crlInfo, base *crlInfo, issuer *x509.Certificate) *crlInfo {
	if base.rl.Number == nil {
		return nil
	}
	var best *crlInfo
	for _, d := range infos {
		if !d.delta || d.problem != "" ||
			!nameEqual(d.rl.RawIssuer, base.rl.RawIssuer) ||
			d.idp.present != base.idp.present || !bytes.Equal(d.idp.raw, base.idp.raw) ||
			d.base.Cmp(base.rl.Number) > 0 || d.rl.Number.Cmp(base.rl.Number) <= 0 {
			continue
		}
		if best != nil && d.rl.Number.Cmp(best.rl.Number) <= 0 {
			continue
		}
		if !d.signedBy(issuer) {
			continue
		}
		best = d
	}
	return best
}

// checkRevocation is the crl_check hook of ValidatePath for c, issued by
// issuer; peer says c is the peer certificate. OTP checks on the valid and
// valid_peer events, so a revoked certificate reaches the verify_fun as
// {bad_cert, {revoked, Why}}. It returns whether validation goes on.
func (v *validator) checkRevocation(c, issuer *x509.Certificate, peer bool) bool {
	mode := v.opts.CRLCheck
	if v.dry || mode == CRLCheckOff || (mode == CRLCheckPeer && !peer) ||
		issuer == nil || issuer == c || bytes.Equal(c.Raw, issuer.Raw) {
		return true
	}
	res := Revocation{Status: RevocationUndetermined, Detail: "no CRL source"}
	if v.opts.CRLs != nil {
		crls, err := v.opts.CRLs(c, issuer)
		if err != nil {
			res.Detail = "CRL lookup failed"
		} else {
			res = checkRevocation(c, issuer, crls, v.now, v.crlSigners(issuer))
		}
	}
	switch res.Status {
	case RevocationGood:
		return true
	case RevocationRevoked:
		return v.badRevoked(c, res.Reason)
	}
	if mode == CRLCheckBestEffort {
		return true
	}
	return v.bad(c, RevocationStatusUndetermined)
}

// maxCRLSignerCandidates bounds the certificates tried as a CRL's signer;
// maxCRLSignerDepth bounds the nesting of CRL signer validations (a CRL
// signer's own revocation is checked, possibly with its own CRL signer).
const (
	maxCRLSignerCandidates = 4
	maxCRLSignerDepth      = 2
)

// crlSigners offers, besides issuer, the certificates named like a CRL's
// issuer that may have signed it: those on the path being validated
// (validated by this very walk, to its anchor) and peer-sent ones whose own
// path validates to the same anchor (RFC 5280 §6.3.3 (f)), their own
// revocation checked with the same crl_check mode (PKITS 4.4.21: a revoked
// CRL signer).
func (v *validator) crlSigners(issuer *x509.Certificate) crlSigners {
	if v.opts.crlSignerDepth >= maxCRLSignerDepth {
		return nil
	}
	return func(name []byte) []*x509.Certificate {
		var out []*x509.Certificate
		seen := map[*x509.Certificate]bool{issuer: true}
		for _, c := range v.path {
			if len(out) < maxCRLSignerCandidates && !seen[c] && nameEqual(c.RawSubject, name) {
				seen[c] = true
				out = append(out, c)
			}
		}
		if v.b == nil || len(v.path) == 0 {
			return out
		}
		anchor := v.path[len(v.path)-1]
		for _, c := range v.b.pool {
			if len(out) >= maxCRLSignerCandidates {
				break
			}
			if seen[c] || !nameEqual(c.RawSubject, name) {
				continue
			}
			seen[c] = true
			chain := [][]byte{c.Raw}
			for _, o := range v.b.pool {
				if o != c {
					chain = append(chain, o.Raw)
				}
			}
			_, err := ValidatePath(chain, &PathOptions{
				Roots: []*x509.Certificate{anchor}, Now: v.now, Depth: -1,
				Role: AnyPurpose, Profile: v.opts.Profile,
				CRLCheck: v.opts.CRLCheck, CRLs: v.opts.CRLs,
				crlSignerDepth: v.opts.crlSignerDepth + 1,
			})
			if err == nil {
				out = append(out, c)
			}
		}
		return out
	}
}

// badRevoked reports {bad_cert, {revoked, why}} on c, as bad does.
func (v *validator) badRevoked(c *x509.Certificate, why string) bool {
	out, r := v.call(c, VerifyEvent{Kind: EventBadCert, Reason: Revoked, RevokedWhy: why})
	switch out {
	case OutcomeValid, OutcomeValidPeer:
		v.overridden = append(v.overridden, Revoked)
		return true
	}
	e := &BadCertError{Reason: r, Cert: c}
	if r == "" || r == Revoked {
		e.Reason, e.RevokedWhy = Revoked, why
	}
	v.err = e
	return false
}
