// HalfConn: one direction of a connection's record layer (version, sequence
// number, cipher), sealing and opening whole records.
package record

import (
	"crypto/rand"
	"io"
	"math"
)

// Errors from Seal. They are *AlertError values (internal_error) so that
// the connection's error-to-alert mapping needs no special case; compare
// with errors.Is.
var (
	ErrSeqExhausted  = Fatal(AlertInternalError, "record sequence number exhausted")
	ErrFragmentLarge = Fatal(AlertInternalError, "fragment longer than 2^14")
	ErrEmptyFragment = Fatal(AlertInternalError, "empty fragment of a type other than application data")
)

// HalfConn is one direction of a connection: protocol version, sequence
// number and cipher (RFC 5246 §6.1). The zero value sends and accepts
// plaintext records. A HalfConn is not safe for concurrent use.
type HalfConn struct {
	// Version is written into the header of sealed records; zero means
	// TLS 1.0 (0x0301), the usual record version of a first ClientHello.
	Version Version
	// Rand supplies explicit CBC IVs; nil means crypto/rand.
	Rand io.Reader

	cipher         Cipher
	seq            uint64
	seqDone        bool        // seq math.MaxUint64 has been used
	noPaddingCheck bool        // TLS 1.0 padding_check=false
	err            *AlertError // sticky: the first Open failure
}

// SetCipher installs c for the records that follow a ChangeCipherSpec and
// resets the sequence number to zero (RFC 5246 §6.1). nil returns to
// plaintext.
func (h *HalfConn) SetCipher(c Cipher) {
	h.cipher = c
	h.seq = 0
	h.seqDone = false
}

// Cipher returns the installed cipher, nil when records are plaintext.
func (h *HalfConn) Cipher() Cipher { return h.cipher }

// Encrypted reports whether a cipher is installed.
func (h *HalfConn) Encrypted() bool { return h.cipher != nil }

// Seq returns the sequence number of the next record.
func (h *HalfConn) Seq() uint64 { return h.seq }

// SetPaddingCheck turns the check of CBC padding bytes on or off. Off is
// Erlang's legacy padding_check=false for TLS 1.0 peers that send garbage
// padding (the POODLE-for-TLS risk is the user's choice); it has no effect
// on other versions. The default is on.
func (h *HalfConn) SetPaddingCheck(on bool) { h.noPaddingCheck = !on }

// Overhead returns the largest number of bytes that one sealed record adds
// to its payload: header plus protection.
func (h *HalfConn) Overhead() int {
	if h.cipher == nil {
		return HeaderLen
	}
	return HeaderLen + h.cipher.Overhead()
}

// Err returns the sticky error of the first failed Open, or nil.
func (h *HalfConn) Err() *AlertError { return h.err }

func (h *HalfConn) nextSeq() (uint64, bool) {
	if h.seqDone {
		return 0, false
	}
	s := h.seq
	if s == math.MaxUint64 {
		// RFC 5246 §6.1: sequence numbers must not wrap.
		h.seqDone = true
	} else {
		h.seq++
	}
	return s, true
}

func (h *HalfConn) wireVersion() Version {
	if h.Version == 0 {
		return VersionTLS10
	}
	return h.Version
}

// Seal appends one complete record of type typ carrying payload (header and
// protected fragment) to dst and returns the extended slice. It allocates
// nothing when dst has room for len(payload)+h.Overhead() more bytes. The
// payload must not overlap dst's spare capacity, except that it may sit
// exactly where the plaintext goes (dst[len(dst)+HeaderLen+explicit nonce:])
// for a copy-free seal. It fails for payloads over MaxPlaintext, empty
// non-application-data payloads (RFC 5246 §6.2.1) and when the sequence
// number is exhausted; the HalfConn is then unchanged.
func (h *HalfConn) Seal(dst []byte, typ ContentType, payload []byte) ([]byte, error) {
	if len(payload) > MaxPlaintext {
		return dst, ErrFragmentLarge
	}
	if len(payload) == 0 && typ != TypeApplicationData {
		return dst, ErrEmptyFragment
	}
	if h.seqDone {
		return dst, ErrSeqExhausted
	}
	start := len(dst)
	dst = grow(dst, HeaderLen+len(payload)+h.overheadNoHdr())
	v := h.wireVersion()
	rec := append(dst[start:], byte(typ), byte(v>>8), byte(v), 0, 0)
	if h.cipher == nil {
		rec = append(rec, payload...)
	} else {
		rnd := h.Rand
		if rnd == nil {
			rnd = rand.Reader
		}
		var err error
		if rec, err = h.cipher.seal(rec, h.seq, payload, rnd); err != nil {
			return dst[:start], err
		}
	}
	n := len(rec) - HeaderLen
	rec[3], rec[4] = byte(n>>8), byte(n)
	h.nextSeq()
	return dst[:start+len(rec)], nil
}

