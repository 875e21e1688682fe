// This file holds the Reassembler, which turns handshake record fragments
// into whole handshake messages (RFC 5246 §6.2.1).
package handshake

import "github.com/erlang-ssl-go/ssl/record"

// reassemblerKeepCap is the largest buffer kept for reuse once drained; a
// buffer grown for a long certificate chain is released instead.
const reassemblerKeepCap = 64 << 10

// Reassembler collects handshake record fragments and yields whole messages:
// a message may be split across records and several may share one record
// (RFC 5246 §6.2.1). Call Next until it reports !ok after every Feed. The
// zero value is ready to use. Errors are sticky until Reset.
type Reassembler struct {
	buf []byte // buf[off:] holds bytes not yet returned by Next
	off int
	err *record.AlertError
}

// Feed appends one handshake record's payload. It copies the fragment, so
// the caller may reuse it at once. An empty fragment is unexpected_message
// (RFC 5246 §6.2.1 forbids zero-length handshake fragments); a message whose
// declared length exceeds MaxHandshakeMsgLen is decode_error.
func (r *Reassembler) Feed(fragment []byte) *record.AlertError {
	if r.err != nil {
		return r.err
	}
	if len(fragment) == 0 {
		r.err = record.Fatal(record.AlertUnexpectedMessage, "empty handshake fragment")
		return r.err
	}
	if r.off > 0 {
		n := copy(r.buf, r.buf[r.off:])
		r.buf = r.buf[:n]
		r.off = 0
	}
	r.buf = append(r.buf, fragment...)
	_, err := r.nextLen()
	return err
}

// nextLen returns the total length (header included) of the message at the
// front of the buffer, or -1 when its header is incomplete.
func (r *Reassembler) nextLen() (int, *record.AlertError) {
	avail := r.buf[r.off:]
	if len(avail) < msgHeaderLen {
		return -1, nil
	}
	n := int(avail[1])<<16 | int(avail[2])<<8 | int(avail[3])
	if n > MaxHandshakeMsgLen {
		r.err = msgDecodeErr("handshake message longer than the limit")
		return -1, r.err
	}
	return msgHeaderLen + n, nil
}

// Next returns the next whole message, header included, with ok true; ok is
// false when no whole message is buffered yet. The returned slice aliases
// the Reassembler's buffer and stays valid only until the next Feed or Reset
// (ParseMessage copies what it keeps).
func (r *Reassembler) Next() (raw []byte, ok bool, err *record.AlertError) {
	if r.err != nil {
		return nil, false, r.err
	}
	n, err := r.nextLen()
	if err != nil || n < 0 || len(r.buf)-r.off < n {
		return nil, false, err
	}
	raw = r.buf[r.off : r.off+n : r.off+n]
	r.off += n
	if r.off == len(r.buf) {
		// Drained: the next Feed starts at the front (raw stays valid until then).
		if cap(r.buf) > reassemblerKeepCap {
			r.buf = nil
		} else {
			r.buf = r.buf[:0]
		}
		r.off = 0
	}
	return raw, true, nil
}

// Pending reports whether bytes are buffered that Next has not returned: a
// partial message, or whole ones not yet taken. Records of another content
// type, such as ChangeCipherSpec, must not arrive while it is true.
func (r *Reassembler) Pending() bool { return len(r.buf) > r.off }

// Reset drops everything buffered and clears a sticky error.
func (r *Reassembler) Reset() {
	r.buf = r.buf[:0]
	r.off = 0
	r.err = nil
}
