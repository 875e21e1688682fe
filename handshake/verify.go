// verify.go holds our own X.509 certification path validation (RFC 5280 §6,
// the subset OTP's public_key:pkix_path_validation implements) with Erlang's
// verify_fun events, depth and partial_chain options, and the system trust store.
package handshake

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/erlang-ssl-go/ssl/record"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// BadCertReason is one of the manual's {bad_cert, Reason} reasons, spelled as
// Erlang spells the atom. A verify_fun may also fail with a reason of its own.
type BadCertReason string

// The {bad_cert, Reason} reasons produced by ValidatePath.
const (
	UnknownCA                BadCertReason = "unknown_ca"
	SelfSignedPeer           BadCertReason = "selfsigned_peer"
	CertExpired              BadCertReason = "cert_expired"
	InvalidSignature         BadCertReason = "invalid_signature"
	InvalidIssuer            BadCertReason = "invalid_issuer"
	NameNotPermitted         BadCertReason = "name_not_permitted"
	MissingBasicConstraint   BadCertReason = "missing_basic_constraint"
	InvalidKeyUsage          BadCertReason = "invalid_key_usage"
	InvalidExtKeyUsage       BadCertReason = "invalid_ext_key_usage"
	HostnameCheckFailed      BadCertReason = "hostname_check_failed"
	MaxPathLengthReached     BadCertReason = "max_path_length_reached"
	UnknownCriticalExtension BadCertReason = "unknown_critical_extension"
	// Revoked is the {revoked, Why} family (crl_check, crl.go); the CRL
	// reason is BadCertError.RevokedWhy / VerifyEvent.RevokedWhy.
	Revoked BadCertReason = "revoked"
	// DecodeFailed means a peer certificate could not be parsed; OTP reports
	// it as {failed_to_decode_certificate, _} outside path validation, so it
	// never reaches the verify_fun.
	DecodeFailed BadCertReason = "failed_to_decode_certificate"
	// NoPeerCertificate means the peer sent an empty chain.
	NoPeerCertificate BadCertReason = "no_peer_certificate"
	// VerifyFunRejected is used when a verify_fun fails a valid/valid_peer or
	// extension event without naming a reason.
	VerifyFunRejected BadCertReason = "verify_fun_rejected"
)

// AlertFor maps a bad_cert reason to the alert sent to the peer, as OTP's
// ssl_handshake:path_validation_alert/1 does (RFC 5246 §7.2.2). Reasons it
// does not know (a verify_fun's own) give handshake_failure, as in OTP.
func AlertFor(reason BadCertReason) record.AlertDescription {
	switch reason {
	case UnknownCA:
		return record.AlertUnknownCA
	case CertExpired:
		return record.AlertCertificateExpired
	case Revoked:
		return record.AlertCertificateRevoked
	case UnknownCriticalExtension, InvalidExtKeyUsage:
		return record.AlertUnsupportedCertificate
	case DecodeFailed:
		return record.AlertCertificateUnknown
	case NoPeerCertificate:
		return record.AlertHandshakeFailure
	case RevocationStatusUndetermined:
		return record.AlertBadCertificate
	case SelfSignedPeer, InvalidSignature, InvalidIssuer, NameNotPermitted,
		MissingBasicConstraint, InvalidKeyUsage, HostnameCheckFailed,
		MaxPathLengthReached:
		return record.AlertBadCertificate
	}
	if strings.HasPrefix(string(reason), string(Revoked)) {
		return record.AlertCertificateRevoked
	}
	return record.AlertHandshakeFailure
}

// BadCertError is the error ValidatePath returns: {bad_cert, Reason} and the
// certificate it was found on (nil when no certificate could be parsed).
type BadCertError struct {
	Reason BadCertReason
	Cert   *x509.Certificate
	// RevokedWhy is the CRL reason of {bad_cert, {revoked, Why}} (e.g.
	// "keyCompromise") when Reason is Revoked.
	RevokedWhy string
}

// reasonTerm is Reason in Erlang form: {revoked,Why} for a revocation.
func (e *BadCertError) reasonTerm() string {
	if e.Reason == Revoked && e.RevokedWhy != "" {
		return "{revoked," + e.RevokedWhy + "}"
	}
	return string(e.Reason)
}

// Error gives the Erlang form "{bad_cert,Reason}" plus the subject, which is
// public data.
func (e *BadCertError) Error() string {
	if e.Cert == nil {
		return fmt.Sprintf("{bad_cert,%s}", e.reasonTerm())
	}
	return fmt.Sprintf("{bad_cert,%s} (subject %q)", e.reasonTerm(), e.Cert.Subject.String())
}

// Alert is AlertFor(e.Reason).
func (e *BadCertError) Alert() record.AlertDescription { return AlertFor(e.Reason) }

// AlertError turns e into the fatal alert the connection sends.
func (e *BadCertError) AlertError() *record.AlertError {
	return record.Fatal(e.Alert(), "{bad_cert,"+e.reasonTerm()+"}")
}

// VerifyEventKind says which of verify_fun's second arguments an event is.
type VerifyEventKind int

// The verify_fun events.
const (
	EventBadCert   VerifyEventKind = iota // {bad_cert, Reason}
	EventExtension                        // {extension, #'Extension'{}}
	EventValid                            // valid: a CA certificate passed
	EventValidPeer                        // valid_peer: the peer certificate passed
)

// String gives the Erlang spelling.
func (k VerifyEventKind) String() string {
	switch k {
	case EventBadCert:
		return "bad_cert"
	case EventExtension:
		return "extension"
	case EventValid:
		return "valid"
	case EventValidPeer:
		return "valid_peer"
	}
	return fmt.Sprintf("event(%d)", int(k))
}

