// sender: the write half of a connection. It is touched only from jobs run
// by the socket's actor.Writer, which serializes them, so it needs no lock.
package connection

import (
	"encoding/binary"
	"errors"
	"io"
	"sync/atomic"

	"github.com/erlang-ssl-go/ssl/record"
)

// sendChunk bounds how much plaintext is sealed per transport write, so a
// huge Send does not allocate a huge buffer.
const sendChunk = 4 * record.MaxPlaintext

type sender struct {
	hc       record.HalfConn
	buf      []byte
	shutdown bool // close_notify or a fatal alert sent: no more records
	// packet mirrors the packet option for Send, which does not go through
	// the actor: {packet, 1|2|4} prefixes each send with its length.
	packet atomic.Int32
}

// frame adds the {packet, N} length prefix to data (Erlang's
// encode_packet); a payload too long for the prefix is refused.
func (o *sender) frame(data []byte) ([]byte, error) {
	h := int(o.packet.Load())
	switch Packet(h) {
	case Packet1, Packet2, Packet4:
	default:
		return data, nil
	}
	if h < 4 && len(data) >= 1<<(8*h) || uint64(len(data)) > 0xffffffff {
		return nil, ErrPacketTooLarge
	}
	out := make([]byte, h, h+len(data))
	switch h {
	case 1:
		out[0] = byte(len(data))
	case 2:
		binary.BigEndian.PutUint16(out, uint16(len(data)))
	case 4:
		binary.BigEndian.PutUint32(out, uint32(len(data)))
	}
	return append(out, data...), nil
}

// flightItem is one thing to write in a flight: a record payload, or a key
// change that takes effect for the items after it.
type flightItem struct {
	typ     record.ContentType
	data    []byte
	cipher  record.Cipher // non-nil: switch write cipher after this item
	version record.Version
}

// writeFlight seals a whole flight into one buffer and writes it with one
// call, so a handshake flight costs one syscall.
func (o *sender) writeFlight(w io.Writer, items []flightItem) error {
	buf := o.buf[:0]
	var err error
	for _, it := range items {
		if it.version != 0 {
			o.hc.Version = it.version
		}
		if it.data != nil {
			// Handshake messages may exceed one record: SealAll fragments.
			buf, err = o.hc.SealAll(buf, it.typ, it.data)
			if err != nil {
				return err
			}
		}
		if it.cipher != nil {
			o.hc.SetCipher(it.cipher)
		}
	}
	if len(buf) > 0 {
		_, err = w.Write(buf)
	}
	o.keep(buf)
	return err
}

// keep retains a buffer for reuse unless it grew unusually large.
func (o *sender) keep(buf []byte) {
	if cap(buf) <= 2*sendChunk+4096 {
		o.buf = buf[:0]
	} else {
		o.buf = nil
	}
}

func (o *sender) send(wr interface {
	DoSync(func(io.Writer) error) error
}, data []byte) error {
	data, err := o.frame(data)
	if err != nil {
		return err
	}
	// After close_notify a send is {error, closed} for the caller only: it
	// must not become the writer's sticky error, which ends the connection
	// (and we may still be receiving after Shutdown(write)).
	closed := false
	err = wr.DoSync(func(w io.Writer) error {
		if o.shutdown {
			closed = true
			return nil
		}
		for len(data) > 0 {
			n := len(data)
			if n > sendChunk {
				n = sendChunk
			}
			buf, err := o.hc.SealAll(o.buf[:0], record.TypeApplicationData, data[:n])
			if err != nil {
				return err
			}
			_, err = w.Write(buf)
			o.keep(buf)
			if err != nil {
				return err
			}
			data = data[n:]
		}
		return nil
	})
	if err == nil && closed {
		return ErrClosed
	}
	if err != nil && !errors.Is(err, ErrClosed) {
		var ae *record.AlertError
		if errors.As(err, &ae) && ae != nil {
			return err
		}
		return ErrClosed
	}
	return err
}
