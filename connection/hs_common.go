// Handshake data and helpers shared by the client and server flows.
package connection

import (
	"crypto/ecdh"
	"crypto/subtle"
	"crypto/x509"
	"io"
	"time"

	"github.com/erlang-ssl-go/ssl/crl_cache"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
	"github.com/erlang-ssl-go/ssl/statem"
)

// hsState lives only for the handshake; it is dropped (with its secrets)
// when the connection is established.
type hsState struct {
	transcript    handshake.Transcript
	clientRandom  [32]byte
	serverRandom  [32]byte
	clientHello   *handshake.ClientHello
	ems           bool
	ecdhe         *ecdh.PrivateKey
	curve         handshake.CurveID
	peerLeaf      *x509.Certificate
	ske           *handshake.ECDHEParams
	skeSeen       bool                       // client: a ServerKeyExchange arrived
	dh            *handshake.DHKey           // server: our ephemeral DH key
	dhPeer        *handshake.DHEParams       // client: the server's DH group and value
	srp           *handshake.SRPServer       // server: this exchange's SRP state
	srpParams     *handshake.SRPServerParams // client: N, g, s, B
	pskHint       string                     // client: the server's identity hint
	certReq       *handshake.CertificateRequest
	sentCert      bool // client: a non-empty Certificate was sent
	clientCert    bool // server: the client sent a non-empty Certificate
	clientCertMsg bool // server: the client sent a Certificate message
	serverWrite   record.Cipher
	readCipher    record.Cipher
	gotCCS        bool
	flight        []flightItem
}

func newHSState() *hsState { return &hsState{} }

// queue adds a handshake message to the current flight and the transcript.
func (c *conn) queue(m handshake.Message) {
	raw := m.Marshal()
	c.hs.transcript.Write(raw)
	c.hs.flight = append(c.hs.flight, flightItem{typ: record.TypeHandshake, data: raw})
}

// queueCCS adds ChangeCipherSpec; records after it use the new write cipher.
func (c *conn) queueCCS(w record.Cipher) {
	c.hs.flight = append(c.hs.flight, flightItem{typ: record.TypeChangeCipherSpec, data: []byte{1}, cipher: w})
}

// setWriteVersion makes the records after this point carry version v.
func (c *conn) setWriteVersion(v record.Version) {
	c.hs.flight = append(c.hs.flight, flightItem{version: v})
}

// flush hands the flight to the writer as one job (one transport write).
func (c *conn) flush() {
	items := c.hs.flight
	c.hs.flight = nil
	out := c.out
	c.writer.Do(func(w io.Writer) error { return out.writeFlight(w, items) })
}

// record reads and transcript: every received handshake message joins
// the transcript when its state function accepts it.
func (c *conn) accept(m handshake.Message) {
	c.hs.transcript.Write(m.Raw())
}

func unexpected(what string) error {
	return record.Fatal(record.AlertUnexpectedMessage, what)
}

// deriveKeys computes the master secret from the premaster and builds the
// record ciphers for both directions.
func (c *conn) deriveKeys(premaster []byte) (clientW, serverW record.Cipher, err error) {
	hs := c.hs
	if hs.ems {
		// RFC 7627 §4: the session hash covers up to ClientKeyExchange.
		c.masterSecret = handshake.ExtendedMasterSecret(c.suite, c.version, premaster, hs.transcript.Sum(c.suite, c.version))
	} else {
		c.masterSecret = handshake.MasterSecret(c.suite, c.version, premaster, hs.clientRandom[:], hs.serverRandom[:])
	}
	clear(premaster)
	kb := handshake.DeriveKeys(c.suite, c.version, c.masterSecret, hs.clientRandom[:], hs.serverRandom[:])
	return c.suite.NewCiphers(kb, c.version)
}

// finished computes our (or the peer's) Finished verify_data over the
// transcript so far.
func (c *conn) finished(client bool) []byte {
	return c.hs.transcript.Finished(c.suite, c.version, c.masterSecret, client)
}

// StateValidate is certify while the peer's chain is being validated off
// the actor: with crl_check, validation may fetch CRLs over the network,
// and the actor must never block. Handshake messages arriving meanwhile
// are postponed and replayed on the way back to certify.
const StateValidate statem.State = "certify_validating"