// VerifyEvent mirrors verify_fun's second argument.
type VerifyEvent struct {
	Kind      VerifyEventKind
	Reason    BadCertReason   // for EventBadCert
	Extension *pkix.Extension // for EventExtension
	// RevokedWhy is the CRL reason when Reason is Revoked: the event is
	// {bad_cert, {revoked, RevokedWhy}}.
	RevokedWhy string
}

// VerifyOutcome mirrors the verify_fun's return tag.
type VerifyOutcome int

// The verify_fun outcomes.
const (
	OutcomeValid     VerifyOutcome = iota // {valid, UserState}
	OutcomeValidPeer                      // {valid_peer, UserState}
	OutcomeFail                           // {fail, Reason}
	OutcomeUnknown                        // {unknown, UserState}
)

// VerifyFun is Erlang's verify_fun: it sees each certificate on the path with
// an event and the user state, and returns an outcome, the new user state and,
// for OutcomeFail, the reason (empty means the event's own reason).
//
// Unlike OTP, OutcomeUnknown answering a bad_cert event fails (closed), since
// an unknown answer to an error cannot mean "accept".
type VerifyFun func(cert *x509.Certificate, ev VerifyEvent, state any) (VerifyOutcome, any, BadCertReason)

// DefaultVerifyPeerFun is the manual's default verify_fun for verify_peer:
// bad_cert fails, extension is unknown, valid and valid_peer are valid.
func DefaultVerifyPeerFun() VerifyFun {
	return func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyOutcome, any, BadCertReason) {
		switch ev.Kind {
		case EventBadCert:
			return OutcomeFail, st, ev.Reason
		case EventExtension:
			return OutcomeUnknown, st, ""
		}
		return OutcomeValid, st, ""
	}
}

// DefaultVerifyNoneFun is the manual's default verify_fun for verify_none:
// every bad_cert is accepted, extension is unknown.
func DefaultVerifyNoneFun() VerifyFun {
	return func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyOutcome, any, BadCertReason) {
		if ev.Kind == EventExtension {
			return OutcomeUnknown, st, ""
		}
		return OutcomeValid, st, ""
	}
}

// CertRole says which extended key usage the peer certificate must allow.
type CertRole int

// Certificate roles.
const (
	ServerAuth CertRole = iota // the peer is a server (we are the client)
	ClientAuth                 // the peer is a client (we are the server)
	AnyPurpose                 // no extended key usage check
)

// PathOptions are the path validation parameters (the manual's cacerts,
// depth, verify_fun, partial_chain, server_name_indication).
type PathOptions struct {
	// Roots is the trusted set (cacerts). When nil and UseSystemRoots is
	// set, SystemRoots() is used.
	Roots          []*x509.Certificate
	UseSystemRoots bool
	// Now is the validation time. The caller injects it; the zero value
	// means time.Now().
	Now time.Time
	// Depth is the manual's depth: the most non-self-issued intermediates
	// that may follow the peer certificate. 0 means the peer must be signed
	// by a trusted certificate directly. Negative means no limit (beyond
	// MaxCertChainLen). The connection layer fills in Erlang's default.
	Depth int
	// Hostname is checked against the peer certificate (RFC 6125) when not
	// empty. An IP literal is matched against iPAddress names.
	Hostname string
	// Role is the extended key usage required of the path when present.
	Role CertRole
	// VerifyFun and UserState are the manual's verify_fun. A nil VerifyFun
	// means DefaultVerifyPeerFun().
	VerifyFun VerifyFun
	UserState any
	// PartialChain is the manual's partial_chain: offered the peer's chain
	// (DER, as sent) when no trusted certificate is found, it may name one
	// of those certificates trusted.
	PartialChain func(chain [][]byte) (trusted []byte, ok bool)
	// Profile is the certificate profile enforced on top of RFC 5280 path
	// validation (profile.go); the zero value is ProfileAuto.
	Profile Profile
	// LeafKeyUsage is the key usage the peer key is needed for; when set
	// and the peer certificate has a keyUsage extension, it must allow it.
	LeafKeyUsage x509.KeyUsage
	// Policy holds the RFC 5280 §6.1.1 policy inputs; nil is the
	// permissive default (policy.go).
	Policy *PolicyParams
	// CRLCheck is the manual's crl_check and CRLs its CRL cache lookup
	// (see crl.go); with CRLCheckOff no CRLs are looked up.
	CRLCheck CRLCheck
	CRLs     CRLSource

	// crlSignerDepth is how deep in CRL-signer validations this one is.
	crlSignerDepth int
}

// ValidatedPath is an accepted path.
type ValidatedPath struct {
	// Chain runs from the peer certificate to the trust anchor.
	Chain []*x509.Certificate
	// UserState is the verify_fun's final state.
	UserState any
	// Overridden lists the errors the verify_fun accepted, in order.
	Overridden []BadCertReason
}

// Path search limits: a hostile peer may send many certificates with the same
// names, so building and checking candidate paths is bounded.
const (
	maxSignatureChecks = 100
	maxCandidatePaths  = 32
	maxSearchSteps     = 2000
	maxPeerCerts       = 64 // candidates read from the peer's chain; paths stay within MaxCertChainLen
)