func (h *HalfConn) overheadNoHdr() int {
	if h.cipher == nil {
		return 0
	}
	return h.cipher.Overhead()
}

// grow makes sure dst has capacity for n more bytes, keeping its length.
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	nb := make([]byte, len(dst), len(dst)+n+len(dst)/4)
	copy(nb, dst)
	return nb
}

// SealAll appends data as a run of records of type typ, each at most
// MaxPlaintext bytes, for bulk sends. Empty data appends nothing. For TLS
// 1.0 with a CBC cipher, application data is split 1/n-1 (the first record
// carries one byte) so that the chained IV is unpredictable to a BEAST
// attacker (CVE-2011-3389). On error dst holds the records sealed so far.
func (h *HalfConn) SealAll(dst []byte, typ ContentType, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return dst, nil
	}
	// The split matters where the IV is chained, i.e. TLS 1.0 CBC.
	cbc, isCBC := h.cipher.(*cbcCipher)
	split := typ == TypeApplicationData && isCBC && !cbc.explicit && len(data) > 1
	nrec := (len(data) + MaxPlaintext - 1) / MaxPlaintext
	if split {
		nrec++
	}
	dst = grow(dst, len(data)+nrec*h.Overhead())
	var err error
	if split {
		if dst, err = h.Seal(dst, typ, data[:1]); err != nil {
			return dst, err
		}
		data = data[1:]
	}
	for len(data) > 0 {
		n := min(len(data), MaxPlaintext)
		if dst, err = h.Seal(dst, typ, data[:n]); err != nil {
			return dst, err
		}
		data = data[n:]
	}
	return dst, nil
}

// Open checks and decrypts one record in place. rec is the header and the
// fragment, as returned by ReadRecord; the returned plaintext aliases rec.
// The header is checked with ParseHeader and the fragment length must match
// it (decode_error otherwise). Integrity failures of every kind are
// bad_record_mac; a plaintext over MaxPlaintext is record_overflow; an
// empty fragment is accepted only for application data (RFC 5246 §6.2.1),
// else unexpected_message. After a failure the HalfConn is unusable: every
// later Open returns the same error.
func (h *HalfConn) Open(rec []byte) (typ ContentType, plaintext []byte, err *AlertError) {
	if h.err != nil {
		return 0, nil, h.err
	}
	typ, plaintext, err = h.open(rec)
	if err != nil {
		h.err = err
		return 0, nil, err
	}
	return typ, plaintext, nil
}

func (h *HalfConn) open(rec []byte) (ContentType, []byte, *AlertError) {
	typ, _, n, err := ParseHeader(rec)
	if err != nil {
		return 0, nil, err
	}
	if len(rec)-HeaderLen != n {
		return 0, nil, Fatal(AlertDecodeError, "record length does not match its header")
	}
	seq, ok := h.nextSeq()
	if !ok {
		return 0, nil, Fatal(AlertInternalError, "record sequence number exhausted")
	}
	var pt []byte
	if h.cipher == nil {
		pt = rec[HeaderLen:]
		if len(pt) > MaxPlaintext {
			return 0, nil, Fatal(AlertRecordOverflow, "plaintext longer than 2^14")
		}
	} else {
		pt, err = h.cipher.open(rec, seq, openOptions{noPaddingCheck: h.noPaddingCheck})
		if err != nil {
			return 0, nil, err
		}
	}
	if len(pt) == 0 && typ != TypeApplicationData {
		return 0, nil, Fatal(AlertUnexpectedMessage, "empty fragment of a type other than application data")
	}
	return typ, pt, nil
}