// validated is the result of an off-actor validation.
type validated struct {
	leaf  *x509.Certificate
	chain [][]byte
	err   error
}

func (*validated) IgnoreDeadLetterLogging() {}

// validateAsync starts validation in a goroutine when it may block (a CRL
// check may fetch over HTTP) and reports whether it did; validatePeer
// reads only the immutable Config, so it is safe off the actor.
func (c *conn) validateAsync(chain [][]byte, role handshake.CertRole) bool {
	if c.cfg.CRLCheck == handshake.CRLCheckOff {
		return false
	}
	env := c.env
	go func() {
		leaf, err := c.validatePeer(chain, role)
		env.Post(&validated{leaf: leaf, chain: chain, err: err})
	}()
	return true
}

// onValidated finishes an off-actor validation and goes back to certify,
// where the postponed handshake messages are replayed.
func (c *conn) onValidated(state statem.State, v *validated) statem.Result {
	if state != StateValidate || c.hs == nil {
		return statem.Keep()
	}
	var err error
	if c.cfg.Role == Client {
		err = c.serverCertValidated(v.leaf, v.chain, v.err)
	} else {
		err = c.clientCertValidated(v.leaf, v.chain, v.err)
	}
	if err != nil {
		return c.fail(state, err)
	}
	return statem.Next(StateCertify)
}

// validatePeer runs path validation for the peer's chain per our options.
func (c *conn) validatePeer(chain [][]byte, role handshake.CertRole) (*x509.Certificate, error) {
	if len(chain) == 0 {
		return nil, record.Fatal(record.AlertBadCertificate, "empty certificate chain")
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return nil, record.Fatal(record.AlertBadCertificate, "unparsable peer certificate")
	}
	fun := c.cfg.VerifyFun
	if fun == nil {
		if c.cfg.Verify == VerifyPeer {
			fun = handshake.DefaultVerifyPeerFun()
		} else {
			fun = handshake.DefaultVerifyNoneFun()
		}
	}
	now := c.now()
	opts := &handshake.PathOptions{
		Roots:        c.cfg.Roots,
		Now:          now,
		Depth:        c.cfg.Depth,
		Hostname:     c.cfg.VerifyHostname,
		Role:         role,
		VerifyFun:    fun,
		UserState:    c.cfg.VerifyState,
		PartialChain: c.cfg.PartialChain,
		Profile:      c.cfg.Profile,
	}
	if c.cfg.Role == Server {
		opts.Hostname = ""
	}
	// crl_check: without a cache every status is undetermined.
	opts.CRLCheck = c.cfg.CRLCheck
	if c.cfg.CRLCheck != handshake.CRLCheckOff && c.cfg.CRLCache != nil {
		opts.CRLs = crlcache.Source(c.cfg.CRLCache, func() time.Time { return now })
	}
	if _, err := handshake.ValidatePath(chain, opts); err != nil {
		return nil, err
	}
	return leaf, nil
}

// peerCipher is the cipher state for both roles: the peer's
// ChangeCipherSpec turns its keys on for reading, then its Finished must
// verify over the transcript (RFC 5246 §7.4.9). done reports a verified
// Finished.
func (c *conn) peerCipher(ev any) (done bool, err error) {
	hs := c.hs
	switch m := ev.(type) {
	case changeCipherSpec:
		if hs.gotCCS {
			return false, unexpected("duplicate change_cipher_spec")
		}
		hs.gotCCS = true
		c.in.SetCipher(hs.readCipher)
		hs.readCipher = nil
		return false, nil
	case *handshake.Finished:
		if !hs.gotCCS {
			return false, unexpected("finished before change_cipher_spec")
		}
		peerIsClient := c.cfg.Role == Server
		if subtle.ConstantTimeCompare(c.finished(peerIsClient), m.VerifyData) != 1 {
			return false, record.Fatal(record.AlertDecryptError, "peer finished does not verify")
		}
		c.accept(m)
		return true, nil
	}
	return false, unexpected("expected change_cipher_spec or finished")
}