// ValidatePath validates the peer's chain (DER, peer certificate first; the
// rest may be out of order, include the root or hold unrelated certificates).
// It returns the accepted path, or a *BadCertError.
func ValidatePath(peerChain [][]byte, opts *PathOptions) (*ValidatedPath, error) {
	if opts == nil {
		opts = &PathOptions{}
	}
	if len(peerChain) == 0 {
		return nil, &BadCertError{Reason: NoPeerCertificate}
	}
	leaf, err := x509.ParseCertificate(peerChain[0])
	if err != nil {
		return nil, &BadCertError{Reason: DecodeFailed}
	}
	// The rest are only path-building candidates: skip what does not parse
	// and duplicates, and look at no more than maxPeerCerts of them.
	pool := []*x509.Certificate{}
	for i, der := range peerChain[1:] {
		if i >= maxPeerCerts {
			break
		}
		c, err := x509.ParseCertificate(der)
		if err != nil || bytes.Equal(c.Raw, leaf.Raw) || containsRaw(pool, c.Raw) {
			continue
		}
		pool = append(pool, c)
	}
	roots := opts.Roots
	if roots == nil && opts.UseSystemRoots {
		if roots, err = SystemRoots(); err != nil {
			return nil, &BadCertError{Reason: UnknownCA, Cert: leaf}
		}
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	// Validity is encoded to the second: compare at that granularity, so
	// notAfter covers its whole second (the web PKI's reading).
	now = now.Truncate(time.Second)
	b := &builder{leaf: leaf, pool: pool, anchors: roots, sigs: map[[2]*x509.Certificate]bool{}}
	v := &validator{opts: opts, now: now, fun: opts.VerifyFun, state: opts.UserState, b: b}
	if v.fun == nil {
		v.fun = DefaultVerifyPeerFun()
	}

	// The peer certificate itself may be trusted (pinned).
	if b.anchorFor(leaf) != nil {
		return v.finish([]*x509.Certificate{leaf}, true)
	}
	paths := b.build()
	if len(paths) == 0 && opts.PartialChain != nil {
		if der, ok := opts.PartialChain(peerChain); ok {
			if t := b.chainCert(der); t != nil {
				b.anchors = []*x509.Certificate{t}
				if t == leaf {
					return v.finish([]*x509.Certificate{leaf}, true)
				}
				paths = b.build()
			}
		}
	}
	if len(paths) > 0 {
		return v.finish(b.pick(paths, v), false)
	}

	// Nothing trusted: OTP calls the fun with {bad_cert, unknown_ca} (or
	// selfsigned_peer) on the top of the chain and, if accepted, validates
	// the rest with that certificate as the anchor.
	partial := b.longestUntrusted()
	top := partial[len(partial)-1]
	reason := UnknownCA
	if len(peerChain) == 1 && nameEqual(leaf.RawIssuer, leaf.RawSubject) &&
		b.checkSig(leaf, leaf) {
		reason = SelfSignedPeer
	}
	if !v.bad(top, reason) {
		return nil, v.err
	}
	return v.finish(partial, len(partial) == 1)
}

// containsRaw reports whether certs holds a certificate with these bytes.
func containsRaw(certs []*x509.Certificate, raw []byte) bool {
	for _, c := range certs {
		if bytes.Equal(c.Raw, raw) {
			return true
		}
	}
	return false
}

// builder finds candidate paths from the peer certificate to an anchor.
type builder struct {
	leaf    *x509.Certificate
	pool    []*x509.Certificate // peer-supplied certificates other than the leaf
	anchors []*x509.Certificate
	sigs    map[[2]*x509.Certificate]bool
	nsigs   int
	steps   int
}

// chainCert finds a peer-sent certificate by its DER.
func (b *builder) chainCert(der []byte) *x509.Certificate {
	if bytes.Equal(b.leaf.Raw, der) {
		return b.leaf
	}
	for _, c := range b.pool {
		if bytes.Equal(c.Raw, der) {
			return c
		}
	}
	return nil
}

// anchorFor returns the trusted certificate c stands for: the same bytes, or
// the same subject and public key.
func (b *builder) anchorFor(c *x509.Certificate) *x509.Certificate {
	for _, a := range b.anchors {
		if bytes.Equal(a.Raw, c.Raw) {
			return a
		}
	}
	for _, a := range b.anchors {
		if bytes.Equal(a.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) &&
			nameEqual(a.RawSubject, c.RawSubject) {
			return a
		}
	}
	return nil
}

// checkSig reports whether parent's key signed child, caching the answer
// and counting checks against maxSignatureChecks (beyond it: false).
func (b *builder) checkSig(child, parent *x509.Certificate) bool {
	k := [2]*x509.Certificate{child, parent}
	if ok, seen := b.sigs[k]; seen {
		return ok
	}
	if b.nsigs >= maxSignatureChecks {
		return false
	}
	b.nsigs++
	ok := !sha1Signed(child) && parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature) == nil
	if !ok && !sha1Signed(child) {
		ok = checkDSASig(child, parent)
	}
	b.sigs[k] = ok
	return ok
}

// issuerCandidates lists the certificates that may have issued c: those
// whose subject is c's issuer, or whose key identifier is c's authority key
// identifier (then validation reports invalid_issuer). A namesake whose
// subject key identifier differs from c's authority key identifier counts
// only if its key did sign c. Best first: anchors before peer certificates,
// key identifier matches before mismatches.
func (b *builder) issuerCandidates(c *x509.Certificate, set []*x509.Certificate, anchor bool) []cand {
	var out []cand
	for _, p := range set {
		nameOK := nameEqual(c.RawIssuer, p.RawSubject)
		kidKnown := len(c.AuthorityKeyId) > 0 && len(p.SubjectKeyId) > 0
		kidOK := kidKnown && bytes.Equal(c.AuthorityKeyId, p.SubjectKeyId)
		if !nameOK && !kidOK {
			continue
		}
		if kidKnown && !kidOK && !b.checkSig(c, p) {
			// The key identifiers name another key: a namesake, not the issuer.
			continue
		}
		rank := 0
		if !anchor {
			rank += 1
		}
		if kidKnown && !kidOK {
			rank += 2
		}
		if !nameOK {
			rank += 4
		}
		out = append(out, cand{p, rank, anchor})
	}
	return out
}

// cand is one possible issuer.
type cand struct {
	cert   *x509.Certificate
	rank   int
	anchor bool
}

// build enumerates paths peer..anchor (leaf first, the anchor last),
// depth-first, best candidates first, within the search limits.
func (b *builder) build() [][]*x509.Certificate {
	var out [][]*x509.Certificate
	var walk func(path []*x509.Certificate)
	walk = func(path []*x509.Certificate) {
		if len(out) >= maxCandidatePaths || b.steps >= maxSearchSteps || len(path) > MaxCertChainLen+1 {
			return
		}
		b.steps++
		c := path[len(path)-1]
		cs := append(b.issuerCandidates(c, b.anchors, true), b.issuerCandidates(c, b.pool, false)...)
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].rank < cs[j].rank })
		for _, k := range cs {
			if k.anchor {
				out = append(out, append(append([]*x509.Certificate(nil), path...), k.cert))
				continue
			}
			if containsRaw(path, k.cert.Raw) {
				continue
			}
			if a := b.anchorFor(k.cert); a != nil {
				// A peer copy of a trusted certificate: end at the trusted one.
				if !containsRaw(path, a.Raw) {
					out = append(out, append(append([]*x509.Certificate(nil), path...), a))
				}
				continue
			}
			walk(append(path, k.cert))
		}
	}
	walk([]*x509.Certificate{b.leaf})
	return out
}

// longestUntrusted is the longest chain from the leaf through peer-sent
// certificates by issuer name, used when nothing is trusted.
func (b *builder) longestUntrusted() []*x509.Certificate {
	path := []*x509.Certificate{b.leaf}
	for len(path) <= MaxCertChainLen {
		c := path[len(path)-1]
		if nameEqual(c.RawIssuer, c.RawSubject) {
			break
		}
		var next *x509.Certificate
		for _, k := range b.issuerCandidates(c, b.pool, false) {
			if k.rank < 4 && !containsRaw(path, k.cert.Raw) {
				next = k.cert
				break
			}
		}
		if next == nil {
			break
		}
		path = append(path, next)
	}
	return path
}

// pick chooses the path to validate for real: the first that passes a dry
// run, else the first whose signatures all verify, else the first.
func (b *builder) pick(paths [][]*x509.Certificate, v *validator) []*x509.Certificate {
	var sigOK []*x509.Certificate
	for _, p := range paths {
		dry := &validator{opts: v.opts, now: v.now, b: b, dry: true}
		if _, err := dry.finish(p, false); err == nil {
			return p
		}
		if sigOK == nil && b.allSigsOK(p) {
			sigOK = p
		}
		if b.nsigs >= maxSignatureChecks {
			break
		}
	}
	if sigOK != nil {
		return sigOK
	}
	return paths[0]
}

// allSigsOK reports whether each certificate on path is signed by the next.
func (b *builder) allSigsOK(path []*x509.Certificate) bool {
	for i := 0; i+1 < len(path); i++ {
		if !b.checkSig(path[i], path[i+1]) {
			return false
		}
	}
	return true
}

// validator walks one path from the anchor down, calling the verify_fun.
type validator struct {
	opts       *PathOptions
	now        time.Time
	fun        VerifyFun
	state      any
	b          *builder
	dry        bool // no verify_fun: stop at the first error
	err        *BadCertError
	overridden []BadCertReason
	ncWork     int                 // name-constraint comparisons so far (maxConstraintComparisons)
	path       []*x509.Certificate // the path walk is checking, anchor last
}

// call runs the verify_fun on one event.
func (v *validator) call(c *x509.Certificate, ev VerifyEvent) (VerifyOutcome, BadCertReason) {
	out, st, r := v.fun(c, ev, v.state)
	v.state = st
	return out, r
}

// bad reports {bad_cert, reason} on c; it returns whether to go on.
func (v *validator) bad(c *x509.Certificate, reason BadCertReason) bool {
	if v.dry {
		v.err = &BadCertError{Reason: reason, Cert: c}
		return false
	}
	out, r := v.call(c, VerifyEvent{Kind: EventBadCert, Reason: reason})
	switch out {
	case OutcomeValid, OutcomeValidPeer:
		v.overridden = append(v.overridden, reason)
		return true
	}
	if r == "" {
		r = reason
	}
	v.err = &BadCertError{Reason: r, Cert: c}
	return false
}

// extension offers an extension we do not process to the verify_fun; an
// unknown critical one is then {bad_cert, unknown_critical_extension}.
func (v *validator) extension(c *x509.Certificate, ext pkix.Extension) bool {
	if v.dry {
		if ext.Critical {
			return v.bad(c, UnknownCriticalExtension)
		}
		return true
	}
	e := ext
	out, r := v.call(c, VerifyEvent{Kind: EventExtension, Extension: &e})
	switch out {
	case OutcomeFail:
		if r == "" {
			r = VerifyFunRejected
		}
		v.err = &BadCertError{Reason: r, Cert: c}
		return false
	case OutcomeUnknown:
		// As OTP's pubkey_cert:verify_fun/4: unknown to a critical
		// extension is {bad_cert, unknown_critical_extension} at once,
		// without a second verify_fun call.
		if ext.Critical {
			v.err = &BadCertError{Reason: UnknownCriticalExtension, Cert: c}
			return false
		}
	}
	return true
}

// valid reports valid (CA) or valid_peer (leaf) on c.
func (v *validator) valid(c *x509.Certificate, peer bool) bool {
	if v.dry {
		return true
	}
	kind := EventValid
	if peer {
		kind = EventValidPeer
	}
	out, r := v.call(c, VerifyEvent{Kind: kind})
	if out == OutcomeFail {
		if r == "" {
			r = VerifyFunRejected
		}
		v.err = &BadCertError{Reason: r, Cert: c}
		return false
	}
	return true
}

// finish validates path (leaf first, anchor last; RFC 5280 §6.1). When
// anchorIsPeer, path is just the trusted peer certificate: only the
// leaf checks apply.
func (v *validator) finish(path []*x509.Certificate, anchorIsPeer bool) (*ValidatedPath, error) {
	if !v.walk(path, anchorIsPeer) {
		return nil, v.err
	}
	return &ValidatedPath{Chain: path, UserState: v.state, Overridden: v.overridden}, nil
}

// Extension OIDs (RFC 5280 §4.2) we process or knowingly ignore.
var (
	oidExtSAN = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidExtNC  = asn1.ObjectIdentifier{2, 5, 29, 30}
	oidExtKU  = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidAIA    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
	oidEmail  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	oidCN     = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// handledExt reports whether we process the extension (or, for policies,
// knowingly ignore it as OTP does).
func handledExt(id asn1.ObjectIdentifier) bool {
	if len(id) == 4 && id[0] == 2 && id[1] == 5 && id[2] == 29 {
		switch id[3] {
		case 14, 15, 17, 19, 30, 31, 32, 33, 35, 36, 37, 54:
			return true
		}
	}
	return id.Equal(oidAIA)
}

// offeredExt reports whether the verify_fun sees the extension as
// {extension, Ext}: every extension except those OTP's public_key and ssl
// process themselves (basicConstraints, keyUsage, extKeyUsage,
// nameConstraints, a critical subjectAltName) and the policy extensions,
// which policy.go processes (OTP 26+ does too; OTP 25 offered the critical
// ones). So subjectKeyIdentifier, authorityKeyIdentifier, a non-critical
// subjectAltName, cRLDistributionPoints and authorityInfoAccess are offered,
// as OTP offers them: test/x509_tls_test.go compares the sequences with
// Erlang's. The default verify_fun answers unknown, which ignores a
// non-critical extension and fails a critical one.
func offeredExt(ext pkix.Extension) bool {
	id := ext.Id
	if len(id) == 4 && id[0] == 2 && id[1] == 5 && id[2] == 29 {
		switch id[3] {
		case 15, 19, 30, 37, 32, 33, 36, 54:
			return false
		}
	}
	return true
}

// walk runs the RFC 5280 §6.1.3/§6.1.4 steps for each certificate below the
// anchor, then the peer checks. It returns false when validation stops.
func (v *validator) walk(path []*x509.Certificate, anchorIsPeer bool) bool {
	n := len(path)
	anchor := path[n-1]
	v.path = path
	maxLen := v.opts.Depth
	if maxLen < 0 || maxLen > MaxCertChainLen {
		maxLen = MaxCertChainLen
	}
	var ncs []*nameConstraints
	if !anchorIsPeer {
		// Constraints carried by the trust anchor itself are honoured.
		if anchor.BasicConstraintsValid && anchor.IsCA && (anchor.MaxPathLen > 0 || anchor.MaxPathLenZero) && anchor.MaxPathLen < maxLen {
			maxLen = anchor.MaxPathLen
		}
		if nc, ok := anchorConstraints(anchor); ok && nc != nil {
			ncs = append(ncs, nc)
		}
		if !v.checkAnchor(anchor) {
			return false
		}
	}
	// Certificate policies (RFC 5280 §6.1.2); the path has n-1 certificates
	// below the anchor.
	var pol *policyState
	if !anchorIsPeer {
		pol = newPolicyState(v.opts.Policy, n-1)
	}
	if !anchorIsPeer && (v.now.Before(anchor.NotBefore) || v.now.After(anchor.NotAfter)) {
		// RFC 5280 leaves anchor validity to the relying party; we refuse an
		// expired anchor, as most validators do.
		if !v.bad(anchor, CertExpired) {
			return false
		}
	}
	issuer := anchor
	start := n - 2
	if anchorIsPeer {
		start = 0
	}
	for i := start; i >= 0; i-- {
		c := path[i]
		last := i == 0
		selfIssued := nameEqual(c.RawIssuer, c.RawSubject)
		if maxLen < 0 {
			// OTP reports this on the certificate that would exceed it.
			if !v.bad(c, MaxPathLengthReached) {
				return false
			}
			maxLen = 0
		}
		nc, ncOK := v.checkExtensions(c, last)
		if v.err != nil {
			return false
		}
		if !ncOK && !v.bad(c, NameNotPermitted) {
			return false
		}
		if !anchorIsPeer && !v.checkProfile(c, last, selfIssued) {
			return false
		}
		if pol != nil && !pol.processCert(c, n-1-i, selfIssued) {
			pol = nil // overridden: no further policy checks on this path
			if !v.bad(c, PolicyRequirementNotMet) {
				return false
			}
		}
		if v.now.Before(c.NotBefore) || v.now.After(c.NotAfter) {
			if !v.bad(c, CertExpired) {
				return false
			}
		}
		if !anchorIsPeer {
			if !nameEqual(c.RawIssuer, issuer.RawSubject) && !v.bad(c, InvalidIssuer) {
				return false
			}
		}
		if last || !selfIssued {
			// Bound the quadratic work a hostile chain can ask for.
			v.ncWork += ncCost(c, ncs)
		}
		if (last || !selfIssued) && (v.ncWork > maxConstraintComparisons || !namesPermitted(c, ncs, last)) {
			if !v.bad(c, NameNotPermitted) {
				return false
			}
		}
		if !anchorIsPeer && !v.b.checkSig(c, issuer) {
			if !v.bad(c, InvalidSignature) {
				return false
			}
		}
		if !last {
			if !selfIssued {
				maxLen--
			}
			if c.BasicConstraintsValid && (c.MaxPathLen > 0 || c.MaxPathLenZero) && c.MaxPathLen < maxLen {
				maxLen = c.MaxPathLen
			}
			if nc != nil {
				ncs = append(ncs, nc)
			}
			if !v.checkRevocation(c, issuer, false) || !v.valid(c, false) {
				return false
			}
			issuer = c
			continue
		}
		if !v.checkRevocation(c, issuer, true) {
			return false
		}
		if pol != nil && !pol.wrapUp(c) && !v.bad(c, PolicyRequirementNotMet) {
			return false
		}
		// The peer certificate: hostname replaces valid_peer with
		// {bad_cert, hostname_check_failed} when it fails, as OTP does.
		if h := v.opts.Hostname; h != "" && !MatchHostname(c, h) {
			return v.bad(c, HostnameCheckFailed)
		}
		return v.valid(c, true)
	}
	return true
}

// checkExtensions runs the RFC 5280 §6.1.4 checks for a CA certificate
// (basicConstraints, keyUsage), the extended key usage for the role, and
// offers unprocessed extensions to the verify_fun. It returns the
// certificate's parsed name constraints, and false if they were malformed.
// On a stop, v.err is set.
func (v *validator) checkExtensions(c *x509.Certificate, last bool) (*nameConstraints, bool) {
	if !last {
		if !c.BasicConstraintsValid || !c.IsCA {
			if !v.bad(c, MissingBasicConstraint) {
				return nil, true
			}
		}
		if hasExt(c, oidExtKU) && c.KeyUsage&x509.KeyUsageCertSign == 0 {
			if !v.bad(c, InvalidKeyUsage) {
				return nil, true
			}
		}
	}
	// RFC 5280 §4.2.1.3: keyCertSign needs cA; a non-CA peer asserting it
	// is malformed.
	if last && c.KeyUsage&x509.KeyUsageCertSign != 0 && !(c.BasicConstraintsValid && c.IsCA) {
		if !v.bad(c, InvalidKeyUsage) {
			return nil, true
		}
	}
	if !ekuAllows(c, v.opts.Role) && !v.bad(c, InvalidExtKeyUsage) {
		return nil, true
	}
	var nc *nameConstraints
	ncOK := true
	for _, ext := range c.Extensions {
		unknown := offeredExt(ext)
		switch {
		case ext.Id.Equal(oidExtSAN):
			// A critical subjectAltName is OTP's to check (and ours);
			// a non-critical one is offered as OTP 25 offers it.
			unknown = !ext.Critical || oidIn(ext.Id, c.UnhandledCriticalExtensions)
		case ext.Id.Equal(oidExtNC):
			var err error
			nc, err = parseNameConstraints(ext.Value)
			if err != nil {
				ncOK = false
				nc = nil
			}
			// Constraints on name forms we do not process (otherName, …)
			// fail only a later certificate that has such names (RFC 5280
			// §4.2.1.10); see namesPermitted.
		}
		if unknown && !v.extension(c, ext) {
			return nil, true
		}
	}
	return nc, ncOK
}

// anchorConstraints parses a trust anchor's name constraints, if any.
func anchorConstraints(a *x509.Certificate) (*nameConstraints, bool) {
	for _, ext := range a.Extensions {
		if ext.Id.Equal(oidExtNC) {
			nc, err := parseNameConstraints(ext.Value)
			return nc, err == nil
		}
	}
	return nil, true
}

// hasExt reports whether c carries the extension.
func hasExt(c *x509.Certificate, id asn1.ObjectIdentifier) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(id) {
			return true
		}
	}
	return false
}

// oidIn reports whether id is in ids.
func oidIn(id asn1.ObjectIdentifier, ids []asn1.ObjectIdentifier) bool {
	for _, x := range ids {
		if x.Equal(id) {
			return true
		}
	}
	return false
}

// ekuAllows reports whether c's extended key usage (RFC 5280 §4.2.1.12),
// when present, allows role; anyExtendedKeyUsage allows every role.
func ekuAllows(c *x509.Certificate, role CertRole) bool {
	if role == AnyPurpose || (len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0) {
		return true
	}
	want := x509.ExtKeyUsageServerAuth
	if role == ClientAuth {
		want = x509.ExtKeyUsageClientAuth
	}
	for _, u := range c.ExtKeyUsage {
		if u == want || u == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}

// nameEqual compares two DER distinguished names: byte-equal, or equal after
// RFC 5280 §7.1 style normalisation (case and white space in strings).
func nameEqual(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	ca, ok1 := canonName(a)
	cb, ok2 := canonName(b)
	if !ok1 || !ok2 || len(ca) != len(cb) {
		return false
	}
	for i := range ca {
		if ca[i] != cb[i] {
			return false
		}
	}
	return true
}

// canonName gives one normalised string per RDN of a DER Name.
func canonName(der []byte) ([]string, bool) {
	var seq pkix.RDNSequence
	rest, err := asn1.Unmarshal(der, &seq)
	if err != nil || len(rest) != 0 {
		return nil, false
	}
	out := make([]string, len(seq))
	for i, rdn := range seq {
		parts := make([]string, len(rdn))
		for j, atv := range rdn {
			val := fmt.Sprintf("%v", atv.Value)
			if s, ok := atv.Value.(string); ok {
				val = strings.ToLower(strings.Join(strings.Fields(s), " "))
			}
			parts[j] = atv.Type.String() + "=" + val
		}
		sort.Strings(parts)
		out[i] = strings.Join(parts, "+")
	}
	return out, true
}

// nameConstraints is one certificate's nameConstraints (RFC 5280 §4.2.1.10).
type nameConstraints struct {
	permitted, excluded subtrees
	unsupported         bool // otherName, x400Address, ediPartyName, registeredID
}

// subtrees are the GeneralSubtrees of one kind (permitted or excluded).
type subtrees struct {
	dns, email, uri []string
	ips             []*net.IPNet
	dirs            [][]string // canonical RDNs
}

// parseNameConstraints decodes the extension value.
func parseNameConstraints(der []byte) (*nameConstraints, error) {
	errBad := errors.New("malformed name constraints")
	in := cryptobyte.String(der)
	var seq, perm, excl cryptobyte.String
	var hasPerm, hasExcl bool
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadOptionalASN1(&perm, &hasPerm, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
		!seq.ReadOptionalASN1(&excl, &hasExcl, cbasn1.Tag(1).ContextSpecific().Constructed()) ||
		!seq.Empty() {
		return nil, errBad
	}
	nc := &nameConstraints{}
	parse := func(s cryptobyte.String, into *subtrees) error {
		for !s.Empty() {
			var st, base cryptobyte.String
			var tag cbasn1.Tag
			if !s.ReadASN1(&st, cbasn1.SEQUENCE) || !st.ReadAnyASN1(&base, &tag) {
				return errBad
			}
			switch tag {
			case cbasn1.Tag(1).ContextSpecific():
				into.email = append(into.email, string(base))
			case cbasn1.Tag(2).ContextSpecific():
				// RFC 5280 §4.2.1.10: a DNS constraint is a domain name;
				// the leading period is only for URI and email forms.
				if bytes.HasPrefix(base, []byte(".")) {
					return errBad
				}
				into.dns = append(into.dns, string(base))
			case cbasn1.Tag(6).ContextSpecific():
				into.uri = append(into.uri, string(base))
			case cbasn1.Tag(7).ContextSpecific():
				if len(base) != 8 && len(base) != 32 {
					return errBad
				}
				h := len(base) / 2
				into.ips = append(into.ips, &net.IPNet{IP: net.IP(bytes.Clone(base[:h])), Mask: net.IPMask(bytes.Clone(base[h:]))})
			case cbasn1.Tag(4).ContextSpecific().Constructed():
				rdns, ok := canonName(base)
				if !ok {
					return errBad
				}
				into.dirs = append(into.dirs, rdns)
			default:
				nc.unsupported = true
			}
		}
		return nil
	}
	if err := parse(perm, &nc.permitted); err != nil {
		return nil, err
	}
	if err := parse(excl, &nc.excluded); err != nil {
		return nil, err
	}
	return nc, nil
}

// namesPermitted checks c's names against every constraint set in force
// (RFC 5280 §6.1.3 (b), (c)): subject directoryName and emailAddress, and
// the dNSName, rfc822Name, uniformResourceIdentifier and iPAddress SANs.
// For a peer certificate without SANs, its common names are checked as DNS
// names, since the hostname check may fall back to them.
func namesPermitted(c *x509.Certificate, ncs []*nameConstraints, last bool) bool {
	if len(ncs) == 0 {
		return true
	}
	for _, nc := range ncs {
		if nc.unsupported && sanHasOtherForms(c) {
			return false
		}
	}
	subject, _ := canonName(c.RawSubject)
	var emails []string
	emails = append(emails, c.EmailAddresses...)
	dns := append([]string(nil), c.DNSNames...)
	for _, atv := range c.Subject.Names {
		s, ok := atv.Value.(string)
		if !ok {
			continue
		}
		if atv.Type.Equal(oidEmail) {
			emails = append(emails, s)
		}
		if last && atv.Type.Equal(oidCN) && !hasExt(c, oidExtSAN) && looksLikeHostname(s) {
			dns = append(dns, s)
		}
	}
	for _, nc := range ncs {
		if len(subject) > 0 && !allowed(len(nc.permitted.dirs) > 0, func(p int) bool { return dirMatch(nc.permitted.dirs[p], subject) }, len(nc.permitted.dirs),
			func(x int) bool { return dirMatch(nc.excluded.dirs[x], subject) }, len(nc.excluded.dirs)) {
			return false
		}
		// directoryName SANs are names too (RFC 5280 §4.2.1.10).
		for _, dn := range sanDirNames(c) {
			if !allowed(len(nc.permitted.dirs) > 0, func(p int) bool { return dirMatch(nc.permitted.dirs[p], dn) }, len(nc.permitted.dirs),
				func(x int) bool { return dirMatch(nc.excluded.dirs[x], dn) }, len(nc.excluded.dirs)) {
				return false
			}
		}
		for _, d := range dns {
			if !allowed(len(nc.permitted.dns) > 0, func(p int) bool { return dnsMatch(nc.permitted.dns[p], d) }, len(nc.permitted.dns),
				func(x int) bool { return dnsExcluded(nc.excluded.dns[x], d) }, len(nc.excluded.dns)) {
				return false
			}
		}
		for _, e := range emails {
			if !allowed(len(nc.permitted.email) > 0, func(p int) bool { return emailMatch(nc.permitted.email[p], e) }, len(nc.permitted.email),
				func(x int) bool { return emailMatch(nc.excluded.email[x], e) }, len(nc.excluded.email)) {
				return false
			}
		}
		for _, u := range c.URIs {
			if !allowed(len(nc.permitted.uri) > 0, func(p int) bool { return uriMatch(nc.permitted.uri[p], u) }, len(nc.permitted.uri),
				func(x int) bool { return uriMatch(nc.excluded.uri[x], u) }, len(nc.excluded.uri)) {
				return false
			}
		}
		for _, ip := range c.IPAddresses {
			if !allowed(len(nc.permitted.ips) > 0, func(p int) bool { return ipMatch(nc.permitted.ips[p], ip) }, len(nc.permitted.ips),
				func(x int) bool { return ipMatch(nc.excluded.ips[x], ip) }, len(nc.excluded.ips)) {
				return false
			}
		}
	}
	return true
}

// allowed applies one name form's subtrees: when any are permitted, one must
// match; none of the excluded may.
func allowed(restricted bool, perm func(int) bool, np int, excl func(int) bool, nx int) bool {
	for i := 0; i < nx; i++ {
		if excl(i) {
			return false
		}
	}
	if !restricted {
		return true
	}
	for i := 0; i < np; i++ {
		if perm(i) {
			return true
		}
	}
	return false
}

// dirMatch: the constraint's RDNs are a prefix of the subject's.
func dirMatch(constraint, subject []string) bool {
	if len(constraint) > len(subject) {
		return false
	}
	for i := range constraint {
		if constraint[i] != subject[i] {
			return false
		}
	}
	return true
}

// dnsMatch: name is the constraint or a subdomain of it; a leading dot
// (a common extension) means subdomains only.
func dnsMatch(constraint, name string) bool {
	constraint = strings.ToLower(strings.TrimSuffix(constraint, "."))
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if constraint == "" {
		return true
	}
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(name, constraint) && len(name) > len(constraint)
	}
	return name == constraint || strings.HasSuffix(name, "."+constraint)
}

// emailMatch: a mailbox constraint matches exactly, a host constraint
// matches mailboxes on that host, ".domain" matches hosts below it.
func emailMatch(constraint, email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	local, host := email[:at], strings.ToLower(email[at+1:])
	if i := strings.LastIndexByte(constraint, '@'); i >= 0 {
		return constraint[:i] == local && strings.EqualFold(constraint[i+1:], host)
	}
	constraint = strings.ToLower(constraint)
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(host, constraint) && len(host) > len(constraint)
	}
	return host == constraint
}

// uriMatch applies a constraint to the URI's host (RFC 5280 §4.2.1.10).
func uriMatch(constraint string, u *url.URL) bool {
	host := u.Hostname()
	if host == "" || net.ParseIP(host) != nil {
		return false
	}
	host = strings.ToLower(host)
	constraint = strings.ToLower(constraint)
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(host, constraint) && len(host) > len(constraint)
	}
	return host == constraint
}

// ipMatch: same address family and inside the range.
func ipMatch(n *net.IPNet, ip net.IP) bool {
	if v4 := ip.To4(); v4 != nil && len(n.IP) == net.IPv4len {
		return n.Contains(v4)
	}
	if len(n.IP) == net.IPv6len && ip.To4() == nil {
		return n.Contains(ip)
	}
	return false
}

// System trust store locations, as crypto/x509 reads them on Unix.
var (
	systemRootFiles = []string{
		"/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/ca-bundle.pem",
		"/etc/pki/tls/cacert.pem",
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
		"/etc/ssl/cert.pem",
	}
	systemRootDirs = []string{"/etc/ssl/certs", "/etc/pki/tls/certs"}

	systemOnce  sync.Once
	systemRoots []*x509.Certificate
	systemErr   error
)

// SystemRoots loads the system trust store once: $SSL_CERT_FILE or the first
// bundle found among the usual files, plus $SSL_CERT_DIR or the usual
// directories. It is the one place this package reads files.
func SystemRoots() ([]*x509.Certificate, error) {
	systemOnce.Do(func() {
		systemRoots, systemErr = readSystemRoots()
	})
	return systemRoots, systemErr
}

// readSystemRoots does the reading for SystemRoots.
func readSystemRoots() ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	seen := map[string]bool{}
	add := func(data []byte) {
		for len(data) > 0 {
			var blk *pem.Block
			blk, data = pem.Decode(data)
			if blk == nil {
				return
			}
			if blk.Type != "CERTIFICATE" || len(blk.Headers) != 0 {
				continue
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil || seen[string(c.Raw)] {
				continue
			}
			seen[string(c.Raw)] = true
			out = append(out, c)
		}
	}
	files := systemRootFiles
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		files = []string{f}
	}
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			add(data)
			break
		}
	}
	dirs := systemRootDirs
	if d := os.Getenv("SSL_CERT_DIR"); d != "" {
		dirs = filepath.SplitList(d)
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			if data, err := os.ReadFile(filepath.Join(d, e.Name())); err == nil {
				add(data)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("handshake: no system root certificates found")
	}
	return out, nil
}
